import { describe, it, expect } from 'vitest'
import { chromaStats } from './colourClass'

/** Lab pixels from (a, b) at L 50, or from (L, a, b). */
function labImage(pixels: ([number, number] | [number, number, number])[]): Float32Array {
  return new Float32Array(pixels.flatMap((p) => (p.length === 3 ? p : [50, ...p])))
}

/** A deterministic noise in [-amplitude, amplitude] (scanner grain, JPEG). */
function noise(seed: number, amplitude: number): number {
  const x = Math.sin(seed * 12.9898) * 43758.5453
  return (x - Math.floor(x) - 0.5) * 2 * amplitude
}

/**
 * A toned print from the highlights to the shadows: one hue angle (degrees), its chroma set by the
 * density (strongest in the mid-tones), unevenly toned (±10 %), with grain.
 */
function tonedGradient(hueDeg: number, maxChroma: number, count = 2000): [number, number, number][] {
  const hue = (hueDeg * Math.PI) / 180
  return Array.from({ length: count }, (_, i) => {
    const density = i / (count - 1)
    const chroma = maxChroma * 4 * density * (1 - density) * (1 + noise(i + 17, 0.1))
    return [95 - 85 * density, chroma * Math.cos(hue) + noise(i, 1.5), chroma * Math.sin(hue) + noise(i + 7919, 1.5)]
  })
}

describe('chromaStats', () => {
  it('calls neutral and faintly tinted scans black-and-white', () => {
    expect(chromaStats(labImage(Array(100).fill([1, 2])), 3).kind).toBe('bw')
    const grain = Array.from({ length: 1000 }, (_, i) => [noise(i, 3), noise(i + 31, 3)] as [number, number])
    expect(chromaStats(labImage(grain), 3).kind).toBe('bw')
  })

  it('calls a uniform warm tint toned (sepia)', () => {
    const sepia = Array.from({ length: 100 }, (_, i) => [4 + (i % 3), 14 + (i % 5)] as [number, number])
    const stats = chromaStats(labImage(sepia), 3)
    expect(stats.kind).toBe('toned')
    expect(stats.tintChroma).toBeGreaterThan(14)
  })

  it('calls a strong sepia gradient toned: chroma varies, the hue does not', () => {
    const stats = chromaStats(labImage(tonedGradient(70, 40)), 3)
    expect(stats.spread).toBeGreaterThan(7) // the old rule ("spread under 7") called this colour
    expect(stats.kind).toBe('toned')
  })

  it('calls a warm colour photo colour though its hues are all warm: its colour does not follow the lightness', () => {
    // Skin, wood, a brown dog: hues between 40° and 80°, each thing its own colour at any lightness.
    const warm = Array.from({ length: 2000 }, (_, i) => {
      const hue = ((40 + 40 * (noise(i, 0.5) + 0.5)) * Math.PI) / 180
      const chroma = 8 + 20 * (noise(i + 3, 0.5) + 0.5)
      return [20 + (i % 70), chroma * Math.cos(hue), chroma * Math.sin(hue)] as [number, number, number]
    })
    const stats = chromaStats(labImage(warm), 3)
    expect(stats.offHueFraction).toBeLessThan(0.05)
    expect(stats.kind).toBe('colour')
  })

  it('calls cyanotype and selenium prints toned', () => {
    expect(chromaStats(labImage(tonedGradient(-100, 30)), 3).kind).toBe('toned')
    expect(chromaStats(labImage(tonedGradient(20, 12)), 3).kind).toBe('toned')
  })

  it('calls a faded multi-hue photo (an autochrome) colour, even with little chroma and a warm cast', () => {
    const hues = [130, 330, 250, 60] // greens, purple-reds, blues, ochres
    const autochrome = Array.from({ length: 2000 }, (_, i) => {
      const hue = (hues[i % hues.length]! * Math.PI) / 180
      const chroma = 4 + (i % 5)
      return [2 + chroma * Math.cos(hue) + noise(i, 1), 4 + chroma * Math.sin(hue) + noise(i + 3, 1)] as [number, number]
    })
    const stats = chromaStats(labImage(autochrome), 3)
    expect(stats.spread).toBeLessThan(7)
    expect(stats.offHueFraction).toBeGreaterThan(0.3)
    expect(stats.kind).toBe('colour')
  })

  it('calls a hand-coloured print colour though most of it is grey', () => {
    const print = Array.from({ length: 1000 }, (_, i) =>
      (i < 60 ? [20, 10] : i < 100 ? [-18, 12] : [noise(i, 1), noise(i + 5, 1)]) as [number, number])
    const stats = chromaStats(labImage(print), 3)
    expect(stats.meanChroma).toBeLessThan(4)
    expect(stats.kind).toBe('colour')
  })

  it('calls varied hues colour', () => {
    const colour = Array.from({ length: 100 }, (_, i) => (i % 2 ? [60, 40] : [-30, -50]) as [number, number])
    const stats = chromaStats(labImage(colour), 3)
    expect(stats.kind).toBe('colour')
    expect(stats.colourfulFraction).toBe(1)
  })

  it('is sure of plain B&W, strong toning and colour, and in doubt about a faint tone or a B&W with a few coloured pixels', () => {
    const grain = Array.from({ length: 1000 }, (_, i) => [noise(i, 3), noise(i + 31, 3)] as [number, number])
    expect(chromaStats(labImage(grain), 3)).toMatchObject({ kind: 'bw', doubtful: false })
    expect(chromaStats(labImage(tonedGradient(70, 30)), 3)).toMatchObject({ kind: 'toned', doubtful: false })
    expect(chromaStats(labImage(tonedGradient(-100, 30)), 3)).toMatchObject({ kind: 'toned', doubtful: false })
    // A faint one-hue tone: a selenium print, or a faded colour photo whose cast outweighs its colours.
    expect(chromaStats(labImage(tonedGradient(20, 12)), 3)).toMatchObject({ kind: 'toned', doubtful: true })
    // Grey with 2 % faintly coloured pixels: below a hand-coloured print's coloured area, but not plain B&W.
    const faintlyColoured = Array.from({ length: 1000 }, (_, i) => (i < 20 ? [8, 5] : [noise(i, 1), noise(i + 5, 1)]) as [number, number])
    expect(chromaStats(labImage(faintlyColoured), 3)).toMatchObject({ kind: 'bw', doubtful: true })
    const colour = Array.from({ length: 100 }, (_, i) => (i % 2 ? [60, 40] : [-30, -50]) as [number, number])
    expect(chromaStats(labImage(colour), 3)).toMatchObject({ kind: 'colour', doubtful: false })
  })
})
