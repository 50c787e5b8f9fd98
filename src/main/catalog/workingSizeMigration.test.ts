import Database from 'better-sqlite3'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ColorizeJobOptionsSchema, VersionOptionsSchema } from '../../shared/api/schemas'
import { CatalogStore } from './catalogStore'
import { LATEST_SCHEMA_VERSION, MIGRATIONS, migrate, renameWorkingSize } from './migrations'

let dir: string
let file: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'koalarize-working-size-'))
  file = join(dir, 'catalog.sqlite')
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const AT = '2024-01-01T00:00:00Z'
const OLD_OPTIONS = JSON.stringify({ modelId: 'default', detail: 512, intensity: 1.5, recolor: false })

/** A catalog as the Koalarize before the rename left it: colorize options saved with `detail`. */
function writeOldCatalog(): { jobId: number; versionId: number; bareVersionId: number; otherJobId: number } {
  const raw = new Database(file)
  const before = MIGRATIONS.indexOf(renameWorkingSize)
  expect(before).toBeGreaterThan(0)
  migrate(raw, MIGRATIONS.slice(0, before))
  raw.prepare('INSERT INTO projects (name, root, created_at) VALUES (?, ?, ?)').run('Attic', '/archive/attic', AT)
  raw.prepare("INSERT INTO photos (project_id, relative_path, size, mtime_ms, added_at, updated_at) VALUES (1, 'a.jpg', 1, 1, ?, ?)").run(AT, AT)
  const job = (kind: string) =>
    Number(raw.prepare("INSERT INTO jobs (kind, project_id, status, options_json, created_at, updated_at) VALUES (?, 1, 'paused', ?, ?, ?)").run(kind, OLD_OPTIONS, AT, AT).lastInsertRowid)
  const version = (options: string) =>
    Number(raw.prepare("INSERT INTO results (photo_id, model_id, options_json, created_at, status) VALUES (1, 'default', ?, ?, 'done')").run(options, AT).lastInsertRowid)
  const ids = { jobId: job('colorize'), otherJobId: job('something-else'), versionId: version(OLD_OPTIONS), bareVersionId: version('{}') }
  raw.prepare("INSERT INTO job_items (job_id, photo_id, position, status, result_id) VALUES (?, 1, 0, 'done', ?)").run(ids.jobId, ids.versionId)
  raw.close()
  return ids
}

describe('the working-size migration', () => {
  it('renames detail to workingSize in saved colorize options, keeping the value', () => {
    const ids = writeOldCatalog()
    const store = CatalogStore.open(file)
    expect(store.schemaVersion).toBe(LATEST_SCHEMA_VERSION)

    const job = store.getJob(ids.jobId)!
    expect(job.options).toEqual({ modelId: 'default', workingSize: 512, intensity: 1.5, recolor: false })
    expect(ColorizeJobOptionsSchema.parse(job.options).workingSize).toBe(512) // the queue can resume it
    const version = store.getResult(ids.versionId)!
    expect(version.options).toEqual({ modelId: 'default', workingSize: 512, intensity: 1.5, recolor: false })
    expect(VersionOptionsSchema.parse(version.options).workingSize).toBe(512) // what the compare view shows
    expect(store.getResult(ids.bareVersionId)!.options).toEqual({}) // nothing saved, nothing made up
    expect(store.getJob(ids.otherJobId)!.options).toHaveProperty('detail', 512) // another kind's options are its own
    store.close()

    const again = CatalogStore.open(file) // reopening changes nothing
    expect(again.getJob(ids.jobId)!.options).toEqual(job.options)
    expect(again.getResult(ids.versionId)!.options).toEqual(version.options)
    again.close()
  })
})
