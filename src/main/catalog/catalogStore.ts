import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import type { ColourClass } from '../color/colourClass'
import type { InstalledModel } from '../../shared/modelCard'
import { ModelCardSchema } from '../../shared/modelCard'
import { migrate, schemaVersion } from './migrations'
import type {
  CatalogModel,
  Job,
  JobItem,
  JobItemStatus,
  JobStatus,
  Photo,
  PhotoFacts,
  PhotoFilter,
  PhotoPage,
  PhotoQuery,
  PhotoStatus,
  Project,
  Result,
  ResultStatus
} from './types'

export const DEFAULT_PAGE_LIMIT = 200

// Raw rows, as SQLite returns them; they never leave this file.
interface ProjectRow { id: number; name: string; root: string; created_at: string; scanned_at: string | null }
interface PhotoRow {
  id: number; project_id: number; relative_path: string; size: number; mtime_ms: number; content_hash: string | null
  width: number | null; height: number | null; format: string | null; depth: string | null; captured_at: string | null
  colour_class: ColourClass | null; mean_chroma: number | null; thumbnail_path: string | null; status: PhotoStatus
  scan_error: string | null; added_at: string; updated_at: string
}
interface ResultRow {
  id: number; photo_id: number; model_id: string; options_json: string; output_path: string | null; created_at: string
  preferred: number; status: ResultStatus; error: string | null
}
interface ModelRow { id: string; name: string; dir: string; origin: 'bundled' | 'user'; card_json: string; updated_at: string }
interface JobRow { id: number; kind: string; status: JobStatus; options_json: string; created_at: string; updated_at: string }
interface JobItemRow { job_id: number; photo_id: number; status: JobItemStatus; error: string | null }

const toProject = (r: ProjectRow): Project => ({ id: r.id, name: r.name, root: r.root, createdAt: r.created_at, scannedAt: r.scanned_at })

const toPhoto = (r: PhotoRow): Photo => ({
  id: r.id,
  projectId: r.project_id,
  relativePath: r.relative_path,
  size: r.size,
  mtimeMs: r.mtime_ms,
  contentHash: r.content_hash,
  width: r.width,
  height: r.height,
  format: r.format,
  depth: r.depth,
  capturedAt: r.captured_at,
  colourClass: r.colour_class,
  meanChroma: r.mean_chroma,
  thumbnailPath: r.thumbnail_path,
  status: r.status,
  scanError: r.scan_error,
  addedAt: r.added_at,
  updatedAt: r.updated_at
})

const toResult = (r: ResultRow): Result => ({
  id: r.id,
  photoId: r.photo_id,
  modelId: r.model_id,
  options: JSON.parse(r.options_json) as Record<string, unknown>,
  outputPath: r.output_path,
  createdAt: r.created_at,
  preferred: r.preferred === 1,
  status: r.status,
  error: r.error
})

const toModel = (r: ModelRow): CatalogModel => ({
  id: r.id,
  name: r.name,
  dir: r.dir,
  origin: r.origin,
  card: ModelCardSchema.parse(JSON.parse(r.card_json)),
  updatedAt: r.updated_at
})

const toJob = (r: JobRow): Job => ({
  id: r.id,
  kind: r.kind,
  status: r.status,
  options: JSON.parse(r.options_json) as Record<string, unknown>,
  createdAt: r.created_at,
  updatedAt: r.updated_at
})

const toJobItem = (r: JobItemRow): JobItem => ({ jobId: r.job_id, photoId: r.photo_id, status: r.status, error: r.error })

const now = (): string => new Date().toISOString()

/** Facts as named SQL parameters. */
const factParams = (f: PhotoFacts): Record<string, unknown> => ({
  size: f.size,
  mtime_ms: f.mtimeMs,
  content_hash: f.contentHash,
  width: f.width,
  height: f.height,
  format: f.format,
  depth: f.depth,
  captured_at: f.capturedAt,
  colour_class: f.colourClass,
  mean_chroma: f.meanChroma,
  scan_error: f.scanError
})

