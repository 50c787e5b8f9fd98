import type Database from 'better-sqlite3'
import type { ColourClass } from '../color/colourClass'
import { now } from './catalogClock'
import { queryPhotoWork, type PhotoWork } from './photoWork'
import type { Photo, PhotoFacts, PhotoFilter, PhotoPage, PhotoQuery, PhotoStatus } from './types'

export const DEFAULT_PAGE_LIMIT = 200

/** A row of `photos`, as SQLite returns it; it never leaves this file. */
interface PhotoRow {
  id: number; project_id: number; relative_path: string; size: number; mtime_ms: number; content_hash: string | null
  width: number | null; height: number | null; format: string | null; depth: string | null; captured_at: string | null
  colour_class: ColourClass | null; colour_doubtful: number | null; mean_chroma: number | null; thumbnail_path: string | null; status: PhotoStatus
  scan_error: string | null; added_at: string; updated_at: string
}

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
  colourDoubtful: r.colour_doubtful === null ? null : r.colour_doubtful === 1,
  meanChroma: r.mean_chroma,
  thumbnailPath: r.thumbnail_path,
  status: r.status,
  scanError: r.scan_error,
  addedAt: r.added_at,
  updatedAt: r.updated_at
})

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
  colour_doubtful: f.colourDoubtful == null ? null : Number(f.colourDoubtful),
  mean_chroma: f.meanChroma,
  scan_error: f.scanError
})

const FACT_ASSIGNMENTS = `size = @size, mtime_ms = @mtime_ms, content_hash = @content_hash, width = @width, height = @height,
  format = @format, depth = @depth, captured_at = @captured_at, colour_class = @colour_class, mean_chroma = @mean_chroma,
  colour_doubtful = @colour_doubtful, scan_error = @scan_error`

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

/** The photos of each project (`photos`): what a scan learnt about each file, its thumbnail, and the library's queries. */
export class PhotoStore {
  constructor(private readonly db: Database.Database) {}

  insertPhoto(projectId: number, relativePath: string, facts: PhotoFacts): Photo {
    const at = now()
    const row = this.db
      .prepare<Record<string, unknown>, PhotoRow>(
        `INSERT INTO photos (project_id, relative_path, size, mtime_ms, content_hash, width, height, format, depth,
           captured_at, colour_class, colour_doubtful, mean_chroma, scan_error, status, added_at, updated_at)
         VALUES (@project_id, @relative_path, @size, @mtime_ms, @content_hash, @width, @height, @format, @depth,
           @captured_at, @colour_class, @colour_doubtful, @mean_chroma, @scan_error, 'present', @at, @at)
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

  /** Present photos of a project that the scan could read, by path: what "colorize all" means. */
  readablePhotoIds(projectId: number): number[] {
    return this.db
      .prepare<[number], { id: number }>(
        "SELECT id FROM photos WHERE project_id = ? AND status = 'present' AND scan_error IS NULL ORDER BY relative_path COLLATE NOCASE, id"
      )
      .all(projectId)
      .map((r) => r.id)
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
}
