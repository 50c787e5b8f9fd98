import { describe, it, expect } from 'vitest'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { encodeVipsLabFloat, writeVipsLabFloat } from './vipsFile'

describe('libvips .v files of float Lab pixels', () => {
  const width = 3
  const height = 2
  // Mid-grey, a clear red and a clear blue (Lab), each twice.
  const pixels = new Float32Array([50, 0, 0, 54, 81, 70, 32, 79, -108, 50, 0, 0, 54, 81, 70, 32, 79, -108])
  const exif = Buffer.from('Exif\0\0fake exif block')

  it('writes to a file exactly the bytes it encodes, and libvips reads them back as Lab', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'koalarize-vips-'))
    try {
      const path = join(dir, 'lab.v')
      await writeVipsLabFloat(path, width, height, 3, pixels, { 'exif-data': exif })
      expect(await readFile(path)).toEqual(encodeVipsLabFloat(width, height, 3, pixels, { 'exif-data': exif }))

      const { data, info } = await sharp(path).toColourspace('srgb').raw().toBuffer({ resolveWithObject: true })
      expect([info.width, info.height, info.channels]).toEqual([width, height, 3])
      const [grey, red, blue] = [0, 1, 2].map((i) => [...data.subarray(i * 3, i * 3 + 3)])
      expect(Math.max(...grey!) - Math.min(...grey!)).toBeLessThan(3)
      expect(red![0]).toBeGreaterThan(200)
      expect(blue![2]).toBeGreaterThan(200)
      expect((await sharp(path).metadata()).exif).toEqual(exif)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('refuses pixel data that does not match the size', () => {
    expect(() => encodeVipsLabFloat(4, 2, 3, pixels)).toThrow(RangeError)
  })
})
