import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CatalogStore } from './catalogStore'
import type { PhotoFacts } from './types'

let dir: string
let store: CatalogStore

const facts: PhotoFacts = {
  size: 100, mtimeMs: 1, contentHash: 'ab'.repeat(32), width: 64, height: 48, format: 'jpeg', depth: 'uchar',
  capturedAt: null, colourClass: 'bw', meanChroma: 1, scanError: null
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'koalarize-work-'))
  store = CatalogStore.open(join(dir, 'catalog.sqlite'))
})
afterEach(async () => {
  store.close()
  await rm(dir, { recursive: true, force: true })
})

const version = (photoId: number, status: 'pending' | 'done' | 'failed', error?: string) =>
  store.addResult({ photoId, modelId: 'm', options: {}, outputPath: status === 'done' ? `/v/${photoId}.png` : null, status, error })

describe('photoWork: what the library shows of each photo', () => {
  it('shows the preferred version, else the latest finished one, else the original', () => {
    const project = store.createProject({ name: 'A', root: '/a' })
    const [plain, two, preferred] = ['a.jpg', 'b.jpg', 'c.jpg'].map((name) => store.insertPhoto(project.id, name, facts))
    const first = version(two!.id, 'done')
    const latest = version(two!.id, 'done')
    version(two!.id, 'pending') // being made: not shown yet
    const chosen = version(preferred!.id, 'done')
    version(preferred!.id, 'done')
    store.setPreferredResult(chosen.id)

    const work = store.photoWork([plain!.id, two!.id, preferred!.id])
    expect(work.get(plain!.id)).toEqual({ versions: 0, shownVersionId: null, preferredVersionId: null, failure: null, activity: null })
    expect(work.get(two!.id)).toMatchObject({ versions: 2, shownVersionId: latest.id, preferredVersionId: null })
    expect(latest.id).toBeGreaterThan(first.id)
    expect(work.get(preferred!.id)).toMatchObject({ versions: 2, shownVersionId: chosen.id, preferredVersionId: chosen.id })
  })

  it("gives the latest run's failure reason, cleared by a later success", () => {
    const project = store.createProject({ name: 'A', root: '/a' })
    const photo = store.insertPhoto(project.id, 'a.jpg', facts)
    version(photo.id, 'failed', 'the file is damaged')
    expect(store.photoWork([photo.id]).get(photo.id)!.failure).toBe('the file is damaged')
    version(photo.id, 'done')
    expect(store.photoWork([photo.id]).get(photo.id)!.failure).toBeNull()
  })

  it('marks photos a queued or running job still has to do, not those of paused or finished jobs', () => {
    const project = store.createProject({ name: 'A', root: '/a' })
    const [a, b, c] = ['a.jpg', 'b.jpg', 'c.jpg'].map((name) => store.insertPhoto(project.id, name, facts))
    const job = store.createJob({ kind: 'colorize', options: {}, photoIds: [a!.id, b!.id], projectId: project.id })
    const paused = store.createJob({ kind: 'colorize', options: {}, photoIds: [c!.id], projectId: project.id })
    store.setJobStatus(paused.id, 'paused')
    store.setJobStatus(job.id, 'running')
    store.setJobItemStatus(job.id, a!.id, 'running')
    const work = store.photoWork([a!.id, b!.id, c!.id])
    expect([a, b, c].map((p) => work.get(p!.id)!.activity)).toEqual(['running', 'queued', null])
    store.setJobItemStatus(job.id, a!.id, 'done')
    store.setJobStatus(job.id, 'done')
    expect(store.photoWork([a!.id, b!.id]).get(b!.id)!.activity).toBeNull()
  })

  it('answers for more photos than SQLite binds at once', () => {
    const project = store.createProject({ name: 'A', root: '/a' })
    const ids = store.transaction(() => Array.from({ length: 1000 }, (_, i) => store.insertPhoto(project.id, `${i}.jpg`, facts).id))
    version(ids.at(-1)!, 'done')
    const work = store.photoWork(ids)
    expect(work.size).toBe(1000)
    expect(work.get(ids.at(-1)!)!.versions).toBe(1)
  })
})
