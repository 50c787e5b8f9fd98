import { existsSync } from 'node:fs'
import { link, rename, rm } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { basename, dirname, join } from 'node:path'
import type { CatalogStore } from '../catalog/catalogStore'
import { addPendingFile, pendingFiles, recordExportedFile, removePendingFile } from '../catalog/fileRecords'
import { existingFile } from '../files/fileIdentity'
import { replaceProblem } from './replaceGuard'

/** A file of that name exists and was not to be replaced. */
export class FileExistsError extends Error {}

/** The existing file must never be replaced (an original, a user's file in a project folder…). */
export class ProtectedFileError extends Error {}

/** Our temporary export files: `.<name>.<8 hex>.partial`, beside the file they become. */
export const EXPORT_PARTIAL = /^\..+\.[0-9a-f]{8}\.partial$/

export interface ExportedFrom {
  photoId: number
  resultId: number
}

/**
 * Writes one export file under a temporary name and moves it into place; without `overwrite`, never
 * replaces a file. With `overwrite`, the file it replaces is checked again just before the move (see
 * replaceGuard). The temporary file is journalled in the catalog while it exists, so that a crash
 * cannot leave it behind for good; the file written is recorded as an export of ours.
 */
export async function writeExportFile(
  store: CatalogStore,
  target: string,
  from: ExportedFrom,
  overwrite: boolean,
  write: (partial: string) => Promise<unknown>
): Promise<void> {
  const partial = join(dirname(target), `.${basename(target)}.${randomBytes(4).toString('hex')}.partial`)
  addPendingFile(store, partial)
  try {
    await write(partial)
    await moveIntoPlace(store, partial, target, overwrite)
    const written = await existingFile(target)
    if (written) recordExportedFile(store, written, from.photoId, from.resultId)
  } finally {
    await rm(partial, { force: true })
    removePendingFile(store, partial)
  }
}

/**
 * Start-up: removes the temporary export files a crash left (journalled in the catalog, and named as
 * ours), and empties the journal. Returns the paths removed.
 */
export async function removeAbandonedExportFiles(store: CatalogStore): Promise<string[]> {
  const removed: string[] = []
  for (const path of pendingFiles(store)) {
    if (EXPORT_PARTIAL.test(basename(path))) {
      await rm(path, { force: true })
      removed.push(path)
    }
    removePendingFile(store, path)
  }
  return removed
}

async function moveIntoPlace(store: CatalogStore, partial: string, target: string, overwrite: boolean): Promise<void> {
  if (overwrite) {
    const problem = await replaceProblem(store, target)
    if (problem) throw new ProtectedFileError(problem)
    await rename(partial, target)
    return
  }
  try {
    await link(partial, target) // fails with EEXIST instead of replacing
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new FileExistsError(target)
    // File systems without hard links (FAT, some network shares): check, then rename.
    if (existsSync(target)) throw new FileExistsError(target)
    await rename(partial, target)
  }
}