const FACT_ASSIGNMENTS = `size = @size, mtime_ms = @mtime_ms, content_hash = @content_hash, width = @width, height = @height,
  format = @format, depth = @depth, captured_at = @captured_at, colour_class = @colour_class, mean_chroma = @mean_chroma,
  scan_error = @scan_error`

/** SQL condition selecting a filter, for photos aliased `p`. */
const FILTER_SQL: Record<PhotoFilter, string> = {
  all: '1',
  bw: "p.colour_class = 'bw'",
  toned: "p.colour_class = 'toned'",
  colour: "p.colour_class = 'colour'",
  done: "EXISTS (SELECT 1 FROM results r WHERE r.photo_id = p.id AND r.status = 'done')",
  failed:
    "(p.scan_error IS NOT NULL OR (SELECT r.status FROM results r WHERE r.photo_id = p.id ORDER BY r.id DESC LIMIT 1) = 'failed')"
}

const SORT_SQL = {
  name: 'p.relative_path COLLATE NOCASE, p.id',
  date: 'p.captured_at IS NULL, p.captured_at, p.relative_path COLLATE NOCASE, p.id'
} as const

/**
 * The library catalog: one SQLite file (WAL, foreign keys on, schema migrated on open).
 * Synchronous, like better-sqlite3 itself; every method returns typed records.
 */
export class CatalogStore {
  /** The open database: for tests, maintenance and migrations only; the app goes through the methods. */
  readonly db: Database.Database

  private constructor(db: Database.Database) {
    this.db = db
  }

  /** Opens (creating if needed) the catalog at `file` and brings its schema up to date. */
  static open(file: string): CatalogStore {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
    const db = new Database(file)
    try {
      db.pragma('journal_mode = WAL')
      db.pragma('synchronous = NORMAL')
      db.pragma('foreign_keys = ON')
      db.pragma('busy_timeout = 5000')
      migrate(db)
    } catch (error) {
      db.close()
      throw error
    }
    return new CatalogStore(db)
  }

  get schemaVersion(): number {
    return schemaVersion(this.db)
  }

  close(): void {
    if (this.db.open) this.db.close()
  }

