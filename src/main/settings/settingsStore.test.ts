import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { writeGreyPng } from '../../../tests/fixtures/photos'
import { ApiError } from '../../shared/api/errors'
import { defaultSettings } from '../../shared/settings'
import { ApiService } from '../api/apiService'
import { CatalogStore } from '../catalog/catalogStore'
import { usableProviders } from '../api/usableProviders'
import { ThumbnailCache } from '../library/thumbnailCache'
import { ModelRegistry } from '../models/modelRegistry'
import { SettingsStore } from './settingsStore'

let dir: string
let file: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'koalarize-settings-'))
  file = join(dir, 'settings.json')
})

afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('SettingsStore', () => {
  it('starts from defaults, persists partial updates atomically and reads them back', () => {
    const settings = SettingsStore.open(file)
    expect(settings.get()).toEqual(defaultSettings())
    expect(settings.get()).toMatchObject({ executionProvider: 'auto', threads: 0, cacheDir: null, export: { format: 'jpeg', quality: 92, tiffBitDepth: 8 } })
    expect(existsSync(file)).toBe(false) // nothing written until something changes

    const updated = settings.update({ executionProvider: 'cpu', export: { quality: 80, naming: '{index}-{name}' } })
    expect(updated).toMatchObject({ executionProvider: 'cpu', threads: 0, export: { format: 'jpeg', quality: 80, naming: '{index}-{name}' } })
    const reopened = SettingsStore.open(file)
    expect(reopened.get()).toEqual(updated)
    expect(reopened.problems).toEqual([])
    // A copy: changing it changes nothing.
    reopened.get().export.quality = 1
    expect(reopened.get().export.quality).toBe(80)
  })

  it('rejects invalid updates and leaves settings and file unchanged', async () => {
    const settings = SettingsStore.open(file)
    settings.update({ threads: 2 })
    const before = await readFile(file, 'utf8')
    for (const patch of [{ threads: -1 }, { executionProvider: 'tpu' }, { export: { naming: '{year}' } }, { cacheDir: 'relative/cache' }, { colour: true }]) {
      expect(() => settings.update(patch as never)).toThrow()
    }
    expect(settings.get().threads).toBe(2)
    expect(await readFile(file, 'utf8')).toBe(before)
    expect((await readdir(dir)).filter((f) => f.includes('partial'))).toEqual([])
  })

  it('survives a damaged file: unreadable JSON gives defaults, invalid settings are dropped one by one', async () => {
    await writeFile(file, '{ not json')
    const broken = SettingsStore.open(file)
    expect(broken.get()).toEqual(defaultSettings())
    expect(broken.problems[0]).toMatch(/not valid JSON/)

    await writeFile(file, JSON.stringify({ executionProvider: 'cuda', threads: 'many', export: { format: 'gif' }, cacheDir: '/data/cache', extra: 1 }))
    const partly = SettingsStore.open(file)
    expect(partly.get()).toMatchObject({ executionProvider: 'cuda', threads: 0, cacheDir: '/data/cache', export: defaultSettings().export })
    expect(partly.problems).toHaveLength(3)
  })
})

describe('settings and cache through the API', () => {
  let store: CatalogStore
  let api: ApiService

  beforeEach(async () => {
    store = CatalogStore.open(join(dir, 'catalog.sqlite'))
    api = new ApiService({
      store,
      thumbnails: new ThumbnailCache(join(dir, 'cache', 'thumbnails')),
      models: new ModelRegistry([]),
      settings: SettingsStore.open(file),
      progressIntervalMs: 0
    })
  })

  afterEach(async () => {
    await api.close()
    await api.idle()
    store.close()
  })

  it('gets, validates and updates settings', async () => {
    expect(await api.invoke('getSettings', {})).toEqual(defaultSettings())
    expect(await api.invoke('updateSettings', { threads: 4, export: { format: 'tiff', tiffBitDepth: 16 } })).toMatchObject({
      threads: 4,
      export: { format: 'tiff', tiffBitDepth: 16, quality: 92 }
    })
    for (const patch of [{ threads: 1.5 }, { executionProvider: 'gpu' }, { export: { tiffBitDepth: 12 } }, { export: { naming: 'a/b{name}' } }, { cacheDir: 'cache' }, { unknown: 1 }]) {
      const error = await api.call('updateSettings', patch).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ApiError)
      expect((error as ApiError).code).toBe('invalid_params')
    }
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ threads: 4 })
  })

  it('lists execution providers with their availability (CPU always; CUDA only where it can run)', async () => {
    const providers = await api.invoke('listExecutionProviders', {})
    expect(providers.map((p) => p.name)).toEqual(['auto', 'cuda', 'dml', 'coreml', 'cpu'])
    expect(providers.filter((p) => p.available).map((p) => p.name)).toEqual(['auto', ...usableProviders()])
  })

  it('reports cache sizes; clearing removes thumbnails (remade in the background) and keeps versions', async () => {
    const root = join(dir, 'archive')
    await mkdir(root)
    await writeGreyPng(join(root, 'a.png'), 64, 48)
    await writeGreyPng(join(root, 'b.png'), 48, 64)
    const project = await api.invoke('openProject', { folder: root })
    await api.idle()
    // A finished version in the catalog (the cache size counts only versions it knows).
    const photoId = store.photosOfProject(project.id)[0]!.id
    const result = store.addResult({ photoId, modelId: 'default', options: {}, status: 'done' })
    const version = join(dir, 'cache', 'versions', String(project.id), String(photoId), `${result.id}.png`)
    store.setResultOutput(result.id, version)
    await mkdir(join(version, '..'), { recursive: true })
    await writeFile(version, Buffer.alloc(1234))

    const info = await api.invoke('cacheInfo', {})
    expect(info.thumbnails.files).toBe(2)
    expect(info.thumbnails.bytes).toBeGreaterThan(0)
    expect(info.versions).toEqual({ files: 1, bytes: 1234 })

    const cleared = await api.invoke('clearCache', {})
    expect(cleared.thumbnails).toEqual({ files: 0, bytes: 0 })
    expect(cleared.versions).toEqual({ files: 1, bytes: 1234 })
    expect(existsSync(version)).toBe(true)
    await api.idle()
    expect((await api.invoke('listPhotos', { projectId: project.id })).items.every((p) => p.hasThumbnail)).toBe(true)
    expect((await api.invoke('cacheInfo', {})).thumbnails.files).toBe(2)
  })
})
