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

function open(path: string): Sharp {
  return sharp(path, DECODE_OPTIONS).autoOrient()
}

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
export function readLab(path: string): Promise<LabImage> {
  return guarded(path, async () => {
    const { data, info } = await open(path).toColourspace('lab').raw({ depth: 'float' }).toBuffer({ resolveWithObject: true })
    return { width: info.width, height: info.height, channels: info.channels, data: asFloat32(data) }
  })
}

/** Lab lightness (0..100) of the photo resized to exactly width x height (aspect ratio not kept). */
export function readLightness(path: string, width: number, height: number): Promise<Float32Array> {
  return guarded(path, async () => {
    const { data, info } = await open(path)
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
