import sharp from 'sharp'
import { existsSync } from 'node:fs'
import { mkdir, readdir, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { MAX_MEGAPIXELS } from '../imaging/photoReader'
import { PhotoError, describeDecodeError } from '../imaging/photoErrors'
import type { CatalogStore } from '../catalog/catalogStore'
import { isProcessAlive } from '../files/scratch'

/** Long side of a thumbnail, in pixels. */
export const THUMBNAIL_SIZE = 256
const THUMBNAIL_QUALITY = 80
const DECODE_OPTIONS = { limitInputPixels: MAX_MEGAPIXELS * 1_000_000, failOn: 'error' as const }

/** The file that marks a folder as a Koalarize thumbnail cache (written with the first thumbnail). */
export const CACHE_MARKER = '.koalarize-thumbnail-cache'
const SHARD = /^[0-9a-f]{2}$/
/** Our thumbnails: `<hash>.jpg` in the shard named by the hash's first two characters, and their `.partial`s. */
const isOurFile = (shard: string, name: string): boolean =>
  name.startsWith(shard) && /^[0-9a-f]{16,}\.jpg(\.\d+\.partial)?$/.test(name)

export interface CacheSize {
  files: number
  bytes: number
}

/**
 * Small upright JPEG thumbnails in a cache folder, keyed by the photo's content hash (so a moved
 * photo keeps its thumbnail and identical copies share one): `<dir>/<hash[0..2]>/<hash>.jpg`.
 * The cache folder may be one the user chose, holding files of theirs: the folder is marked as ours
 * (CACHE_MARKER), and sizing and clearing touch only files named as ours, in a marked folder.
 */
export class ThumbnailCache {
  constructor(
    readonly dir: string,
    readonly size = THUMBNAIL_SIZE
  ) {}

  pathFor(contentHash: string): string {
    if (!/^[0-9a-f]{16,}$/.test(contentHash)) throw new Error(`not a content hash: ${contentHash}`)
    return join(this.dir, contentHash.slice(0, 2), `${contentHash}.jpg`)
  }

  has(contentHash: string): boolean {
    return existsSync(this.pathFor(contentHash))
  }

  /** The thumbnail of `source` (whose content hash is given), made if it is not cached yet. */
  async ensure(source: string, contentHash: string): Promise<string> {
    const target = this.pathFor(contentHash)
    if (existsSync(target)) return target
    await mkdir(join(this.dir, contentHash.slice(0, 2)), { recursive: true })
    await writeFile(join(this.dir, CACHE_MARKER), 'Thumbnails made by Koalarize; "Clear cache" deletes them.\n', { flag: 'wx' }).catch(() => undefined)
    // Written under a temporary name and renamed, so a crash never leaves a half thumbnail in the cache.
    const partial = `${target}.${process.pid}.partial`
    try {
      await sharp(source, DECODE_OPTIONS)
        .autoOrient()
        .resize(this.size, this.size, { fit: 'inside', withoutEnlargement: true })
        .flatten({ background: '#ffffff' })
        .toColourspace('srgb')
        .jpeg({ quality: THUMBNAIL_QUALITY, mozjpeg: false })
        .toFile(partial)
      await rename(partial, target)
    } catch (error) {
      await rm(partial, { force: true })
      throw new PhotoError(source, describeDecodeError(error, MAX_MEGAPIXELS))
    }
    return target
  }

  /** Our thumbnails on disk (nothing else in the folder is counted). */
  async sizeOnDisk(): Promise<CacheSize> {
    const total: CacheSize = { files: 0, bytes: 0 }
    for (const file of await this.ourFiles()) {
      if (!file.endsWith('.jpg')) continue
      const info = await stat(file).catch(() => undefined)
      if (!info?.isFile()) continue
      total.files++
      total.bytes += info.size
    }
    return total
  }

  /**
   * Deletes our thumbnails (the catalog should then forget its thumbnail paths), and shard folders
   * left empty. Only in a folder marked as ours (or, for a cache made before the marker, one holding
   * nothing but our thumbnails); any other file stays.
   */
  async clear(): Promise<void> {
    if (!existsSync(join(this.dir, CACHE_MARKER)) && !(await this.holdsOnlyOurs())) return
    for (const file of await this.ourFiles()) await rm(file, { force: true })
    for (const shard of await readdir(this.dir).catch(() => [])) {
      if (SHARD.test(shard)) await rmdir(join(this.dir, shard)).catch(() => undefined) // only when empty
    }
  }

  /** Start-up: removes the temporary thumbnails of processes that are gone (a crash mid-write). */
  async removeAbandonedPartials(): Promise<string[]> {
    const abandoned = (await this.ourFiles()).filter((file) => {
      const pid = /\.(\d+)\.partial$/.exec(file)?.[1]
      return pid !== undefined && Number(pid) !== process.pid && !isProcessAlive(Number(pid))
    })
    for (const file of abandoned) await rm(file, { force: true })
    return abandoned
  }

  private async holdsOnlyOurs(): Promise<boolean> {
    const entries = await readdir(this.dir, { withFileTypes: true }).catch(() => [])
    for (const shard of entries) {
      if (!shard.isDirectory() || !SHARD.test(shard.name)) return false
      const files = await readdir(join(this.dir, shard.name)).catch(() => [''])
      if (!files.every((file) => isOurFile(shard.name, file))) return false
    }
    return entries.length > 0
  }

  /** Paths of the files named as ours, in shard folders. */
  private async ourFiles(): Promise<string[]> {
    const files: string[] = []
    for (const shard of await readdir(this.dir, { withFileTypes: true }).catch(() => [])) {
      if (!shard.isDirectory() || !SHARD.test(shard.name)) continue
      for (const file of await readdir(join(this.dir, shard.name)).catch(() => [])) {
        if (isOurFile(shard.name, file)) files.push(join(this.dir, shard.name, file))
      }
    }
    return files
  }
}

export interface ThumbnailProgress {
  projectId: number
  done: number
  total: number
}

export interface ThumbnailReady {
  projectId: number
  photoId: number
  thumbnailPath: string
}

export interface ThumbnailRunOptions {
  /** Thumbnails made at once; 1 keeps a 2-core machine usable. */
  concurrency?: number
  onProgress?: (progress: ThumbnailProgress) => void
  onReady?: (ready: ThumbnailReady) => void
  /** Called for a photo whose thumbnail cannot be made (the run goes on). */
  onError?: (photoId: number, error: PhotoError) => void
  signal?: AbortSignal
}

export interface ThumbnailRunSummary {
  made: number
  failed: number
}

/** Makes the thumbnails a project's photos lack and records them in the catalog. */
export async function generateThumbnails(
  store: CatalogStore,
  cache: ThumbnailCache,
  projectId: number,
  options: ThumbnailRunOptions = {}
): Promise<ThumbnailRunSummary> {
  const project = store.getProject(projectId)
  if (!project) throw new Error(`no project ${projectId}`)
  const pending = store.photosNeedingThumbnails(projectId)
  const summary: ThumbnailRunSummary = { made: 0, failed: 0 }
  let done = 0
  const queue = pending.slice()
  const workers = Array.from({ length: Math.max(1, options.concurrency ?? 1) }, async () => {
    for (let photo = queue.shift(); photo; photo = queue.shift()) {
      if (options.signal?.aborted) return
      try {
        const thumbnailPath = await cache.ensure(join(project.root, photo.relativePath), photo.contentHash!)
        store.setThumbnail(photo.id, thumbnailPath)
        summary.made++
        options.onReady?.({ projectId, photoId: photo.id, thumbnailPath })
      } catch (error) {
        summary.failed++
        const reason = error instanceof PhotoError ? error : new PhotoError(photo.relativePath, String(error))
        options.onError?.(photo.id, reason)
      }
      done++
      options.onProgress?.({ projectId, done, total: pending.length })
    }
  })
  await Promise.all(workers)
  return summary
}
