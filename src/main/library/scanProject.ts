import { relative, sep } from 'node:path'
import { findPhotos } from '../batch/photoFiles'
import type { CatalogStore } from '../catalog/catalogStore'
import type { Photo } from '../catalog/types'
import { fileStamp, hashFile, NOT_DECODED, readPhotoFacts, type FileStamp } from './photoFacts'

export interface ScanProgress {
  projectId: number
  /** Files looked at so far, of `total` found in the folder. */
  done: number
  total: number
  /** Relative path of the file just handled. */
  current?: string
}

export interface ScanSummary {
  projectId: number
  /** Files found in the folder. */
  found: number
  added: number
  /** Known files whose content changed in place (re-read). */
  updated: number
  unchanged: number
  /** Known photos found at a new path (same content hash); they keep their id and versions. */
  moved: number
  /** Photos whose file is gone (kept, with their versions, as status 'missing'). */
  missing: number
  /** Files recorded with a scan error (unreadable or not an image). */
  errors: number
  /** Sub-folders that could not be read (relative paths), skipped with the reason; their photos keep their state. */
  skippedFolders: { path: string; reason: string }[]
  durationMs: number
}

export interface ScanOptions {
  onProgress?: (progress: ScanProgress) => void
  /** Files read at once (hashing overlaps decoding); 2 suits a 2-core machine. */
  concurrency?: number
  signal?: AbortSignal
}

/** The project's folder cannot be listed (gone, renamed, or on a drive that is not connected). */
export class ProjectFolderUnavailableError extends Error {
  constructor(
    readonly root: string,
    readonly reason: string
  ) {
    super(`the project folder ${root} cannot be read (is its drive connected?): ${reason}`)
  }
}

const sameStamp = (photo: Photo, stamp: FileStamp): boolean => photo.size === stamp.size && photo.mtimeMs === stamp.mtimeMs
/** Facts read before colour doubt was measured (catalog version 5 or older) are read again. */
const doubtMeasured = (photo: Photo): boolean => photo.colourClass === null || photo.colourDoubtful !== null

/**
 * Scans (or rescans) a project's folder into the catalog. Unchanged files (same size and mtime) are
 * not read again; new files are hashed and read; a new path whose hash matches a photo whose path
 * vanished is that photo moved; photos whose files are gone become 'missing'. Originals are only read.
 */
