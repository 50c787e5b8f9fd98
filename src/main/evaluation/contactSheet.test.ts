import { describe, it, expect } from 'vitest'
import sharp from 'sharp'
import { cellPosition, composeContactSheet, sheetSize } from './contactSheet'

const solid = (r: number, g: number, b: number, width = 40, height = 20): Promise<Buffer> =>
  sharp({ create: { width, height, channels: 3, background: { r, g, b } } }).png().toBuffer()

describe('contact sheet', () => {
  it('lays out (grey | ours | original) triples, two per row', () => {
    expect(cellPosition(0, 0, 100, 2)).toEqual({ left: 4, top: 4 })
    expect(cellPosition(0, 2, 100, 2)).toEqual({ left: 4 + 2 * 104, top: 4 })
    expect(cellPosition(1, 0, 100, 2)).toEqual({ left: 4 + 308 + 16, top: 4 })
    expect(cellPosition(2, 1, 100, 2)).toEqual({ left: 4 + 104, top: 4 + 104 })
    expect(sheetSize(3, 100, 2)).toEqual({ width: 8 + 2 * 308 + 16, height: 4 + 2 * 104 })
    expect(sheetSize(1, 100, 2)).toEqual({ width: 8 + 308, height: 108 })
  })

  it('composes a JPEG with each thumbnail where the layout puts it', async () => {
    const samples = [
      { id: 'a', grey: await solid(128, 128, 128), ours: await solid(0, 0, 255), original: await solid(255, 0, 0) },
      { id: 'b', grey: await solid(60, 60, 60), ours: await solid(0, 255, 0), original: await solid(255, 255, 0) }
    ]
    const sheet = await composeContactSheet(samples, { cell: 64, quality: 95 })
    expect((await sharp(sheet).metadata()).format).toBe('jpeg')
    const { data, info } = await sharp(sheet).raw().toBuffer({ resolveWithObject: true })
    expect({ width: info.width, height: info.height }).toEqual(sheetSize(2, 64, 2))
    const pixel = (x: number, y: number): number[] => [...data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3)]
    const centre = (index: number, column: number): number[] => {
      const { left, top } = cellPosition(index, column, 64, 2)
      return pixel(left + 32, top + 32)
    }
    const near = (actual: number[], expected: number[]): void => actual.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThan(12))
    near(centre(0, 0), [128, 128, 128])
    near(centre(0, 1), [0, 0, 255])
    near(centre(0, 2), [255, 0, 0])
    near(centre(1, 1), [0, 255, 0])
    near(centre(1, 2), [255, 255, 0])
  })
})
