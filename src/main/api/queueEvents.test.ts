import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { API_EVENTS } from '../../shared/api/contract'
import { CatalogStore } from '../catalog/catalogStore'
import { ProgressEstimator } from '../jobs/progressEstimator'
import type { QueueEvent } from './queueEvents'
import { forwardQueueEvents, queueEventToApi } from './queueEvents'
import type { ApiEvent } from '../../shared/api/contract'

let store: CatalogStore
beforeEach(() => {
  store = CatalogStore.open(':memory:')
})
afterEach(() => store.close())

/** One of each event the colorize queue emits, as domain records. */
function queueEvents(): QueueEvent[] {
  const project = store.createProject({ name: 'Attic', root: '/archive/attic' })
  const facts = { size: 1, mtimeMs: 1, contentHash: 'ab', width: 40, height: 30, format: 'png', depth: 'uchar', capturedAt: null, colourClass: 'bw' as const, meanChroma: 0, scanError: null }
  const photo = store.insertPhoto(project.id, 'a.png', facts)
  const options = { modelId: 'default', workingSize: 64, intensity: 1, recolor: false, recolorPhotoIds: [] }
  const job = store.createJob({ kind: 'colorize', projectId: project.id, photoIds: [photo.id], options })
  const version = store.addResult({ photoId: photo.id, modelId: 'default', options: { modelId: 'default', workingSize: 64, intensity: 1, recolor: false }, status: 'done', outputPath: '/versions/1.png' })
  store.updateJobItem(job.id, photo.id, { status: 'done', resultId: version.id, millis: 12 })
  const estimator = new ProgressEstimator(store, job.id)
  estimator.start(photo.id)
  const counts = store.jobCounts(job.id)
  return [
    { name: 'jobUpdated', payload: { job, counts } },
    { name: 'jobFinished', payload: { job, counts } },
    { name: 'jobItemFinished', payload: { item: store.getJobItem(job.id, photo.id)!, photoName: photo.relativePath } },
    { name: 'jobProgress', payload: estimator.progress('running', photo.id) },
    { name: 'versionCreated', payload: version }
  ]
}

describe('the colorize queue\'s events on the wire', () => {
  it('maps each domain event to the contract\'s, which its schema accepts as it is', () => {
    const events = queueEvents()
    expect(events.map((e) => e.name).sort()).toEqual(['jobFinished', 'jobItemFinished', 'jobProgress', 'jobUpdated', 'versionCreated'])
    for (const event of events) {
      const api = queueEventToApi(event)
      expect(api.name).toBe(event.name)
      expect(API_EVENTS[api.name].strict().parse(api.payload)).toEqual(api.payload) // nothing missing, nothing extra
    }
    const version = queueEventToApi(events.at(-1)!).payload
    expect(version).not.toHaveProperty('outputPath') // file paths stay in main
    expect(version).toMatchObject({ options: { workingSize: 64 }, hasOutput: true })
  })

  it('forwards what the queue emits, mapped', () => {
    const sent: ApiEvent[] = []
    const emit = forwardQueueEvents((event) => sent.push(event))
    const [updated] = queueEvents()
    if (updated?.name !== 'jobUpdated') throw new Error('expected jobUpdated first')
    emit('jobUpdated', updated.payload)
    expect(sent).toEqual([queueEventToApi(updated)])
  })
})
