import sharp from 'sharp'
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { chromaStats } from '../color/colourClass'
import { MAX_MEGAPIXELS, asFloat32, probePhoto } from '../imaging/photoReader'
import { PhotoError, describeDecodeError } from '../imaging/photoErrors'
import type { PhotoFacts } from '../catalog/types'
import { bufferReader, readDateTimeOriginal, readTiffFileDate } from './exifDate'

/**
 * Long side of the small decode used to classify colour: 128 px (~12k pixels) is plenty for chroma
 * statistics, lets JPEG shrink-on-load decode at 1/4 or less, and measured ~1/3 faster than 256 px.
 */
export const CLASSIFY_SIZE = 128

const DECODE_OPTIONS = { limitInputPixels: MAX_MEGAPIXELS * 1_000_000, failOn: 'error' as const }

export interface FileStamp {
  size: number
  /** Modification time in whole milliseconds. */
  mtimeMs: number
}

export async function fileStamp(path: string): Promise<FileStamp> {
  const info = await stat(path)
  return { size: info.size, mtimeMs: Math.trunc(info.mtimeMs) }
}

/** sha256 of the file's bytes, streamed (the file is opened read-only). */
export function hashFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256')
    createReadStream(path, { flags: 'r', highWaterMark: 1 << 20 })
      .on('error', reject)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
  })
}

/** The facts that only a decoded image gives, before (or without) decoding it. */
export const NOT_DECODED = {
  width: null,
  height: null,
  format: null,
  depth: null,
  capturedAt: null,
  colourClass: null,
  colourDoubtful: null,
  meanChroma: null
} as const

/**
 * Everything the catalog records about one file: stamp and hash always (when the file can be read at
 * all), and — when it decodes — dimensions, format, depth, EXIF capture date and colour class.
 * A file that does not decode gives facts with `scanError` set; this never throws for a bad image.
 */
export async function readPhotoFacts(path: string, known?: { stamp?: FileStamp; contentHash?: string }): Promise<PhotoFacts> {
  const stamp = known?.stamp ?? (await fileStamp(path))
  const contentHash = known?.contentHash ?? (await hashFile(path))
  const facts: PhotoFacts = { ...stamp, contentHash, ...NOT_DECODED, scanError: null }
  try {
    const info = await probePhoto(path)
    facts.width = info.width
    facts.height = info.height
    facts.format = info.format
    facts.depth = info.depth
    const exif = info.metadata.exif
    const captured = exif ? await readDateTimeOriginal(bufferReader(exif)) : info.format === 'tiff' ? await readTiffFileDate(path) : undefined
    facts.capturedAt = captured ?? null
    const colour = await classifyColour(path)
    facts.colourClass = colour.kind
    facts.colourDoubtful = colour.doubtful
    facts.meanChroma = colour.meanChroma
  } catch (error) {
    facts.scanError = error instanceof PhotoError ? error.reason : describeDecodeError(error, MAX_MEGAPIXELS)
  }
  return facts
}

/**
 * Colour class from a small decode (shrink-on-load where the format allows), never the full-size image.
 * Orientation does not change chroma statistics, so the photo is not rotated.
 */
export async function classifyColour(path: string): Promise<ReturnType<typeof chromaStats>> {
  const { data, info } = await sharp(path, { ...DECODE_OPTIONS, sequentialRead: true })
    .resize(CLASSIFY_SIZE, CLASSIFY_SIZE, { fit: 'inside', withoutEnlargement: true })
    .removeAlpha()
    .toColourspace('lab')
    .raw({ depth: 'float' })
    .toBuffer({ resolveWithObject: true })
    .catch((error: unknown) => {
      throw new PhotoError(path, describeDecodeError(error, MAX_MEGAPIXELS))
    })
  return chromaStats(asFloat32(data), info.channels)
}
