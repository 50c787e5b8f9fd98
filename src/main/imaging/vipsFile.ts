import { open } from 'node:fs/promises'

/**
 * Minimal writer for the libvips native `.v` format, used to hand float CIE Lab pixels (sharp's
 * raw-pixel input cannot be tagged as Lab), or 8-bit sRGB ones, to sharp/libvips together with the
 * original's metadata (sharp cannot attach raw EXIF or IPTC blocks to raw-pixel input).
 *
 * File layout (libvips iofuncs/vips.c, vips__write_header_bytes; "Intel" = LE file):
 *   off  size  field
 *    0    4    magic, bytes b6 a6 f2 08 (VIPS_MAGIC_INTEL 0xb6a6f208 stored MSB-first)
 *    4    4    Xsize        int32 LE (width)
 *    8    4    Ysize        int32 LE (height)
 *   12    4    Bands        int32 LE
 *   16    4    Bbits        int32 LE (deprecated; libvips recomputes it; we write 32 for float, 8 for uchar)
 *   20    4    BandFmt      int32 LE (6 = VIPS_FORMAT_FLOAT, 0 = VIPS_FORMAT_UCHAR)
 *   24    4    Coding       int32 LE (0 = none)
 *   28    4    Type         int32 LE (interpretation; 13 = VIPS_INTERPRETATION_LAB, 22 = sRGB)
 *   32    4    Xres         float32 LE (pixels per mm; 1.0)
 *   36    4    Yres         float32 LE
 *   40    4    Length       int32 LE (deprecated, 0)
 *   44    2    Compression  uint16 LE (0)
 *   46    2    Level        uint16 LE (0)
 *   48    4    Xoffset      int32 LE
 *   52    4    Yoffset      int32 LE
 *   56    8    zero padding up to the 64-byte header
 *   64   ...   pixels: float32 LE, band-interleaved (L,a,b,L,a,b,...), rows top to bottom.
 * After the pixels, an optional XML trailer carries metadata fields; blobs (exif-data, xmp-data,
 * iptc-data…) are base64 text of type VipsBlob (libvips iofuncs/type.c, transform_save_string_blob),
 * which is how the original's metadata reaches the written file.
 *
 * sharp 0.35 reads `.v` only from a file path (sharp.format.vips.input.buffer === false),
 * so write the returned buffer to a temp file named *.v and pass the path to sharp.
 */
export const VIPS_HEADER_BYTES = 64
export const VIPS_FORMAT_FLOAT = 6
export const VIPS_INTERPRETATION_LAB = 13
export const VIPS_FORMAT_UCHAR = 0
export const VIPS_INTERPRETATION_SRGB = 22
export const VIPS_FORMAT_USHORT = 2
export const VIPS_INTERPRETATION_RGB16 = 25

type Pixels = Float32Array | Uint8Array | Uint16Array

/** Metadata fields for the trailer: blobs (EXIF, IPTC, ICC…) and whole numbers (orientation). */
export type VipsMetadata = Record<string, Buffer | number | undefined>

export function encodeVipsLabFloat(
  width: number,
  height: number,
  bands: number,
  data: Float32Array,
  metadata: VipsMetadata = {}
): Buffer {
  return Buffer.concat(vipsParts(width, height, bands, data, metadata))
}

/** Writes the same bytes as encodeVipsLabFloat to `path` without copying the pixels into one buffer first. */
export function writeVipsLabFloat(
  path: string,
  width: number,
  height: number,
  bands: number,
  data: Float32Array,
  metadata: VipsMetadata = {}
): Promise<void> {
  return writeParts(path, vipsParts(width, height, bands, data, metadata))
}

/**
 * Writes 8-bit sRGB (or, from a Uint16Array, 16-bit RGB16) pixels (R, G, B[, alpha], interleaved) as a
 * `.v` file, with the same metadata trailer.
 */
