import sharp from 'sharp'
import { createHash } from 'node:crypto'
import { link, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiService } from '../api/apiService'
import { CatalogStore } from '../catalog/catalogStore'
import { pendingFiles } from '../catalog/fileRecords'
import { ThumbnailCache } from '../library/thumbnailCache'
import { versionPath } from '../jobs/colorizeQueue'
import { rejection } from '../../../tests/fixtures/apiErrors'
import { ProtectedFileError, writeExportFile } from './exportFile'

// Issue 14, item 1: an export never replaces an original of any project, a version, or a file inside a
// project folder that is not an earlier export of ours — whatever the flags, compared by real path,
// device and inode. Versions here are small PNGs recorded as finished (no model needed).

let dir: string
let root: string
let store: CatalogStore
let api: ApiService
let photoIds: number[]
const NAMES = ['a.jpg', 'b.jpg', 'c.jpg']

const grey = (value: number) => sharp({ create: { width: 24, height: 16, channels: 3, background: { r: value, g: value, b: value } } })
const sha = async (file: string) => createHash('sha256').update(await readFile(file)).digest('hex')
const originalHashes = () => Promise.all(NAMES.map((name) => sha(join(root, name))))

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'koalarize-export-safety-'))
  root = join(dir, 'archive')
  await mkdir(root, { recursive: true })
  for (const [i, name] of NAMES.entries()) await grey(60 + 40 * i).jpeg().toFile(join(root, name))
  store = CatalogStore.open(join(dir, 'catalog.sqlite'))
  api = new ApiService({ store, thumbnails: new ThumbnailCache(join(dir, 'cache', 'thumbnails')), models: { list: async () => [] } })
  const projectId = (await api.invoke('openProject', { folder: root })).id
  await api.idle()
  photoIds = store.photosOfProject(projectId).map((photo) => photo.id)
  for (const photoId of photoIds) {
    const result = store.addResult({ photoId, modelId: 'default', options: {}, status: 'pending' })
    const out = versionPath(join(dir, 'cache', 'versions'), projectId, photoId, result.id)
    await mkdir(join(out, '..'), { recursive: true })
    await sharp({ create: { width: 24, height: 16, channels: 3, background: '#a06040' } }).png().toFile(out)
    store.setResultOutput(result.id, out)
    store.updateResult(result.id, { status: 'done' })
  }
}, 60_000)

afterAll(async () => {
  await api?.close()
  await api?.idle()
  store?.close()
  await rm(dir, { recursive: true, force: true })
})

const everything = { format: 'jpeg' as const, naming: '{name}', allowArchiveFolder: true, overwrite: true }

describe('export never replaces user files', () => {
  it('refuses to write over the originals in the archive folder, naming the file, with every flag set', async () => {
    const before = await originalHashes()
    const error = await rejection(api.invoke('exportPhotos', { photoIds, folder: root, ...everything }))
    expect(error.code).toBe('bad_request')
    expect(error.message).toContain(join(root, 'a.jpg'))
    expect(error.message).toMatch(/original photo "a.jpg" of project "archive"/)
    expect(error.message).not.toMatch(/archive folder/) // the UI offers "export anyway" for that one only
    expect(await originalHashes()).toEqual(before)
    expect((await readdir(root)).sort()).toEqual(NAMES)
  })

  it('refuses a hard link or a symbolic link to an original in another folder', async () => {
    const before = await originalHashes()
    for (const [kind, make] of [['hard', link], ['symbolic', symlink]] as const) {
      const folder = join(dir, `out-${kind}`)
      await mkdir(folder, { recursive: true })
      await make(join(root, 'b.jpg'), join(folder, 'b.jpg'))
      const error = await rejection(api.invoke('exportPhotos', { photoIds, folder, ...everything }))
      expect(error.message).toMatch(/b\.jpg is the original photo "b\.jpg"/)
    }
    expect(await originalHashes()).toEqual(before)
  })

  it('refuses an export folder that is a symbolic link to the archive', async () => {
    const alias = join(dir, 'alias')
    await symlink(root, alias)
    const error = await rejection(api.invoke('exportPhotos', { photoIds, folder: alias, ...everything }))
    expect(error.message).toMatch(/original photo/)
  })

  it('in the archive folder adds new files, replaces only its own earlier exports, and never a file of the user', async () => {
    const folder = join(root, 'colour')
    const request = { photoIds, folder, format: 'jpeg' as const, naming: '{name}-colour', allowArchiveFolder: true }
    const first = await api.invoke('exportPhotos', request)
    expect(first.written).toHaveLength(3)
    const again = await api.invoke('exportPhotos', { ...request, overwrite: true })
    expect(again.written).toHaveLength(3) // earlier exports of ours may be replaced

    await rm(join(folder, 'a-colour.jpg'))
    await writeFile(join(folder, 'a-colour.jpg'), 'the user replaced this file with their own')
    const error = await rejection(api.invoke('exportPhotos', { ...request, overwrite: true }))
    expect(error.message).toMatch(/a-colour\.jpg is a file in the folder of project "archive" that Koalarize did not export/)
    expect(await readFile(join(folder, 'a-colour.jpg'), 'utf8')).toBe('the user replaced this file with their own')

    await writeFile(join(folder, 'b-colour.jpg'), 'or edited our export in place') // same inode, new content
    const both = await rejection(api.invoke('exportPhotos', { ...request, overwrite: true }))
    expect(both.message).toMatch(/a-colour\.jpg is a file .*\(and 1 more file\(s\) like it\)/)
    const onlyB = await rejection(api.invoke('exportPhotos', { ...request, photoIds: [photoIds[1]!], overwrite: true }))
    expect(onlyB.message).toMatch(/b-colour\.jpg is a file/)
    expect(await readFile(join(folder, 'b-colour.jpg'), 'utf8')).toBe('or edited our export in place')
  })

  it('outside project folders too, replaces only its own earlier exports, and only when asked to', async () => {
    const folder = join(dir, 'plain-out')
    await mkdir(folder, { recursive: true })
    await writeFile(join(folder, 'a.jpg'), 'a file of the user')
    const request = { photoIds, folder, format: 'jpeg' as const, naming: '{name}' }
    const asked = await api.invoke('exportPhotos', request)
    expect(asked.conflicts.map((c) => c.file)).toEqual(['a.jpg'])
    const error = await rejection(api.invoke('exportPhotos', { ...request, overwrite: true }))
    expect(error.message).toMatch(/a\.jpg is a file that Koalarize did not export/)
    expect(await readFile(join(folder, 'a.jpg'), 'utf8')).toBe('a file of the user')

    const ours = join(dir, 'plain-out-ours')
    await mkdir(ours, { recursive: true })
    expect((await api.invoke('exportPhotos', { ...request, folder: ours })).written).toHaveLength(3)
    expect((await api.invoke('exportPhotos', { ...request, folder: ours, overwrite: true })).written).toHaveLength(3)
  })

  it('checks again just before replacing: an original that appeared meanwhile is kept', async () => {
    const before = await sha(join(root, 'c.jpg'))
    const write = (partial: string) => grey(200).jpeg().toFile(partial)
    await expect(writeExportFile(store, join(root, 'c.jpg'), { photoId: 1, resultId: 1 }, true, write)).rejects.toBeInstanceOf(ProtectedFileError)
    expect(await sha(join(root, 'c.jpg'))).toBe(before)
    expect((await readdir(root)).filter((f) => f.endsWith('.partial'))).toEqual([])
    expect(pendingFiles(store)).toEqual([])
  })
})
