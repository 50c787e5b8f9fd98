import type Database from 'better-sqlite3'
import { now } from './catalogClock'
import type { ResultStore } from './resultStore'
import type { Job, JobCounts, JobItem, JobItemStatus, JobStatus, Result } from './types'

/** Rows of `jobs` and `job_items`, as SQLite returns them; they never leave this file. */
interface JobRow {
  id: number; kind: string; project_id: number | null; status: JobStatus; options_json: string; error: string | null
  created_at: string; updated_at: string
}
interface JobItemRow {
  job_id: number; photo_id: number; position: number; status: JobItemStatus; error: string | null; result_id: number | null
  millis: number | null
}

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

/** The persistent job queue (`jobs` and their `job_items`, one per photo, in order); the colorize queue builds on it. */
export class JobQueueStore {
  constructor(
    private readonly db: Database.Database,
    /** The versions items make: recovery deletes the half-made ones. */
    private readonly results: ResultStore
  ) {}

  /** A job and its items (queued, in the order given; duplicate photo ids are dropped). */
  createJob(input: { kind: string; options: Record<string, unknown>; photoIds: number[]; projectId?: number | null }): Job {
    return this.db.transaction(() => {
      const at = now()
      const job = this.db
        .prepare<unknown[], JobRow>(
          "INSERT INTO jobs (kind, project_id, status, options_json, created_at, updated_at) VALUES (?, ?, 'queued', ?, ?, ?) RETURNING *"
        )
        .get(input.kind, input.projectId ?? null, JSON.stringify(input.options), at, at)!
      const item = this.db.prepare("INSERT OR IGNORE INTO job_items (job_id, photo_id, position, status) VALUES (?, ?, ?, 'queued')")
      input.photoIds.forEach((photoId, position) => item.run(job.id, photoId, position))
      return toJob(job)
    })()
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
    return this.db.transaction(() => {
      const jobs = this.db
        .prepare<[string], { id: number }>("SELECT id FROM jobs WHERE kind = ? AND status IN ('running', 'queued') ORDER BY id")
        .all(kind)
      const abandoned = this.db
        .prepare<[string], { id: number }>(
          `SELECT r.id FROM results r WHERE r.status = 'pending' AND r.id IN
             (SELECT i.result_id FROM job_items i JOIN jobs j ON j.id = i.job_id WHERE j.kind = ? AND i.result_id IS NOT NULL)
           ORDER BY r.id`
        )
        .all(kind)
        .map(({ id }) => this.results.getResult(id)!)
      const at = now()
      for (const { id } of jobs) this.db.prepare("UPDATE jobs SET status = 'paused', updated_at = ? WHERE id = ?").run(at, id)
      this.db
        .prepare(
          "UPDATE job_items SET status = 'queued', result_id = NULL, millis = NULL WHERE status = 'running' AND job_id IN (SELECT id FROM jobs WHERE kind = ?)"
        )
        .run(kind)
      for (const result of abandoned) this.results.deleteResult(result.id)
      return { pausedJobIds: jobs.map((j) => j.id), abandonedResults: abandoned }
    })()
  }
}
