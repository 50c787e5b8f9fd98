import { describe, it, expect } from 'vitest'
import { chromaStats } from './colourClass'

function labImage(pixels: [number, number][]): Float32Array {
  return new Float32Array(pixels.flatMap(([a, b]) => [50, a, b]))
}

describe('chromaStats', () => {
  it('calls neutral and faintly tinted scans black-and-white', () => {
    expect(chromaStats(labImage(Array(100).fill([1, 2])), 3).kind).toBe('bw')
  })

  it('calls a uniform warm tint toned (sepia)', () => {
    const sepia = Array.from({ length: 100 }, (_, i) => [4 + (i % 3), 14 + (i % 5)] as [number, number])
    const stats = chromaStats(labImage(sepia), 3)
    expect(stats.kind).toBe('toned')
    expect(stats.tintChroma).toBeGreaterThan(14)
  })

  it('calls varied hues colour', () => {
    const colour = Array.from({ length: 100 }, (_, i) => (i % 2 ? [60, 40] : [-30, -50]) as [number, number])
    const stats = chromaStats(labImage(colour), 3)
    expect(stats.kind).toBe('colour')
    expect(stats.colourfulFraction).toBe(1)
  })
})
