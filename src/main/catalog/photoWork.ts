import type Database from 'better-sqlite3'

/** What colorizing did (and is doing) to a photo: what the library's thumbnail and badges show. */
export interface PhotoWork {
  /** Finished versions. */
  versions: number
  /** The version the library shows: the preferred one, else the latest finished one (null: the original). */
  shownVersionId: number | null
  preferredVersionId: number | null
  /** Why the latest colorize run of this photo failed (null when it did not). */
  failure: string | null
  /** Whether a job that is queued or running still has this photo to do. */
  activity: 'queued' | 'running' | null
}

export const NO_WORK: PhotoWork = { versions: 0, shownVersionId: null, preferredVersionId: null, failure: null, activity: null }

interface ResultFacts { photo_id: number; id: number; status: 'pending' | 'done' | 'failed'; preferred: number; error: string | null }
interface ItemFacts { photo_id: number; status: 'queued' | 'running' }

/** SQLite's bound-parameter limit is 32,766; pages are far smaller, but stay safe for any caller. */
const CHUNK = 900

function chunks(ids: number[]): number[][] {
  const out: number[][] = []
  for (let i = 0; i < ids.length; i += CHUNK) out.push(ids.slice(i, i + CHUNK))
  return out
}

function workOf(results: ResultFacts[], items: ItemFacts[]): PhotoWork {
  const done = results.filter((r) => r.status === 'done')
  const preferred = done.find((r) => r.preferred === 1)
  const latest = results.filter((r) => r.status !== 'pending').at(-1)
  const activity = items.some((i) => i.status === 'running') ? 'running' : items.length > 0 ? 'queued' : null
  return {
    versions: done.length,
    shownVersionId: (preferred ?? done.at(-1))?.id ?? null,
    preferredVersionId: preferred?.id ?? null,
    failure: latest?.status === 'failed' ? (latest.error ?? 'colorizing failed') : null,
    activity
  }
}

/** The work of each photo asked for (every id gets an entry). Two queries per 900 photos. */
export function queryPhotoWork(db: Database.Database, photoIds: number[]): Map<number, PhotoWork> {
  const results = new Map<number, ResultFacts[]>()
  const items = new Map<number, ItemFacts[]>()
  for (const ids of chunks(photoIds)) {
    const marks = ids.map(() => '?').join(', ')
    const resultRows = db
      .prepare<number[], ResultFacts>(`SELECT photo_id, id, status, preferred, error FROM results WHERE photo_id IN (${marks}) ORDER BY id`)
      .all(...ids)
    for (const row of resultRows) results.set(row.photo_id, [...(results.get(row.photo_id) ?? []), row])
    const itemRows = db
      .prepare<number[], ItemFacts>(
        `SELECT i.photo_id, i.status FROM jobs j JOIN job_items i ON i.job_id = j.id
          WHERE j.status IN ('queued', 'running') AND i.status IN ('queued', 'running') AND i.photo_id IN (${marks})`
      )
      .all(...ids)
    for (const row of itemRows) items.set(row.photo_id, [...(items.get(row.photo_id) ?? []), row])
  }
  return new Map(photoIds.map((id) => [id, workOf(results.get(id) ?? [], items.get(id) ?? [])]))
}
