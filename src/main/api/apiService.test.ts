import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { writeColourJpeg, writeGrey16Tiff, writeGreyJpegWithCaptureDate, writeSepiaWebp, writeTruncatedJpeg } from '../../../tests/fixtures/photos'
import { API_EVENTS, API_METHODS, type ApiEvent } from '../../shared/api/contract'
import { CatalogStore } from '../catalog/catalogStore'
import { ModelRegistry } from '../models/modelRegistry'
import { ThumbnailCache } from '../library/thumbnailCache'
import { ApiService } from './apiService'
import { rejection } from '../../../tests/fixtures/apiErrors'

let dir: string
let root: string
let store: CatalogStore
let api: ApiService
let events: ApiEvent[]

async function writeModel(modelsDir: string): Promise<void> {
  const folder = join(modelsDir, 'tiny')
  await mkdir(folder, { recursive: true })
  const card = {
    formatVersion: 1,
    id: 'tiny',
    name: 'Tiny test model',
    architecture: { name: 'deep-koalarization', width: 0.25 },
    extractor: { kind: 'learned', file: 'extractor.onnx', inputSize: 64, embeddingWidth: 32 },
    colorizer: { file: 'colorizer.onnx', spatialMultiple: 8, trainedSize: 64 },
    scaling: { colorSpace: 'CIELAB-D65', l: { scale: 50, offset: 1 }, ab: { scale: 128 } }
  }
  await writeFile(join(folder, 'model.json'), JSON.stringify(card))
  await writeFile(join(folder, 'extractor.onnx'), 'stub')
  await writeFile(join(folder, 'colorizer.onnx'), 'stub')
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'koalarize-api-'))
  root = join(dir, 'archive')
  await mkdir(join(root, 'sub'), { recursive: true })
  await writeGreyJpegWithCaptureDate(join(root, 'b-grandma.jpg'), '1931:07:04 14:05:09')
  await writeGreyJpegWithCaptureDate(join(root, 'sub', 'a-wedding.jpg'), '1925:05:01 11:00:00')
  await writeSepiaWebp(join(root, 'c-sepia.webp'))
  await writeColourJpeg(join(root, 'd-holiday.jpg'))
  await writeGrey16Tiff(join(root, 'e-scan.tif'))
  await writeTruncatedJpeg(join(root, 'f-broken.jpg'))
  await writeModel(join(dir, 'models'))
  store = CatalogStore.open(join(dir, 'catalog.sqlite'))
  api = new ApiService({
    store,
    thumbnails: new ThumbnailCache(join(dir, 'thumbnails')),
    models: new ModelRegistry([{ dir: join(dir, 'models'), origin: 'user' }]),
    progressIntervalMs: 0
  })
  events = []
  api.on((event) => events.push(event))
})

afterEach(async () => {
  await api.idle()
  store.close()
  await rm(dir, { recursive: true, force: true })
})

