import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { writeGreyPng } from '../../../tests/fixtures/photos'
import { ApiService } from '../api/apiService'
import { CatalogStore } from '../catalog/catalogStore'
import { CACHE_MARKER, ThumbnailCache } from './thumbnailCache'

// Issue 14, item 3: the cache folder setting accepts any folder, and "Clear cache" deleted
// `<folder>/thumbnails` recursively, user files included. Now it deletes only files the app made.

let dir: string
const HASH_A = 'a1'.repeat(16)
const HASH_B = 'b2'.repeat(16)
const USER_FILES = ['family.jpg', join('2019', 'beach.jpg'), join('ab', 'notes.txt'), join('ab', 'holiday.jpg')]

async function userFolderWithThumbnails(): Promise<string> {
  const folder = join(dir, 'Pictures', 'thumbnails')
  for (const file of USER_FILES) {
    await mkdir(join(folder, file, '..'), { recursive: true })
    await writeFile(join(folder, file), `the user's ${file}`)
  }
  return folder
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'koalarize-thumbs-'))
  await writeGreyPng(join(dir, 'photo.png'), 40, 30)
})

afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('the thumbnail cache touches only its own files', () => {
  it('clearing a user folder used as the cache deletes our thumbnails and nothing else', async () => {
    const folder = await userFolderWithThumbnails()
    const cache = new ThumbnailCache(folder)
    await cache.ensure(join(dir, 'photo.png'), HASH_A)
    await cache.ensure(join(dir, 'photo.png'), HASH_B)
    expect(existsSync(join(folder, CACHE_MARKER))).toBe(true)
    expect((await cache.sizeOnDisk()).files).toBe(2) // the user's JPEGs are not counted

    await cache.clear()
    expect(cache.has(HASH_A) || cache.has(HASH_B)).toBe(false)
    for (const file of USER_FILES) expect(existsSync(join(folder, file)), file).toBe(true)
    expect(await cache.sizeOnDisk()).toEqual({ files: 0, bytes: 0 })
  })

  it('a folder not marked as ours is left alone, even with files named like ours among others', async () => {
    const folder = await userFolderWithThumbnails()
    await writeFile(join(folder, 'ab', `${'ab'.repeat(10)}.jpg`), 'named like a thumbnail')
    await new ThumbnailCache(folder).clear()
    expect(await readdir(join(folder, 'ab'))).toHaveLength(3)
  })

  it('a cache made before the marker, holding only our thumbnails, is still cleared', async () => {
    const cache = new ThumbnailCache(join(dir, 'cache', 'thumbnails'))
    await cache.ensure(join(dir, 'photo.png'), HASH_A)
    await rm(join(cache.dir, CACHE_MARKER))
    await cache.clear()
    expect(cache.has(HASH_A)).toBe(false)
  })

  it('clearCache through the API keeps the files of a user folder chosen as the cache', async () => {
    const folder = await userFolderWithThumbnails()
    const root = join(dir, 'archive')
    await mkdir(root)
    await writeGreyPng(join(root, 'a.png'), 64, 48)
    const store = CatalogStore.open(join(dir, 'catalog.sqlite'))
    const api = new ApiService({ store, thumbnails: new ThumbnailCache(folder), models: { list: async () => [] } })
    try {
      await api.invoke('openProject', { folder: root })
      await api.idle()
      expect((await api.invoke('cacheInfo', {})).thumbnails.files).toBe(1)
      expect((await api.invoke('clearCache', {})).thumbnails.files).toBe(0)
      await api.idle()
      for (const file of USER_FILES) expect(existsSync(join(folder, file)), file).toBe(true)
    } finally {
      await api.close()
      store.close()
    }
  })
})
