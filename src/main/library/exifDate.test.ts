import sharp from 'sharp'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeGrey16Tiff } from '../../../tests/fixtures/photos'
import { bufferReader, normaliseExifDate, readDateTimeOriginal, readTiffFileDate } from './exifDate'

const DATE = '1931:07:04 14:05:09'
const blank = () => sharp({ create: { width: 8, height: 8, channels: 3, background: '#808080' } })

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'koalarize-exif-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const exifOf = async (image: Buffer): Promise<Buffer | undefined> => (await sharp(image).metadata()).exif

/** A big-endian TIFF-structured EXIF block written by hand: IFD0 → Exif IFD → DateTimeOriginal. */
function bigEndianExif(date: string): Buffer {
  const b = Buffer.alloc(8 + 18 + 18 + 20)
  b.write('MM', 0, 'latin1')
  b.writeUInt16BE(42, 2)
  b.writeUInt32BE(8, 4)
  b.writeUInt16BE(1, 8) // IFD0: one entry, the Exif pointer
  b.writeUInt16BE(0x8769, 10)
  b.writeUInt16BE(4, 12)
  b.writeUInt32BE(1, 14)
  b.writeUInt32BE(26, 18)
  b.writeUInt16BE(1, 26) // Exif IFD: DateTimeOriginal, 20 ASCII bytes at 44
  b.writeUInt16BE(0x9003, 28)
  b.writeUInt16BE(2, 30)
  b.writeUInt32BE(20, 32)
  b.writeUInt32BE(44, 36)
  b.write(date + '\0', 44, 'latin1')
  return b
}

describe('readDateTimeOriginal', () => {
  it('reads the date from JPEG and WebP EXIF (with the Exif\\0\\0 prefix) and PNG EXIF (without)', async () => {
    for (const image of [
      await blank().withExif({ IFD0: { Make: 'Agfa' }, IFD2: { DateTimeOriginal: DATE } }).jpeg().toBuffer(),
      await blank().withExif({ IFD2: { DateTimeOriginal: DATE } }).webp().toBuffer(),
      await blank().withExif({ IFD2: { DateTimeOriginal: DATE } }).png().toBuffer()
    ]) {
      const exif = await exifOf(image)
      expect(exif).toBeDefined()
      expect(await readDateTimeOriginal(bufferReader(exif!))).toBe('1931-07-04T14:05:09')
    }
  })

  it('reads big-endian (Motorola) blocks', async () => {
    expect(await readDateTimeOriginal(bufferReader(bigEndianExif(DATE)))).toBe('1931-07-04T14:05:09')
  })

  it('reads the date from a TIFF file’s own IFDs', async () => {
    const dated = join(dir, 'dated.tif')
    await writeGrey16Tiff(dated, 20, 10, DATE)
    expect(await readTiffFileDate(dated)).toBe('1931-07-04T14:05:09')
    expect((await sharp(dated).metadata()).depth).toBe('ushort') // still a valid 16-bit TIFF
    const undated = join(dir, 'undated.tif')
    await writeGrey16Tiff(undated, 20, 10)
    expect(await readTiffFileDate(undated)).toBeUndefined()
  })

  it('gives undefined, never throws, for missing, truncated, looping or garbage blocks', async () => {
    const noDate = await exifOf(await blank().withExif({ IFD0: { Make: 'Agfa' } }).jpeg().toBuffer())
    expect(await readDateTimeOriginal(bufferReader(noDate!))).toBeUndefined()
    const whole = bigEndianExif(DATE)
    for (let cut = 0; cut < 44 + 19; cut += 3) {
      expect(await readDateTimeOriginal(bufferReader(whole.subarray(0, cut)))).toBeUndefined()
    }
    const pointsOutside = Buffer.from(whole)
    pointsOutside.writeUInt32BE(0xfffffff0, 18)
    expect(await readDateTimeOriginal(bufferReader(pointsOutside))).toBeUndefined()
    expect(await readDateTimeOriginal(bufferReader(Buffer.from('not exif at all, just text')))).toBeUndefined()
    expect(await readDateTimeOriginal(bufferReader(bigEndianExif('0000:00:00 00:00:00')))).toBeUndefined()
  })
})

describe('normaliseExifDate', () => {
  it('accepts EXIF and ISO-like forms and rejects impossible dates', () => {
    expect(normaliseExifDate('2003:12:31 23:59:59')).toBe('2003-12-31T23:59:59')
    expect(normaliseExifDate('2003-12-31T23:59:59')).toBe('2003-12-31T23:59:59')
    expect(normaliseExifDate('    :  :     :  :  ')).toBeUndefined()
    expect(normaliseExifDate('2003:13:01 00:00:00')).toBeUndefined()
    expect(normaliseExifDate('')).toBeUndefined()
  })
})
