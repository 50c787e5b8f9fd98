import { createHash } from 'node:crypto'
import { link, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { writeGreyPng } from '../../../tests/fixtures/photos'
import { joinChromaInThread } from '../imaging/joinChromaThreads'
import { ColorizerModel } from '../inference/colorizerModel'
import { ModelRegistry } from '../models/modelRegistry'
import { BUNDLED_MODELS_DIR } from '../models/paths'
import { colorizeBatch, inferenceThreads, NOT_OURS, OVERWRITES_INPUT } from './colorizeBatch'

vi.mock('../imaging/joinChromaThreads', async (importOriginal) => {
  const original = await importOriginal<typeof import('../imaging/joinChromaThreads')>()
  return { ...original, joinChromaInThread: vi.fn(original.joinChromaInThread) }
})

// Issue 14, item 2: `koalarize colorize IN OUT --recolor --overwrite` with OUT a symbolic link to IN
// overwrote the inputs. Inputs and outputs are now compared by real path and inode.

let dir: string
let input: string
let model: ColorizerModel
const options = { workingSize: 64, intensity: 1, recolor: true, overwrite: true }

const hashes = async (folder: string) => {
  const names = (await readdir(folder)).filter((name) => name.endsWith('.png')).sort()
  return Promise.all(names.map(async (name) => [name, createHash('sha256').update(await readFile(join(folder, name))).digest('hex')]))
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'koalarize-batch-'))
  input = join(dir, 'scans')
  await mkdir(input)
  await writeGreyPng(join(input, 'a.png'))
  await writeGreyPng(join(input, 'b.png'), 64, 48)
  model = await ColorizerModel.load(await new ModelRegistry([{ dir: BUNDLED_MODELS_DIR, origin: 'bundled' }]).resolve('default'), { provider: 'cpu', threads: 1 })
}, 120_000)

afterAll(async () => {
  await model?.release()
  await rm(dir, { recursive: true, force: true })
})

describe('colorizeBatch never writes an input', () => {
  it('refuses every output when the output folder is a symbolic link to the input folder, with --recolor --overwrite', async () => {
    const before = await hashes(input)
    const out = join(dir, 'out-link')
    await symlink(input, out)
    const result = await colorizeBatch(model, input, out, options)
    expect(result.written).toEqual([])
    expect(result.failed.map((f) => f.reason)).toEqual([OVERWRITES_INPUT, OVERWRITES_INPUT])
    expect(await hashes(input)).toEqual(before)
    expect((await readdir(input)).sort()).toEqual(['a.png', 'b.png'])
  })

  it('refuses an output that is a hard link or a symbolic link to an input', async () => {
    const before = await hashes(input)
    const out = join(dir, 'out-links')
    await mkdir(out)
    await link(join(input, 'a.png'), join(out, 'a.png'))
    await symlink(join(input, 'b.png'), join(out, 'b.png'))
    const result = await colorizeBatch(model, input, out, options)
    expect(result.failed.map((f) => f.reason)).toEqual([OVERWRITES_INPUT, OVERWRITES_INPUT])
    expect(await hashes(input)).toEqual(before)
  })

  it('still writes into an ordinary output folder', async () => {
    const before = await hashes(input)
    const out = join(dir, 'out')
    const result = await colorizeBatch(model, input, out, options)
    expect(result.failed).toEqual([])
    expect(result.written).toHaveLength(2)
    expect((await readdir(out)).sort()).toEqual(['a.png', 'b.png'])
    expect(await hashes(input)).toEqual(before)
  }, 60_000)

  it('with --overwrite replaces its own earlier outputs but never another file of the user', async () => {
    const out = join(dir, 'out-overwrite')
    expect((await colorizeBatch(model, input, out, options)).written).toHaveLength(2)
    await writeFile(join(out, 'b.png'), 'a file of the user that happens to have this name')
    const result = await colorizeBatch(model, input, out, options)
    expect(result.written.map((report) => report.output)).toEqual([join(out, 'a.png')])
    expect(result.skipped.map((s) => s.reason)).toEqual([NOT_OURS(join(out, 'b.png'))])
    expect(await readFile(join(out, 'b.png'), 'utf8')).toBe('a file of the user that happens to have this name')
  }, 60_000)
})

describe('colorizeBatch with several photos in flight', () => {
  it('reports the photos in their order and counts progress up to the total', async () => {
    const out = join(dir, 'out-concurrent')
    const progress: number[] = []
    const result = await colorizeBatch(model, input, out, { ...options, concurrency: 2 }, (p) => progress.push(p.done))
    expect(result.written.map((report) => report.input.path)).toEqual([join(input, 'a.png'), join(input, 'b.png')])
    expect(progress.at(-1)).toBe(2)
    expect(progress).toEqual([...progress].sort((a, b) => a - b))
  }, 60_000)

  it('divides the cores among the photos in flight for inference', () => {
    expect(inferenceThreads(2, 2)).toBe(1)
    expect(inferenceThreads(2, 16)).toBe(8)
    expect(inferenceThreads(4, 2)).toBe(1)
  })
})

describe('where a batch converts the colour', () => {
  const pixels = async (path: string) => (await sharp(path).raw().toBuffer()).toString('base64')

  it('a photo alone in flight (one photo, or --jobs 1) on this thread; two in flight in conversion threads; the same pixels', async () => {
    vi.mocked(joinChromaInThread).mockClear()
    const alone = await colorizeBatch(model, join(input, 'a.png'), join(dir, 'out-alone'), options)
    const oneByOne = await colorizeBatch(model, input, join(dir, 'out-jobs-1'), { ...options, concurrency: 1 })
    expect([alone.written.length, oneByOne.written.length]).toEqual([1, 2])
    expect(joinChromaInThread).not.toHaveBeenCalled()
    const inFlight = await colorizeBatch(model, input, join(dir, 'out-jobs-2'), { ...options, concurrency: 2 })
    expect(inFlight.written).toHaveLength(2)
    expect(joinChromaInThread).toHaveBeenCalledTimes(2)
    const threaded = await pixels(join(dir, 'out-jobs-2', 'a.png'))
    expect(await pixels(join(dir, 'out-alone', 'a.png'))).toBe(threaded)
    expect(await pixels(join(dir, 'out-jobs-1', 'a.png'))).toBe(threaded)
  }, 60_000)
})
