import { rename, rm, writeFile } from 'node:fs/promises'
import { makeScratchDir } from '../files/scratch'
import { basename, dirname, join } from 'node:path'
import { randomBytes } from 'node:crypto'
import sharp, { type Sharp } from 'sharp'
import type { LabImage, PhotoInfo } from './photoReader'
import { writeVipsSrgb } from './vipsFile'
import { labToSrgb16, labToSrgb8 } from './labToSrgb'
import { exifSoftware, mergeProvenanceXmp, type Provenance } from './provenance'
import { encodeAs, OUTPUT_FORMATS, type EncoderSettings, type OutputFormat } from './encoders'

export { FORMAT_EXTENSIONS, OUTPUT_FORMATS, type OutputFormat } from './encoders'

export type EncodeOptions = Omit<EncoderSettings, 'pngLevel'>

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

/**
 * Writes the colorized Lab pixels as a photo file that carries the original's metadata (EXIF, IPTC,
 * XMP, RGB ICC profile) plus a provenance note. The Lab pixels become 8-bit sRGB here (labToSrgb8:
 * about a quarter of the CPU time of libvips converting 144 MB of floats per 12 MP), or 16-bit RGB for
 * PNG and TIFF results of originals with more than 8 bits (keepsSixteenBits), and travel to libvips as a
 * native .v file whose trailer also holds the original's metadata (EXIF, IPTC).
 * The pixels are already upright, so the orientation tag is reset to 1.
 * The file appears atomically: written under a temporary name, then renamed.
 */
export async function writeColorizedPhoto(
  original: PhotoInfo,
  lab: LabImage,
  outPath: string,
  options: EncodeOptions,
  provenance: Provenance
): Promise<void> {
  const scratch = await makeScratchDir() // removed below; after a crash, by the next start (removeAbandonedScratch)
  const labFile = join(scratch, 'colorized.v')
  const partial = join(dirname(outPath), `.${basename(outPath)}.${randomBytes(4).toString('hex')}.partial`)
  const { exif, iptc, icc, xmp } = original.metadata
  try {
    const wide = keepsSixteenBits(original, options.format)
    const srgb = wide ? labToSrgb16(lab.data, lab.channels) : labToSrgb8(lab.data, lab.channels)
    await writeVipsSrgb(labFile, lab.width, lab.height, lab.channels, srgb, { 'exif-data': exif, 'iptc-data': iptc })
    let image = sharp(labFile, { limitInputPixels: false })
      .toColourspace(wide ? 'rgb16' : 'srgb')
      .keepMetadata()
      .withMetadata({ orientation: 1 })
      .withExifMerge({ IFD0: { Software: exifSoftware(provenance) } })
      .withXmp(mergeProvenanceXmp(xmp?.toString('utf8'), provenance))
    if (isRgbProfile(icc)) {
      const profile = join(scratch, 'original.icc')
      await writeFile(profile, icc!)
      image = image.withIccProfile(profile)
    } else {
      image = image.withIccProfile('srgb')
    }
    await encode(image, options, wide).toFile(partial)
    await rename(partial, outPath)
  } finally {
    await rm(partial, { force: true })
    await rm(scratch, { recursive: true, force: true })
  }
}
