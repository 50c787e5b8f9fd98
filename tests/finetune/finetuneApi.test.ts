import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createAppServices, type AppServices } from '../../src/main/app/createAppServices'
import { API_EVENTS, type ApiEvent, type ApiEventPayload } from '../../src/shared/api/contract'
import { ApiError } from '../../src/shared/api/errors'
import { findMedia, parseMediaRequest } from '../../src/main/media/mediaFiles'
import { finetunableBase, skipUnlessRequired, writeTwoToneCollection } from '../fixtures/finetune'
import { writeGreyJpegWithMetadata, writeGreyPng } from '../fixtures/photos'
import { MIN_RELATIVE_GAIN } from '../../src/main/training/finetuneResult'

/**
 * The fine-tuning methods of the studio API on the real service and trainer: inspect a folder of
 * colour and grey photos, then a tiny fine-tune (2 steps at 64 px) streamed as events to a model that
 * listModels lists. The base is the fine-tunable base of the other fine-tuning tests.
 */
const root = await mkdtemp(join(tmpdir(), 'koalarize-finetune-api-'))
const base = await finetunableBase()
const skip = skipUnlessRequired('the fine-tuning API test', 'skip' in base ? base.skip : null)

afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

const rejection = async (promise: Promise<unknown>): Promise<ApiError> => {
  const error = await promise.then(() => undefined, (e: unknown) => e)
  expect(error).toBeInstanceOf(ApiError)
  return error as ApiError
}

describe('fine-tuning through the studio API (inspection needs no Python)', () => {
  let services: AppServices
  const collection = join(root, 'family colours')

  beforeAll(async () => {
    await writeTwoToneCollection(collection, 12)
    await writeGreyJpegWithMetadata(join(collection, 'grandma.jpg'), 96, 64)
    await writeGreyPng(join(collection, 'house.png'), 96, 64)
    services = createAppServices({ dataDir: join(root, 'data-inspect'), bundledModelsDir: join(root, 'none') })
  })

  afterAll(async () => {
    await services?.close()
  })

  it('inspectCollection counts usable colour photos and lists the grey ones with their reason', async () => {
    const inspection = await services.api.invoke('inspectCollection', { folder: collection })
    expect(inspection).toMatchObject({ folder: collection, found: 14, usable: 12, minPhotos: 20, enough: false, heldout: 4, train: 8 })
    expect(inspection.skipped.map((s) => [s.photo, s.kind])).toEqual([['grandma.jpg', 'bw'], ['house.png', 'bw']])
    expect(inspection.skipped[0]!.reason).toMatch(/black-and-white or near-grey/)
    expect(inspection.message).toMatch(/12 usable colour photos .*at least 20/)
  })

  it('rejects bad folders and job ids, and knows no jobs yet', async () => {
    expect((await rejection(services.api.invoke('inspectCollection', { folder: 'relative/folder' }))).code).toBe('bad_request')
    expect((await rejection(services.api.invoke('inspectCollection', { folder: join(root, 'missing') }))).code).toBe('bad_request')
    expect((await rejection(services.api.invoke('getFinetuneJob', { jobId: 'ft-20000101-000000-abcd' }))).code).toBe('not_found')
    expect((await rejection(services.api.call('getFinetuneJob', { jobId: '../../etc' }))).code).toBe('invalid_params')
    expect((await rejection(services.api.call('startFinetune', { folder: collection, name: ' ' }))).code).toBe('invalid_params')
    expect((await rejection(services.api.call('startFinetune', { folder: collection, name: 'x', options: { size: 65 } }))).code).toBe('invalid_params')
    expect((await rejection(services.api.invoke('startFinetune', { folder: collection, name: 'x', options: { baseModel: 'nope' } }))).code).toBe('bad_request')
    expect(await services.api.invoke('listFinetuneJobs', {})).toEqual([])
    expect(parseMediaRequest('preview', 'ft-1/../../x')).toBeUndefined()
    expect(parseMediaRequest('preview', '1')).toBeUndefined()
    expect(parseMediaRequest('preview', 'ft-20000101-000000-abcd/3')).toEqual({ kind: 'preview', jobId: 'ft-20000101-000000-abcd', step: 3 })
  })
})

