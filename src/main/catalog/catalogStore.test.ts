import Database from 'better-sqlite3'
import { mkdtemp, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CatalogStore } from './catalogStore'
import { CatalogVersionError, LATEST_SCHEMA_VERSION, MIGRATIONS, migrate, schemaVersion } from './migrations'
import type { PhotoFacts } from './types'

let dir: string
let file: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'koalarize-catalog-'))
  file = join(dir, 'catalog.sqlite')
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const facts = (over: Partial<PhotoFacts> = {}): PhotoFacts => ({
  size: 100,
  mtimeMs: 1_700_000_000_000,
  contentHash: 'ab'.repeat(32),
  width: 64,
  height: 48,
  format: 'jpeg',
  depth: 'uchar',
  capturedAt: null,
  colourClass: 'bw',
  meanChroma: 1.5,
  scanError: null,
  ...over
})

const tables = (db: Database.Database): string[] =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name)

describe('schema migrations', () => {
  it('upgrades an empty (version 0) database to the latest schema, with WAL and foreign keys', () => {
    const raw = new Database(file)
    expect(schemaVersion(raw)).toBe(0)
    raw.close()

    const store = CatalogStore.open(file)
    expect(store.schemaVersion).toBe(LATEST_SCHEMA_VERSION)
    expect(LATEST_SCHEMA_VERSION).toBe(MIGRATIONS.length)
    expect(tables(store.db)).toEqual(expect.arrayContaining(['projects', 'photos', 'results', 'models', 'jobs', 'job_items']))
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1)
    store.close()
  })

  it('upgrades a version-1 catalog step by step and keeps its data', () => {
    const raw = new Database(file)
    migrate(raw, MIGRATIONS.slice(0, 1))
    expect(schemaVersion(raw)).toBe(1)
    expect(tables(raw)).not.toContain('jobs')
    raw.prepare("INSERT INTO projects (name, root, created_at) VALUES ('Attic', '/archive/attic', '2024-01-01T00:00:00Z')").run()
    raw.close()

    const store = CatalogStore.open(file)
    expect(store.schemaVersion).toBe(LATEST_SCHEMA_VERSION)
    expect(store.listProjects().map((p) => p.name)).toEqual(['Attic'])
    expect(tables(store.db)).toContain('job_items')
    store.close()
  })

  it('reopening is idempotent: same version, same data, nothing re-run', () => {
    const first = CatalogStore.open(file)
    const project = first.createProject({ name: 'Box 3', root: '/archive/box3' })
    first.insertPhoto(project.id, 'a.jpg', facts())
    first.close()

    for (let i = 0; i < 2; i++) {
      const again = CatalogStore.open(file)
      expect(again.schemaVersion).toBe(LATEST_SCHEMA_VERSION)
      expect(migrate(again.db)).toEqual({ from: LATEST_SCHEMA_VERSION, to: LATEST_SCHEMA_VERSION })
      expect(again.listProjects()).toEqual([project])
      expect(again.photosOfProject(project.id)).toHaveLength(1)
      again.close()
    }
  })

  it('version 3 rebuilds job_items with order, result and skipped state, keeping the queue of a version-2 catalog', () => {
    const raw = new Database(file)
    migrate(raw, MIGRATIONS.slice(0, 2))
    raw.prepare("INSERT INTO projects (id, name, root, created_at) VALUES (1, 'Attic', '/archive/attic', 'x')").run()
    for (const id of [1, 2]) {
      raw.prepare("INSERT INTO photos (id, project_id, relative_path, size, mtime_ms, added_at, updated_at) VALUES (?, 1, ?, 1, 1, 'x', 'x')").run(id, `${id}.jpg`)
    }
    raw.prepare("INSERT INTO jobs (id, kind, status, options_json, created_at, updated_at) VALUES (1, 'colorize', 'running', '{}', 'x', 'x')").run()
    raw.prepare("INSERT INTO job_items (job_id, photo_id, status) VALUES (1, 2, 'done'), (1, 1, 'queued')").run()
    raw.close()
    const store = CatalogStore.open(file)
    expect(store.getJob(1)).toMatchObject({ projectId: null, error: null, status: 'running' })
    expect(store.jobItems(1).map((i) => [i.photoId, i.status])).toEqual([[2, 'done'], [1, 'queued']])
    store.setJobItemStatus(1, 1, 'skipped', 'already in colour')
    expect(store.jobCounts(1)).toEqual({ total: 2, queued: 0, running: 0, done: 1, failed: 0, skipped: 1, cancelled: 0 })
    store.close()
  })

  it('a failing migration leaves the previous version (each step is one transaction)', () => {
    const db = new Database(file)
    const broken = [
      (d: Database.Database) => d.exec('CREATE TABLE a (x INTEGER)'),
      (d: Database.Database) => {
        d.exec('CREATE TABLE b (x INTEGER)')
        throw new Error('boom')
      }
    ]
    expect(() => migrate(db, broken)).toThrow('boom')
    expect(schemaVersion(db)).toBe(1)
    expect(tables(db)).toEqual(['a'])
    db.close()
  })

  it('refuses a catalog written by a newer Koalarize', () => {
    const raw = new Database(file)
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`)
    raw.close()
    expect(() => CatalogStore.open(file)).toThrow(CatalogVersionError)
  })
})

describe('CatalogStore.open with a native binding', () => {
  it('loads SQLite from the given module file (how Electron gets its own build)', () => {
    const binding = createRequire(import.meta.url).resolve('better-sqlite3/build/Release/better_sqlite3.node')
    const store = CatalogStore.open(file, { nativeBinding: binding })
    expect(store.schemaVersion).toBe(LATEST_SCHEMA_VERSION)
    store.close()
  })

  it('fails clearly when the module file is missing', () => {
    expect(() => CatalogStore.open(file, { nativeBinding: join(dir, 'missing.node') })).toThrow(/missing\.node/)
  })
})

describe('CatalogStore', () => {
  let store: CatalogStore
  beforeEach(() => {
    store = CatalogStore.open(file)
  })
  afterEach(() => store.close())

  it('lends every method of each of its stores, working on the same database', () => {
    for (const sub of [store.projects, store.photos, store.results, store.models, store.jobs]) {
      const methods = Object.getOwnPropertyNames(Object.getPrototypeOf(sub)).filter((name) => name !== 'constructor')
      expect(methods.length).toBeGreaterThan(0)
      for (const method of methods) expect(typeof (store as unknown as Record<string, unknown>)[method], method).toBe('function')
    }
    const project = store.createProject({ name: 'Attic', root: '/archive/attic' })
    expect(store.projects.getProject(project.id)).toEqual(project)
    expect(store.photos.insertPhoto(project.id, 'a.jpg', facts())).toEqual(store.getPhoto(store.readablePhotoIds(project.id)[0]!))
  })

  it('stores photos as typed records and enforces foreign keys', () => {
    const project = store.createProject({ name: 'Attic', root: '/archive/attic' })
    const photo = store.insertPhoto(project.id, 'sub/a.jpg', facts({ capturedAt: '1931-07-04T14:05:09' }))
    expect(photo).toMatchObject({ projectId: project.id, relativePath: 'sub/a.jpg', status: 'present', thumbnailPath: null, colourClass: 'bw' })
    expect(store.getPhoto(photo.id)).toEqual(photo)
    expect(() => store.insertPhoto(9999, 'x.jpg', facts())).toThrow(/FOREIGN KEY/)
    expect(() => store.insertPhoto(project.id, 'sub/a.jpg', facts())).toThrow(/UNIQUE/)
  })

  it('keeps the thumbnail when content is unchanged and drops it when it changed', () => {
    const project = store.createProject({ name: 'Attic', root: '/archive/attic' })
    const photo = store.insertPhoto(project.id, 'a.jpg', facts())
    store.setThumbnail(photo.id, '/cache/ab.jpg')
    expect(store.updatePhoto(photo.id, facts({ mtimeMs: 5 }), 'moved/a.jpg')).toMatchObject({ thumbnailPath: '/cache/ab.jpg', relativePath: 'moved/a.jpg' })
    expect(store.updatePhoto(photo.id, facts({ contentHash: 'cd'.repeat(32) })).thumbnailPath).toBeNull()
  })

  it('filters, sorts and pages photos', () => {
    const project = store.createProject({ name: 'Attic', root: '/archive/attic' })
    const b = store.insertPhoto(project.id, 'b.jpg', facts({ colourClass: 'colour', capturedAt: '1950-01-01T00:00:00' }))
    const a = store.insertPhoto(project.id, 'A.jpg', facts({ colourClass: 'bw', capturedAt: '1960-01-01T00:00:00' }))
    const c = store.insertPhoto(project.id, 'c.jpg', facts({ colourClass: 'toned' }))
    const bad = store.insertPhoto(project.id, 'd.jpg', facts({ colourClass: null, scanError: 'damaged' }))
    const gone = store.insertPhoto(project.id, 'e.jpg', facts())
    store.setPhotoStatus(gone.id, 'missing')
    store.addResult({ photoId: a.id, modelId: 'default', options: {}, status: 'done', outputPath: '/out/a.png' })
    store.addResult({ photoId: b.id, modelId: 'default', options: {}, status: 'done' })
    store.addResult({ photoId: b.id, modelId: 'default', options: {}, status: 'failed', error: 'x' })

    const ids = (q: Parameters<CatalogStore['queryPhotos']>[0]) => store.queryPhotos(q).items.map((p) => p.id)
    expect(ids({ projectId: project.id })).toEqual([a.id, b.id, c.id, bad.id])
    expect(ids({ projectId: project.id, includeMissing: true })).toEqual([a.id, b.id, c.id, bad.id, gone.id])
    expect(ids({ projectId: project.id, sort: 'date' })).toEqual([b.id, a.id, c.id, bad.id])
    expect(ids({ projectId: project.id, filter: 'bw' })).toEqual([a.id])
    expect(ids({ projectId: project.id, filter: 'toned' })).toEqual([c.id])
    expect(ids({ projectId: project.id, filter: 'colour' })).toEqual([b.id])
    expect(ids({ projectId: project.id, filter: 'done' })).toEqual([a.id, b.id])
    expect(ids({ projectId: project.id, filter: 'failed' })).toEqual([b.id, bad.id])
    const page = store.queryPhotos({ projectId: project.id, offset: 1, limit: 2 })
    expect(page).toMatchObject({ total: 4, offset: 1, limit: 2 })
    expect(page.items.map((p) => p.id)).toEqual([b.id, c.id])
  })

  it('keeps one preferred version per photo and cascades deletes', () => {
    const project = store.createProject({ name: 'Attic', root: '/archive/attic' })
    const photo = store.insertPhoto(project.id, 'a.jpg', facts())
    const v1 = store.addResult({ photoId: photo.id, modelId: 'default', options: { workingSize: 512 }, status: 'done' })
    const v2 = store.addResult({ photoId: photo.id, modelId: 'default', options: { workingSize: 768 }, status: 'done' })
    store.setPreferredResult(v1.id)
    store.setPreferredResult(v2.id)
    expect(store.resultsOfPhoto(photo.id).map((r) => [r.id, r.preferred, r.options])).toEqual([
      [v1.id, false, { workingSize: 512 }],
      [v2.id, true, { workingSize: 768 }]
    ])
    expect(() => store.db.prepare('UPDATE results SET preferred = 1').run()).toThrow(/UNIQUE/)

    const job = store.createJob({ kind: 'colorize', options: { model: 'default' }, photoIds: [photo.id] })
    expect(store.jobItems(job.id)).toEqual([{ jobId: job.id, photoId: photo.id, status: 'queued', error: null, resultId: null, millis: null }])
    store.setJobItemStatus(job.id, photo.id, 'failed', 'damaged')
    store.setJobStatus(job.id, 'done')
    expect(store.getJob(job.id)).toMatchObject({ status: 'done', options: { model: 'default' } })

    expect(store.listJobs('colorize')).toHaveLength(1)
    expect(store.listJobs('finetune')).toEqual([])
    store.db.prepare('DELETE FROM projects WHERE id = ?').run(project.id)
    expect(store.getPhoto(photo.id)).toBeUndefined()
    expect(store.resultsOfPhoto(photo.id)).toEqual([])
    expect(store.jobItems(job.id)).toEqual([])
  })

  it('recovers interrupted jobs: unfinished jobs paused, running items re-queued, pending results removed', () => {
    const project = store.createProject({ name: 'Attic', root: '/archive/attic' })
    const [a, b, c] = ['a.jpg', 'b.jpg', 'c.jpg'].map((name) => store.insertPhoto(project.id, name, facts()))
    const running = store.createJob({ kind: 'colorize', projectId: project.id, options: {}, photoIds: [a!.id, b!.id, c!.id] })
    const waiting = store.createJob({ kind: 'colorize', projectId: project.id, options: {}, photoIds: [a!.id] })
    const finished = store.createJob({ kind: 'colorize', projectId: project.id, options: {}, photoIds: [c!.id] })
    const other = store.createJob({ kind: 'finetune', options: {}, photoIds: [] })
    store.setJobStatus(running.id, 'running')
    store.setJobStatus(finished.id, 'done')
    store.setJobStatus(other.id, 'running')
    const done = store.addResult({ photoId: a!.id, modelId: 'default', options: {}, status: 'done', outputPath: '/cache/v/1.png' })
    const pending = store.addResult({ photoId: b!.id, modelId: 'default', options: {}, status: 'pending', outputPath: '/cache/v/2.png' })
    store.updateJobItem(running.id, a!.id, { status: 'done', resultId: done.id, millis: 12 })
    store.updateJobItem(running.id, b!.id, { status: 'running', resultId: pending.id })

    const recovered = store.recoverInterruptedJobs('colorize')
    expect(recovered.pausedJobIds).toEqual([running.id, waiting.id])
    expect(recovered.abandonedResults.map((r) => r.outputPath)).toEqual(['/cache/v/2.png'])
    expect(store.getJob(running.id)!.status).toBe('paused')
    expect(store.getJob(waiting.id)!.status).toBe('paused')
    expect(store.getJob(finished.id)!.status).toBe('done')
    expect(store.getJob(other.id)!.status).toBe('running') // other kinds belong to other services
    expect(store.jobItems(running.id).map((i) => [i.status, i.resultId])).toEqual([['done', done.id], ['queued', null], ['queued', null]])
    expect(store.resultsOfPhoto(b!.id)).toEqual([])
    expect(store.resultsOfPhoto(a!.id)).toHaveLength(1)
    expect(store.nextQueuedItem(running.id)!.photoId).toBe(b!.id)
  })
})
