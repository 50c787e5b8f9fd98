import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { writeGreyPng } from '../../../tests/fixtures/photos'
import type { ApiEvent } from '../../shared/api/contract'
import { ApiService } from '../api/apiService'
import { CatalogStore } from '../catalog/catalogStore'
import { ThumbnailCache } from './thumbnailCache'

// Issue 14, item 4: a scan skips an unreadable sub-folder with a warning and goes on (it used to fail
// as a whole). The tests run as root, where permissions do not stop reading, so listing the folder
// named "locked" fails as it would for another user: EACCES.

let locked = false
vi.mock('node:fs/promises', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:fs/promises')>()
  const readdir = ((path: string, ...rest: unknown[]) => {
    if (locked && basename(String(path)) === 'locked') {
      return Promise.reject(Object.assign(new Error(`EACCES: permission denied, scandir '${String(path)}'`), { code: 'EACCES' }))
    }
    return (original.readdir as (...args: unknown[]) => Promise<unknown>)(path, ...rest)
  }) as typeof original.readdir
  return { ...original, readdir, default: { ...original, readdir } }
})

let dir: string
let root: string
let store: CatalogStore
let api: ApiService
const events: ApiEvent[] = []

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'koalarize-skips-'))
  root = join(dir, 'archive')
  for (const file of ['a.png', join('locked', 'b.png'), join('open', 'c.png')]) {
    await mkdir(join(root, file, '..'), { recursive: true })
    await writeGreyPng(join(root, file), 40, 30)
  }
  store = CatalogStore.open(join(dir, 'catalog.sqlite'))
  api = new ApiService({ store, thumbnails: new ThumbnailCache(join(dir, 'cache', 'thumbnails')), models: { list: async () => [] } })
  api.on((event) => events.push(event))
})

afterAll(async () => {
  await api.close()
  await api.idle()
  store.close()
  await rm(dir, { recursive: true, force: true })
})

describe('scanning', () => {
  it('skips an unreadable sub-folder with a warning, scans the rest, and keeps the photos known there', async () => {
    const project = await api.invoke('openProject', { folder: root })
    await api.idle()
    expect(store.photosOfProject(project.id).map((p) => p.relativePath).sort()).toEqual(['a.png', join('locked', 'b.png'), join('open', 'c.png')])

    locked = true
    await writeGreyPng(join(root, 'open', 'd.png'), 40, 30)
    const summary = await api.invoke('rescanProject', { projectId: project.id })
    expect(summary.skippedFolders).toEqual([{ path: 'locked', reason: expect.stringMatching(/permission denied/) }])
    expect(summary).toMatchObject({ added: 1, missing: 0 })
    const photos = store.photosOfProject(project.id)
    expect(photos.find((p) => p.relativePath === join('locked', 'b.png'))!.status).toBe('present')
    const warning = events.find((e) => e.name === 'backgroundError')
    expect(warning?.payload).toMatchObject({ projectId: project.id, task: 'scan', message: expect.stringMatching(/^skipped 1 folder\(s\) that could not be read: locked/) })
  })
})
