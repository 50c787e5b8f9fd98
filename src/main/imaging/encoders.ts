import type { Sharp } from 'sharp'
import { EXPORT_FORMATS, QUALITY_DEFAULT, type ExportFormat } from '../../shared/settings'

/** The formats the app writes (the contract's list) and their file extensions. */
export const OUTPUT_FORMATS = EXPORT_FORMATS
export type OutputFormat = ExportFormat
export const FORMAT_EXTENSIONS: Record<OutputFormat, string> = { jpeg: '.jpg', png: '.png', tiff: '.tif', webp: '.webp' }

/** zlib level of PNGs when none is given. */
const PNG_LEVEL = 6

export interface EncoderSettings {
  format: OutputFormat
  /** JPEG / WebP quality, 1..100. */
  quality?: number
  /** PNG zlib level, 0..9. */
  pngLevel?: number
}

/**
 * The one place the app's encoder settings are chosen, for results and exports alike: JPEG without
 * chroma subsampling from quality 90, PNG at zlib level 6, TIFF with LZW, WebP at the quality given.
 */
export function encodeAs(image: Sharp, { format, quality = QUALITY_DEFAULT, pngLevel = PNG_LEVEL }: EncoderSettings): Sharp {
  switch (format) {
    case 'jpeg':
      return image.jpeg({ quality, chromaSubsampling: quality >= 90 ? '4:4:4' : '4:2:0' })
    case 'png':
      return image.png({ compressionLevel: pngLevel })
    case 'tiff':
      return image.tiff({ compression: 'lzw' })
    case 'webp':
      return image.webp({ quality })
  }
}
