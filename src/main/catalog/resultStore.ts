import type Database from 'better-sqlite3'
import { now } from './catalogClock'
import type { Result, ResultStatus } from './types'

/** A row of `results`, as SQLite returns it; it never leaves this file. */
interface ResultRow {
  id: number; photo_id: number; model_id: string; options_json: string; output_path: string | null; created_at: string
  preferred: number; status: ResultStatus; error: string | null
}

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

/** The colorized versions of photos (`results`): the options each was made with, its file, which one is preferred. */
export class ResultStore {
  constructor(private readonly db: Database.Database) {}

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
    this.db.transaction(() => {
      const result = this.getResult(resultId)
      if (!result) throw new Error(`no result ${resultId}`)
      this.clearPreferredResult(result.photoId)
      this.db.prepare('UPDATE results SET preferred = 1 WHERE id = ?').run(resultId)
    })()
  }

  /** Clears a photo's preferred version (export then takes the latest). */
  clearPreferredResult(photoId: number): void {
    this.db.prepare('UPDATE results SET preferred = 0 WHERE photo_id = ? AND preferred = 1').run(photoId)
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
}
