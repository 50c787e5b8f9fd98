import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { writeFaintlyHandColouredPng, writeGreyPng } from '../../../tests/fixtures/photos'
import type { JobDto } from '../../shared/api/schemas'
import { ApiService } from '../api/apiService'
import { CatalogStore } from '../catalog/catalogStore'
import { ThumbnailCache } from '../library/thumbnailCache'
import { ModelRegistry } from '../models/modelRegistry'
import { BUNDLED_MODELS_DIR } from '../models/paths'
import { SettingsStore } from '../settings/settingsStore'
import { rejection } from '../../../tests/fixtures/apiErrors'

// Photos whose colour is in doubt are never recoloured without being asked: through the API contract,
// with a real catalog, real photos and the bundled model in a real worker.

let dir: string
let store: CatalogStore
let api: ApiService

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'koalarize-doubt-'))
  const root = join(dir, 'archive')
  await mkdir(root, { recursive: true })
  await writeGreyPng(join(root, 'a-grey.png'), 64, 48)
  await writeFaintlyHandColouredPng(join(root, 'b-cheeks.png'))
  store = CatalogStore.open(join(dir, 'catalog.sqlite'))
  const settings = SettingsStore.open(null)
  settings.update({ threads: 1, executionProvider: 'cpu' })
  api = new ApiService({
    store,
    thumbnails: new ThumbnailCache(join(dir, 'cache', 'thumbnails')),
    models: new ModelRegistry([{ dir: BUNDLED_MODELS_DIR, origin: 'bundled' }]),
    progressIntervalMs: 0,
    settings
  })
})

afterEach(async () => {
  await api.close()
  await api.idle()
  store.close()
  await rm(dir, { recursive: true, force: true })
})

const finished = (jobId: number) =>
  new Promise<JobDto>((resolve) => api.on((event) => event.name === 'jobFinished' && (event.payload as JobDto).id === jobId && resolve(event.payload as JobDto)))

describe('colorizing photos whose colour is in doubt', () => {
  it('lists them, refuses to recolour them unasked, and then skips them or recolours them as the user chose', async () => {
    const project = await api.invoke('openProject', { folder: join(dir, 'archive') })
    await api.idle()
    const photos = (await api.invoke('listPhotos', { projectId: project.id })).items
    const [grey, cheeks] = photos as [(typeof photos)[0], (typeof photos)[0]]
    expect(grey).toMatchObject({ relativePath: 'a-grey.png', colourClass: 'bw', colourDoubtful: false })
    expect(cheeks).toMatchObject({ relativePath: 'b-cheeks.png', colourClass: 'bw', colourDoubtful: true })

    expect(await api.invoke('listDoubtfulPhotos', { projectId: project.id })).toEqual([{ id: cheeks.id, relativePath: 'b-cheeks.png', colourClass: 'bw' }])
    expect(await api.invoke('listDoubtfulPhotos', { projectId: project.id, photoIds: [grey.id] })).toEqual([])

    // Unasked ('ask' is the default): refused in plain words, naming the photo; nothing is queued.
    const refused = await rejection(api.invoke('createColorizeJob', { projectId: project.id }))
    expect(refused.code).toBe('bad_request')
    expect(refused.message).toBe('1 photo may already be in colour (b-cheeks.png): colour detection is not sure it is black-and-white or toned. Choose to recolour it anyway or to skip it.')
    expect(await api.invoke('listJobs', {})).toEqual([])
    const nothingLeft = await rejection(api.invoke('createColorizeJob', { projectId: project.id, photoIds: [cheeks.id], doubtful: 'skip' }))
    expect(nothingLeft.message).toMatch(/^Nothing to colorize: the 1 photo chosen may already be in colour and was skipped\.$/)

    // Skipped: only the grey photo is colorized.
    const skipping = await api.invoke('createColorizeJob', { projectId: project.id, doubtful: 'skip' })
    expect(skipping).toMatchObject({ counts: { total: 1 }, options: { recolorPhotoIds: [] } })
    expect((await api.invoke('getJob', { jobId: skipping.id })).items.map((i) => i.photoId)).toEqual([grey.id])
    expect(await finished(skipping.id)).toMatchObject({ status: 'done', counts: { done: 1 } })

    // Recoloured anyway: both, and the photo in doubt is colorized even where the pipeline would call it colour.
    const recolouring = await api.invoke('createColorizeJob', { projectId: project.id, doubtful: 'recolor' })
    expect(recolouring).toMatchObject({ counts: { total: 2 }, options: { recolor: false, recolorPhotoIds: [cheeks.id] } })
    expect(await finished(recolouring.id)).toMatchObject({ status: 'done', counts: { done: 2 } })
    const version = async (photoId: number) => (await api.invoke('listVersions', { photoId })).at(-1)!
    expect((await version(cheeks.id)).options).toMatchObject({ modelId: 'default', intensity: 1, recolor: true })
    expect((await version(grey.id)).options).toMatchObject({ modelId: 'default', intensity: 1, recolor: false })
    expect((await version(cheeks.id)).options).not.toHaveProperty('recolorPhotoIds')

    // "Recolour colour photos" already covers them: no question.
    const all = await api.invoke('createColorizeJob', { projectId: project.id, photoIds: [cheeks.id], recolor: true })
    expect(all.counts.total).toBe(1)
    await finished(all.id)
  }, 120_000)
})
