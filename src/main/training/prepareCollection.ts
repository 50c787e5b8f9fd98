import { createHash } from 'node:crypto'
import { mkdir, rename, rm } from 'node:fs/promises'
import { basename, extname, join, sep } from 'node:path'
import sharp from 'sharp'
import { chromaStats, type ChromaStats } from '../color/colourClass'
import { findPhotos } from '../batch/photoFiles'
import { MAX_MEGAPIXELS } from '../imaging/photoReader'
import { InvalidError } from '../domainErrors'

/** Fine-tuning on fewer usable colour photos than this is refused. */
export const MIN_USABLE_PHOTOS = 20
export const HOLDOUT_FRACTION = 0.1
export const HOLDOUT_MIN = 4
/** Shorter side of the copies the trainer reads (never enlarged). */
export const PREPARED_SHORT_SIDE = 256
/** Photos smaller than this (shorter side) teach nothing useful and are skipped. */
export const MIN_PHOTO_SIDE = 48
/** Size of the decode used to classify a photo as colour / toned / B&W. */
const CLASSIFY_SIZE = 96

export interface SkippedPhoto {
  /** Path relative to the collection folder. */
  photo: string
  reason: string
  kind: 'bw' | 'toned' | 'too-small' | 'unreadable'
}

export interface PreparedPhoto {
  /** Path relative to the collection folder. */
  source: string
  /** The copy the trainer reads, relative to the job's data folder (train/… or heldout/…). */
  file: string
  meanChroma: number
}

export interface PreparedCollection {
  collection: string
  found: number
  train: PreparedPhoto[]
  heldout: PreparedPhoto[]
  skipped: SkippedPhoto[]
  trainDir: string
  heldoutDir: string
  shortSide: number
}

export interface PrepareOptions {
  holdoutFraction?: number
  holdoutMin?: number
  minUsable?: number
  shortSide?: number
  signal?: AbortSignal
  onProgress?: (done: number, total: number, current: string) => void
}

export class CollectionTooSmallError extends InvalidError {}

const DECODE = { limitInputPixels: MAX_MEGAPIXELS * 1_000_000, failOn: 'error' as const }

/** Colour, toned or B&W, from a small upright decode (alpha flattened onto white). */
export async function classifyPhoto(path: string): Promise<{ stats: ChromaStats; width: number; height: number }> {
  const image = sharp(path, DECODE).autoOrient()
  const { width = 0, height = 0, autoOrient } = await image.metadata()
  const upright = autoOrient ?? { width, height }
  const { data, info } = await image
    .flatten({ background: '#ffffff' })
    .resize(CLASSIFY_SIZE, CLASSIFY_SIZE, { fit: 'inside', withoutEnlargement: true })
    .toColourspace('lab')
    .raw({ depth: 'float' })
    .toBuffer({ resolveWithObject: true })
  const lab = new Float32Array(new Uint8Array(data).buffer)
  return { stats: chromaStats(lab, info.channels), width: upright.width, height: upright.height }
}

function skipReason(kind: ChromaStats['kind'], stats: ChromaStats): SkippedPhoto | null {
  if (kind === 'bw') return { photo: '', kind: 'bw', reason: `black-and-white or near-grey (mean chroma ${stats.meanChroma.toFixed(1)})` }
  if (kind === 'toned') {
    return { photo: '', kind: 'toned', reason: `toned: one tint, no real colours (tint ${stats.tintChroma.toFixed(1)}, ${Math.round(stats.offHueFraction * 100)} % of the colour off its hue)` }
  }
  return null
}

/** Deterministic held-out choice: photos ranked by a hash of their relative path. */
export function splitHoldout<T extends { source: string }>(photos: T[], fraction = HOLDOUT_FRACTION, minimum = HOLDOUT_MIN): { train: T[]; heldout: T[] } {
  const rank = (photo: T): string => createHash('sha1').update(photo.source).digest('hex')
  const ranked = [...photos].sort((a, b) => (rank(a) < rank(b) ? -1 : rank(a) > rank(b) ? 1 : 0))
  const count = Math.max(minimum, Math.round(photos.length * fraction))
  const byName = (a: T, b: T): number => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0)
  return { heldout: ranked.slice(0, count).sort(byName), train: ranked.slice(count).sort(byName) }
}

/** A file name for the copy: index + a readable, safe version of the source's name. */
function copyName(index: number, source: string): string {
  const stem = basename(source, extname(source)).replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60)
  return `${String(index).padStart(5, '0')}-${stem}.jpg`
}

async function writeCopy(input: string, output: string, shortSide: number): Promise<void> {
  const image = sharp(input, DECODE).autoOrient()
  const { width = 0, height = 0, autoOrient } = await image.metadata()
  const upright = autoOrient ?? { width, height }
  const scale = Math.min(1, shortSide / Math.min(upright.width, upright.height))
  const tmp = output + '.tmp'
  await image
    .flatten({ background: '#ffffff' })
    .resize(Math.max(1, Math.round(upright.width * scale)), Math.max(1, Math.round(upright.height * scale)), { fit: 'fill', kernel: 'lanczos3' })
    .toColourspace('srgb')
    .jpeg({ quality: 92, chromaSubsampling: '4:4:4' })
    .toFile(tmp)
  await rename(tmp, output)
}

