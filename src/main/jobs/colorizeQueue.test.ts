import sharp from 'sharp'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { writeColourJpeg, writeGreyPng, writeTruncatedJpeg } from '../../../tests/fixtures/photos'
import { API_EVENTS, type ApiEvent, type ApiEventName, type ApiEventPayload } from '../../shared/api/contract'
import { ApiService } from '../api/apiService'
import { CatalogStore } from '../catalog/catalogStore'
import { THUMBNAIL_SIZE, ThumbnailCache } from '../library/thumbnailCache'
import { ModelRegistry } from '../models/modelRegistry'
import { BUNDLED_MODELS_DIR } from '../models/paths'
import { SettingsStore } from '../settings/settingsStore'
import type { SettingsPatch } from '../../shared/settings'
import { CRASH_REASON, INTERRUPTED_NOTE } from './colorizeQueue'
import { findMedia } from '../media/mediaFiles'
import { rejection } from '../../../tests/fixtures/apiErrors'

// End to end through the API contract: real catalog file, real photos, the bundled default model in a
// real worker process. Photos are tiny and the working size small (the machine is shared).

let dir: string
let root: string
let services: { api: ApiService; store: CatalogStore }[]
let events: ApiEvent[]

const catalogFile = () => join(dir, 'catalog.sqlite')
const versionsDir = () => join(dir, 'cache', 'versions')

function openService(patch: SettingsPatch = {}): { api: ApiService; store: CatalogStore } {
  const store = CatalogStore.open(catalogFile())
  const settings = SettingsStore.open(null)
  settings.update({ threads: 1, executionProvider: 'cpu', ...patch })
  const api = new ApiService({
    store,
    thumbnails: new ThumbnailCache(join(dir, 'cache', 'thumbnails')),
    models: new ModelRegistry([{ dir: BUNDLED_MODELS_DIR, origin: 'bundled' }]),
    progressIntervalMs: 0,
    settings,
    colorizeWorker: { tickMs: 20 }
  })
  api.on((event) => {
    // Every event must match its contract schema.
    expect(API_EVENTS[event.name].safeParse(event.payload).success).toBe(true)
    events.push(event)
  })
  const service = { api, store }
  services.push(service)
  return service
}

async function closeService(service: { api: ApiService; store: CatalogStore }): Promise<void> {
  await service.api.close()
  await service.api.idle()
  service.store.close()
  services = services.filter((s) => s !== service)
}

const payloads = <E extends ApiEventName>(name: E): ApiEventPayload<E>[] =>
  events.filter((e) => e.name === name).map((e) => e.payload as ApiEventPayload<E>)

