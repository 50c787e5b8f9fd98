import { ciede2000 } from './ciede2000'

/**
 * Image-quality figures for colorization, on band-interleaved 3-channel pixels
 * (sRGB 8-bit for PSNR and colourfulness, CIE Lab float for ΔE00 and the ab AuC).
 */

/** Thresholds 0..150 (Lab units, step 1) of Zhang et al. 2016's "raw accuracy" AuC. */
export const AUC_MAX_THRESHOLD = 150

function checkPair(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`images differ in size: ${a.length} vs ${b.length} values`)
  if (a.length === 0 || a.length % 3) throw new RangeError(`expected non-empty 3-channel pixels, got ${a.length} values`)
  return a.length / 3
}

/** PSNR (dB) over every pixel and channel of two 8-bit images; Infinity when they are identical. */
export function psnr(a: Uint8Array, b: Uint8Array): number {
  checkPair(a, b)
  let sum = 0
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!
    sum += d * d
  }
  const mse = sum / a.length
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse)
}

/** Mean CIEDE2000 over the pixels of two Lab images. */
export function meanCiede2000(a: Float32Array, b: Float32Array): number {
  const pixels = checkPair(a, b)
  let sum = 0
  for (let i = 0; i < a.length; i += 3) sum += ciede2000(a[i]!, a[i + 1]!, a[i + 2]!, b[i]!, b[i + 1]!, b[i + 2]!)
  return sum / pixels
}

/**
 * Area under the cumulative curve of the per-pixel Euclidean ab error (Zhang, Isola & Efros 2016,
 * "raw accuracy"): the fraction of pixels with error ≤ t, averaged over t = 0, 1, …, 150; 0..1.
 */
export function abAccuracyAuc(a: Float32Array, b: Float32Array, maxThreshold = AUC_MAX_THRESHOLD): number {
  const pixels = checkPair(a, b)
  // For integer t, error ≤ t exactly when ceil(error) ≤ t: one histogram, then a running sum.
  const histogram = new Float64Array(maxThreshold + 1)
  for (let i = 0; i < a.length; i += 3) {
    const bin = Math.ceil(Math.hypot(a[i + 1]! - b[i + 1]!, a[i + 2]! - b[i + 2]!))
    if (bin <= maxThreshold) histogram[bin]!++
  }
  let within = 0
  let area = 0
  for (let t = 0; t <= maxThreshold; t++) {
    within += histogram[t]!
    area += within / pixels
  }
  return area / (maxThreshold + 1)
}

/**
 * Hasler & Süsstrunk (2003) colourfulness of 8-bit sRGB pixels:
 * rg = R − G, yb = (R + G)/2 − B; M = sqrt(σrg² + σyb²) + 0.3·sqrt(μrg² + μyb²) (population σ).
 */
export function colourfulness(rgb: Uint8Array): number {
  const pixels = checkPair(rgb, rgb)
  let sumRg = 0, sumYb = 0, sumRg2 = 0, sumYb2 = 0
  for (let i = 0; i < rgb.length; i += 3) {
    const r = rgb[i]!, g = rgb[i + 1]!, b = rgb[i + 2]!
    const rg = r - g
    const yb = (r + g) / 2 - b
    sumRg += rg
    sumYb += yb
    sumRg2 += rg * rg
    sumYb2 += yb * yb
  }
  const meanRg = sumRg / pixels, meanYb = sumYb / pixels
  const varRg = Math.max(0, sumRg2 / pixels - meanRg * meanRg)
  const varYb = Math.max(0, sumYb2 / pixels - meanYb * meanYb)
  return Math.sqrt(varRg + varYb) + 0.3 * Math.hypot(meanRg, meanYb)
}

/** The figures for one prediction against its ground truth. */
export interface ImageScores {
  psnr: number
  deltaE2000: number
  abAuc: number
  /** Colourfulness of the prediction (the ground truth's is reported once, beside it). */
  colourfulness: number
}

export interface ScoredImage {
  rgb: Uint8Array
  lab: Float32Array
}

export function scoreImage(prediction: ScoredImage, truth: ScoredImage): ImageScores {
  return {
    psnr: psnr(prediction.rgb, truth.rgb),
    deltaE2000: meanCiede2000(prediction.lab, truth.lab),
    abAuc: abAccuracyAuc(prediction.lab, truth.lab),
    colourfulness: colourfulness(prediction.rgb)
  }
}
