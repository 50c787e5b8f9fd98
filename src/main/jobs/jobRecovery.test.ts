import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { writeGreyPng } from '../../../tests/fixtures/photos'
import { ApiService } from '../api/apiService'
import { CatalogStore } from '../catalog/catalogStore'
import { ThumbnailCache } from '../library/thumbnailCache'
import { ModelRegistry } from '../models/modelRegistry'
import { BUNDLED_MODELS_DIR } from '../models/paths'
import { SettingsStore } from '../settings/settingsStore'

// Issue 14, item 6: a job interrupted by a crash resumes by itself at the next start (a setting, on by
// default), and a version and its job item are marked done in one transaction, so a crash between
// the two cannot make a duplicate version.

let dir: string
let root: string
let open: { api: ApiService; store: CatalogStore }[]

const catalogFile = () => join(dir, 'catalog.sqlite')

function openService(): { api: ApiService; store: CatalogStore } {
  const store = CatalogStore.open(catalogFile())
  const settings = SettingsStore.open(null)
  settings.update({ threads: 1, executionProvider: 'cpu' })
  const api = new ApiService({
    store,
    settings,
    thumbnails: new ThumbnailCache(join(dir, 'cache', 'thumbnails')),
    models: new ModelRegistry([{ dir: BUNDLED_MODELS_DIR, origin: 'bundled' }]),
    colorizeWorker: { tickMs: 0 },
    progressIntervalMs: 0
  })
  open.push({ api, store })
  return { api, store }
}

async function closeService(service: { api: ApiService; store: CatalogStore }): Promise<void> {
  await service.api.close()
  await service.api.idle()
  service.store.close()
  open = open.filter((s) => s !== service)
}

async function waitFor(check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const started = Date.now()
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 20))
  }
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'koalarize-recovery-'))
  root = join(dir, 'archive')
  await mkdir(root)
  for (const name of ['a.png', 'b.png', 'c.png']) await writeGreyPng(join(root, name), 64, 48)
  open = []
})

afterEach(async () => {
  for (const service of open) await closeService(service)
  await rm(dir, { recursive: true, force: true })
})

describe('after a crash', () => {
  it('an interrupted job resumes by itself at the next start and finishes with one version per photo', async () => {
    const first = openService()
    const project = await first.api.invoke('openProject', { folder: root })
    await first.api.idle()
    const ids = first.store.photosOfProject(project.id).map((p) => p.id)
    await closeService(first)

    // The catalog as a crash left it: the job running, one photo half made (a pending version and its file).
    const raw = CatalogStore.open(catalogFile())
    const job = raw.createJob({ kind: 'colorize', projectId: project.id, photoIds: ids, options: { modelId: 'default', workingSize: 64, intensity: 1, recolor: false } })
    raw.setJobStatus(job.id, 'running')
    const half = raw.addResult({ photoId: ids[0]!, modelId: 'default', options: {}, status: 'pending' })
    const halfFile = join(dir, 'cache', 'versions', String(project.id), String(ids[0]), `${half.id}.png`)
    await mkdir(join(halfFile, '..'), { recursive: true })
    await writeFile(halfFile, 'half a png')
    raw.setResultOutput(half.id, halfFile)
    raw.updateJobItem(job.id, ids[0]!, { status: 'running', resultId: half.id })
    raw.close()

    const second = openService()
    await waitFor(() => second.store.getJob(job.id)!.status === 'done')
    expect(second.store.getJob(job.id)!.error).toBeNull()
    for (const id of ids) expect(second.store.resultsOfPhoto(id).map((r) => r.status)).toEqual(['done'])
    expect(existsSync(halfFile)).toBe(false)
  }, 120_000)

  it('a crash between marking the version done and its job item done leaves neither done: no duplicate after the restart', async () => {
    const first = openService()
    const project = await first.api.invoke('openProject', { folder: root })
    await first.api.idle()
    const ids = first.store.photosOfProject(project.id).map((p) => p.id)
    // The catalog fails right after the version is marked done (as a crash at that point would).
    const updateJobItem = first.store.updateJobItem.bind(first.store)
    first.store.updateJobItem = (jobId, photoId, update) => {
      if (update.status === 'done') throw new Error('simulated crash')
      updateJobItem(jobId, photoId, update)
    }
    const job = await first.api.invoke('createColorizeJob', { projectId: project.id, photoIds: [ids[0]!], workingSize: 64 })
    await first.api.jobsIdle()
    const results = first.store.resultsOfPhoto(ids[0]!)
    expect(results.map((r) => r.status)).toEqual(['pending']) // rolled back with the job item
    first.store.setJobStatus(job.id, 'running') // as the crash left it (here the queue, still alive, failed the job)
    await closeService(first)

    const second = openService()
    await waitFor(() => second.store.getJob(job.id)!.status === 'done')
    expect(second.store.resultsOfPhoto(ids[0]!).map((r) => r.status)).toEqual(['done'])
    const files = await readdir(join(dir, 'cache', 'versions', String(project.id), String(ids[0])))
    expect(files).toHaveLength(1)
  }, 120_000)
})
