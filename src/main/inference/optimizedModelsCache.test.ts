import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { mkdir, mkdtemp, readdir, rm, symlink, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { OPTIMIZED_MODELS_CACHE_BYTES, pruneOptimizedCopies } from './optimizedModelsCache'

const MINUTE = 60_000

describe('the cache of optimised copies is pruned when a copy is written', () => {
  let dir: string
  let cache: string
  let models: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'koalarize-optimized-cache-'))
    cache = join(dir, 'cache')
    models = join(dir, 'models')
    await mkdir(cache)
    await mkdir(models)
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  /** A copy named as optimizedModels.ts names them, `bytes` long, last used `minutesAgo`, with a record of its model file. */
  async function copy(name: string, options: { bytes?: number; minutesAgo?: number; model?: string | null } = {}): Promise<string> {
    const stem = `${name}-0123abcd-${'0123456789abcdef'}`
    const path = join(cache, `${stem}.onnx`)
    await writeFile(path, Buffer.alloc(options.bytes ?? 10))
    const model = options.model === undefined ? join(models, `${name}.onnx`) : options.model
    if (model !== null) await writeFile(join(cache, `${stem}.json`), JSON.stringify({ model }))
    if (model !== null && options.model === undefined) await writeFile(model, 'a model')
    const used = new Date(Date.now() - (options.minutesAgo ?? 0) * MINUTE)
    await utimes(path, used, used)
    return `${stem}.onnx`
  }

  const names = async (): Promise<string[]> => (await readdir(cache)).sort()

  it('has a cap of a few hundred MB, room for several models of ~25 MB', () => {
    expect(OPTIMIZED_MODELS_CACHE_BYTES).toBeGreaterThanOrEqual(100 * 1024 * 1024)
    expect(OPTIMIZED_MODELS_CACHE_BYTES).toBeLessThanOrEqual(1024 * 1024 * 1024)
  })

  it('removes the copies (and records) of model files that are gone, and keeps those of model files still there', async () => {
    const kept = await copy('kept', { minutesAgo: 5 })
    const gone = await copy('gone', { minutesAgo: 1, model: join(models, 'deleted', 'extractor.onnx') })
    const current = await copy('current')
    await pruneOptimizedCopies(cache, join(cache, current))
    expect(await names()).toEqual([current, current.replace('.onnx', '.json'), kept, kept.replace('.onnx', '.json')].sort())
    expect(await names()).not.toContain(gone)
  })

  it('keeps a copy without a record (its model unknown) until the cap removes it', async () => {
    const unknown = await copy('unknown', { model: null, minutesAgo: 10 })
    const current = await copy('current')
    await pruneOptimizedCopies(cache, join(cache, current))
    expect(await names()).toContain(unknown)
  })

  it('removes the least recently used copies beyond the cap, never the one just written', async () => {
    const oldest = await copy('oldest', { bytes: 40, minutesAgo: 30 })
    const old = await copy('old', { bytes: 40, minutesAgo: 20 })
    const recent = await copy('recent', { bytes: 40, minutesAgo: 10 })
    const current = await copy('current', { bytes: 40, minutesAgo: 60 }) // its time does not matter: just written
    await pruneOptimizedCopies(cache, join(cache, current), 100)
    const left = await names()
    expect(left).toEqual([current, current.replace('.onnx', '.json'), recent, recent.replace('.onnx', '.json')].sort())
    expect(left).not.toContain(old)
    expect(left).not.toContain(oldest)
    const huge = await copy('huge', { bytes: 500 })
    await pruneOptimizedCopies(cache, join(cache, huge), 100)
    expect(await names()).toEqual([huge, huge.replace('.onnx', '.json')].sort())
  })

  it('removes records without their copy and partial copies a stopped process left, not one being written', async () => {
    const current = await copy('current')
    const orphan = 'removed-0123abcd-0123456789abcdef.json'
    await writeFile(join(cache, orphan), JSON.stringify({ model: join(models, 'current.onnx') }))
    const stale = `${current}.4242.partial`
    const writing = `${current}.4343.partial`
    await writeFile(join(cache, stale), 'half a model')
    await writeFile(join(cache, writing), 'half a model')
    await utimes(join(cache, stale), new Date(Date.now() - 2 * 60 * MINUTE), new Date(Date.now() - 2 * 60 * MINUTE))
    await pruneOptimizedCopies(cache, join(cache, current))
    expect(await names()).toEqual([current, current.replace('.onnx', '.json'), writing].sort())
  })

  it('never removes what it did not name: other files, folders, links, or anything outside the cache folder', async () => {
    const old = new Date(Date.now() - 24 * 60 * MINUTE)
    const foreign = ['notes.txt', 'model.onnx', 'extractor-0123abcd-0123456789abcdef.onnx.bak', 'x-0123abcd-0123456789ABCDEF.onnx', 'settings.json']
    for (const name of foreign) {
      await writeFile(join(cache, name), Buffer.alloc(1000))
      await utimes(join(cache, name), old, old)
    }
    await mkdir(join(cache, 'folder-0123abcd-0123456789abcdef.onnx'))
    await writeFile(join(dir, 'beside-0123abcd-0123456789abcdef.onnx'), Buffer.alloc(1000))
    await symlink(join(dir, 'beside-0123abcd-0123456789abcdef.onnx'), join(cache, 'link-0123abcd-0123456789abcdef.onnx'))
    await writeFile(join(models, 'gone-0123abcd-0123456789abcdef.json'), JSON.stringify({ model: '/nowhere' }))
    const current = await copy('current', { bytes: 40 })
    await pruneOptimizedCopies(cache, join(cache, current), 50)
    expect(await names()).toEqual([...foreign, 'folder-0123abcd-0123456789abcdef.onnx', 'link-0123abcd-0123456789abcdef.onnx', current, current.replace('.onnx', '.json')].sort())
    expect(await readdir(dir)).toContain('beside-0123abcd-0123456789abcdef.onnx')
    expect(await readdir(models)).toContain('gone-0123abcd-0123456789abcdef.json')
  })
})