describe.skipIf(skip !== null)('fine-tuning through the studio API (real trainer, tiny run)', () => {
  let services: AppServices
  const collection = join(root, 'colours')
  const events: ApiEvent[] = []
  let finished: ApiEventPayload<'finetuneFinished'>

  beforeAll(async () => {
    await writeTwoToneCollection(collection, 12)
    await writeGreyPng(join(collection, 'grey.png'), 96, 64)
    // The fine-tunable base as the only bundled model (its card id names it).
    const baseDir = (base as { dir: string }).dir
    const card = JSON.parse(await readFile(join(baseDir, 'model.json'), 'utf8')) as { id: string }
    const bundled = join(root, 'bundled')
    await mkdir(bundled, { recursive: true })
    await symlink(baseDir, join(bundled, card.id), 'dir')
    services = createAppServices({ dataDir: join(root, 'data'), bundledModelsDir: bundled, tuning: { progressIntervalMs: 0 } })
    services.api.on((event) => events.push(event))

    const environment = await services.api.invoke('checkFinetuneEnvironment', {})
    expect(environment.ok, environment.message).toBe(true)
    expect(environment.chosen?.modules.torch).toBeTruthy()

    const done = new Promise<ApiEventPayload<'finetuneFinished'>>((resolve) => {
      const off = services.api.on((event) => {
        if (event.name === 'finetuneFinished') {
          off()
          resolve(event.payload)
        }
      })
    })
    const job = await services.api.invoke('startFinetune', {
      folder: collection,
      name: 'Two tones (API test)',
      options: { size: 64, maxSteps: 2, batchSize: 4, epochs: 1, minutes: 2, threads: 1, minPhotos: 8 }
    })
    expect(job).toMatchObject({ name: 'Two tones (API test)', collection, options: { size: 64, maxSteps: 2, baseModel: card.id } })
    finished = await done
  }, 600_000)

  afterAll(async () => {
    await services?.close()
  })

  it('streamed state, progress, held-out loss and previews, every payload valid', () => {
    for (const event of events) expect(API_EVENTS[event.name].safeParse(event.payload).success).toBe(true)
    const states = events.filter((e) => e.name === 'finetuneUpdated').map((e) => (e.payload as { state: string }).state)
    expect(states[0]).toBe('queued')
    expect(states).toEqual(expect.arrayContaining(['preparing', 'training', 'exporting', 'done']))
    const progress = events.filter((e) => e.name === 'finetuneProgress').map((e) => e.payload as ApiEventPayload<'finetuneProgress'>)
    expect(progress.some((p) => p.phase === 'preparing')).toBe(true)
    expect(progress.filter((p) => p.phase === 'training').at(-1)).toMatchObject({ step: 2, totalSteps: 2 })
    expect(progress.some((p) => p.phase === 'evaluating')).toBe(true)
    expect(events.some((e) => e.name === 'finetuneEval')).toBe(true)
    expect(events.some((e) => e.name === 'finetunePreview')).toBe(true)
  })

  it('finished with a result: a new model with before/after figures, listed by listModels', async () => {
    expect(finished.state, `${finished.job.message}\n${finished.job.error?.stderrTail.join('\n')}`).toBe('done')
    const result = finished.result!
    expect(result.modelId).toBe('two-tones-api-test')
    expect(result.heldout.photos).toBe(4)
    expect(result.heldout.base.deltaE2000).toBeGreaterThan(0)
    expect(result.heldout.fineTuned.deltaE2000).toBeGreaterThan(0)
    expect(result.recommended).toBe(result.heldout.fineTuned.deltaE2000 <= result.heldout.base.deltaE2000 * (1 - MIN_RELATIVE_GAIN))
    expect(JSON.stringify(finished.job)).not.toContain(services.dataDir) // no internal paths cross the boundary
    const models = await services.api.invoke('listModels', {})
    expect(models.find((m) => m.id === result.modelId)).toMatchObject({ name: 'Two tones (API test)', origin: 'user' })
    const jobs = await services.api.invoke('listFinetuneJobs', {})
    expect(jobs.map((j) => [j.id, j.state])).toEqual([[finished.jobId, 'done']])
    expect(jobs[0]!.data).toMatchObject({ found: 13, usable: 12, heldout: 4, skipped: [{ photo: 'grey.png', kind: 'bw' }] })
  })

  it('serves the previews by job id and step, and nothing else', async () => {
    const job = await services.api.invoke('getFinetuneJob', { jobId: finished.jobId })
    const step = job.previews.at(-1)!.step
    const sources = { store: services.store, thumbnailsDir: services.thumbnails.dir, finetune: services.finetune }
    const media = await findMedia(sources, parseMediaRequest('preview', `${job.id}/${step}`)!)
    expect(media?.contentType).toBe('image/png')
    expect(await findMedia(sources, parseMediaRequest('preview', `${job.id}/99999`)!)).toBeUndefined()
    expect((await rejection(services.api.invoke('resumeFinetune', { jobId: job.id }))).code).toBe('bad_request')
  })
})
