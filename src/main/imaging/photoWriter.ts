import { rename, rm, writeFile } from 'node:fs/promises'
import { makeScratchDir } from '../files/scratch'
import { basename, dirname, join } from 'node:path'
import { randomBytes } from 'node:crypto'
import sharp, { type Sharp } from 'sharp'
import type { PhotoInfo } from './photoReader'
import { writeVipsSrgb } from './vipsFile'
import type { ChromaPlanes, LightnessImage } from './joinChroma'
import { joinChroma } from './joinChroma'
import { joinChromaInThread } from './joinChromaThreads'
import { exifSoftware, mergeProvenanceXmp, type Provenance } from './provenance'
import { encodeAs, OUTPUT_FORMATS, type EncoderSettings, type OutputFormat } from './encoders'

export { FORMAT_EXTENSIONS, OUTPUT_FORMATS, type OutputFormat } from './encoders'

export type EncodeOptions = Omit<EncoderSettings, 'pngLevel'>

export interface WriteOptions extends EncodeOptions {
  /**
   * Convert on this thread, not in a conversion thread (joinChromaThreads): for a photo alone in flight,
   * where no other photo needs this thread meanwhile. A thread's start and the copy into shared memory
   * cost ~50 ms of CPU (12-MP grey scan: 0.24 s instead of 0.19 s), a fifth of the conversion itself.
   */
  convertHere?: boolean
}

/** The output format for a photo when the user did not choose one: the input's own, if we can write it. */
export function defaultOutputFormat(inputFormat: string): OutputFormat {
  return (OUTPUT_FORMATS as readonly string[]).includes(inputFormat) ? (inputFormat as OutputFormat) : 'png'
}

/** ICC profiles we can keep on an RGB result: only RGB ones (a grey or CMYK profile would drop the colour). */
function isRgbProfile(icc: Buffer | undefined): boolean {
  return !!icc && icc.length >= 20 && icc.toString('latin1', 16, 20) === 'RGB '
}

/**
 * Whether the result keeps 16 bits: PNG and TIFF results of originals with more than 8 bits (16-bit
 * scans, float TIFFs), so that a 16-bit export of such a version carries 16-bit precision.
 */
export function keepsSixteenBits(original: Pick<PhotoInfo, 'depth'>, format: OutputFormat): boolean {
  return (format === 'png' || format === 'tiff') && original.depth !== 'uchar' && original.depth !== 'char'
}

/**
 * zlib level of 16-bit PNGs: none. Their low bits are grain, which zlib barely compresses (bench:pipeline
 * --scan tiff16, a 12-MP version: level 1 ≈ 0.6 s more CPU for 71.1 MB instead of 72 MB).
 */
const WIDE_PNG_LEVEL = 0

function encode(image: Sharp, options: EncodeOptions, wide: boolean): Sharp {
  return encodeAs(image, { ...options, pngLevel: wide ? WIDE_PNG_LEVEL : undefined })
}

/** What a colorized photo is made of: the original lightness and the predicted chroma at working size. */
export interface ColorizedImage {
  lightness: LightnessImage
  chroma: ChromaPlanes
  /** Multiplies the chroma (1 = the model's own). */
  intensity: number
}

let srgbProfile: Promise<Buffer> | undefined

/** libvips's own sRGB profile, the one `withIccProfile('srgb')` attaches, read once. */
function builtInSrgbProfile(): Promise<Buffer> {
  srgbProfile ??= sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } })
    .withIccProfile('srgb')
    .png()
    .toBuffer()
    .then(async (png) => (await sharp(png).metadata()).icc!)
  srgbProfile.catch(() => (srgbProfile = undefined))
  return srgbProfile
}

/**
 * Writes the colorized photo as a file that carries the original's metadata (EXIF, IPTC, XMP, RGB ICC
 * profile) plus a provenance note. Chroma and lightness become 8-bit sRGB in one pass (joinChroma, in a
 * worker thread: joinChromaThreads, or here: convertHere), or
 * 16-bit RGB for PNG and TIFF results of originals with more than 8 bits (keepsSixteenBits), and travel to
 * libvips as a native .v file whose trailer also holds the original's metadata (EXIF, IPTC) and, for 8-bit
 * results, the sRGB profile of those pixels, attached as it is without a pass over the pixels. Where the
 * original has an RGB profile of its own the pixels are converted into it, and 16-bit results go through
 * sharp's sRGB conversion as before (sharp works on 16 bits in P3).
 * The pixels are already upright, so the orientation is reset to 1 (a trailer field too).
 * The file appears atomically: written under a temporary name, then renamed.
 */
export async function writeColorizedPhoto(
  original: PhotoInfo,
  colorized: ColorizedImage,
  outPath: string,
  options: WriteOptions,
  provenance: Provenance
): Promise<void> {
  const scratch = await makeScratchDir() // removed below; after a crash, by the next start (removeAbandonedScratch)
  const srgbFile = join(scratch, 'colorized.v')
  const partial = join(dirname(outPath), `.${basename(outPath)}.${randomBytes(4).toString('hex')}.partial`)
  const { exif, iptc, icc, xmp } = original.metadata
  const { lightness, chroma, intensity } = colorized
  try {
    const wide = keepsSixteenBits(original, options.format)
    const depth = wide ? 16 : 8
    const srgb = options.convertHere ? joinChroma(lightness, chroma, intensity, depth) : await joinChromaInThread(lightness, chroma, intensity, depth)
    const bands = srgb.length / (lightness.width * lightness.height)
    const converted = wide || isRgbProfile(icc)
    await writeVipsSrgb(srgbFile, lightness.width, lightness.height, bands, srgb, {
      'exif-data': exif,
      'iptc-data': iptc,
      'icc-profile-data': converted ? undefined : await builtInSrgbProfile(),
      orientation: 1
    })
    // Not sharp's withMetadata, which would also convert every pixel into its sRGB profile.
    let image = sharp(srgbFile, { limitInputPixels: false })
      .toColourspace(wide ? 'rgb16' : 'srgb')
      .keepMetadata()
      .withExifMerge({ IFD0: { Software: exifSoftware(provenance) } })
      .withXmp(mergeProvenanceXmp(xmp?.toString('utf8'), provenance))
    if (isRgbProfile(icc)) {
      const profile = join(scratch, 'original.icc')
      await writeFile(profile, icc!)
      image = image.withIccProfile(profile)
    } else if (wide) {
      // As sharp reads 16 bits (through P3), so that the app reads its 16-bit versions back as their pixels.
      image = image.withIccProfile('srgb')
    }
    await encode(image, options, wide).toFile(partial)
    await rename(partial, outPath)
  } finally {
    await rm(partial, { force: true })
    await rm(scratch, { recursive: true, force: true })
  }
}
