import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import type { ColourClass } from '../color/colourClass'
import type { InstalledModel } from '../../shared/modelCard'
import { ModelCardSchema } from '../../shared/modelCard'
import { migrate, schemaVersion } from './migrations'
import { queryPhotoWork, type PhotoWork } from './photoWork'
import type {
  CatalogModel,
  Job,
  JobCounts,
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
interface JobRow {
  id: number; kind: string; project_id: number | null; status: JobStatus; options_json: string; error: string | null
  created_at: string; updated_at: string
}
interface JobItemRow {
  job_id: number; photo_id: number; position: number; status: JobItemStatus; error: string | null; result_id: number | null
  millis: number | null
}

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
  projectId: r.project_id,
  status: r.status,
  error: r.error,
  options: JSON.parse(r.options_json) as Record<string, unknown>,
  createdAt: r.created_at,
  updatedAt: r.updated_at
})

const toJobItem = (r: JobItemRow): JobItem => ({
  jobId: r.job_id,
  photoId: r.photo_id,
  status: r.status,
  error: r.error,
  resultId: r.result_id,
  millis: r.millis
})

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

  /**
   * Opens (creating if needed) the catalog at `file` and brings its schema up to date.
   * `nativeBinding`: a better_sqlite3.node built for another runtime than the one npm built for
   * (Electron's ABI differs from Node's; see scripts/electron-native).
   */
  static open(file: string, options: { nativeBinding?: string } = {}): CatalogStore {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
    const db = new Database(file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {})
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

  /**
   * Removes a project from the library: its photos, versions and jobs go with it (ON DELETE CASCADE).
   * Only the catalog: no file is touched here.
   */
  deleteProject(id: number): void {
    this.db.prepare('DELETE FROM projects WHERE id = ?').run(id)
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

  /** What colorizing did to each photo (versions, preferred, failure, queued or running): see photoWork.ts. */
  photoWork(photoIds: number[]): Map<number, PhotoWork> {
    return queryPhotoWork(this.db, photoIds)
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

  /** Records how making a result went (its output file is set when it is done, cleared when it failed). */
  updateResult(id: number, update: { status: ResultStatus; error?: string | null; outputPath?: string | null }): void {
    if (update.outputPath === undefined) {
      this.db.prepare('UPDATE results SET status = ?, error = ? WHERE id = ?').run(update.status, update.error ?? null, id)
    } else {
      this.db.prepare('UPDATE results SET status = ?, error = ?, output_path = ? WHERE id = ?').run(update.status, update.error ?? null, update.outputPath, id)
    }
  }

  /** Sets where a result's file goes (known once the row, and so its id, exists). */
  setResultOutput(id: number, outputPath: string): void {
    this.db.prepare('UPDATE results SET output_path = ? WHERE id = ?').run(outputPath, id)
  }

  deleteResult(id: number): void {
    this.db.prepare('DELETE FROM results WHERE id = ?').run(id)
  }

  /** Clears a photo's preferred version (export then takes the latest). */
  clearPreferredResult(photoId: number): void {
    this.db.prepare('UPDATE results SET preferred = 0 WHERE photo_id = ? AND preferred = 1').run(photoId)
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

  // ---- jobs (the colorize queue builds on these) ----

  /** A job and its items (queued, in the order given; duplicate photo ids are dropped). */
  createJob(input: { kind: string; options: Record<string, unknown>; photoIds: number[]; projectId?: number | null }): Job {
    return this.transaction(() => {
      const at = now()
      const job = this.db
        .prepare<unknown[], JobRow>(
          "INSERT INTO jobs (kind, project_id, status, options_json, created_at, updated_at) VALUES (?, ?, 'queued', ?, ?, ?) RETURNING *"
        )
        .get(input.kind, input.projectId ?? null, JSON.stringify(input.options), at, at)!
      const item = this.db.prepare("INSERT OR IGNORE INTO job_items (job_id, photo_id, position, status) VALUES (?, ?, ?, 'queued')")
      input.photoIds.forEach((photoId, position) => item.run(job.id, photoId, position))
      return toJob(job)
    })
  }

  getJob(id: number): Job | undefined {
    const row = this.db.prepare<[number], JobRow>('SELECT * FROM jobs WHERE id = ?').get(id)
    return row && toJob(row)
  }

  /** Jobs of a kind, newest first; of one project when `projectId` is given. */
  listJobs(kind: string, projectId?: number): Job[] {
    return this.db
      .prepare<Record<string, unknown>, JobRow>(
        'SELECT * FROM jobs WHERE kind = @kind AND (@project_id IS NULL OR project_id = @project_id) ORDER BY id DESC'
      )
      .all({ kind, project_id: projectId ?? null })
      .map(toJob)
  }

  /** The oldest queued job of a kind: the next one to run. */
  nextQueuedJob(kind: string): Job | undefined {
    const row = this.db
      .prepare<[string], JobRow>("SELECT * FROM jobs WHERE kind = ? AND status = 'queued' ORDER BY id LIMIT 1")
      .get(kind)
    return row && toJob(row)
  }

  setJobStatus(id: number, status: JobStatus, error: string | null = null): void {
    this.db.prepare('UPDATE jobs SET status = ?, error = ?, updated_at = ? WHERE id = ?').run(status, error, now(), id)
  }

  jobItems(jobId: number): JobItem[] {
    return this.db
      .prepare<[number], JobItemRow>('SELECT * FROM job_items WHERE job_id = ? ORDER BY position')
      .all(jobId)
      .map(toJobItem)
  }

  getJobItem(jobId: number, photoId: number): JobItem | undefined {
    const row = this.db.prepare<[number, number], JobItemRow>('SELECT * FROM job_items WHERE job_id = ? AND photo_id = ?').get(jobId, photoId)
    return row && toJobItem(row)
  }

  /** The next item of a job still to do. */
  nextQueuedItem(jobId: number): JobItem | undefined {
    const row = this.db
      .prepare<[number], JobItemRow>("SELECT * FROM job_items WHERE job_id = ? AND status = 'queued' ORDER BY position LIMIT 1")
      .get(jobId)
    return row && toJobItem(row)
  }

  jobCounts(jobId: number): JobCounts {
    const counts: JobCounts = { total: 0, queued: 0, running: 0, done: 0, failed: 0, skipped: 0, cancelled: 0 }
    const rows = this.db
      .prepare<[number], { status: JobItemStatus; n: number }>('SELECT status, count(*) AS n FROM job_items WHERE job_id = ? GROUP BY status')
      .all(jobId)
    for (const { status, n } of rows) {
      counts[status] = n
      counts.total += n
    }
    return counts
  }

  setJobItemStatus(jobId: number, photoId: number, status: JobItemStatus, error: string | null = null): void {
    this.db.prepare('UPDATE job_items SET status = ?, error = ? WHERE job_id = ? AND photo_id = ?').run(status, error, jobId, photoId)
  }

  /** Records an item's state, and optionally the result it made and how long it took. */
  updateJobItem(jobId: number, photoId: number, update: { status: JobItemStatus; error?: string | null; resultId?: number | null; millis?: number | null }): void {
    this.db
      .prepare('UPDATE job_items SET status = ?, error = ?, result_id = ?, millis = ? WHERE job_id = ? AND photo_id = ?')
      .run(update.status, update.error ?? null, update.resultId ?? null, update.millis ?? null, jobId, photoId)
  }

  /** Marks every item of a job not started yet as cancelled. */
  cancelQueuedItems(jobId: number): void {
    this.db.prepare("UPDATE job_items SET status = 'cancelled' WHERE job_id = ? AND status = 'queued'").run(jobId)
  }

  /**
   * After an unclean stop (the app crashed or was killed mid-job): every unfinished job of `kind` is
   * paused, items that were running go back to the queue, and results still pending are deleted.
   * Returns the paused job ids and the deleted results (whose files the caller removes).
   */
  recoverInterruptedJobs(kind: string): { pausedJobIds: number[]; abandonedResults: Result[] } {
    return this.transaction(() => {
      const jobs = this.db
        .prepare<[string], { id: number }>("SELECT id FROM jobs WHERE kind = ? AND status IN ('running', 'queued') ORDER BY id")
        .all(kind)
      const abandoned = this.db
        .prepare<[string], ResultRow>(
          `SELECT r.* FROM results r WHERE r.status = 'pending' AND r.id IN
             (SELECT i.result_id FROM job_items i JOIN jobs j ON j.id = i.job_id WHERE j.kind = ? AND i.result_id IS NOT NULL)`
        )
        .all(kind)
        .map(toResult)
      const at = now()
      for (const { id } of jobs) this.db.prepare("UPDATE jobs SET status = 'paused', updated_at = ? WHERE id = ?").run(at, id)
      this.db
        .prepare(
          "UPDATE job_items SET status = 'queued', result_id = NULL, millis = NULL WHERE status = 'running' AND job_id IN (SELECT id FROM jobs WHERE kind = ?)"
        )
        .run(kind)
      for (const result of abandoned) this.deleteResult(result.id)
      return { pausedJobIds: jobs.map((j) => j.id), abandonedResults: abandoned }
    })
  }

  /** Present photos of a project that the scan could read, by path: what "colorize all" means. */
  readablePhotoIds(projectId: number): number[] {
    return this.db
      .prepare<[number], { id: number }>(
        "SELECT id FROM photos WHERE project_id = ? AND status = 'present' AND scan_error IS NULL ORDER BY relative_path COLLATE NOCASE, id"
      )
      .all(projectId)
      .map((r) => r.id)
  }
}
