import { describe, it, expect } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { labToSrgb8 } from './labToSrgb'
import { writeVipsLabFloat, writeVipsSrgb8 } from './vipsFile'

/** L 0..100 by 10, a and b −120..120 by 12: inside and far outside the sRGB gamut. */
function labGrid(): { lab: Float32Array; width: number; height: number } {
  const values: number[] = []
  for (let l = 0; l <= 100; l += 10) for (let a = -120; a <= 120; a += 12) for (let b = -120; b <= 120; b += 12) values.push(l, a, b)
  return { lab: new Float32Array(values), width: 21 * 21, height: 11 }
}

describe('Lab → 8-bit sRGB in JavaScript', () => {
  it('agrees with libvips within one level, in and out of gamut', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'koalarize-lab-'))
    try {
      const { lab, width, height } = labGrid()
      await writeVipsLabFloat(join(dir, 'grid.v'), width, height, 3, lab)
      const vips = await sharp(join(dir, 'grid.v')).toColourspace('srgb').raw().toBuffer()
      const ours = labToSrgb8(lab, 3)
      expect(ours.length).toBe(vips.length)
      let largest = 0
      for (let i = 0; i < ours.length; i++) largest = Math.max(largest, Math.abs(ours[i]! - vips[i]!))
      expect(largest).toBeLessThanOrEqual(1)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('keeps an alpha band, and libvips reads the 8-bit .v file back as sRGB', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'koalarize-lab-'))
    try {
      const rgba = labToSrgb8(new Float32Array([100, 0, 0, 255, 0, 0, 0, 0, 53.24, 80.09, 67.2, 127.6]), 4)
      expect([...rgba]).toEqual([255, 255, 255, 255, 0, 0, 0, 0, 255, 0, 0, 128])
      const exif = Buffer.from('Exif\0\0fake exif block')
      await writeVipsSrgb8(join(dir, 'rgba.v'), 3, 1, 4, rgba, { 'exif-data': exif })
      const image = sharp(join(dir, 'rgba.v'))
      expect((await image.metadata()).exif).toEqual(exif)
      expect([...(await image.toColourspace('srgb').raw().toBuffer())]).toEqual([...rgba])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