export function writeVipsSrgb(
  path: string,
  width: number,
  height: number,
  bands: number,
  data: Uint8Array | Uint16Array,
  metadata: VipsMetadata = {}
): Promise<void> {
  return writeParts(path, vipsParts(width, height, bands, data, metadata))
}

async function writeParts(path: string, parts: Buffer[]): Promise<void> {
  const file = await open(path, 'w')
  try {
    await file.writev(parts)
  } finally {
    await file.close()
  }
}

/**
 * Header, pixels (a view of `data` on little-endian hosts) and the optional metadata trailer.
 * Float pixels are tagged Lab, 16-bit ones RGB16, 8-bit ones sRGB.
 */
function vipsParts(
  width: number,
  height: number,
  bands: number,
  data: Pixels,
  metadata: VipsMetadata
): Buffer[] {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`invalid size ${width}x${height}`)
  }
  if (!Number.isInteger(bands) || bands <= 0) throw new RangeError(`invalid band count ${bands}`)
  const expected = width * height * bands
  if (data.length !== expected) {
    throw new RangeError(`data has ${data.length} values, expected ${expected}`)
  }
  const header = Buffer.alloc(VIPS_HEADER_BYTES)
  header[0] = 0xb6
  header[1] = 0xa6
  header[2] = 0xf2
  header[3] = 0x08
  header.writeInt32LE(width, 4)
  header.writeInt32LE(height, 8)
  header.writeInt32LE(bands, 12)
  const [bits, format, interpretation] = pixelKind(data)
  header.writeInt32LE(bits, 16)
  header.writeInt32LE(format, 20)
  header.writeInt32LE(0, 24)
  header.writeInt32LE(interpretation, 28)
  header.writeFloatLE(1, 32)
  header.writeFloatLE(1, 36)
  // 40..63 stay zero (Length, Compression, Level, Xoffset, Yoffset, padding).
  const trailer = metadataTrailer(metadata)
  return [header, littleEndianPixels(data), ...(trailer ? [trailer] : [])]
}

/** Bbits, BandFmt and Type of the header: float is Lab, 16 bits RGB16, 8 bits sRGB. */
function pixelKind(data: Pixels): [number, number, number] {
  if (data instanceof Float32Array) return [32, VIPS_FORMAT_FLOAT, VIPS_INTERPRETATION_LAB]
  if (data instanceof Uint16Array) return [16, VIPS_FORMAT_USHORT, VIPS_INTERPRETATION_RGB16]
  return [8, VIPS_FORMAT_UCHAR, VIPS_INTERPRETATION_SRGB]
}

function littleEndianPixels(data: Pixels): Buffer {
  if (data instanceof Uint8Array || isLittleEndianHost) return Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  const pixels = Buffer.allocUnsafe(data.byteLength)
  if (data instanceof Uint16Array) for (let i = 0; i < data.length; i++) pixels.writeUInt16LE(data[i]!, i * 2)
  else for (let i = 0; i < data.length; i++) pixels.writeFloatLE(data[i]!, i * 4)
  return pixels
}

/**
 * Field names are libvips's own (e.g. "exif-data", "orientation"); blobs go out as base64 VipsBlob fields,
 * whole numbers as gint fields.
 */
function metadataTrailer(metadata: VipsMetadata): Buffer | undefined {
  const fields = Object.entries(metadata)
    .filter((entry): entry is [string, Buffer | number] => typeof entry[1] === 'number' || !!entry[1]?.length)
    .map(([name, value]) =>
      typeof value === 'number'
        ? `    <field type="gint" name="${name}">${Math.trunc(value)}</field>\n`
        : `    <field type="VipsBlob" name="${name}">${value.toString('base64')}</field>\n`
    )
  if (!fields.length) return undefined
  return Buffer.from(
    '<?xml version="1.0"?>\n<root xmlns="http://www.vips.ecs.soton.ac.uk/vips/8.18.0">\n' +
      `  <header>\n  </header>\n  <meta>\n${fields.join('')}  </meta>\n</root>\n`
  )
}

const isLittleEndianHost = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1