describe('ApiService', () => {
  it('opens a folder as a project, scans it and makes thumbnails in the background, streaming events', async () => {
    const project = await api.invoke('openProject', { folder: root })
    expect(project).toMatchObject({ name: 'archive', root })
    await api.idle()

    const names = events.map((e) => e.name)
    expect(names).toContain('scanProgress')
    expect(names.filter((n) => n === 'scanFinished')).toHaveLength(1)
    expect(names.filter((n) => n === 'thumbnailReady')).toHaveLength(5)
    expect(names.lastIndexOf('scanProgress')).toBeLessThan(names.indexOf('thumbnailReady'))
    for (const event of events) expect(API_EVENTS[event.name].safeParse(event.payload).success).toBe(true)
    const lastProgress = events.filter((e) => e.name === 'scanProgress').at(-1)!
    expect(lastProgress.payload).toMatchObject({ projectId: project.id, done: 6, total: 6 })

    // Opening the same folder again gives the same project.
    expect((await api.invoke('openProject', { folder: root + '/' })).id).toBe(project.id)
    await api.idle()
    expect(await api.invoke('listProjects', {})).toHaveLength(1)

    const page = await api.invoke('listPhotos', { projectId: project.id })
    expect(page).toMatchObject({ total: 6, offset: 0, limit: 200 })
    expect(page.items.map((p) => p.relativePath)).toEqual(['b-grandma.jpg', 'c-sepia.webp', 'd-holiday.jpg', 'e-scan.tif', 'f-broken.jpg', join('sub', 'a-wedding.jpg')])
    expect(page.items.filter((p) => p.hasThumbnail)).toHaveLength(5)
    expect(page.items[0]).not.toHaveProperty('thumbnailPath') // no file-system paths cross the boundary

    const list = async (params: Parameters<typeof api.invoke<'listPhotos'>>[1]) =>
      (await api.invoke('listPhotos', params)).items.map((p) => p.relativePath)
    expect(await list({ projectId: project.id, filter: 'bw' })).toEqual(['b-grandma.jpg', 'e-scan.tif', join('sub', 'a-wedding.jpg')])
    expect(await list({ projectId: project.id, filter: 'toned' })).toEqual(['c-sepia.webp'])
    expect(await list({ projectId: project.id, filter: 'colour' })).toEqual(['d-holiday.jpg'])
    expect(await list({ projectId: project.id, filter: 'failed' })).toEqual(['f-broken.jpg'])
    expect(await list({ projectId: project.id, filter: 'done' })).toEqual([])
    expect((await list({ projectId: project.id, sort: 'date' })).slice(0, 2)).toEqual([join('sub', 'a-wedding.jpg'), 'b-grandma.jpg'])
    expect(await list({ projectId: project.id, offset: 4, limit: 1 })).toEqual(['f-broken.jpg'])

    const grandma = page.items[0]!
    expect(grandma.work).toEqual({ versions: 0, shownVersionId: null, preferredVersionId: null, failure: null, activity: null })
    const v1 = store.addResult({ photoId: grandma.id, modelId: 'tiny', options: { workingSize: 512 }, status: 'done', outputPath: join(dir, 'v1.png') })
    const detail = await api.invoke('getPhoto', { photoId: grandma.id })
    // The library shows the new version: the photo's work changed, nothing else.
    expect(detail.photo).toEqual({ ...grandma, work: { ...grandma.work, versions: 1, shownVersionId: v1.id } })
    expect(detail.versions).toMatchObject([{ modelId: 'tiny', options: { workingSize: 512 }, status: 'done', preferred: false, hasOutput: true }])
    expect(detail.versions[0]).not.toHaveProperty('outputPath')

    const rescan = await api.invoke('rescanProject', { projectId: project.id })
    expect(rescan).toMatchObject({ found: 6, unchanged: 6, added: 0 })

    const models = await api.invoke('listModels', {})
    expect(models).toMatchObject([{ id: 'tiny', name: 'Tiny test model', origin: 'user', card: { extractor: { inputSize: 64 } } }])
    expect(models[0]).not.toHaveProperty('dir')
  })

  it('rejects bad payloads with a typed error and keeps working', async () => {
    const invalid = async (method: string, params: unknown) => {
      const error = await rejection(api.call(method, params))
      expect(error.code).toBe('invalid_params')
      expect(error.issues!.length).toBeGreaterThan(0)
      return error
    }
    expect((await rejection(api.call('deleteEverything', {}))).code).toBe('unknown_method')
    expect((await rejection(api.call('constructor', {}))).code).toBe('unknown_method')
    expect((await rejection(api.call('__proto__', {}))).code).toBe('unknown_method')
    await invalid('openProject', {})
    await invalid('openProject', { folder: 42 })
    await invalid('openProject', { folder: '' })
    await invalid('openProject', 'not an object')
    await invalid('listPhotos', { projectId: 1, filter: 'everything' })
    await invalid('listPhotos', { projectId: 1, limit: 0 })
    await invalid('listPhotos', { projectId: 1, limit: 1_000_000 })
    await invalid('listPhotos', { projectId: 1, offset: -1 })
    await invalid('listPhotos', { projectId: 1.5 })
    await invalid('listPhotos', { projectId: '1' })
    await invalid('listProjects', { extra: true })
    const issues = (await invalid('listPhotos', { projectId: 1, sort: 'size' })).issues!
    expect(issues[0]!.path).toBe('sort')

    expect((await rejection(api.invoke('openProject', { folder: 'relative/path' }))).code).toBe('bad_request')
    expect((await rejection(api.invoke('openProject', { folder: join(dir, 'does-not-exist') }))).code).toBe('bad_request')
    expect((await rejection(api.invoke('openProject', { folder: join(root, 'b-grandma.jpg') }))).code).toBe('bad_request')
    expect((await rejection(api.invoke('listPhotos', { projectId: 999 }))).code).toBe('not_found')
    expect((await rejection(api.invoke('getPhoto', { photoId: 999 }))).code).toBe('not_found')
    expect((await rejection(api.invoke('rescanProject', { projectId: 999 }))).code).toBe('not_found')
    expect(JSON.parse(JSON.stringify((await rejection(api.call('nope', {}))).toData()))).toEqual({ code: 'unknown_method', message: 'unknown method nope' })

    // Still serving.
    expect(await api.invoke('listProjects', {})).toEqual([])
    expect(store.listProjects()).toEqual([])
  })

  it('a rescan of an unreachable folder fails cleanly and keeps the photos present', async () => {
    const project = await api.invoke('openProject', { folder: root })
    await api.idle()
    await rename(root, root + '-unplugged')
    const error = await rejection(api.invoke('rescanProject', { projectId: project.id }))
    expect(error.code).toBe('bad_request')
    expect(error.message).toMatch(/cannot be read/)
    expect(events.filter((e) => e.name === 'backgroundError')).toMatchObject([{ payload: { projectId: project.id, task: 'scan' } }])
    expect((await api.invoke('listPhotos', { projectId: project.id })).total).toBe(6)
    await rename(root + '-unplugged', root)
    expect(await api.invoke('rescanProject', { projectId: project.id })).toMatchObject({ unchanged: 6, missing: 0 })
  })

  it('every method in the contract has a handler', () => {
    expect([...api.handledMethods()].sort()).toEqual(Object.keys(API_METHODS).sort())
  })

  it('in Electron, uses only folders the user picked (or inside them, or projects already open)', async () => {
    const exportDir = join(dir, 'exports')
    let answer: string | null = root
    const electron = new ApiService({
      store,
      thumbnails: new ThumbnailCache(join(dir, 'thumbnails')),
      models: new ModelRegistry([{ dir: join(dir, 'models'), origin: 'user' }]),
      host: { transport: 'electron', pickFolder: async () => answer, onlyPickedFolders: true }
    })
    try {
      expect((await rejection(electron.invoke('openProject', { folder: root }))).message).toMatch(/Browse/)
      expect(await electron.invoke('pickFolder', { purpose: 'archive' })).toEqual({ folder: root })
      const project = await electron.invoke('openProject', { folder: root })
      await electron.idle()
      const [photo] = (await electron.invoke('listPhotos', { projectId: project.id })).items
      const exportRequest = { photoIds: [photo!.id], folder: exportDir, format: 'png' as const }
      expect((await rejection(electron.invoke('exportPhotos', exportRequest))).code).toBe('bad_request')
      answer = exportDir
      await electron.invoke('pickFolder', { purpose: 'export' })
      // Allowed now: it fails later only because the photo has no version yet.
      expect((await electron.invoke('exportPhotos', exportRequest)).skipped).toHaveLength(1)
    } finally {
      await electron.close()
    }
  })
})
