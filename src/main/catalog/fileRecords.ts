import type { FileState } from '../files/fileIdentity'
import type { CatalogStore } from './catalogStore'

export type { FileIdentity, FileState } from '../files/fileIdentity'

/**
 * What the catalog knows about files outside Koalarize's own folders: the exports it wrote
 * (exported_files) and the temporary files it is writing (pending_files, a journal that start-up
 * recovery empties). Files are identified by real path, device and inode, never by the text of a path.
 */

/** An original photo of a project, where the catalog says it is. */
export interface OriginalFile {
  projectName: string
  root: string
  relativePath: string
}

const now = (): string => new Date().toISOString()

/** Records (or refreshes) a file an export wrote. */
export function recordExportedFile(store: CatalogStore, file: FileState, photoId: number, resultId: number): void {
  store.db
    .prepare(
      `INSERT INTO exported_files (path, dev, ino, size, mtime_ns, photo_id, result_id, exported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (path) DO UPDATE SET dev = excluded.dev, ino = excluded.ino, size = excluded.size, mtime_ns = excluded.mtime_ns,
         photo_id = excluded.photo_id, result_id = excluded.result_id, exported_at = excluded.exported_at`
    )
    .run(file.real, file.dev, file.ino, file.size, file.mtimeNs, photoId, resultId, now())
}

/** True when this very file (same real path, device and inode), unchanged since (size, time), is one an export of ours wrote. */
export function isRecordedExport(store: CatalogStore, file: FileState): boolean {
  const row = store.db
    .prepare<unknown[], { n: number }>(
      'SELECT count(*) AS n FROM exported_files WHERE path = ? AND dev = ? AND ino = ? AND size = ? AND mtime_ns = ?'
    )
    .get(file.real, file.dev, file.ino, file.size, file.mtimeNs)
  return (row?.n ?? 0) > 0
}

/** Originals of every project with this size in bytes (every original when `size` is null). */
export function originalsOfSize(store: CatalogStore, size: number | null): OriginalFile[] {
  const sql = `SELECT j.name AS projectName, j.root AS root, p.relative_path AS relativePath
     FROM photos p JOIN projects j ON j.id = p.project_id WHERE ${size === null ? '1' : 'p.size = ?'}`
  const statement = store.db.prepare<unknown[], OriginalFile>(sql)
  return size === null ? statement.all() : statement.all(size)
}

/** Journals a temporary file about to be written (before it exists). */
export function addPendingFile(store: CatalogStore, path: string): void {
  store.db.prepare('INSERT OR REPLACE INTO pending_files (path, created_at) VALUES (?, ?)').run(path, now())
}

/** The temporary file is gone (renamed into place or removed). */
export function removePendingFile(store: CatalogStore, path: string): void {
  store.db.prepare('DELETE FROM pending_files WHERE path = ?').run(path)
}

export function pendingFiles(store: CatalogStore): string[] {
  return store.db
    .prepare<[], { path: string }>('SELECT path FROM pending_files ORDER BY path')
    .all()
    .map((r) => r.path)
}
