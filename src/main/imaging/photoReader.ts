import sharp, { type Metadata, type Sharp } from 'sharp'
import { PhotoError, describeDecodeError } from './photoErrors'

/** Largest photo accepted (megapixels); protects against decompression bombs. */
export const MAX_MEGAPIXELS = 200
const DECODE_OPTIONS = { limitInputPixels: MAX_MEGAPIXELS * 1_000_000, failOn: 'error' as const }

export const READABLE_FORMATS = ['jpeg', 'png', 'tiff', 'webp', 'gif', 'heif', 'avif', 'jp2'] as const

export interface PhotoInfo {
  path: string
  format: string
  /** Size as displayed, after EXIF orientation. */
  width: number
  height: number
  orientation: number
  space: string
  channels: number
  depth: string
  hasAlpha: boolean
  metadata: Metadata
}

/** Lab float pixels of a whole photo, band-interleaved (L, a, b[, alpha]). */
export interface LabImage {
  width: number
  height: number
  /** 3, or 4 when the photo has alpha (alpha in 0..255 for 8-bit sources). */
  channels: number
  data: Float32Array
}

/**
 * A photo decoded once into memory, upright, in its own depth (8 or 16 bits) and kind (grey or RGB,
 * with alpha if it has one), so that the pipeline's reads need not decode the file again.
 */
export interface DecodedPhoto {
  path: string
  width: number
  height: number
  channels: number
  data: Uint8Array | Uint16Array
}

/** What the reads below take: a file, or the same photo decoded once. */
export type PhotoSource = string | DecodedPhoto

/** The colour spaces whose decoded pixels read exactly as the file does (no profile or CMYK step left to apply). */
const DECODABLE_SPACES = ['srgb', 'b-w', 'rgb16', 'grey16']

/**
 * Whether decoding once pays off: for TIFF and PNG, where each read is a full decode. Not for JPEG or
 * WebP, whose reduced reads decode at a fraction of the scale (shrink-on-load).
 */
export function decodesOnce(info: PhotoInfo): boolean {
  return (info.format === 'tiff' || info.format === 'png') && DECODABLE_SPACES.includes(info.space) && (info.depth === 'uchar' || info.depth === 'ushort')
}

/**
 * Whether the photo is plain grey: one band of 8 or 16 bits, no alpha, and no profile step to apply first
 * (sharp turns an 8-bit grey photo with an ICC profile into sRGB through that profile). Its pixels are then
 * decoded as they are, and its Lab lightness is a table of its grey levels (greyLightness).
 */
export function isPlainGrey(info: PhotoInfo): boolean {
  if (info.channels !== 1) return false
  return (info.space === 'b-w' && info.depth === 'uchar' && !info.metadata.icc) || (info.space === 'grey16' && info.depth === 'ushort')
}

const lightnessTables = new Map<number, Promise<Float32Array>>()

/**
 * The Lab lightness libvips gives each level of a plain grey photo (256 levels, or 65,536 when `wide`),
 * read once from a ramp of all the levels: the same values as readLab of the photo itself.
 */
export function greyLightness(wide: boolean): Promise<Float32Array> {
  const levels = wide ? 65536 : 256
  let table = lightnessTables.get(levels)
  if (!table) {
    const ramp = wide ? new Uint16Array(levels) : new Uint8Array(levels)
    for (let level = 0; level < levels; level++) ramp[level] = level
    table = sharp(ramp, { raw: { width: 256, height: levels / 256, channels: 1 } })
      .toColourspace('lab')
      .raw({ depth: 'float' })
      .toBuffer()
      .then((lab) => extractBand(asFloat32(lab), 3, 0))
    table.catch(() => lightnessTables.delete(levels))
    lightnessTables.set(levels, table)
  }
  return table
}

/** Decodes the whole photo once (see DecodedPhoto); for photos that `decodesOnce` or are `isPlainGrey`. */
export function decodePhoto(info: PhotoInfo): Promise<DecodedPhoto> {
  const wide = info.depth === 'ushort'
  const grey = info.space === 'b-w' || info.space === 'grey16'
  const space = grey ? (wide ? 'grey16' : 'b-w') : wide ? 'rgb16' : 'srgb'
  return guarded(info.path, async () => {
    const { data, info: raw } = await open(info.path)
      .toColourspace(space)
      .raw({ depth: wide ? 'ushort' : 'uchar' })
      .toBuffer({ resolveWithObject: true })
    const pixels = wide ? new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    return { path: info.path, width: raw.width, height: raw.height, channels: raw.channels, data: pixels }
  })
}

function open(source: PhotoSource): Sharp {
  if (typeof source === 'string') return sharp(source, DECODE_OPTIONS).autoOrient()
  const { width, height, channels, data } = source
  return sharp(data, { raw: { width, height, channels: channels as 1 | 2 | 3 | 4 }, limitInputPixels: false })
}

const pathOf = (source: PhotoSource): string => (typeof source === 'string' ? source : source.path)

async function guarded<T>(path: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    if (error instanceof PhotoError) throw error
    throw new PhotoError(path, describeDecodeError(error, MAX_MEGAPIXELS))
  }
}

export function probePhoto(path: string): Promise<PhotoInfo> {
  return guarded(path, async () => {
    const metadata = await sharp(path, DECODE_OPTIONS).metadata()
    if (!metadata.format || !metadata.width || !metadata.height) throw new PhotoError(path, 'not an image')
    if (!(READABLE_FORMATS as readonly string[]).includes(metadata.format)) {
      throw new PhotoError(path, `unsupported format ${metadata.format}`)
    }
    const orientation = metadata.orientation ?? 1
    const swapped = orientation >= 5
    return {
      path,
      format: metadata.format,
      width: swapped ? metadata.height : metadata.width,
      height: swapped ? metadata.width : metadata.height,
      orientation,
      space: metadata.space ?? 'srgb',
      channels: metadata.channels ?? 3,
      depth: metadata.depth ?? 'uchar',
      hasAlpha: metadata.hasAlpha ?? false,
      metadata
    }
  })
}

/** The whole photo in CIE Lab (D65), upright, at full resolution, decoded by libvips. */
export function readLab(source: PhotoSource): Promise<LabImage> {
  return guarded(pathOf(source), async () => {
    const { data, info } = await open(source).toColourspace('lab').raw({ depth: 'float' }).toBuffer({ resolveWithObject: true })
    return { width: info.width, height: info.height, channels: info.channels, data: asFloat32(data) }
  })
}

/** Lab lightness (0..100) of the photo resized to exactly width x height (aspect ratio not kept). */
export function readLightness(source: PhotoSource, width: number, height: number): Promise<Float32Array> {
  return guarded(pathOf(source), async () => {
    const { data, info } = await open(source)
      .removeAlpha()
      .resize(width, height, { fit: 'fill', kernel: 'lanczos3' })
      .toColourspace('lab')
      .raw({ depth: 'float' })
      .toBuffer({ resolveWithObject: true })
    return extractBand(asFloat32(data), info.channels, 0)
  })
}

export function extractBand(data: Float32Array, channels: number, band: number): Float32Array {
  const plane = new Float32Array(data.length / channels)
  for (let i = 0, j = band; i < plane.length; i++, j += channels) plane[i] = data[j]!
  return plane
}

export function asFloat32(buffer: Buffer): Float32Array {
  if (buffer.byteOffset % 4 === 0) return new Float32Array(buffer.buffer, buffer.byteOffset, buffer.byteLength / 4)
  return new Float32Array(new Uint8Array(buffer).buffer)
}
