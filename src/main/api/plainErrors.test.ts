import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { API_METHODS } from '../../shared/api/contract'
import { describeInvalidCall, describeIssues } from '../../shared/api/plainWords'
import { CatalogStore } from '../catalog/catalogStore'
import { ThumbnailCache } from '../library/thumbnailCache'
import { ApiService } from './apiService'
import { describeFileError } from './fileErrors'
import { rejection } from '../../../tests/fixtures/apiErrors'
import { writeGreyPng } from '../../../tests/fixtures/photos'

let dir: string
let store: CatalogStore
let api: ApiService

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'koalarize-plain-'))
  await mkdir(join(dir, 'archive'))
  await writeFile(join(dir, 'a-file.jpg'), 'not a folder')
  await writeGreyPng(join(dir, 'archive', 'grandma.png'), 40, 30)
  store = CatalogStore.open(join(dir, 'catalog.sqlite'))
  api = new ApiService({ store, thumbnails: new ThumbnailCache(join(dir, 'thumbnails')), models: { list: async () => [] } })
})
afterAll(async () => {
  await api.idle()
  await api.close()
  store.close()
  await rm(dir, { recursive: true, force: true })
})

describe('errors in plain words', () => {
  it('says which field is out of range and what is allowed, not "invalid parameters for createColorizeJob"', async () => {
    const error = await rejection(api.call('createColorizeJob', { projectId: 1, workingSize: 5000, intensity: -1 }))
    expect(error.code).toBe('invalid_params')
    expect(error.message).toBe('Could not start colorizing: Detail must be at most 2048. Colour intensity must be at least 0.')
    expect(error.message).not.toMatch(/invalid parameters|createColorizeJob/)
    expect(error.issues!.map((i) => i.path)).toEqual(['workingSize', 'intensity']) // the details stay for programs
  })

  it('words every kind of problem for people', () => {
    const issues = (params: unknown) => API_METHODS.exportPhotos.params.safeParse(params).error!.issues
    expect(describeIssues(issues({ photoIds: [], folder: '/x', format: 'bmp', quality: 2.5 }))).toBe(
      'The selection is empty: choose at least one. The format must be one of jpeg, png, tiff, webp. Quality must be a whole number.'
    )
    expect(describeIssues(issues({ photoIds: [1], format: 'png' }))).toBe('The folder is missing.')
    expect(describeInvalidCall('somethingNew', issues({ photoIds: [1], format: 'png', folder: '/x', colour: 1 }))).toMatch(/^Could not do that: The request has settings/)
  })

  it('tells a missing folder from a file, naming the path', async () => {
    const missing = await rejection(api.call('openProject', { folder: join(dir, 'no such folder') }))
    expect(missing.message).toBe(`There is no folder at ${join(dir, 'no such folder')}. Check the path for typing mistakes, or whether its disk is connected.`)
    const file = await rejection(api.call('openProject', { folder: join(dir, 'a-file.jpg') }))
    expect(file.message).toBe(`${join(dir, 'a-file.jpg')} is a file, not a folder. Choose the folder that holds it.`)
    const below = await rejection(api.call('openProject', { folder: join(dir, 'a-file.jpg', 'sub') }))
    expect(below.message).toBe(`Part of ${join(dir, 'a-file.jpg', 'sub')} is a file, not a folder. Choose a folder instead.`)
    expect(below.message).not.toContain('ENOTDIR')
    const relative = await rejection(api.call('openProject', { folder: 'Pictures/archive' }))
    expect(relative.message).toMatch(/^Type the folder's full path/)
  })

  it("turns Node's file errors into sentences that name the file", () => {
    const enotdir = Object.assign(new Error("ENOTDIR: not a directory, mkdir '/out/a.jpg/x'"), { code: 'ENOTDIR', path: '/out/a.jpg/x' })
    expect(describeFileError(enotdir)).toBe('Part of /out/a.jpg/x is a file, not a folder. Choose a folder instead.')
    expect(describeFileError(new Error("EACCES: permission denied, open '/root/x.png'"))).toBe(
      'Koalarize is not allowed to use /root/x.png. Check its permissions, or choose another folder.'
    )
    expect(describeFileError(new Error('something else'))).toBeUndefined()
  })

  it('names a skipped export by its file, not by "photo 45"', async () => {
    const project = await api.invoke('openProject', { folder: join(dir, 'archive') })
    await api.idle()
    const [photo] = (await api.invoke('listPhotos', { projectId: project.id })).items
    const result = await api.invoke('exportPhotos', { photoIds: [photo!.id], folder: join(dir, 'out'), format: 'png' })
    expect(result.skipped).toEqual([{ photoId: photo!.id, name: 'grandma.png', reason: expect.any(String) }])
  })
})
