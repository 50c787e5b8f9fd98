import { describe, it, expect } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { joinChroma, type ChromaPlanes } from './joinChroma'
import { writeVipsLabFloat, writeVipsSrgb } from './vipsFile'

/** L 0..100 by 10, a and b −120..120 by 12: inside and far outside the sRGB gamut. */
function labGrid(): { lab: Float32Array; width: number; height: number } {
  const values: number[] = []
  for (let l = 0; l <= 100; l += 10) for (let a = -120; a <= 120; a += 12) for (let b = -120; b <= 120; b += 12) values.push(l, a, b)
  return { lab: new Float32Array(values), width: 21 * 21, height: 11 }
}

/** The a and b bands of interleaved Lab as chroma planes of the same size (upsampling by 1 keeps them). */
function planesOf(lab: Float32Array, width: number, height: number, channels = 3): ChromaPlanes {
  const size = width * height
  const data = new Float32Array(2 * size)
  for (let p = 0; p < size; p++) {
    data[p] = lab[p * channels + 1]!
    data[size + p] = lab[p * channels + 2]!
  }
  return { width, height, data }
}

/** Lab → sRGB in double precision (D65, the sRGB matrix and curve, clipped), scaled to 0..max. */
function exactSrgb(l: number, a: number, b: number, max = 65535): number[] {
  const d = 6 / 29
  const f = (t: number): number => (t > d ? t ** 3 : 3 * d * d * (t - 4 / 29))
  const fy = (l + 16) / 116
  const [x, y, z] = [0.95047 * f(fy + a / 500), f(fy), 1.08883 * f(fy - b / 200)]
  const linear = [3.2404542 * x - 1.5371385 * y - 0.4985314 * z, -0.969266 * x + 1.8760108 * y + 0.041556 * z, 0.0556434 * x - 0.2040259 * y + 1.0572252 * z]
  return linear.map((v) => {
    const c = Math.min(1, Math.max(0, v))
    return Math.round((c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055) * max)
  })
}

/** Pixel-centre aligned bilinear sample of one chroma plane, written plainly (the reference for the runs). */
function bilinear(chroma: ChromaPlanes, band: number, x: number, y: number, width: number, height: number): number {
  const at = (source: number, target: number, i: number): [number, number, number] => {
    const p = Math.min(source - 1, Math.max(0, ((i + 0.5) * source) / target - 0.5))
    const i0 = Math.floor(p)
    return [i0, Math.min(source - 1, i0 + 1), p - i0]
  }
  const [x0, x1, wx] = at(chroma.width, width, x)
  const [y0, y1, wy] = at(chroma.height, height, y)
  const v = (cx: number, cy: number): number => chroma.data[band * chroma.width * chroma.height + cy * chroma.width + cx]!
  const top = v(x0, y0) + (v(x1, y0) - v(x0, y0)) * wx
  const bottom = v(x0, y1) + (v(x1, y1) - v(x0, y1)) * wx
  return top + (bottom - top) * wy
}

const largestDifference = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let largest = 0
  for (let i = 0; i < a.length; i++) largest = Math.max(largest, Math.abs(a[i]! - b[i]!))
  return largest
}

describe('joinChroma: Lab → sRGB', () => {
  it('to 8 bits: within one level of libvips, in and out of gamut', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'koalarize-lab-'))
    try {
      const { lab, width, height } = labGrid()
      await writeVipsLabFloat(join(dir, 'grid.v'), width, height, 3, lab)
      const vips = await sharp(join(dir, 'grid.v')).toColourspace('srgb').raw().toBuffer()
      const ours = joinChroma({ kind: 'lab', width, height, channels: 3, data: lab }, planesOf(lab, width, height), 1, 8)
      expect(ours.length).toBe(vips.length)
      expect(largestDifference(ours, vips)).toBeLessThanOrEqual(1)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('keeps an alpha band, and libvips reads the 8-bit .v file back as sRGB', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'koalarize-lab-'))
    try {
      const lab = new Float32Array([100, 0, 0, 255, 0, 0, 0, 0, 53.24, 80.09, 67.2, 127.6])
      const rgba = joinChroma({ kind: 'lab', width: 3, height: 1, channels: 4, data: lab }, planesOf(lab, 3, 1, 4), 1, 8)
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

  it('to 16 bits: within one level of the exact formula; read back as RGB16', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'koalarize-lab-'))
    try {
      const { lab, width, height } = labGrid()
      const ours = joinChroma({ kind: 'lab', width, height, channels: 3, data: lab }, planesOf(lab, width, height), 1, 16)
      const exact = Array.from({ length: width * height }, (_, p) => exactSrgb(lab[p * 3]!, lab[p * 3 + 1]!, lab[p * 3 + 2]!)).flat()
      expect(ours).toBeInstanceOf(Uint16Array)
      expect(largestDifference(ours, exact)).toBeLessThanOrEqual(1)
      await writeVipsSrgb(join(dir, 'wide.v'), width, height, 3, ours)
      const back = await sharp(join(dir, 'wide.v')).toColourspace('rgb16').raw({ depth: 'ushort' }).toBuffer()
      expect(back.equals(Buffer.from(ours.buffer, ours.byteOffset, ours.byteLength))).toBe(true)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('joinChroma: upsampling the chroma', () => {
  const random = (seed: number): (() => number) => () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)

  it.each([
    ['up, 7×5 → 53×41', 7, 5, 53, 41],
    ['down, 9×7 → 5×4', 9, 7, 5, 4],
    ['one column, 1×3 → 6×6', 1, 3, 6, 6]
  ])('%s: bilinear between pixel centres, clamped at the edges, scaled by the intensity', (_, sw, sh, width, height) => {
    const next = random(sw * 100 + width)
    const chroma = { width: sw, height: sh, data: Float32Array.from({ length: 2 * sw * sh }, () => next() * 120 - 60) }
    const lab = Float32Array.from({ length: width * height * 3 }, (_, i) => (i % 3 === 0 ? next() * 100 : 0))
    const ours = joinChroma({ kind: 'lab', width, height, channels: 3, data: lab }, chroma, 1.5, 16)
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const p = y * width + x
        const a = 1.5 * bilinear(chroma, 0, x, y, width, height)
        const b = 1.5 * bilinear(chroma, 1, x, y, width, height)
        const expected = exactSrgb(lab[p * 3]!, a, b)
        expect(largestDifference(ours.subarray(p * 3, p * 3 + 3), expected), `pixel ${x},${y}`).toBeLessThanOrEqual(1)
      }
    }
  })

  it('a grey image gives what its lightness, as Lab, gives', () => {
    const width = 37
    const height = 23
    const levels = Uint8Array.from({ length: width * height }, (_, i) => (i * 7) % 256)
    const lightness = Float32Array.from({ length: 256 }, (_, level) => (level / 255) * 100)
    const lab = new Float32Array(width * height * 3)
    levels.forEach((level, p) => (lab[p * 3] = lightness[level]!))
    const chroma = { width: 4, height: 3, data: Float32Array.from({ length: 24 }, (_, i) => (i % 5) * 9 - 20) }
    const fromGrey = joinChroma({ kind: 'grey', width, height, data: levels, lightness }, chroma, 1, 8)
    const fromLab = joinChroma({ kind: 'lab', width, height, channels: 3, data: lab }, chroma, 1, 8)
    expect([...fromGrey]).toEqual([...fromLab])
  })
})
