import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { BUNDLED_MODELS_DIR } from '../models/paths'
import { cachedCpuSession, optimizedCopy } from './optimizedModels'
import { sourceRecordOf } from './optimizedModelsCache'

const OPTIONS: ort.InferenceSession.SessionOptions = { executionProviders: ['cpu'], intraOpNumThreads: 1 }
const SIZE = 128 // the default model's extractor input

/** The extractor's embedding of a fixed input, as bytes. */
async function embedding(session: ort.InferenceSession): Promise<Buffer> {
  const l = Float32Array.from({ length: SIZE * SIZE }, (_, i) => Math.sin(i / 97))
  const result = await session.run({ l: new ort.Tensor('float32', l, [1, 1, SIZE, SIZE]) })
  const data = result.embedding!.data as Float32Array
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength)
}

describe("onnxruntime's optimised copies of a model", () => {
  let dir: string
  let model: string
  let cache: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'koalarize-optimized-'))
    model = join(dir, 'extractor.onnx')
    cache = join(dir, 'cache')
    await copyFile(join(BUNDLED_MODELS_DIR, 'default', 'extractor.onnx'), model)
  })
  afterEach(async () => {
    vi.restoreAllMocks()
    await rm(dir, { recursive: true, force: true })
  })

  it('are made at the first load and loaded, unoptimised, after it, with the same outputs to the bit', async () => {
    const first = await cachedCpuSession(model, OPTIONS, cache)
    const copy = await optimizedCopy(model, cache)
    expect((await readdir(cache)).sort()).toEqual([basename(copy), basename(sourceRecordOf(copy))].sort())
    const create = vi.spyOn(ort.InferenceSession, 'create')
    const second = await cachedCpuSession(model, OPTIONS, cache)
    expect(create).toHaveBeenCalledTimes(1)
    expect(create).toHaveBeenCalledWith(copy, expect.objectContaining({ graphOptimizationLevel: 'disabled' }))
    create.mockRestore()
    const plain = await ort.InferenceSession.create(model, { ...OPTIONS, graphOptimizationLevel: 'all' })
    const expected = await embedding(plain)
    expect((await embedding(second)).equals(expected)).toBe(true)
    expect((await embedding(first)).equals(expected)).toBe(true)
  })

  it('are made again for a changed model file, and replace its older copy', async () => {
    await cachedCpuSession(model, OPTIONS, cache)
    const older = await optimizedCopy(model, cache)
    const { mtime } = await stat(model)
    await utimes(model, mtime, new Date(mtime.getTime() + 60_000))
    const newer = await optimizedCopy(model, cache)
    expect(newer).not.toBe(older)
    await cachedCpuSession(model, OPTIONS, cache)
    expect((await readdir(cache)).sort()).toEqual([basename(newer), basename(sourceRecordOf(newer))].sort())
  })

  it('are marked used at each load, for the cap to remove the least recently used first', async () => {
    await cachedCpuSession(model, OPTIONS, cache)
    const copy = await optimizedCopy(model, cache)
    const longAgo = new Date(Date.now() - 24 * 3600_000)
    await utimes(copy, longAgo, longAgo)
    await cachedCpuSession(model, OPTIONS, cache)
    expect(Date.now() - (await stat(copy)).mtimeMs).toBeLessThan(60_000)
  })

  it('record their model file, and writing one removes the copies of model files that are gone', async () => {
    const other = join(dir, 'removed-model', 'extractor.onnx')
    await mkdir(join(dir, 'removed-model'))
    await copyFile(model, other)
    await cachedCpuSession(other, OPTIONS, cache)
    const orphan = await optimizedCopy(other, cache)
    expect(JSON.parse(await readFile(sourceRecordOf(orphan), 'utf8'))).toEqual({ model: other })
    await writeFile(join(cache, 'notes.txt'), 'not ours')
    await rm(join(dir, 'removed-model'), { recursive: true })
    await cachedCpuSession(model, OPTIONS, cache)
    const copy = await optimizedCopy(model, cache)
    expect((await readdir(cache)).sort()).toEqual([basename(copy), basename(sourceRecordOf(copy)), 'notes.txt'].sort())
  })

  it('are made again where a copy does not load', async () => {
    const copy = await optimizedCopy(model, cache)
    await cachedCpuSession(model, OPTIONS, cache)
    await writeFile(copy, 'not a model')
    const session = await cachedCpuSession(model, OPTIONS, cache)
    expect((await embedding(session)).length).toBeGreaterThan(0)
    expect((await stat(copy)).size).toBeGreaterThan(1000)
  })

  it('where none can be written, the model is optimised at its load, as without a cache', async () => {
    await writeFile(join(dir, 'a-file'), '')
    const session = await cachedCpuSession(model, OPTIONS, join(dir, 'a-file', 'cache'))
    const plain = await ort.InferenceSession.create(model, { ...OPTIONS, graphOptimizationLevel: 'all' })
    expect((await embedding(session)).equals(await embedding(plain))).toBe(true)
  })
})
