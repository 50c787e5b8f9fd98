import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { probePhoto, readLab } from './photoReader'
import { writeColorizedPhoto, type ColorizedImage } from './photoWriter'
import { joinChroma } from './joinChroma'

// sRGB (D65) → CIELAB reference values (Bruce Lindbloom's calculator).
const REFERENCES: [rgb: [number, number, number], lab: [number, number, number]][] = [
  [[255, 0, 0], [53.24, 80.09, 67.2]],
  [[0, 255, 0], [87.73, -86.18, 83.18]],
  [[0, 0, 255], [32.3, 79.19, -107.86]],
  [[255, 255, 255], [100, 0, 0]],
  [[128, 128, 128], [53.59, 0, 0]],
  [[200, 150, 100], [65.76, 12.76, 33.56]] // from the CIE formulas, as the primaries above
]

/** The writer's input for Lab pixels in one row: their L, and their a and b as chroma planes of the same size. */
function colorizedOf(pixels: number[][]): ColorizedImage {
  const width = pixels.length
  const data = new Float32Array(pixels.flat())
  const chroma = new Float32Array(2 * width)
  pixels.forEach(([, a, b], i) => ((chroma[i] = a!), (chroma[width + i] = b!)))
  return { lightness: { kind: 'lab', width, height: 1, channels: 3, data }, chroma: { width, height: 1, data: chroma }, intensity: 1 }
}

const provenance = { software: 'test', modelId: 'm', modelName: 'M', workingSize: 64, intensity: 1, date: new Date(0) }

describe('Lab conversion through libvips', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'koalarize-lab-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('decodes sRGB to CIELAB matching reference values', async () => {
    for (const [rgb, expected] of REFERENCES) {
      const path = join(dir, `solid-${rgb.join('-')}.png`)
      await sharp({ create: { width: 4, height: 4, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } }).png().toFile(path)
      const lab = await readLab(path)
      expect(lab.channels).toBe(3)
      for (let band = 0; band < 3; band++) expect(lab.data[band]!, `${rgb} band ${band}`).toBeCloseTo(expected[band]!, 1)
    }
  })

  it('encodes CIELAB back to the same sRGB (round trip through the writer)', async () => {
    const base = join(dir, 'base.png')
    await sharp({ create: { width: REFERENCES.length, height: 1, channels: 3, background: '#000' } }).png().toFile(base)
    const out = join(dir, 'out.png')
    await writeColorizedPhoto(await probePhoto(base), colorizedOf(REFERENCES.map(([, lab]) => lab)), out, { format: 'png' }, provenance)
    const { data } = await sharp(out).raw().toBuffer({ resolveWithObject: true })
    REFERENCES.forEach(([rgb], i) => {
      for (let c = 0; c < 3; c++) expect(Math.abs(data[i * 3 + c]! - rgb[c]!), `${rgb}`).toBeLessThanOrEqual(1)
    })
  })

  it('writes 8-bit pixels as they are with an sRGB profile, 16-bit ones so that sharp reads them back, and converts into an RGB profile of the original', async () => {
    const pixels = REFERENCES.map(([, lab]) => lab)
    const colorized = colorizedOf(pixels)
    const srgbIcc = (await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } }).withIccProfile('srgb').png().toBuffer().then((png) => sharp(png).metadata())).icc!
    const narrowBase = join(dir, 'base8.png')
    await sharp({ create: { width: pixels.length, height: 1, channels: 3, background: '#000' } }).png().toFile(narrowBase)
    const narrowOut = join(dir, 'out8.png')
    await writeColorizedPhoto(await probePhoto(narrowBase), colorized, narrowOut, { format: 'png' }, provenance)
    expect(new Uint8Array(await sharp(narrowOut, { ignoreIcc: true }).raw().toBuffer())).toEqual(joinChroma(colorized.lightness, colorized.chroma, 1, 8))
    expect((await sharp(narrowOut).metadata()).icc).toEqual(srgbIcc)

    const wideBase = join(dir, 'base16.png')
    await sharp(new Uint16Array(pixels.length * 3), { raw: { width: pixels.length, height: 1, channels: 3 } }).toColourspace('rgb16').png().toFile(wideBase)
    expect((await probePhoto(wideBase)).depth).toBe('ushort')
    const wideOut = join(dir, 'out16.png')
    await writeColorizedPhoto(await probePhoto(wideBase), colorized, wideOut, { format: 'png' }, provenance)
    const wide = await sharp(wideOut).toColourspace('rgb16').raw({ depth: 'ushort' }).toBuffer()
    const expected = joinChroma(colorized.lightness, colorized.chroma, 1, 16)
    const read = new Uint16Array(wide.buffer, wide.byteOffset, wide.length / 2)
    // Grey and a skin tone come back; saturated primaries clip on the way (the P3 step is sharp's).
    for (let i = 4 * 3; i < 6 * 3; i++) expect(Math.abs(read[i]! - expected[i]!), `value ${i}`).toBeLessThanOrEqual(64)
    expect((await sharp(wideOut).metadata()).icc).toEqual(srgbIcc)

    const p3Base = join(dir, 'base-p3.jpg')
    await sharp({ create: { width: pixels.length, height: 1, channels: 3, background: '#000' } }).withIccProfile('p3').jpeg().toFile(p3Base)
    const p3Out = join(dir, 'out-p3.png')
    await writeColorizedPhoto(await probePhoto(p3Base), colorized, p3Out, { format: 'png' }, provenance)
    const inP3 = await sharp(p3Out, { ignoreIcc: true }).raw().toBuffer()
    const red = [...inP3.subarray(0, 3)]
    expect(red[0]).toBeLessThan(240) // sRGB red lies inside P3: less than full P3 red
    expect((await sharp(p3Out).metadata()).icc).toEqual((await sharp(p3Base).metadata()).icc)
    const backToSrgb = await sharp(p3Out).toColourspace('srgb').raw().toBuffer()
    REFERENCES.forEach(([rgb], i) => {
      // two 8-bit roundings, the second in the wider P3 gamut
      for (let c = 0; c < 3; c++) expect(Math.abs(backToSrgb[i * 3 + c]! - rgb[c]!), `${rgb}`).toBeLessThanOrEqual(3)
    })
  })
})