/** Resolves once an event matching `test` has arrived (already, or later). */
async function nextEvent<E extends ApiEventName>(name: E, test: (payload: ApiEventPayload<E>) => boolean = () => true, timeoutMs = 60_000): Promise<ApiEventPayload<E>> {
  const started = Date.now()
  for (;;) {
    const found = payloads(name).find(test)
    if (found) return found
    if (Date.now() - started > timeoutMs) throw new Error(`no ${name} event within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

async function openArchive(api: ApiService, names: string[]) {
  const project = await api.invoke('openProject', { folder: root })
  await api.idle()
  const photos = (await api.invoke('listPhotos', { projectId: project.id, includeMissing: true })).items
  const byName = new Map(photos.map((p) => [p.relativePath, p.id]))
  return { project, ids: names.map((n) => byName.get(n)!) }
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'koalarize-jobs-'))
  root = join(dir, 'archive')
  await mkdir(root, { recursive: true })
  for (const [i, name] of ['a.png', 'b.png', 'c.png', 'd.png', 'e.png', 'f.png'].entries()) await writeGreyPng(join(root, name), 64 + i * 8, 48)
  events = []
  services = []
})

afterEach(async () => {
  for (const service of services) await closeService(service)
  delete process.env.KOALARIZE_TEST_CRASH_ON_FILE
  await rm(dir, { recursive: true, force: true })
})

describe('colorize queue', () => {
  it('colorizes photos in a worker with progress to 100 %, one version each; a bad photo fails alone, a colour one is skipped', async () => {
    await writeTruncatedJpeg(join(root, 'broken.jpg'))
    await writeColourJpeg(join(root, 'holiday.jpg'))
    const { api, store } = openService()
    const { project, ids } = await openArchive(api, ['a.png', 'broken.jpg', 'b.png', 'holiday.jpg', 'c.png'])
    const [a, broken, b, holiday, c] = ids as [number, number, number, number, number]

    const job = await api.invoke('createColorizeJob', { projectId: project.id, photoIds: ids, workingSize: 64, intensity: 1.2 })
    expect(['queued', 'running']).toContain(job.status) // it starts at once: the queue was empty
    expect(job).toMatchObject({ options: { modelId: 'default', workingSize: 64, intensity: 1.2, recolor: false }, counts: { total: 5 } })
    const finished = await nextEvent('jobFinished', (j) => j.id === job.id)
    expect(finished).toMatchObject({ status: 'done', counts: { total: 5, done: 3, failed: 1, skipped: 1, queued: 0, running: 0 } })

    // Progress: increasing, with a current photo and an ETA once one photo is done, ending at 1.
    const progress = payloads('jobProgress').filter((p) => p.jobId === job.id)
    expect(progress.length).toBeGreaterThan(5)
    const fractions = progress.map((p) => p.fraction)
    expect(fractions).toEqual([...fractions].sort((x, y) => x - y))
    expect(progress.at(-1)).toMatchObject({ fraction: 1, finished: 5, total: 5, current: null, etaSeconds: 0 })
    expect(progress.some((p) => p.current?.photoId === c && p.etaSeconds !== null)).toBe(true)
    expect(payloads('jobUpdated').map((j) => j.status)).toEqual(expect.arrayContaining(['queued', 'running']))

    // Items: reasons recorded, versions linked.
    const detail = await api.invoke('getJob', { jobId: job.id })
    const item = (photoId: number) => detail.items.find((i) => i.photoId === photoId)!
    expect(item(broken)).toMatchObject({ status: 'failed', versionId: expect.any(Number) })
    expect(item(broken).error).toMatch(/damaged|truncated|premature|corrupt/i)
    expect(item(holiday)).toMatchObject({ status: 'skipped', versionId: null })
    expect(item(holiday).error).toMatch(/already in colour/)
    for (const id of [a, b, c]) expect(item(id)).toMatchObject({ status: 'done', error: null, versionId: expect.any(Number), millis: expect.any(Number) })
    // Two photos are in flight at once: they finish in either order.
    const byId = (x: number, y: number): number => x - y
    expect(payloads('jobItemFinished').map((i) => i.photoId).sort(byId)).toEqual([...ids].sort(byId))
    // Items are named by file, so the queue can say which photo failed and why.
    expect(payloads('jobItemFinished').map((i) => i.photoName).sort()).toEqual(['a.png', 'b.png', 'broken.jpg', 'c.png', 'holiday.jpg'])
    expect(item(broken).photoName).toBe('broken.jpg')

    // The library shows the work: a version on the colorized photos, the reason on the failed one.
    const shown = new Map((await api.invoke('listPhotos', { projectId: project.id })).items.map((p) => [p.id, p.work]))
    expect(shown.get(a)).toMatchObject({ versions: 1, shownVersionId: item(a).versionId, activity: null, failure: null })
    expect(shown.get(broken)).toMatchObject({ versions: 0, shownVersionId: null, failure: item(broken).error })
    expect(shown.get(holiday)).toMatchObject({ versions: 0, failure: null })
    // A small rendition of the version, made on first request, in the thumbnail cache.
    const thumb = await findMedia({ store, thumbnailsDir: join(dir, 'cache', 'thumbnails') }, { kind: 'version-thumbnail', id: item(a).versionId! })
    const bytes = thumb!.open()
    const thumbMeta = await sharp(Buffer.isBuffer(bytes) ? bytes : Buffer.concat(await bytes.toArray())).metadata()
    expect([thumbMeta.format, thumbMeta.width, thumbMeta.height]).toEqual(['jpeg', 64, 48]) // a.png, below THUMBNAIL_SIZE: not enlarged
    expect(THUMBNAIL_SIZE).toBeGreaterThan(64)
    expect(await findMedia({ store, thumbnailsDir: join(dir, 'cache', 'thumbnails') }, { kind: 'version-thumbnail', id: item(broken).versionId! })).toBeUndefined()

    // Versions: one lossless PNG per photo in the cache, the original's size, with provenance.
    const created = payloads('versionCreated')
    expect(created.map((v) => v.photoId).sort(byId)).toEqual([a, b, c].sort(byId))
    for (const version of created) {
      expect(version).toMatchObject({ modelId: 'default', status: 'done', hasOutput: true, preferred: false, options: { workingSize: 64, intensity: 1.2 } })
      const file = join(versionsDir(), String(project.id), String(version.photoId), `${version.id}.png`)
      const meta = await sharp(file).metadata()
      const photo = (await api.invoke('getPhoto', { photoId: version.photoId })).photo
      expect([meta.format, meta.width, meta.height]).toEqual(['png', photo.width, photo.height])
      expect(meta.xmp?.toString()).toContain('koalarize:ModelId="default"')
    }
    expect((await api.invoke('getPhoto', { photoId: broken })).versions).toMatchObject([{ status: 'failed', hasOutput: false }])
    expect((await api.invoke('listPhotos', { projectId: project.id, filter: 'done' })).items.map((p) => p.id).sort()).toEqual([a, b, c].sort())
    expect((await api.invoke('listJobs', { projectId: project.id })).map((j) => j.id)).toEqual([job.id])

    // "All of the project": the readable photos (not the broken one); earlier versions stay.
    const all = await api.invoke('createColorizeJob', { projectId: project.id, workingSize: 64, recolor: true })
    expect(all.counts.total).toBe(7)
    expect((await nextEvent('jobFinished', (j) => j.id === all.id)).counts).toMatchObject({ done: 7, failed: 0, skipped: 0 })
    const versionsOfA = await api.invoke('listVersions', { photoId: a })
    expect(versionsOfA).toHaveLength(2)
    expect(versionsOfA[0]!.id).toBe(created.find((v) => v.photoId === a)!.id)
  })

  it('refuses bad job requests and state changes', async () => {
    const { api } = openService()
    const { project, ids } = await openArchive(api, ['a.png', 'b.png'])
    expect((await rejection(api.invoke('createColorizeJob', { projectId: 999 }))).code).toBe('not_found')
    expect((await rejection(api.invoke('createColorizeJob', { projectId: project.id, photoIds: [ids[0]!, 999] }))).code).toBe('bad_request')
    expect((await rejection(api.invoke('createColorizeJob', { projectId: project.id, modelId: 'nope' }))).message).toMatch(/not installed/)
    expect((await rejection(api.call('createColorizeJob', { projectId: project.id, workingSize: 8 }))).code).toBe('invalid_params')
    expect((await rejection(api.call('createColorizeJob', { projectId: project.id, intensity: -1 }))).code).toBe('invalid_params')
    expect((await rejection(api.invoke('getJob', { jobId: 999 }))).code).toBe('not_found')
    expect((await rejection(api.invoke('pauseJob', { jobId: 999 }))).code).toBe('not_found')
    await rm(join(root, 'b.png')) // gone since the scan
    const job = await api.invoke('createColorizeJob', { projectId: project.id, photoIds: ids, workingSize: 64 })
    expect(await nextEvent('jobFinished', (j) => j.id === job.id)).toMatchObject({ status: 'done', counts: { done: 1, failed: 1 } })
    expect((await api.invoke('getJob', { jobId: job.id })).items[1]).toMatchObject({ status: 'failed', error: 'the file is missing from the archive folder' })
    expect((await rejection(api.invoke('pauseJob', { jobId: job.id }))).code).toBe('bad_request')
    expect((await rejection(api.invoke('resumeJob', { jobId: job.id }))).code).toBe('bad_request')
    expect(await api.invoke('cancelJob', { jobId: job.id })).toMatchObject({ status: 'done' })
  })

  it('cancels a running job at once: the photo in progress is abandoned, the rest never start', async () => {
    const { api, store } = openService()
    const { project, ids } = await openArchive(api, ['a.png', 'b.png', 'c.png', 'd.png', 'e.png', 'f.png'])
    const job = await api.invoke('createColorizeJob', { projectId: project.id, photoIds: ids, workingSize: 64 })
    await nextEvent('jobItemFinished', (i) => i.jobId === job.id)
    const cancelled = await api.invoke('cancelJob', { jobId: job.id })
    expect(cancelled.status).toBe('cancelled')
    const finished = await nextEvent('jobFinished', (j) => j.id === job.id)
    await api.jobsIdle()
    expect(finished.status).toBe('cancelled')
    const counts = store.jobCounts(job.id)
    expect(counts.done).toBeGreaterThanOrEqual(1)
    expect(counts.done).toBeLessThan(6)
    expect(counts.cancelled).toBe(6 - counts.done)
    expect(counts.queued + counts.running).toBe(0)
    // Only finished versions remain, in the catalog and on disk.
    const versions = ids.flatMap((id) => store.resultsOfPhoto(id))
    expect(versions.every((v) => v.status === 'done')).toBe(true)
    expect(versions).toHaveLength(counts.done)
    const files = (await readdir(versionsDir(), { recursive: true })).filter((f) => f.endsWith('.png') || f.includes('partial'))
    expect(files).toHaveLength(counts.done)
    expect((await rejection(api.invoke('resumeJob', { jobId: job.id }))).code).toBe('bad_request')
  })

  it('pauses after the photo in progress and resumes where it stopped', async () => {
    const { api, store } = openService()
    const { project, ids } = await openArchive(api, ['a.png', 'b.png', 'c.png', 'd.png', 'e.png'])
    const job = await api.invoke('createColorizeJob', { projectId: project.id, photoIds: ids, workingSize: 64 })
    await nextEvent('jobItemFinished', (i) => i.jobId === job.id)
    expect((await api.invoke('pauseJob', { jobId: job.id })).status).toBe('paused')
    await api.jobsIdle()
    const paused = store.jobCounts(job.id)
    expect(store.getJob(job.id)!.status).toBe('paused')
    expect(paused.running).toBe(0)
    expect(paused.done).toBeGreaterThanOrEqual(1)
    expect(paused.queued).toBeGreaterThanOrEqual(1)
    expect(paused.done + paused.queued).toBe(5)
    // Nothing moves while paused.
    await new Promise((r) => setTimeout(r, 300))
    expect(store.jobCounts(job.id)).toEqual(paused)
    expect(payloads('jobFinished')).toEqual([])

    expect(['queued', 'running']).toContain((await api.invoke('resumeJob', { jobId: job.id })).status)
    const finished = await nextEvent('jobFinished', (j) => j.id === job.id)
    expect(finished).toMatchObject({ status: 'done', counts: { done: 5, queued: 0 } })
    for (const id of ids) expect(store.resultsOfPhoto(id).map((r) => r.status)).toEqual(['done'])
  })

  it('resumes after a restart: closing pauses the job, a crash is recovered at start-up, done items stay done', async () => {
    const first = openService()
    const { project, ids } = await openArchive(first.api, ['a.png', 'b.png', 'c.png', 'd.png'])
    const job = await first.api.invoke('createColorizeJob', { projectId: project.id, photoIds: ids, workingSize: 64 })
    await nextEvent('jobItemFinished', (i) => i.jobId === job.id)
    await closeService(first) // the app quits mid-job

    // The app crashed instead, later, in the middle of a photo: the catalog says running, a half-made version is on disk.
    const raw = CatalogStore.open(catalogFile())
    expect(raw.getJob(job.id)!.status).toBe('paused')
    const doneBefore = raw.jobItems(job.id).filter((i) => i.status === 'done').map((i) => i.photoId)
    expect(doneBefore.length).toBeGreaterThanOrEqual(1)
    const interrupted = raw.nextQueuedItem(job.id)!
    const halfMade = raw.addResult({ photoId: interrupted.photoId, modelId: 'default', options: {}, status: 'pending' })
    const halfFile = join(versionsDir(), String(project.id), String(interrupted.photoId), `${halfMade.id}.png`)
    raw.setResultOutput(halfMade.id, halfFile)
    await mkdir(join(halfFile, '..'), { recursive: true })
    await writeFile(halfFile, 'half a png')
    raw.updateJobItem(job.id, interrupted.photoId, { status: 'running', resultId: halfMade.id })
    raw.setJobStatus(job.id, 'running')
    raw.close()

    events = []
    const second = openService({ resumeInterruptedJobs: false }) // (on by default: see jobRecovery.test.ts)
    await second.api.idle() // start-up recovery
    const recovered = await second.api.invoke('getJob', { jobId: job.id })
    expect(recovered.job).toMatchObject({ status: 'paused', error: INTERRUPTED_NOTE })
    expect(recovered.items.find((i) => i.photoId === interrupted.photoId)).toMatchObject({ status: 'queued', versionId: null })
    expect(existsSync(halfFile)).toBe(false)
    expect(second.store.getResult(halfMade.id)).toBeUndefined()
    await new Promise((r) => setTimeout(r, 200))
    expect(payloads('jobUpdated')).toEqual([]) // nothing started by itself

    await second.api.invoke('resumeJob', { jobId: job.id })
    const finished = await nextEvent('jobFinished', (j) => j.id === job.id)
    expect(finished).toMatchObject({ status: 'done', counts: { total: 4, done: 4 } })
    expect(payloads('jobItemFinished').map((i) => i.photoId).sort()).toEqual(ids.filter((id) => !doneBefore.includes(id)).sort())
    for (const id of ids) expect(second.store.resultsOfPhoto(id).map((r) => r.status)).toEqual(['done'])
  })

  it('a worker that crashes on a photo fails that photo only; a fresh worker does the rest', async () => {
    process.env.KOALARIZE_TEST_CRASH_ON_FILE = 'b.png' // test-only hook in colorizeWorker.ts: SIGKILLs itself on this file
    const { api, store } = openService()
    const { project, ids } = await openArchive(api, ['a.png', 'b.png', 'c.png'])
    const job = await api.invoke('createColorizeJob', { projectId: project.id, photoIds: ids, workingSize: 64 })
    const finished = await nextEvent('jobFinished', (j) => j.id === job.id)
    expect(finished).toMatchObject({ status: 'done', counts: { done: 2, failed: 1 } })
    expect(store.getJobItem(job.id, ids[1]!)).toMatchObject({ status: 'failed', error: CRASH_REASON })
    expect(store.resultsOfPhoto(ids[1]!)).toMatchObject([{ status: 'failed', error: CRASH_REASON, outputPath: null }])
    expect(store.getJobItem(job.id, ids[2]!)!.status).toBe('done')
    expect((await stat(store.resultsOfPhoto(ids[2]!)[0]!.outputPath!)).size).toBeGreaterThan(0)
  })

  it('sets the preferred version and deletes versions (the file in the cache, never the original)', async () => {
    const { api, store } = openService()
    const { project, ids } = await openArchive(api, ['a.png'])
    const photoId = ids[0]!
    for (const intensity of [1, 2]) {
      const job = await api.invoke('createColorizeJob', { projectId: project.id, photoIds: [photoId], workingSize: 64, intensity })
      await nextEvent('jobFinished', (j) => j.id === job.id)
    }
    const [v1, v2] = await api.invoke('listVersions', { photoId })
    expect((await api.invoke('setPreferredVersion', { photoId, versionId: v1!.id })).versions.map((v) => v.preferred)).toEqual([true, false])
    expect((await api.invoke('setPreferredVersion', { photoId, versionId: v2!.id })).versions.map((v) => v.preferred)).toEqual([false, true])
    expect((await api.invoke('setPreferredVersion', { photoId, versionId: null })).versions.map((v) => v.preferred)).toEqual([false, false])
    expect((await rejection(api.invoke('setPreferredVersion', { photoId: 999, versionId: v1!.id }))).code).toBe('not_found')
    expect((await rejection(api.invoke('setPreferredVersion', { photoId, versionId: 999 }))).code).toBe('not_found')

    const v1File = store.getResult(v1!.id)!.outputPath!
    expect(existsSync(v1File)).toBe(true)
    const after = await api.invoke('deleteVersion', { versionId: v1!.id })
    expect(after.versions.map((v) => v.id)).toEqual([v2!.id])
    expect(existsSync(v1File)).toBe(false)
    expect(existsSync(join(root, 'a.png'))).toBe(true)
    expect((await rejection(api.invoke('deleteVersion', { versionId: v1!.id }))).code).toBe('not_found')

    // A version whose recorded file lies outside the cache (never written by us): only the row goes.
    const foreign = store.addResult({ photoId, modelId: 'default', options: {}, status: 'done', outputPath: join(root, 'a.png') })
    await api.invoke('deleteVersion', { versionId: foreign.id })
    expect(existsSync(join(root, 'a.png'))).toBe(true)
    const pending = store.addResult({ photoId, modelId: 'default', options: {}, status: 'pending' })
    expect((await rejection(api.invoke('deleteVersion', { versionId: pending.id }))).code).toBe('bad_request')
    const failed = store.addResult({ photoId, modelId: 'default', options: {}, status: 'failed', error: 'x' })
    expect((await rejection(api.invoke('setPreferredVersion', { photoId, versionId: failed.id }))).code).toBe('bad_request')
  })
})
