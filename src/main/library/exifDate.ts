import { open } from 'node:fs/promises'

/**
 * A minimal EXIF reader for one tag: DateTimeOriginal (0x9003 in the Exif sub-IFD), the moment the
 * photo was taken (or the print scanned, for many archives). Works on sharp's `metadata().exif`
 * (a TIFF structure, with or without the "Exif\0\0" prefix) and on TIFF files themselves, whose
 * own IFD0 carries the Exif pointer (sharp does not return `exif` for TIFF input).
 * Every offset is bounds-checked: a damaged block gives `undefined`, never an exception.
 */

/** Reads `length` bytes at `offset`; may return fewer at the end of the source. */
export type ByteReader = (offset: number, length: number) => Promise<Buffer>

const EXIF_IFD_POINTER = 0x8769
const DATE_TIME_ORIGINAL = 0x9003
const TYPE_ASCII = 2
const MAX_IFD_ENTRIES = 1000

/** DateTimeOriginal from a TIFF-structured EXIF block, as `YYYY-MM-DDTHH:MM:SS` (local time of the camera). */
export async function readDateTimeOriginal(read: ByteReader): Promise<string | undefined> {
  try {
    let base = 0
    const head = await read(0, 8)
    if (head.length < 8) return undefined
    if (head.toString('latin1', 0, 6) === 'Exif\0\0') base = 6
    const header = base ? await read(base, 8) : head
    if (header.length < 8) return undefined
    const order = header.toString('latin1', 0, 2)
    if (order !== 'II' && order !== 'MM') return undefined
    const little = order === 'II'
    const u16 = (b: Buffer, at: number): number => (little ? b.readUInt16LE(at) : b.readUInt16BE(at))
    const u32 = (b: Buffer, at: number): number => (little ? b.readUInt32LE(at) : b.readUInt32BE(at))
    if (u16(header, 2) !== 42) return undefined

    /** The entries of the IFD at `offset` (relative to the TIFF header) as [tag, type, count, valueField]. */
    async function entries(offset: number): Promise<{ tag: number; type: number; count: number; value: Buffer }[]> {
      const countBytes = await read(base + offset, 2)
      if (countBytes.length < 2) return []
      const n = u16(countBytes, 0)
      if (n === 0 || n > MAX_IFD_ENTRIES) return []
      const table = await read(base + offset + 2, n * 12)
      const found = []
      for (let i = 0; i + 12 <= table.length && i < n * 12; i += 12) {
        found.push({ tag: u16(table, i), type: u16(table, i + 2), count: u32(table, i + 4), value: table.subarray(i + 8, i + 12) })
      }
      return found
    }

    const ifd0 = await entries(u32(header, 4))
    const pointer = ifd0.find((entry) => entry.tag === EXIF_IFD_POINTER)
    if (!pointer) return undefined
    const exifIfd = await entries(u32(pointer.value, 0))
    const date = exifIfd.find((entry) => entry.tag === DATE_TIME_ORIGINAL)
    if (!date || date.type !== TYPE_ASCII || date.count < 19 || date.count > 64) return undefined
    const text = date.count <= 4 ? date.value : await read(base + u32(date.value, 0), date.count)
    return normaliseExifDate(text.toString('latin1'))
  } catch {
    return undefined
  }
}

/** "1931:07:04 14:05:09" → "1931-07-04T14:05:09"; blank or impossible dates ("0000:00:00 …") → undefined. */
export function normaliseExifDate(text: string): string | undefined {
  const match = /^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(text.trim())
  if (!match) return undefined
  const [, year, month, day, hour, minute, second] = match.map(Number) as number[]
  if (year! < 1800 || month! < 1 || month! > 12 || day! < 1 || day! > 31 || hour! > 23 || minute! > 59 || second! > 60) {
    return undefined
  }
  return `${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6]}`
}

export function bufferReader(buffer: Buffer): ByteReader {
  return async (offset, length) => buffer.subarray(Math.max(0, offset), Math.max(0, offset + length))
}

/** DateTimeOriginal of a file whose own structure is TIFF (TIFF photos); the file is opened read-only. */
export async function readTiffFileDate(path: string): Promise<string | undefined> {
  const handle = await open(path, 'r')
  try {
    return await readDateTimeOriginal(async (offset, length) => {
      const buffer = Buffer.alloc(length)
      const { bytesRead } = await handle.read(buffer, 0, length, offset)
      return buffer.subarray(0, bytesRead)
    })
  } finally {
    await handle.close()
  }
}
