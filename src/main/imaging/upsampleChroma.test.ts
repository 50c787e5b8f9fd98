import { describe, it, expect } from 'vitest'
import { upsampleChromaInto } from './upsampleChroma'

describe('upsampleChromaInto', () => {
  it('keeps L and alpha, fills a and b, and preserves constant chroma', () => {
    const chroma = { width: 2, height: 2, data: new Float32Array([10, 10, 10, 10, -5, -5, -5, -5]) }
    const lab = new Float32Array(6 * 4 * 4).map((_, i) => (i % 4 === 0 ? 50 : i % 4 === 3 ? 200 : 0))
    upsampleChromaInto(chroma, lab, 6, 4, 4, 2)
    for (let p = 0; p < 24; p++) {
      expect(lab[p * 4]).toBe(50)
      expect(lab[p * 4 + 1]).toBeCloseTo(20)
      expect(lab[p * 4 + 2]).toBeCloseTo(-10)
      expect(lab[p * 4 + 3]).toBe(200)
    }
  })

  it('interpolates linearly between pixel centres and clamps at the edges', () => {
    const chroma = { width: 2, height: 1, data: new Float32Array([0, 40, 0, 0]) }
    const lab = new Float32Array(4 * 1 * 3)
    upsampleChromaInto(chroma, lab, 4, 1, 3)
    expect([lab[1], lab[4], lab[7], lab[10]].map((v) => Math.round(v! * 100) / 100)).toEqual([0, 10, 30, 40])
  })
})
