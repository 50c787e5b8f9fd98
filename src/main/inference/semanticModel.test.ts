import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { ColorizerModel } from './colorizerModel'
import { readModelFolder } from '../models/modelRegistry'
import { maxAbsDiff } from '../../../tests/fixtures/arrays'
import { backboneRoots } from '../models/backbones'

const REPO = resolve(import.meta.dirname, '../../..')
const PYTHON = process.env.KOALARIZE_PYTHON ?? '/usr/bin/python3'
const BUILT = backboneRoots().some((root) => existsSync(join(root, 'nanodet-g', 'backbone.json')))
// CI builds the backbone first and sets this, so a missing backbone fails there instead of skipping.
const REQUIRED = process.env.KOALARIZE_REQUIRE_BACKBONE === '1'

// A half-width model with the spatial semantics and random weights (the fusion's semantic columns too, so they
// matter), exported by the trainer; PyTorch's output for one luminance plane is the reference for the app's chain
// backbone.onnx (built from the npm package) -> colorizer.onnx.
const EXPORT_WITH_REFERENCE = `
import json, sys, torch
from trainer.model import Koalarization, ModelConfig
from trainer.export import export_onnx, model_card
torch.manual_seed(0)
model = Koalarization(ModelConfig(width=0.5, semantics="spatial")).eval()
out = sys.argv[1]
export_onnx(model, out)
json.dump(model_card(model, {"config": {"name": "parity"}}, "semantic-parity", "Semantic parity", {}), open(out + "/model.json", "w"))
g = torch.Generator().manual_seed(1)
l = torch.rand(1, 1, 96, 160, generator=g) * 2 - 1
with torch.no_grad():
    emb = model.embed(l)
    ab = model.colorizer(l, emb, *model.semantic_features(l))
    plain = model.colorizer(l, emb, *(torch.zeros_like(t) for t in model.semantic_features(l)))
json.dump({"l": l.flatten().tolist(), "embedding": emb.flatten().tolist(), "ab": ab.flatten().tolist(),
           "withoutSemantics": plain.flatten().tolist()}, open(out + "/reference.json", "w"))
`

interface Reference {
  l: number[]
  embedding: number[]
  ab: number[]
  withoutSemantics: number[]
}


describe.skipIf(!BUILT && !REQUIRED)('a model with semantics: backbone.onnx then colorizer.onnx in onnxruntime-node', () => {
  let dir: string
  let reference: Reference
  let model: ColorizerModel

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'koalarize-semantic-'))
    await promisify(execFile)(PYTHON, ['-c', EXPORT_WITH_REFERENCE, dir], { cwd: REPO })
    reference = JSON.parse(await readFile(join(dir, 'reference.json'), 'utf8')) as Reference
    model = await ColorizerModel.load(await readModelFolder(dir, 'user'), { provider: 'cpu' })
  }, 240_000)

  afterAll(async () => {
    await model?.release()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('names the backbone, its licence and its inputs in the card, and keeps its weights out of the folder', () => {
    expect(model.card.backbone).toMatchObject({ id: 'nanodet-g', inputs: ['pan8', 'pooled'], license: 'Apache-2.0' })
    expect(model.card.colorizer.spatialMultiple).toBe(32)
    expect(existsSync(join(dir, 'backbone.onnx'))).toBe(false)
  })

  it('matches PyTorch end to end, and the semantic features change the result', async () => {
    const ab = await model.predictAb({ width: 160, height: 96, data: Float32Array.from(reference.l) }, Float32Array.from(reference.embedding))
    expect(ab.length).toBe(2 * 96 * 160)
    // Random weights give small outputs: the semantic part is ~1e-3 of them, ORT vs PyTorch differs by ~1e-6.
    expect(maxAbsDiff(ab, reference.ab)).toBeLessThan(2e-5)
    expect(maxAbsDiff(reference.ab, reference.withoutSemantics)).toBeGreaterThan(2e-4)
  })

  it('rejects a working size that is not a multiple of 32', async () => {
    await expect(model.predictAb({ width: 168, height: 96, data: new Float32Array(168 * 96) }, new Float32Array(256))).rejects.toThrow(/multiple of 32/)
  })
})
