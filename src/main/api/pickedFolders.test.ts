import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rejection } from '../../../tests/fixtures/apiErrors'
import { CatalogStore } from '../catalog/catalogStore'
import { ThumbnailCache } from '../library/thumbnailCache'
import { SettingsStore } from '../settings/settingsStore'
import { ApiService } from './apiService'

// Issue 14, item 3: in Electron the cache folder, like every folder parameter of the contract, must
// be a folder the user chose in the native dialog.

let dir: string
let store: CatalogStore

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'koalarize-picked-'))
  store = CatalogStore.open(join(dir, 'catalog.sqlite'))
})

afterAll(async () => {
  store.close()
  await rm(dir, { recursive: true, force: true })
})

describe('in Electron, folders come from the dialog', () => {
  it('refuses a cache folder that was not picked, accepts one picked, and keeps the one already set', async () => {
    const chosen = join(dir, 'my-cache')
    await mkdir(chosen)
    const settings = SettingsStore.open(join(dir, 'settings.json'))
    const api = new ApiService({
      store,
      settings,
      thumbnails: new ThumbnailCache(join(dir, 'cache', 'thumbnails')),
      models: { list: async () => [] },
      host: { transport: 'electron', pickFolder: async () => chosen, onlyPickedFolders: true }
    })
    try {
      const typed = await rejection(api.invoke('updateSettings', { cacheDir: join(dir, 'Pictures') }))
      expect(typed.message).toMatch(/Browse/)
      expect(settings.get().cacheDir).toBeNull()
      await api.invoke('pickFolder', { purpose: 'cache' })
      expect((await api.invoke('updateSettings', { cacheDir: chosen })).cacheDir).toBe(chosen)
      expect((await api.invoke('updateSettings', { threads: 2, cacheDir: chosen })).threads).toBe(2)
      expect((await rejection(api.invoke('updateSettings', { cacheDir: '/' }))).code).toBe('bad_request')
    } finally {
      await api.close()
    }
  })

  it('the web host, where the user types the path, accepts a typed cache folder', async () => {
    const api = new ApiService({ store, thumbnails: new ThumbnailCache(join(dir, 'cache', 'thumbnails')), models: { list: async () => [] } })
    try {
      expect((await api.invoke('updateSettings', { cacheDir: join(dir, 'typed') })).cacheDir).toBe(join(dir, 'typed'))
    } finally {
      await api.close()
    }
  })
})
