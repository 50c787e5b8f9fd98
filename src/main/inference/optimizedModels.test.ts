import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { copyFile, mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { BUNDLED_MODELS_DIR } from '../models/paths'
import { cachedCpuSession, optimizedCopy } from './optimizedModels'

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
    expect(await readdir(cache)).toEqual([copy.slice(cache.length + 1)])
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
    expect(await readdir(cache)).toEqual([newer.slice(cache.length + 1)])
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