  /** Runs `work` in one transaction (nested calls become savepoints). */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work)()
  }

  // ---- projects ----

  createProject(input: { name: string; root: string }): Project {
    const row = this.db
      .prepare<[string, string, string], ProjectRow>('INSERT INTO projects (name, root, created_at) VALUES (?, ?, ?) RETURNING *')
      .get(input.name, input.root, now())!
    return toProject(row)
  }

  getProject(id: number): Project | undefined {
    const row = this.db.prepare<[number], ProjectRow>('SELECT * FROM projects WHERE id = ?').get(id)
    return row && toProject(row)
  }

  findProjectByRoot(root: string): Project | undefined {
    const row = this.db.prepare<[string], ProjectRow>('SELECT * FROM projects WHERE root = ?').get(root)
    return row && toProject(row)
  }

  listProjects(): Project[] {
    return this.db.prepare<[], ProjectRow>('SELECT * FROM projects ORDER BY name COLLATE NOCASE, id').all().map(toProject)
  }

  markProjectScanned(id: number, at = now()): void {
    this.db.prepare('UPDATE projects SET scanned_at = ? WHERE id = ?').run(at, id)
  }

  // ---- photos ----

  insertPhoto(projectId: number, relativePath: string, facts: PhotoFacts): Photo {
    const at = now()
    const row = this.db
      .prepare<Record<string, unknown>, PhotoRow>(
        `INSERT INTO photos (project_id, relative_path, size, mtime_ms, content_hash, width, height, format, depth,
           captured_at, colour_class, mean_chroma, scan_error, status, added_at, updated_at)
         VALUES (@project_id, @relative_path, @size, @mtime_ms, @content_hash, @width, @height, @format, @depth,
           @captured_at, @colour_class, @mean_chroma, @scan_error, 'present', @at, @at)
         RETURNING *`
      )
      .get({ ...factParams(facts), project_id: projectId, relative_path: relativePath, at })!
    return toPhoto(row)
  }

  /**
   * Records new facts for an existing photo, optionally at a new path (a move), and marks it present.
   * The thumbnail is dropped when the content changed.
   */
  updatePhoto(id: number, facts: PhotoFacts, relativePath?: string): Photo {
    const row = this.db
      .prepare<Record<string, unknown>, PhotoRow>(
        `UPDATE photos SET ${FACT_ASSIGNMENTS},
           relative_path = coalesce(@relative_path, relative_path),
           thumbnail_path = CASE WHEN content_hash IS @content_hash THEN thumbnail_path ELSE NULL END,
           status = 'present', updated_at = @at
         WHERE id = @id RETURNING *`
      )
      .get({ ...factParams(facts), id, relative_path: relativePath ?? null, at: now() })
    if (!row) throw new Error(`no photo ${id}`)
    return toPhoto(row)
  }

  setPhotoStatus(id: number, status: PhotoStatus): void {
    this.db.prepare('UPDATE photos SET status = ?, updated_at = ? WHERE id = ?').run(status, now(), id)
  }

  setThumbnail(id: number, thumbnailPath: string | null): void {
    this.db.prepare('UPDATE photos SET thumbnail_path = ? WHERE id = ?').run(thumbnailPath, id)
  }

  /** Forgets every thumbnail path (after the thumbnail cache was cleared). */
  clearThumbnails(): void {
    this.db.prepare('UPDATE photos SET thumbnail_path = NULL').run()
  }

  getPhoto(id: number): Photo | undefined {
    const row = this.db.prepare<[number], PhotoRow>('SELECT * FROM photos WHERE id = ?').get(id)
    return row && toPhoto(row)
  }

  /** Every photo of a project, present and missing, by path. */
  photosOfProject(projectId: number): Photo[] {
    return this.db
      .prepare<[number], PhotoRow>('SELECT * FROM photos WHERE project_id = ? ORDER BY relative_path')
      .all(projectId)
      .map(toPhoto)
  }

  /** Present, readable photos that have no thumbnail recorded yet. */
  photosNeedingThumbnails(projectId: number): Photo[] {
    return this.db
      .prepare<[number], PhotoRow>(
        `SELECT * FROM photos WHERE project_id = ? AND status = 'present' AND scan_error IS NULL
           AND content_hash IS NOT NULL AND thumbnail_path IS NULL
         ORDER BY relative_path COLLATE NOCASE, id`
      )
      .all(projectId)
      .map(toPhoto)
  }

  queryPhotos(query: PhotoQuery): PhotoPage {
    const filter = query.filter ?? 'all'
    const offset = Math.max(0, query.offset ?? 0)
    const limit = Math.max(0, query.limit ?? DEFAULT_PAGE_LIMIT)
    const where = `p.project_id = @project_id AND ${FILTER_SQL[filter]}${query.includeMissing ? '' : " AND p.status = 'present'"}`
    const params = { project_id: query.projectId }
    const { total } = this.db
      .prepare<Record<string, unknown>, { total: number }>(`SELECT count(*) AS total FROM photos p WHERE ${where}`)
      .get(params)!
    const items = this.db
      .prepare<Record<string, unknown>, PhotoRow>(
        `SELECT p.* FROM photos p WHERE ${where} ORDER BY ${SORT_SQL[query.sort ?? 'name']} LIMIT @limit OFFSET @offset`
      )
      .all({ ...params, limit, offset })
      .map(toPhoto)
    return { items, total, offset, limit }
  }

  // ---- results (versions) ----

  addResult(input: {
    photoId: number
    modelId: string
    options: Record<string, unknown>
    outputPath?: string | null
    status: ResultStatus
    error?: string | null
  }): Result {
    const row = this.db
      .prepare<unknown[], ResultRow>(
        `INSERT INTO results (photo_id, model_id, options_json, output_path, created_at, status, error)
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *`
      )
      .get(input.photoId, input.modelId, JSON.stringify(input.options), input.outputPath ?? null, now(), input.status, input.error ?? null)!
    return toResult(row)
  }

  getResult(id: number): Result | undefined {
    const row = this.db.prepare<[number], ResultRow>('SELECT * FROM results WHERE id = ?').get(id)
    return row && toResult(row)
  }

  resultsOfPhoto(photoId: number): Result[] {
    return this.db
      .prepare<[number], ResultRow>('SELECT * FROM results WHERE photo_id = ? ORDER BY created_at, id')
      .all(photoId)
      .map(toResult)
  }

  /** Makes `resultId` the preferred version of its photo (and no other). */
  setPreferredResult(resultId: number): void {
    this.transaction(() => {
      const result = this.getResult(resultId)
      if (!result) throw new Error(`no result ${resultId}`)
      this.db.prepare('UPDATE results SET preferred = 0 WHERE photo_id = ? AND preferred = 1').run(result.photoId)
      this.db.prepare('UPDATE results SET preferred = 1 WHERE id = ?').run(resultId)
    })
  }

  // ---- models ----

  /** Records the installed models (inserting or refreshing each). Models no longer installed are kept. */
  upsertModels(models: InstalledModel[]): void {
    const statement = this.db.prepare(
      `INSERT INTO models (id, name, dir, origin, card_json, updated_at) VALUES (@id, @name, @dir, @origin, @card_json, @at)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, dir = excluded.dir, origin = excluded.origin,
         card_json = excluded.card_json, updated_at = excluded.updated_at`
    )
    const at = now()
    this.transaction(() => {
      for (const model of models) {
        statement.run({ id: model.card.id, name: model.card.name, dir: model.dir, origin: model.origin, card_json: JSON.stringify(model.card), at })
      }
    })
  }

  listModels(): CatalogModel[] {
    return this.db.prepare<[], ModelRow>('SELECT * FROM models ORDER BY origin, id').all().map(toModel)
  }

  // ---- jobs (the queue builds on these) ----

  createJob(input: { kind: string; options: Record<string, unknown>; photoIds: number[] }): Job {
    return this.transaction(() => {
      const at = now()
      const job = this.db
        .prepare<unknown[], JobRow>(
          "INSERT INTO jobs (kind, status, options_json, created_at, updated_at) VALUES (?, 'queued', ?, ?, ?) RETURNING *"
        )
        .get(input.kind, JSON.stringify(input.options), at, at)!
      const item = this.db.prepare("INSERT INTO job_items (job_id, photo_id, status) VALUES (?, ?, 'queued')")
      for (const photoId of input.photoIds) item.run(job.id, photoId)
      return toJob(job)
    })
  }

  getJob(id: number): Job | undefined {
    const row = this.db.prepare<[number], JobRow>('SELECT * FROM jobs WHERE id = ?').get(id)
    return row && toJob(row)
  }

  setJobStatus(id: number, status: JobStatus): void {
    this.db.prepare('UPDATE jobs SET status = ?, updated_at = ? WHERE id = ?').run(status, now(), id)
  }

  jobItems(jobId: number): JobItem[] {
    return this.db
      .prepare<[number], JobItemRow>('SELECT * FROM job_items WHERE job_id = ? ORDER BY rowid')
      .all(jobId)
      .map(toJobItem)
  }

  setJobItemStatus(jobId: number, photoId: number, status: JobItemStatus, error: string | null = null): void {
    this.db.prepare('UPDATE job_items SET status = ?, error = ? WHERE job_id = ? AND photo_id = ?').run(status, error, jobId, photoId)
  }
}
