import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { ColorizerModel } from './colorizerModel'
import { readModelFolder } from '../models/modelRegistry'
import { maxAbsDiff } from '../../../tests/fixtures/arrays'

const REPO = resolve(import.meta.dirname, '../../..')
const PYTHON = process.env.KOALARIZE_PYTHON ?? '/usr/bin/python3'

// Builds the paper-width network with random weights (and the training-only batch norm, with random
// statistics, which export must fold into the convolutions), exports it with the trainer's exporter and
// records PyTorch's outputs for fixed inputs, so onnxruntime-node can be checked against them.
const EXPORT_WITH_REFERENCE = `
import json, sys, torch
from trainer.model import Koalarization, ModelConfig
from trainer.export import export_onnx, model_card
torch.manual_seed(0)
model = Koalarization(ModelConfig(extractor_input_size=64, embedding_width=32, batch_norm=True)).eval()
for layer in model.colorizer.modules():
    if isinstance(layer, torch.nn.BatchNorm2d):
        layer.running_mean.uniform_(-0.2, 0.2); layer.running_var.uniform_(0.5, 2.0); layer.weight.data.uniform_(0.5, 1.5)
out = sys.argv[1]
export_onnx(model, out)
json.dump(model_card(model, {"config": {"name": "parity"}}, "parity", "Parity test", {}), open(out + "/model.json", "w"))
export_onnx(model, out + "/fp16", fp16_storage=True)
json.dump(model_card(model, {"config": {"name": "parity"}}, "parity16", "Parity test fp16", {}), open(out + "/fp16/model.json", "w"))
g = torch.Generator().manual_seed(1)
l_ext = torch.rand(1, 1, 64, 64, generator=g) * 2 - 1
l = torch.rand(1, 1, 48, 72, generator=g) * 2 - 1
with torch.no_grad():
    emb = model.extractor(l_ext)
    ab = model.colorizer(l, emb * 20)
json.dump({"lExt": l_ext.flatten().tolist(), "l": l.flatten().tolist(), "embedding": emb.flatten().tolist(),
           "ab": ab.flatten().tolist()}, open(out + "/reference.json", "w"))
`

interface Reference {
  lExt: number[]
  l: number[]
  embedding: number[]
  ab: number[]
}


describe('exported ONNX model in onnxruntime-node', () => {
  let dir: string
  let reference: Reference
  let model: ColorizerModel

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'koalarize-parity-'))
    await promisify(execFile)(PYTHON, ['-c', EXPORT_WITH_REFERENCE, dir], { cwd: REPO })
    reference = JSON.parse(await readFile(join(dir, 'reference.json'), 'utf8')) as Reference
    model = await ColorizerModel.load(await readModelFolder(dir, 'user'), { provider: 'cpu' })
  }, 180_000)

  afterAll(async () => {
    await model?.release()
    await rm(dir, { recursive: true, force: true })
  })

  it('matches PyTorch on the extractor', async () => {
    const embedding = await model.embed({ width: 64, height: 64, data: Float32Array.from(reference.lExt) })
    expect(embedding.length).toBe(32)
    expect(maxAbsDiff(embedding, reference.embedding)).toBeLessThan(1e-4)
  })

  it('matches PyTorch on the colorizer at a non-square size', async () => {
    const embedding = Float32Array.from(reference.embedding, (value) => value * 20)
    const ab = await model.predictAb({ width: 72, height: 48, data: Float32Array.from(reference.l) }, embedding)
    expect(ab.length).toBe(2 * 48 * 72)
    expect(maxAbsDiff(ab, reference.ab)).toBeLessThan(1e-4)
    expect(maxAbsDiff(ab, new Float32Array(ab.length))).toBeGreaterThan(1e-3) // not trivially zero
  })

  it('stores weights as fp16 at half the size with outputs within fp16 rounding', async () => {
    const { statSync } = await import('node:fs')
    expect(statSync(join(dir, 'fp16', 'colorizer.onnx')).size).toBeLessThan(statSync(join(dir, 'colorizer.onnx')).size * 0.55)
    const half = await ColorizerModel.load(await readModelFolder(join(dir, 'fp16'), 'user'), { provider: 'cpu' })
    try {
      const embedding = Float32Array.from(reference.embedding, (value) => value * 20)
      const ab = await half.predictAb({ width: 72, height: 48, data: Float32Array.from(reference.l) }, embedding)
      expect(maxAbsDiff(ab, reference.ab)).toBeLessThan(2e-3)
    } finally {
      await half.release()
    }
  })

  it('rejects a working size that is not a multiple of 8', async () => {
    await expect(model.predictAb({ width: 70, height: 48, data: new Float32Array(70 * 48) }, new Float32Array(32))).rejects.toThrow(/multiple of 8/)
  })

  it('reports the provider it runs on', () => {
    expect(model.provider).toBe('cpu')
  })
})
