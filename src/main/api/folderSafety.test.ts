import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeGreyPng } from '../../../tests/fixtures/photos'
import { rejection } from '../../../tests/fixtures/apiErrors'
import { CatalogStore } from '../catalog/catalogStore'
import { specialFolderProblem } from '../files/specialFileSystems'
import { TimeLimitError, withTimeLimit } from '../files/timeLimit'
import { ThumbnailCache } from '../library/thumbnailCache'
import { ApiService } from './apiService'

// Issue 14, item 4: exporting into /proc never answered (Node's recursive mkdir loops); opening / or
// /proc made a project whose scan then failed. Special file systems are refused up front, file calls
// that can hang have a time limit, and a project can be removed from the library (catalog only).

let dir: string
let store: CatalogStore
let api: ApiService

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'koalarize-folders-'))
  store = CatalogStore.open(join(dir, 'catalog.sqlite'))
  api = new ApiService({ store, thumbnails: new ThumbnailCache(join(dir, 'cache', 'thumbnails')), models: { list: async () => [] } })
})

afterAll(async () => {
  await api.close()
  await api.idle()
  store.close()
  await rm(dir, { recursive: true, force: true })
})

describe.skipIf(process.platform === 'win32')('special system folders', () => {
  it('are refused up front, in every method that takes a folder, without hanging', async () => {
    const started = Date.now()
    const calls = [
      api.invoke('openProject', { folder: '/proc' }),
      api.invoke('openProject', { folder: '/sys/kernel' }),
      api.invoke('exportPhotos', { photoIds: [1], folder: '/proc/self/koalarize-export', format: 'png' }),
      api.invoke('updateSettings', { cacheDir: '/dev/koalarize' }),
      api.invoke('inspectCollection', { folder: '/proc' })
    ]
    for (const error of await Promise.all(calls.map(rejection))) {
      expect(error.code).toBe('bad_request')
      expect(error.message).toMatch(/system (folder|file system).*not a folder of photos/)
    }
    expect(Date.now() - started).toBeLessThan(5000)
    expect(store.listProjects()).toEqual([])
  })

  it('are told apart from ordinary folders, also through a symbolic link', async () => {
    expect(await specialFolderProblem(dir)).toBeNull()
    expect(await specialFolderProblem(join(dir, 'not-made-yet'))).toBeNull()
    expect(await specialFolderProblem('/proc/self/fd')).toMatch(/\/proc/)
    const { symlink } = await import('node:fs/promises')
    await symlink('/sys', join(dir, 'sys-link'))
    expect(await specialFolderProblem(join(dir, 'sys-link', 'x'))).toMatch(/\/sys/)
  })
})

describe('time limits', () => {
  it('a file call that never answers is given up with a plain message', async () => {
    const never = new Promise<void>(() => undefined)
    const error = await withTimeLimit(never, 'The folder /mnt/nas', 50).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TimeLimitError)
    expect((error as Error).message).toMatch(/The folder \/mnt\/nas did not answer within .* not connected/)
    expect(await withTimeLimit(Promise.resolve(7), 'quick', 50)).toBe(7)
  })
})

describe('removing a project', () => {
  it('removes it from the library, with its versions in the cache, and leaves its folder untouched', async () => {
    const root = join(dir, 'archive')
    await mkdir(root)
    await writeGreyPng(join(root, 'a.png'), 40, 30)
    const before = createHash('sha256').update(await readFile(join(root, 'a.png'))).digest('hex')
    const project = await api.invoke('openProject', { folder: root })
    await api.idle()
    const photo = store.photosOfProject(project.id)[0]!
    const version = store.addResult({ photoId: photo.id, modelId: 'default', options: {}, status: 'done' })
    const versionFile = join(dir, 'cache', 'versions', String(project.id), String(photo.id), `${version.id}.png`)
    await mkdir(join(versionFile, '..'), { recursive: true })
    await writeFile(versionFile, 'png')
    store.setResultOutput(version.id, versionFile)

    const job = store.createJob({ kind: 'colorize', projectId: project.id, photoIds: [photo.id], options: {} })
    expect((await rejection(api.invoke('removeProject', { projectId: project.id }))).message).toMatch(/cancel it or let it finish/)
    store.setJobStatus(job.id, 'cancelled')

    expect((await api.invoke('removeProject', { projectId: project.id })).map((p) => p.id)).not.toContain(project.id)
    expect(store.getPhoto(photo.id)).toBeUndefined()
    expect(store.getResult(version.id)).toBeUndefined()
    expect(store.getJob(job.id)).toBeUndefined()
    expect(existsSync(versionFile)).toBe(false)
    expect(createHash('sha256').update(await readFile(join(root, 'a.png'))).digest('hex')).toBe(before)
    expect((await rejection(api.invoke('removeProject', { projectId: project.id }))).code).toBe('not_found')

    const again = await api.invoke('openProject', { folder: root })
    expect(again.id).toBeGreaterThan(project.id)
    await api.idle()
  })
})
