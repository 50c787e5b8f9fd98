import sharp from 'sharp'
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { realpath, stat } from 'node:fs/promises'
import { extname, isAbsolute, resolve } from 'node:path'
import type { Readable } from 'node:stream'
import { isMediaKind, MEDIA_KINDS, type MediaKind } from '../../shared/api/transport'
import type { CatalogStore } from '../catalog/catalogStore'
import type { FinetuneService } from '../training/finetuneService'
import { MAX_MEGAPIXELS } from '../imaging/photoReader'
import { ThumbnailCache } from '../library/thumbnailCache'
import { isWithin } from '../files/pathContainment'

/**
 * Images the UI shows, by id: a photo's thumbnail, a version's output (or its thumbnail), a photo's original. Both
 * transports (the web host's `/media/<kind>/<id>` and Electron's `koalarize-media://<kind>/<id>`)
 * resolve them here. Paths come only from the catalog, never from the request, and are checked to lie
 * inside the folder they belong to (thumbnail cache, project folder).
 */

export { MEDIA_KINDS, type MediaKind }

export type MediaRequest =
  | { kind: Exclude<MediaKind, 'preview'>; id: number }
  /** A fine-tuning job's preview image after `step`. */
  | { kind: 'preview'; jobId: string; step: number }

export interface MediaFile {
  contentType: string
  size: number
  /** The bytes: streamed from the file, or an in-memory rendition (formats browsers cannot show). */
  open(): Readable | Buffer
}

/** What browsers display as-is; anything else (TIFF) is sent as a JPEG rendition. */
const DISPLAYABLE: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.avif': 'image/avif'
}

/**
 * Parses the `<kind>` and `<id>` parts of a media route (strict: a positive decimal id, nothing else;
 * for previews `<jobId>/<step>`, a job id of letters, digits and dashes and a decimal step).
 */
export function parseMediaRequest(kind: string, id: string): MediaRequest | undefined {
  if (kind === 'preview') {
    const match = /^(ft-[A-Za-z0-9-]{1,60})\/(0|[1-9][0-9]{0,8})$/.exec(id)
    return match ? { kind, jobId: match[1]!, step: Number(match[2]) } : undefined
  }
  if (!isMediaKind(kind) || kind === 'preview' || !/^[1-9][0-9]{0,14}$/.test(id)) return undefined
  return { kind, id: Number(id) }
}

/** Like isWithin, after resolving symbolic links on both sides (false when either does not exist). */
async function isReallyInside(parent: string, child: string): Promise<boolean> {
  try {
    return isWithin(await realpath(parent), await realpath(child))
  } catch {
    return false
  }
}

export interface MediaSources {
  store: CatalogStore
  /** The thumbnail cache folder: thumbnails are only served from there. */
  thumbnailsDir: string
  /** Fine-tuning jobs: previews are served from their job folder only (none without it). */
  finetune?: Pick<FinetuneService, 'get' | 'jobDir'>
}

/** The file behind a media request, or undefined when there is none (unknown id, no thumbnail yet, file gone). */
export async function findMedia(sources: MediaSources, request: MediaRequest): Promise<MediaFile | undefined> {
  const { store } = sources
  switch (request.kind) {
    case 'thumbnail': {
      const path = store.getPhoto(request.id)?.thumbnailPath
      if (!path || !(await isReallyInside(sources.thumbnailsDir, path))) return undefined
      return fileMedia(path)
    }
    case 'version': {
      // Versions live in the project's cache, wherever the job queue puts them; the catalog is the authority.
      const result = store.getResult(request.id)
      if (!result?.outputPath || !isAbsolute(result.outputPath)) return undefined
      return fileMedia(result.outputPath)
    }
    case 'version-thumbnail': {
      const result = store.getResult(request.id)
      if (result?.status !== 'done' || !result.outputPath || !isAbsolute(result.outputPath)) return undefined
      const path = await versionThumbnail(sources.thumbnailsDir, result.id, result.outputPath).catch(() => undefined)
      return path ? fileMedia(path) : undefined
    }
    case 'preview': {
      const job = await sources.finetune?.get(request.jobId).catch(() => undefined)
      const path = job?.previews.find((p) => p.step === request.step)?.path
      if (!path || !isAbsolute(path) || !(await isReallyInside(sources.finetune!.jobDir(request.jobId), path))) return undefined
      return fileMedia(path)
    }
    case 'original': {
      const photo = store.getPhoto(request.id)
      const project = photo && store.getProject(photo.projectId)
      if (!photo || !project || photo.status !== 'present') return undefined
      const path = resolve(project.root, photo.relativePath)
      if (!isWithin(project.root, path) || !(await isReallyInside(project.root, path))) return undefined
      return fileMedia(path)
    }
  }
}

const makingThumbnails = new Map<string, Promise<string>>()

/**
 * A version's thumbnail, made on first request and kept in the thumbnail cache (keyed by the version's
 * id and file, so a new version never shows an old one); clearCache removes them with the rest.
 */
function versionThumbnail(thumbnailsDir: string, versionId: number, outputPath: string): Promise<string> {
  const key = createHash('sha256').update(`version:${versionId}:${outputPath}`).digest('hex')
  const making = makingThumbnails.get(key)
  if (making) return making
  const work = new ThumbnailCache(thumbnailsDir).ensure(outputPath, key).finally(() => makingThumbnails.delete(key))
  makingThumbnails.set(key, work)
  return work
}

async function fileMedia(path: string): Promise<MediaFile | undefined> {
  const info = await stat(path).catch(() => undefined)
  if (!info?.isFile()) return undefined
  const contentType = DISPLAYABLE[extname(path).toLowerCase()]
  if (contentType) return { contentType, size: info.size, open: () => createReadStream(path) }
  // TIFF (8/16-bit scans) and other formats browsers cannot show: an upright JPEG rendition.
  try {
    const jpeg = await sharp(path, { limitInputPixels: MAX_MEGAPIXELS * 1_000_000 })
      .autoOrient()
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .jpeg({ quality: 90 })
      .toBuffer()
    return { contentType: 'image/jpeg', size: jpeg.length, open: () => jpeg }
  } catch {
    return undefined
  }
}
