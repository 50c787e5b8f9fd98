import sharp from 'sharp'
import { existsSync } from 'node:fs'
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { MAX_MEGAPIXELS } from '../imaging/photoReader'
import { PhotoError, describeDecodeError } from '../imaging/photoErrors'
import type { CatalogStore } from '../catalog/catalogStore'

/** Long side of a thumbnail, in pixels. */
export const THUMBNAIL_SIZE = 256
const THUMBNAIL_QUALITY = 80
const DECODE_OPTIONS = { limitInputPixels: MAX_MEGAPIXELS * 1_000_000, failOn: 'error' as const }

export interface CacheSize {
  files: number
  bytes: number
}

/**
 * Small upright JPEG thumbnails in a cache folder, keyed by the photo's content hash (so a moved
 * photo keeps its thumbnail and identical copies share one): `<dir>/<hash[0..2]>/<hash>.jpg`.
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

  async sizeOnDisk(): Promise<CacheSize> {
    const total: CacheSize = { files: 0, bytes: 0 }
    if (!existsSync(this.dir)) return total
    for (const shard of await readdir(this.dir, { withFileTypes: true })) {
      if (!shard.isDirectory()) continue
      for (const file of await readdir(join(this.dir, shard.name))) {
        if (!file.endsWith('.jpg')) continue
        total.files++
        total.bytes += (await stat(join(this.dir, shard.name, file))).size
      }
    }
    return total
  }

  /** Deletes every cached thumbnail (the catalog should then forget its thumbnail paths). */
  async clear(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true })
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