export interface ScannedCollection {
  found: number
  /** Usable colour photos: relative path (`source`), absolute path and mean chroma. */
  usable: { source: string; path: string; meanChroma: number }[]
  skipped: SkippedPhoto[]
}

/**
 * Classifies every photo of a collection folder (only reads it): colour photos are usable; B&W,
 * near-grey, toned, tiny and unreadable ones are listed as skipped with the reason. `exclude` is a
 * folder inside the collection to leave out (e.g. a job's own data folder). Nothing is written.
 */
export async function scanCollection(collection: string, options: Pick<PrepareOptions, 'signal' | 'onProgress'> & { exclude?: string } = {}): Promise<ScannedCollection> {
  const found = await findPhotos(collection, options.exclude)
  const usable: ScannedCollection['usable'] = []
  const skipped: SkippedPhoto[] = []
  for (const [index, photo] of found.entries()) {
    options.signal?.throwIfAborted()
    const source = photo.relative.split(sep).join('/')
    options.onProgress?.(index, found.length, source)
    try {
      const { stats, width, height } = await classifyPhoto(photo.path)
      const skip = skipReason(stats.kind, stats)
      if (skip) skipped.push({ ...skip, photo: source })
      else if (Math.min(width, height) < MIN_PHOTO_SIDE) {
        skipped.push({ photo: source, kind: 'too-small', reason: `too small (${width}×${height}; at least ${MIN_PHOTO_SIDE} px on the shorter side)` })
      } else usable.push({ source, path: photo.path, meanChroma: stats.meanChroma })
    } catch (error) {
      skipped.push({ photo: source, kind: 'unreadable', reason: `unreadable: ${(error as Error).message.split('\n')[0]}` })
    }
  }
  options.onProgress?.(found.length, found.length, '')
  return { found: found.length, usable, skipped }
}

/**
 * Scans a collection folder, keeps its colour photos (B&W, near-grey, toned, tiny and unreadable ones
 * are listed as skipped with the reason), splits off a deterministic held-out set and writes
 * resized JPEG copies into `<dataDir>/train` and `<dataDir>/heldout`. The originals are only read.
 */
export async function prepareCollection(collection: string, dataDir: string, options: PrepareOptions = {}): Promise<PreparedCollection> {
  const minUsable = options.minUsable ?? MIN_USABLE_PHOTOS
  const shortSide = options.shortSide ?? PREPARED_SHORT_SIDE
  const scanned = await scanCollection(collection, { exclude: dataDir, signal: options.signal, onProgress: options.onProgress })
  const { skipped } = scanned
  const usable: (PreparedPhoto & { path: string })[] = scanned.usable.map((photo) => ({ ...photo, file: '' }))
  if (usable.length < minUsable) throw new CollectionTooSmallError(tooSmallMessage(collection, scanned.found, usable.length, skipped, minUsable))

  const { train, heldout } = splitHoldout(usable, options.holdoutFraction ?? HOLDOUT_FRACTION, options.holdoutMin ?? HOLDOUT_MIN)
  const trainDir = join(dataDir, 'train')
  const heldoutDir = join(dataDir, 'heldout')
  await rm(trainDir, { recursive: true, force: true })
  await rm(heldoutDir, { recursive: true, force: true })
  await mkdir(trainDir, { recursive: true })
  await mkdir(heldoutDir, { recursive: true })
  const write = async (photos: typeof usable, folder: 'train' | 'heldout'): Promise<PreparedPhoto[]> => {
    const out: PreparedPhoto[] = []
    for (const [index, photo] of photos.entries()) {
      options.signal?.throwIfAborted()
      const file = `${folder}/${copyName(index, photo.source)}`
      await writeCopy(photo.path, join(dataDir, ...file.split('/')), shortSide)
      out.push({ source: photo.source, file, meanChroma: photo.meanChroma })
    }
    return out
  }
  return {
    collection,
    found: scanned.found,
    train: await write(train, 'train'),
    heldout: await write(heldout, 'heldout'),
    skipped,
    trainDir,
    heldoutDir,
    shortSide
  }
}

export function tooSmallMessage(collection: string, found: number, usable: number, skipped: SkippedPhoto[], minUsable: number): string {
  const count = (kind: SkippedPhoto['kind']): number => skipped.filter((s) => s.kind === kind).length
  const parts = [
    count('bw') && `${count('bw')} black-and-white or near-grey`,
    count('toned') && `${count('toned')} toned`,
    count('too-small') && `${count('too-small')} too small`,
    count('unreadable') && `${count('unreadable')} unreadable`
  ].filter(Boolean)
  return `${collection} has ${usable} usable colour photo${usable === 1 ? '' : 's'} (${found} found` +
    `${parts.length ? `; skipped: ${parts.join(', ')}` : ''}). Fine-tuning needs at least ${minUsable} colour photos ` +
    '(more is better: a few hundred give a steadier result). Add colour photos of the same kind to the folder and try again.'
}
