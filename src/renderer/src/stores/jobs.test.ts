import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { PhotoPageDto } from '../../../shared/api/schemas'
import { job, photo } from './testing/fakeApi'

const api = vi.hoisted(() => ({ current: undefined as unknown as ReturnType<typeof import('./testing/fakeApi').createFakeApi> }))
vi.mock('./app', () => ({ apiClient: () => api.current }))

const { createFakeApi } = await import('./testing/fakeApi')
const { useJobsStore } = await import('./jobs')
const { useLibraryStore } = await import('./library')
const { PAGE_SIZE } = await import('./library')

const page = (items: ReturnType<typeof photo>[], total = items.length): PhotoPageDto => ({ items, total, offset: 0, limit: PAGE_SIZE })
const settle = () => new Promise((resolve) => setTimeout(resolve, 0))

beforeEach(() => {
  api.current = createFakeApi()
  setActivePinia(createPinia())
})

describe('the jobs store', () => {
  it('updates a job\'s counts as each photo finishes, not only when the job ends ("0 done / 55" while 15 are done)', async () => {
    const jobs = useJobsStore()
    api.current.emit('jobUpdated', job())
    api.current.emit('jobProgress', {
      jobId: 7, status: 'running', finished: 15, total: 55, fraction: 0.27, etaSeconds: 20, current: { photoId: 16, fraction: 0.5 },
      counts: { ...job().counts, queued: 39, running: 1, done: 15 }
    })
    expect(jobs.jobs[0]!.counts.done).toBe(15)
    expect([...jobs.runningPhotoIds]).toEqual([16])
  })

  it('shows a photo as its version arrives, and names a failed one with its reason in the queue', async () => {
    const library = useLibraryStore()
    const jobs = useJobsStore()
    api.current.listPhotos.mockResolvedValue(page([photo(1, { activity: 'running' }), photo(2, { activity: 'queued' })]))
    await library.selectProject(1)
    api.current.getPhoto.mockResolvedValueOnce({ photo: photo(1, { versions: 1, shownVersionId: 40 }), versions: [] })
    api.current.emit('jobItemFinished', { jobId: 7, photoId: 1, photoName: 'p1.jpg', status: 'done', error: null, versionId: 40, millis: 900 })
    await settle()
    expect(library.photoAt(0)!.work).toMatchObject({ versions: 1, shownVersionId: 40 })

    api.current.getPhoto.mockResolvedValueOnce({ photo: photo(2, { failure: 'the file is damaged' }), versions: [] })
    api.current.emit('jobItemFinished', { jobId: 7, photoId: 2, photoName: 'box/p2.jpg', status: 'failed', error: 'the file is damaged', versionId: 41, millis: null })
    await settle()
    expect(library.photoAt(1)!.work.failure).toBe('the file is damaged')
    expect(jobs.failures.get(7)).toEqual([{ photoId: 2, name: 'box/p2.jpg', reason: 'the file is damaged' }])
  })

  it('ends a job with a notice that says what was done and offers to review it in the library', async () => {
    const library = useLibraryStore()
    const jobs = useJobsStore()
    api.current.listPhotos.mockResolvedValue(page([photo(1)]))
    await library.selectProject(1)
    api.current.emit('jobFinished', job({ status: 'done', counts: { total: 17, queued: 0, done: 15, failed: 2 } }))
    expect(jobs.notice).toMatchObject({ jobId: 7, text: 'Colorized 15 of 17 photos · 2 failed.', filter: 'done' })
    await jobs.review()
    expect(library.filter).toBe('done')
    expect(jobs.notice).toBeNull()
  })

  it('checks the colorize options with the contract before sending, in plain words', async () => {
    const jobs = useJobsStore()
    jobs.choices.workingSize = 5000
    await jobs.colorize(1, [1])
    expect(api.current.createColorizeJob).not.toHaveBeenCalled()
    expect(jobs.error).toBe('Could not start colorizing: Detail must be at most 2048.')
  })

  it('asks before colorizing photos that may already be in colour, and sends the answer', async () => {
    const jobs = useJobsStore()
    const doubtful = [{ id: 2, relativePath: 'autochrome.jpg', colourClass: 'toned' as const }]
    api.current.listDoubtfulPhotos.mockResolvedValue(doubtful)
    api.current.createColorizeJob.mockResolvedValue(job({ id: 8 }))
    await jobs.colorize(1, [1, 2])
    expect(api.current.listDoubtfulPhotos).toHaveBeenCalledWith({ projectId: 1, photoIds: [1, 2] })
    expect(api.current.createColorizeJob).not.toHaveBeenCalled() // nothing recoloured before the answer
    expect(jobs.doubt?.photos).toEqual(doubtful)
    jobs.choices.intensity = 2 // changed while the question is open: the request asked about is sent
    await jobs.answerDoubt('skip')
    expect(api.current.createColorizeJob).toHaveBeenCalledWith(expect.objectContaining({ projectId: 1, photoIds: [1, 2], intensity: 1, doubtful: 'skip' }))
    expect(jobs.doubt).toBeNull()
    expect(jobs.jobs.map((j) => j.id)).toEqual([8])

    await jobs.colorize(1) // every photo of the project: asked again
    expect(jobs.doubt?.params.photoIds).toBeUndefined()
    await jobs.answerDoubt('recolor')
    expect(api.current.createColorizeJob).toHaveBeenLastCalledWith(expect.objectContaining({ projectId: 1, photoIds: undefined, doubtful: 'recolor' }))

    await jobs.colorize(1, [2])
    await jobs.answerDoubt(null) // cancelled: nothing is queued
    await jobs.colorize(1, [2])
    await jobs.answerDoubt('skip') // the only photo skipped: nothing to queue, and no error
    expect(api.current.createColorizeJob).toHaveBeenCalledTimes(2)
    expect(jobs.doubt).toBeNull()
    expect(jobs.error).toBeNull()
  })

  it('does not ask when there is no doubt, or when colour photos are to be recoloured anyway', async () => {
    const jobs = useJobsStore()
    api.current.createColorizeJob.mockResolvedValue(job({ id: 9 }))
    await jobs.colorize(1, [1])
    expect(api.current.createColorizeJob).toHaveBeenCalledTimes(1)
    jobs.choices.recolor = true
    api.current.listDoubtfulPhotos.mockClear()
    await jobs.colorize(1, [2])
    expect(api.current.listDoubtfulPhotos).not.toHaveBeenCalled()
    expect(api.current.createColorizeJob).toHaveBeenCalledTimes(2)
    expect(jobs.doubt).toBeNull()
  })
})

describe('the library store', () => {
  it('selects a range across pages not loaded yet, and every photo with select-all', async () => {
    const library = useLibraryStore()
    const all = Array.from({ length: PAGE_SIZE + 50 }, (_, i) => photo(i + 1))
    api.current.listPhotos.mockImplementation(async ({ offset }: { offset: number }) => ({ ...page(all.slice(offset, offset + PAGE_SIZE), all.length), offset }))
    await library.selectProject(1)
    library.toggleSelected(1)
    await library.selectRange(PAGE_SIZE - 2, PAGE_SIZE + 1, true) // Ctrl+Shift adds; the second page is fetched for it
    expect([...library.selection].sort((a, b) => a - b)).toEqual([1, PAGE_SIZE - 1, PAGE_SIZE, PAGE_SIZE + 1, PAGE_SIZE + 2])
    await library.selectRange(0, 1) // Shift alone: the range and nothing else
    expect([...library.selection].sort((a, b) => a - b)).toEqual([1, 2])
    library.selectOnly(7) // a plain click
    expect([...library.selection]).toEqual([7])
    await library.selectAll()
    expect(library.selection.size).toBe(all.length)
  })
})
