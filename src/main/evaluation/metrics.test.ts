import { describe, it, expect } from 'vitest'
import { abAccuracyAuc, colourfulness, meanCiede2000, psnr, scoreImage } from './metrics'

/** n pixels of one Lab colour, interleaved. */
function labFill(n: number, l: number, a: number, b: number): Float32Array {
  const data = new Float32Array(n * 3)
  for (let i = 0; i < n; i++) data.set([l, a, b], i * 3)
  return data
}

function rgbFill(n: number, r: number, g: number, b: number): Uint8Array {
  const data = new Uint8Array(n * 3)
  for (let i = 0; i < n; i++) data.set([r, g, b], i * 3)
  return data
}

describe('psnr', () => {
  it('is Infinity for identical images', () => {
    const image = Uint8Array.from([0, 10, 20, 30, 40, 50])
    expect(psnr(image, image.slice())).toBe(Infinity)
  })

  it('is 20·log10(255/d) for a uniform error of d', () => {
    // Every value off by 5: MSE 25, PSNR = 10·log10(65025/25) = 34.1514 dB.
    expect(psnr(rgbFill(4, 100, 100, 100), rgbFill(4, 105, 95, 105))).toBeCloseTo(20 * Math.log10(255 / 5), 10)
  })

  it('averages the squared error over all channels', () => {
    // One channel of one pixel off by 255 out of 6 values: MSE = 255²/6 → PSNR = 10·log10(6).
    const a = new Uint8Array(6)
    const b = Uint8Array.from([255, 0, 0, 0, 0, 0])
    expect(psnr(a, b)).toBeCloseTo(10 * Math.log10(6), 10)
  })

  it('rejects images of different sizes', () => {
    expect(() => psnr(new Uint8Array(6), new Uint8Array(3))).toThrow(RangeError)
  })
})

describe('meanCiede2000', () => {
  it('is 0 for identical images', () => {
    const lab = Float32Array.from([50, 10, -10, 70, -20, 30])
    expect(meanCiede2000(lab, lab.slice())).toBe(0)
  })

  it('averages per-pixel differences', () => {
    // Neutral greys at L̄ = 50 have ΔE00 = |ΔL| (SL = 1): pixels differ by 2 and 0 → mean 1.
    const a = Float32Array.from([49, 0, 0, 50, 0, 0])
    const b = Float32Array.from([51, 0, 0, 50, 0, 0])
    expect(meanCiede2000(a, b)).toBeCloseTo(1, 12)
  })
})

describe('abAccuracyAuc', () => {
  it('is 1 for identical images', () => {
    const lab = labFill(10, 60, 25, -40)
    expect(abAccuracyAuc(lab, lab.slice())).toBe(1)
  })

  it('ignores lightness', () => {
    expect(abAccuracyAuc(labFill(5, 10, 3, 4), labFill(5, 90, 3, 4))).toBe(1)
  })

  it('gives (150 − t₀ + 1)/151 for a uniform ab error of t₀ (integer)', () => {
    // Error exactly 5 (3-4-5 triangle): within threshold for t = 5..150 → 146 of 151 thresholds.
    expect(abAccuracyAuc(labFill(8, 50, 0, 0), labFill(8, 50, 3, 4))).toBeCloseTo(146 / 151, 12)
  })

  it('counts a non-integer error from the next whole threshold up', () => {
    // Error 10.5: within for t = 11..150 → 140/151.
    expect(abAccuracyAuc(labFill(3, 50, 0, 0), labFill(3, 50, 10.5, 0))).toBeCloseTo(140 / 151, 12)
  })

  it('averages over pixels and gives 0 to errors beyond 150', () => {
    // Half the pixels exact (1), half off by 200 (0) → 0.5.
    const truth = labFill(4, 50, 0, 0)
    const prediction = Float32Array.from([50, 0, 0, 50, 0, 0, 50, 200, 0, 50, 0, -200])
    expect(abAccuracyAuc(prediction, truth)).toBeCloseTo(0.5, 12)
  })
})

describe('colourfulness', () => {
  it('is 0 for any grey image', () => {
    const rgb = Uint8Array.from([0, 0, 0, 128, 128, 128, 255, 255, 255])
    expect(colourfulness(rgb)).toBe(0)
  })

  it('is 0.3·|mean| for a flat colour', () => {
    // Pure red: rg = 255, yb = 127.5, no spread → 0.3·sqrt(255² + 127.5²).
    expect(colourfulness(rgbFill(7, 255, 0, 0))).toBeCloseTo(0.3 * Math.hypot(255, 127.5), 10)
  })

  it('uses the population spread', () => {
    // Red and green pixels: rg = ±255 (σ 255, μ 0); yb = 127.5 both (σ 0, μ 127.5).
    const rgb = Uint8Array.from([255, 0, 0, 0, 255, 0])
    expect(colourfulness(rgb)).toBeCloseTo(255 + 0.3 * 127.5, 10)
  })
})

describe('scoreImage', () => {
  it('scores a perfect prediction as PSNR ∞, ΔE 0, AuC 1 and the truth colourfulness', () => {
    const truth = { rgb: rgbFill(4, 200, 40, 10), lab: labFill(4, 50, 60, 50) }
    const scores = scoreImage({ rgb: truth.rgb.slice(), lab: truth.lab.slice() }, truth)
    expect(scores).toEqual({ psnr: Infinity, deltaE2000: 0, abAuc: 1, colourfulness: colourfulness(truth.rgb) })
  })
})
