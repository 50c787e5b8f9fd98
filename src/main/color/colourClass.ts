/** Whether a photo is black-and-white, toned (sepia, cyanotype…) or already in colour. */
export type ColourClass = 'bw' | 'toned' | 'colour'

export interface ChromaStats {
  /** Mean Lab chroma sqrt(a² + b²). */
  meanChroma: number
  /** Chroma of the mean (a, b): how much of the colour is one shared tint. */
  tintChroma: number
  /** Spread of (a, b) around the tint (Lab units). */
  spread: number
  /** Fraction of pixels whose chroma is above 15 (clearly coloured). */
  colourfulFraction: number
  /** Circular variance of the hue angle, weighted by chroma above the noise floor: 0 = one hue, 1 = all hues. */
  hueVariance: number
  /** Share of the chroma-weighted pixels whose hue is more than 45° from the dominant hue. */
  offHueFraction: number
  kind: ColourClass
}

// Thresholds on Lab units; scanned B&W prints often carry a faint tint below 4.
const BW_MAX_CHROMA = 4
const COLOURFUL_CHROMA = 15
/** A B&W scan may have a few coloured specks, not a coloured area (hand-coloured prints). */
const BW_MAX_COLOURFUL_FRACTION = 0.03
/** Below this chroma a pixel's hue is scanner/JPEG noise and does not count. */
const HUE_NOISE_CHROMA = 2
/** Toning puts (nearly) all the colour within this angle of one hue. */
const TONED_HUE_WINDOW_DEG = 45
const TONED_MAX_OFF_HUE = 0.1
const TONED_MAX_HUE_VARIANCE = 0.12
const HUE_BINS = 72

interface Sums {
  n: number; sumA: number; sumB: number; sumChroma: number; sumSq: number; colourful: number
  /** Chroma-weighted unit hue vectors and a chroma-weighted hue histogram. */
  hueA: number; hueB: number; hueWeight: number; histogram: Float64Array
}

function accumulate(lab: Float32Array, channels: number, maxSamples: number): Sums {
  const s: Sums = { n: 0, sumA: 0, sumB: 0, sumChroma: 0, sumSq: 0, colourful: 0, hueA: 0, hueB: 0, hueWeight: 0, histogram: new Float64Array(HUE_BINS) }
  const pixels = lab.length / channels
  const step = Math.max(1, Math.floor(pixels / maxSamples))
  for (let p = 0; p < pixels; p += step) {
    const a = lab[p * channels + 1]!
    const b = lab[p * channels + 2]!
    const chroma = Math.hypot(a, b)
    s.sumA += a
    s.sumB += b
    s.sumSq += a * a + b * b
    s.sumChroma += chroma
    if (chroma > COLOURFUL_CHROMA) s.colourful++
    s.n++
    const weight = chroma - HUE_NOISE_CHROMA
    if (weight <= 0) continue
    s.hueA += (weight * a) / chroma
    s.hueB += (weight * b) / chroma
    s.hueWeight += weight
    s.histogram[hueBin(Math.atan2(b, a))] += weight
  }
  return s
}

function hueBin(angle: number): number {
  const turn = (angle / (2 * Math.PI) + 1) % 1
  return Math.min(HUE_BINS - 1, Math.floor(turn * HUE_BINS))
}

/** Share of the histogram's weight farther than the toning window from the dominant hue. */
function offHueShare(s: Sums): number {
  if (s.hueWeight === 0) return 0
  const dominant = Math.atan2(s.hueB, s.hueA)
  const window = (TONED_HUE_WINDOW_DEG * Math.PI) / 180
  let off = 0
  for (let bin = 0; bin < HUE_BINS; bin++) {
    const centre = ((bin + 0.5) / HUE_BINS) * 2 * Math.PI
    const distance = Math.abs(Math.atan2(Math.sin(centre - dominant), Math.cos(centre - dominant)))
    if (distance > window) off += s.histogram[bin]!
  }
  return off / s.hueWeight
}

/** Chroma and hue statistics over (a subsample of) interleaved Lab pixels. */
export function chromaStats(lab: Float32Array, channels: number, maxSamples = 250_000): ChromaStats {
  const s = accumulate(lab, channels, maxSamples)
  const n = Math.max(1, s.n)
  const meanA = s.sumA / n, meanB = s.sumB / n
  const stats = {
    meanChroma: s.sumChroma / n,
    tintChroma: Math.hypot(meanA, meanB),
    spread: Math.sqrt(Math.max(0, s.sumSq / n - meanA * meanA - meanB * meanB)),
    colourfulFraction: s.colourful / n,
    hueVariance: s.hueWeight > 0 ? 1 - Math.hypot(s.hueA, s.hueB) / s.hueWeight : 0,
    offHueFraction: offHueShare(s)
  }
  return { ...stats, kind: classify(stats) }
}

/**
 * B&W: hardly any chroma and no coloured area. Toned: the colour sits around one hue angle (sepia,
 * selenium, cyanotype), however strong. Colour: several hues, even faint and faded (an autochrome).
 */
function classify(s: Omit<ChromaStats, 'kind'>): ColourClass {
  if (s.meanChroma < BW_MAX_CHROMA && s.colourfulFraction < BW_MAX_COLOURFUL_FRACTION) return 'bw'
  if (s.offHueFraction <= TONED_MAX_OFF_HUE && s.hueVariance <= TONED_MAX_HUE_VARIANCE) return 'toned'
  return 'colour'
}
