import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ApiService } from '../api/apiService'
import { CatalogStore } from '../catalog/catalogStore'
import { addPendingFile, pendingFiles } from '../catalog/fileRecords'
import { makeScratchDir, removeAbandonedScratch } from '../files/scratch'
import { ThumbnailCache } from '../library/thumbnailCache'
import { removeVersionFile } from './versionDebris'

// Issue 14, item 5: kill -9 during a colorize job left `.partial` files in the versions folder and a
// `colorized.v` scratch file in the temp folder; during an export, a `.partial` in the export folder.
// Start-up recovery removes what our own naming marks as ours, and the cache size counts nothing else.

let dir: string
let store: CatalogStore
const deadPid = (): number => spawnSync(process.execPath, ['-e', '']).pid!

async function touch(path: string, bytes = 10): Promise<string> {
  await mkdir(join(path, '..'), { recursive: true })
  await writeFile(path, Buffer.alloc(bytes))
  return path
}

async function start(): Promise<ApiService> {
  const api = new ApiService({ store, thumbnails: new ThumbnailCache(join(dir, 'cache', 'thumbnails')), models: { list: async () => [] } })
  await api.idle()
  return api
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'koalarize-debris-'))
  store = CatalogStore.open(join(dir, 'catalog.sqlite'))
})

afterEach(async () => {
  store.close()
  await rm(dir, { recursive: true, force: true })
})

describe('start-up recovery', () => {
  it('removes partial and orphan version files, keeps versions and anything not named as ours, and sizes only versions', async () => {
    const project = store.createProject({ name: 'p', root: join(dir, 'archive') })
    const photo = store.insertPhoto(project.id, 'a.jpg', {
      size: 1, mtimeMs: 1, contentHash: null, width: null, height: null, format: null, depth: null,
      capturedAt: null, colourClass: null, meanChroma: null, scanError: null
    })
    const folder = join(dir, 'cache', 'versions', String(project.id), String(photo.id))
    const version = store.addResult({ photoId: photo.id, modelId: 'default', options: {}, status: 'done' })
    store.setResultOutput(version.id, await touch(join(folder, `${version.id}.png`), 1000))
    const partial = await touch(join(folder, `.${version.id + 1}.png.0badf00d.partial`), 5_000_000)
    const orphan = await touch(join(folder, `${version.id + 7}.png`), 3000)
    const notOurs = await touch(join(folder, 'notes.txt'))
    await touch(join(dir, 'cache', 'versions', 'stray.bin'), 7777)

    const api = await start()
    try {
      expect(existsSync(partial)).toBe(false)
      expect(existsSync(orphan)).toBe(false)
      expect(existsSync(join(folder, `${version.id}.png`))).toBe(true)
      expect(existsSync(notOurs)).toBe(true)
      expect((await api.invoke('cacheInfo', {})).versions).toEqual({ files: 1, bytes: 1000 })
    } finally {
      await api.close()
    }
  })

  it('removes the temporary export files a crash left (journalled, named as ours), and nothing else there', async () => {
    const exportDir = join(dir, 'exports')
    const left = await touch(join(exportDir, '.a.jpg.0123abcd.partial'))
    addPendingFile(store, left)
    addPendingFile(store, join(exportDir, 'a.jpg')) // not named as a partial: never deleted
    await touch(join(exportDir, 'a.jpg'))
    const unjournalled = await touch(join(exportDir, '.b.jpg.0123abcd.partial'))
    const api = await start()
    await api.close()
    expect(existsSync(left)).toBe(false)
    expect(existsSync(join(exportDir, 'a.jpg'))).toBe(true)
    expect(existsSync(unjournalled)).toBe(true)
    expect(pendingFiles(store)).toEqual([])
  })

  it('removes scratch folders and half-written thumbnails of dead processes only', async () => {
    const dead = deadPid()
    const scratchParent = join(dir, 'tmp')
    const abandoned = await touch(join(scratchParent, `koalarize-scratch-${dead}-AbC123`, 'colorized.v'))
    const live = await touch(join(scratchParent, `koalarize-scratch-${process.pid}-XyZ789`, 'colorized.v'))
    const other = await touch(join(scratchParent, `koalarize-eval-${dead}`, 'x'))
    expect(await removeAbandonedScratch(scratchParent)).toEqual([join(scratchParent, `koalarize-scratch-${dead}-AbC123`)])
    expect(existsSync(abandoned)).toBe(false)
    expect(existsSync(live)).toBe(true)
    expect(existsSync(other)).toBe(true)
    const mine = await makeScratchDir(scratchParent) // as the pipeline names its scratch folder
    expect(await removeAbandonedScratch(scratchParent)).toEqual([])
    expect(existsSync(mine)).toBe(true)

    const thumbnails = join(dir, 'cache', 'thumbnails')
    const hash = 'cd'.repeat(16)
    const half = await touch(join(thumbnails, 'cd', `${hash}.jpg.${dead}.partial`))
    const writing = await touch(join(thumbnails, 'cd', `${hash}.jpg.${process.pid}.partial`))
    const api = await start()
    await api.close()
    expect(existsSync(half)).toBe(false)
    expect(existsSync(writing)).toBe(true)
  })
})

describe('a version dropped while being written', () => {
  // CI run of session 17: a job cancelled while its worker was encoding left that photo's `.partial`.
  it('goes with the temporary files it was being written under, and nothing else', async () => {
    const folder = join(dir, 'versions', '1', '2')
    const output = join(folder, '5.png')
    const mine = [await touch(output), await touch(join(folder, '.5.png.0badf00d.partial')), await touch(join(folder, '.5.png.12345678.partial'))]
    const others = [await touch(join(folder, '4.png')), await touch(join(folder, '.4.png.0badf00d.partial')), await touch(join(folder, '.15.png.0badf00d.partial'))]
    await removeVersionFile(output)
    expect(mine.filter((f) => existsSync(f))).toEqual([])
    expect(others.filter((f) => existsSync(f))).toEqual(others)
    await removeVersionFile(join(dir, 'nowhere', '1.png')) // no folder: nothing to do, no error
  })
})
