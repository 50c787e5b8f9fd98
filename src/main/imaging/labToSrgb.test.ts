import { describe, it, expect } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { labToSrgb16, labToSrgb8 } from './labToSrgb'
import { writeVipsLabFloat, writeVipsSrgb } from './vipsFile'

/** L 0..100 by 10, a and b −120..120 by 12: inside and far outside the sRGB gamut. */
function labGrid(): { lab: Float32Array; width: number; height: number } {
  const values: number[] = []
  for (let l = 0; l <= 100; l += 10) for (let a = -120; a <= 120; a += 12) for (let b = -120; b <= 120; b += 12) values.push(l, a, b)
  return { lab: new Float32Array(values), width: 21 * 21, height: 11 }
}

/** Lab → 16-bit sRGB in double precision (D65, the sRGB matrix and curve, clipped). */
function exactSrgb16(l: number, a: number, b: number): number[] {
  const d = 6 / 29
  const f = (t: number): number => (t > d ? t ** 3 : 3 * d * d * (t - 4 / 29))
  const fy = (l + 16) / 116
  const [x, y, z] = [0.95047 * f(fy + a / 500), f(fy), 1.08883 * f(fy - b / 200)]
  const linear = [3.2404542 * x - 1.5371385 * y - 0.4985314 * z, -0.969266 * x + 1.8760108 * y + 0.041556 * z, 0.0556434 * x - 0.2040259 * y + 1.0572252 * z]
  return linear.map((v) => {
    const c = Math.min(1, Math.max(0, v))
    return Math.round((c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055) * 65535)
  })
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
      await writeVipsSrgb(join(dir, 'rgba.v'), 3, 1, 4, rgba, { 'exif-data': exif })
      const image = sharp(join(dir, 'rgba.v'))
      expect((await image.metadata()).exif).toEqual(exif)
      expect([...(await image.toColourspace('srgb').raw().toBuffer())]).toEqual([...rgba])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('to 16 bits: within one level of the exact formula, half an 8-bit level of libvips; read back as RGB16', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'koalarize-lab-'))
    try {
      const { lab, width, height } = labGrid()
      await writeVipsLabFloat(join(dir, 'grid.v'), width, height, 3, lab)
      const raw = await sharp(join(dir, 'grid.v')).toColourspace('rgb16').raw({ depth: 'ushort' }).toBuffer()
      const vips = new Uint16Array(raw.buffer, raw.byteOffset, raw.length / 2)
      const ours = labToSrgb16(lab, 3)
      expect(ours.length).toBe(vips.length)
      let fromExact = 0
      let fromVips = 0
      for (let i = 0; i < ours.length; i++) {
        const p = i - (i % 3)
        fromExact = Math.max(fromExact, Math.abs(ours[i]! - exactSrgb16(lab[p]!, lab[p + 1]!, lab[p + 2]!)[i % 3]!))
        fromVips = Math.max(fromVips, Math.abs(ours[i]! - vips[i]!))
      }
      expect(fromExact).toBeLessThanOrEqual(1)
      expect(fromVips).toBeLessThan(128) // libvips's own RGB16 path is up to ~100 levels off the formula, far in the blues
      await writeVipsSrgb(join(dir, 'wide.v'), width, height, 3, ours)
      const back = await sharp(join(dir, 'wide.v')).toColourspace('rgb16').raw({ depth: 'ushort' }).toBuffer()
      expect(back.equals(Buffer.from(ours.buffer, ours.byteOffset, ours.byteLength))).toBe(true)
      expect((await sharp(join(dir, 'wide.v')).metadata()).depth).toBe('ushort')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
