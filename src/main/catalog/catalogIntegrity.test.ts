import Database from 'better-sqlite3'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CatalogStore } from './catalogStore'
import { MIGRATIONS, migrate } from './migrations'
import type { PhotoFacts } from './types'

// Issue 14, item 6: ids are never reused (a deleted version's id came back, so an old media URL
// showed another image), also in a catalog made before AUTOINCREMENT.

let dir: string
let file: string

const facts: PhotoFacts = {
  size: 1, mtimeMs: 1, contentHash: 'ab'.repeat(16), width: 1, height: 1, format: 'jpeg', depth: 'uchar',
  capturedAt: null, colourClass: 'bw', meanChroma: 0, scanError: null
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'koalarize-ids-'))
  file = join(dir, 'catalog.sqlite')
})

afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('catalog ids', () => {
  it('are never reused after the newest version, photo, project or job is deleted', () => {
    const store = CatalogStore.open(file)
    const project = store.createProject({ name: 'Attic', root: '/archive/attic' })
    const photo = store.insertPhoto(project.id, 'a.jpg', facts)
    const version = () => store.addResult({ photoId: photo.id, modelId: 'default', options: {}, status: 'done' }).id
    const deleted = version()
    store.deleteResult(deleted)
    expect(version()).toBeGreaterThan(deleted)

    const job = () => store.createJob({ kind: 'colorize', projectId: project.id, photoIds: [photo.id], options: {} }).id
    const firstJob = job()
    store.db.prepare('DELETE FROM jobs WHERE id = ?').run(firstJob)
    expect(job()).toBeGreaterThan(firstJob)

    const other = store.insertPhoto(project.id, 'b.jpg', facts)
    store.db.prepare('DELETE FROM photos WHERE id = ?').run(other.id)
    expect(store.insertPhoto(project.id, 'c.jpg', facts).id).toBeGreaterThan(other.id)

    const second = store.createProject({ name: 'Box', root: '/archive/box' })
    store.db.prepare('DELETE FROM projects WHERE id = ?').run(second.id)
    expect(store.createProject({ name: 'Box', root: '/archive/box' }).id).toBeGreaterThan(second.id)
    store.close()
  })

  it('a catalog from before keeps its rows, ids and links, and from then on never reuses an id', () => {
    const raw = new Database(file)
    migrate(raw, MIGRATIONS.slice(0, 4))
    raw.pragma('foreign_keys = ON')
    raw.prepare("INSERT INTO projects (id, name, root, created_at) VALUES (3, 'Attic', '/a', 'x')").run()
    raw.prepare(
      "INSERT INTO photos (id, project_id, relative_path, size, mtime_ms, added_at, updated_at) VALUES (7, 3, 'a.jpg', 1, 1, 'x', 'x')"
    ).run()
    raw.prepare("INSERT INTO results (id, photo_id, model_id, options_json, created_at, status) VALUES (11, 7, 'm', '{}', 'x', 'done')").run()
    raw.prepare("INSERT INTO jobs (id, kind, status, options_json, created_at, updated_at, project_id) VALUES (5, 'colorize', 'done', '{}', 'x', 'x', 3)").run()
    raw.prepare("INSERT INTO job_items (job_id, photo_id, position, status, result_id) VALUES (5, 7, 0, 'done', 11)").run()
    raw.close()

    const store = CatalogStore.open(file)
    expect(store.getJobItem(5, 7)).toMatchObject({ status: 'done', resultId: 11 })
    expect(store.getResult(11)).toMatchObject({ photoId: 7, status: 'done' })
    expect(store.db.pragma('foreign_key_check')).toEqual([])
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1)
    store.deleteResult(11)
    expect(store.getJobItem(5, 7)!.resultId).toBeNull() // ON DELETE SET NULL still holds
    expect(store.addResult({ photoId: 7, modelId: 'm', options: {}, status: 'done' }).id).toBe(12)
    expect(() => store.insertPhoto(99, 'x.jpg', facts)).toThrow(/FOREIGN KEY/)
    store.close()
  })
})