export async function scanProject(store: CatalogStore, projectId: number, options: ScanOptions = {}): Promise<ScanSummary> {
  const started = performance.now()
  const project = store.getProject(projectId)
  if (!project) throw new Error(`no project ${projectId}`)
  // An unreachable folder (an unplugged drive) fails the scan: it must not turn every photo 'missing'.
  // An unreadable sub-folder is skipped with a warning, and the photos known there are left as they are.
  const skippedFolders: ScanSummary['skippedFolders'] = []
  const onSkippedFolder = (folder: string, reason: string) => skippedFolders.push({ path: relative(project.root, folder), reason })
  const files = await findPhotos(project.root, undefined, { onSkippedFolder }).catch((error: unknown) => {
    throw new ProjectFolderUnavailableError(project.root, (error as Error)?.message ?? String(error))
  })
  const inSkippedFolder = (relativePath: string) => skippedFolders.some((folder) => relativePath.startsWith(folder.path + sep))
  const known = new Map(store.photosOfProject(projectId).map((photo) => [photo.relativePath, photo]))
  const foundPaths = new Set(files.map((file) => file.relative))

  // Photos whose path is gone (or was already missing) may reappear elsewhere: index them by hash.
  const vanishedByHash = new Map<string, Photo[]>()
  for (const photo of known.values()) {
    if (foundPaths.has(photo.relativePath) || !photo.contentHash || inSkippedFolder(photo.relativePath)) continue
    const list = vanishedByHash.get(photo.contentHash) ?? []
    list.push(photo)
    vanishedByHash.set(photo.contentHash, list)
  }

  const summary: ScanSummary = {
    projectId, found: files.length, added: 0, updated: 0, unchanged: 0, moved: 0, missing: 0, errors: 0, skippedFolders, durationMs: 0
  }
  const claimed = new Set<number>()
  let done = 0

  async function handle(file: { path: string; relative: string }): Promise<void> {
    const stamp = await fileStamp(file.path)
    const existing = known.get(file.relative)
    if (existing && sameStamp(existing, stamp) && doubtMeasured(existing)) {
      if (existing.status !== 'present') store.setPhotoStatus(existing.id, 'present')
      summary.unchanged++
      if (existing.scanError) summary.errors++
      return
    }
    const contentHash = await hashFile(file.path)
    // A photo moved here keeps its id (and so its versions and preferred flag). Claiming is synchronous, so
    // two concurrent files cannot claim the same photo.
    const movedFrom = existing ? undefined : vanishedByHash.get(contentHash)?.find((photo) => !claimed.has(photo.id))
    if (movedFrom) claimed.add(movedFrom.id)
    const reusable = movedFrom ?? existing
    const facts =
      reusable && reusable.contentHash === contentHash && !reusable.scanError && doubtMeasured(reusable)
        ? { ...pickFacts(reusable), ...stamp } // same bytes: the decoded facts still hold
        : await readPhotoFacts(file.path, { stamp, contentHash })
    if (facts.scanError) summary.errors++
    if (movedFrom) {
      store.updatePhoto(movedFrom.id, facts, file.relative)
      summary.moved++
    } else if (existing) {
      store.updatePhoto(existing.id, facts)
      summary.updated++
    } else {
      store.insertPhoto(projectId, file.relative, facts)
      summary.added++
    }
  }

  const queue = files.slice()
  const workers = Array.from({ length: Math.max(1, options.concurrency ?? 2) }, async () => {
    for (let file = queue.shift(); file; file = queue.shift()) {
      options.signal?.throwIfAborted()
      try {
        await handle(file)
      } catch (error) {
        if ((error as NodeJS.ErrnoException)?.code === 'ENOENT') {
          // Deleted between listing and reading: as if it had not been found.
          foundPaths.delete(file.relative)
          summary.found--
        } else {
          // Unreadable (permissions, I/O error): a row with the reason, like an undecodable photo.
          recordUnreadable(store, projectId, known.get(file.relative), file.relative, error)
          summary.errors++
        }
      }
      done++
      options.onProgress?.({ projectId, done, total: files.length, current: file.relative })
    }
  })
  await Promise.all(workers)

  store.transaction(() => {
    for (const photo of known.values()) {
      if (foundPaths.has(photo.relativePath) || claimed.has(photo.id) || inSkippedFolder(photo.relativePath)) continue
      if (photo.status !== 'missing') store.setPhotoStatus(photo.id, 'missing')
      summary.missing++
    }
    store.markProjectScanned(projectId)
  })
  summary.durationMs = Math.round(performance.now() - started)
  return summary
}

function pickFacts(photo: Photo) {
  const { size, mtimeMs, contentHash, width, height, format, depth, capturedAt, colourClass, colourDoubtful, meanChroma, scanError } = photo
  return { size, mtimeMs, contentHash, width, height, format, depth, capturedAt, colourClass, colourDoubtful, meanChroma, scanError }
}

function recordUnreadable(store: CatalogStore, projectId: number, existing: Photo | undefined, relative: string, error: unknown): void {
  const facts = {
    size: existing?.size ?? 0,
    mtimeMs: existing?.mtimeMs ?? 0,
    contentHash: null,
    ...NOT_DECODED,
    scanError: `could not read the file (${(error as Error)?.message ?? String(error)})`
  }
  if (existing) store.updatePhoto(existing.id, facts)
  else store.insertPhoto(projectId, relative, facts)
}
