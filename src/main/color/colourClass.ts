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
  /** Fraction of pixels whose chroma is above 6: more than a scan's faint tint. */
  tintedFraction: number
  /** Circular variance of the hue angle, weighted by chroma above the noise floor: 0 = one hue, 1 = all hues. */
  hueVariance: number
  /** Share of the chroma-weighted pixels whose hue is more than 45° from the dominant hue. */
  offHueFraction: number
  /**
   * How far (a, b) strays from the mean (a, b) of pixels of the same lightness (Lab units, RMS). Toning
   * follows the silver's density, so one lightness has one colour; in a real scene, things of the same
   * lightness have different colours (a red door and a green hedge).
   */
  lightnessResidual: number
  /**
   * The part of that residual across the dominant hue (RMS, Lab units): uneven toning changes how strong
   * the one hue is, not the hue, so a toned print keeps only grain here; faded colour keeps its hues.
   */
  crossResidual: number
  kind: ColourClass
  /**
   * Called B&W or toned, so it would be colorized, but it may be colour: a faint tone (a faded colour
   * photo looks like a weak toning) or a B&W with some coloured pixels (a hand-coloured print with faint
   * colours). The studio asks before colorizing such a photo.
   */
  doubtful: boolean
}

// Thresholds on Lab units; scanned B&W prints often carry a faint tint below 4.
const BW_MAX_CHROMA = 4
const COLOURFUL_CHROMA = 15
const TINTED_CHROMA = 6
/** A B&W scan may have a few coloured specks, not a coloured area (hand-coloured prints). */
const BW_MAX_COLOURFUL_FRACTION = 0.03
const BW_MAX_TINTED_FRACTION = 0.05
/** Below this chroma a pixel's hue is scanner/JPEG noise and does not count. */
const HUE_NOISE_CHROMA = 2
/** Toning puts (nearly) all the colour within this angle of one hue… */
const TONED_HUE_WINDOW_DEG = 45
const TONED_MAX_OFF_HUE = 0.05
const TONED_MAX_HUE_VARIANCE = 0.015
/** Stronger than any toning (a cyanotype's deep blue is about 30): a saturated close-up in colour. */
const TONED_MAX_MEAN_CHROMA = 35
/**
 * …and its colour follows the lightness: what strays from the colour of the pixels of the same
 * lightness is grain across the hue (up to GRAIN, or a share of the chroma) and uneven toning along it.
 * Measured with bench/colourClass.ts (README, "Colour detection").
 */
const TONED_GRAIN = 1
const TONED_MAX_CROSS_SHARE = 0.12
const TONED_MAX_RESIDUAL_SHARE = 0.2
const HUE_BINS = 72
/**
 * Doubt, measured with bench/colourClass.ts: a toned print this faint may be faded colour, and a B&W
 * with this share of tinted (or coloured) pixels may be hand-coloured.
 */
const DOUBT_TONED_MAX_CHROMA = 16
const DOUBT_BW_TINTED_FRACTION = 0.01
const DOUBT_BW_COLOURFUL_FRACTION = 0.005

const LIGHTNESS_BINS = 50

interface Sums {
  n: number; sumA: number; sumB: number; sumChroma: number; sumSq: number; colourful: number; tinted: number
  /** Second moments of a and b. */
  sumAA: number; sumBB: number; sumAB: number
  /** Chroma-weighted unit hue vectors and a chroma-weighted hue histogram. */
  hueA: number; hueB: number; hueWeight: number; histogram: Float64Array
  /** Per lightness bin: pixels, sum of a, sum of b. */
  byL: Float64Array
}

function accumulate(lab: Float32Array, channels: number, maxSamples: number): Sums {
  const s: Sums = {
    n: 0, sumA: 0, sumB: 0, sumChroma: 0, sumSq: 0, colourful: 0, tinted: 0, sumAA: 0, sumBB: 0, sumAB: 0, hueA: 0, hueB: 0, hueWeight: 0,
    histogram: new Float64Array(HUE_BINS), byL: new Float64Array(LIGHTNESS_BINS * 3)
  }
  const pixels = lab.length / channels
  const step = Math.max(1, Math.floor(pixels / maxSamples))
  for (let p = 0; p < pixels; p += step) {
    const a = lab[p * channels + 1]!
    const b = lab[p * channels + 2]!
    const chroma = Math.hypot(a, b)
    const bin = 3 * Math.min(LIGHTNESS_BINS - 1, Math.max(0, Math.floor((lab[p * channels]! / 100) * LIGHTNESS_BINS)))
    s.byL[bin]++
    s.byL[bin + 1] += a
    s.byL[bin + 2] += b
    s.sumA += a
    s.sumB += b
    s.sumSq += a * a + b * b
    s.sumAA += a * a
    s.sumBB += b * b
    s.sumAB += a * b
    s.sumChroma += chroma
    if (chroma > COLOURFUL_CHROMA) s.colourful++
    if (chroma > TINTED_CHROMA) s.tinted++
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

/** RMS distance of (a, b) from its lightness bin's mean: sqrt((Σ|ab|² − Σ_bins n·|mean|²) / n). */
function lightnessResidual(s: Sums): number {
  let explained = 0
  for (let bin = 0; bin < s.byL.length; bin += 3) {
    const count = s.byL[bin]!
    if (count > 0) explained += (s.byL[bin + 1]! ** 2 + s.byL[bin + 2]! ** 2) / count
  }
  return Math.sqrt(Math.max(0, (s.sumSq - explained) / Math.max(1, s.n)))
}

/** The lightness residual's RMS component along the unit vector (n1, n2). */
function residualAlong(s: Sums, n1: number, n2: number): number {
  const total = s.sumAA * n1 * n1 + 2 * s.sumAB * n1 * n2 + s.sumBB * n2 * n2
  let explained = 0
  for (let bin = 0; bin < s.byL.length; bin += 3) {
    const count = s.byL[bin]!
    if (count > 0) explained += (s.byL[bin + 1]! * n1 + s.byL[bin + 2]! * n2) ** 2 / count
  }
  return Math.sqrt(Math.max(0, (total - explained) / Math.max(1, s.n)))
}

function crossResidual(s: Sums): number {
  const length = Math.hypot(s.hueA, s.hueB)
  return length > 0 ? residualAlong(s, -s.hueB / length, s.hueA / length) : 0
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
    tintedFraction: s.tinted / n,
    hueVariance: s.hueWeight > 0 ? 1 - Math.hypot(s.hueA, s.hueB) / s.hueWeight : 0,
    offHueFraction: offHueShare(s),
    lightnessResidual: lightnessResidual(s),
    crossResidual: crossResidual(s)
  }
  const kind = classify(stats)
  return { ...stats, kind, doubtful: inDoubt(kind, stats) }
}

/** Whether a photo that would be colorized (B&W or toned) may in fact be colour. */
function inDoubt(kind: ColourClass, s: Omit<ChromaStats, 'kind' | 'doubtful'>): boolean {
  if (kind === 'toned') return s.meanChroma <= DOUBT_TONED_MAX_CHROMA
  if (kind === 'bw') return s.tintedFraction >= DOUBT_BW_TINTED_FRACTION || s.colourfulFraction >= DOUBT_BW_COLOURFUL_FRACTION
  return false
}

/**
 * B&W: hardly any chroma and no coloured area. Toned: one hue angle (sepia, selenium, cyanotype),
 * however strong, set by the lightness. Colour: several hues, even faint and faded (an autochrome), or
 * one hue family whose colour does not follow the lightness (a warm interior, an autumn wood). In
 * doubt it is colour: a colour photo is only recoloured on request, a toned print is not lost.
 */
function classify(s: Omit<ChromaStats, 'kind' | 'doubtful'>): ColourClass {
  const tinted = s.colourfulFraction >= BW_MAX_COLOURFUL_FRACTION || s.tintedFraction >= BW_MAX_TINTED_FRACTION
  if (s.meanChroma < BW_MAX_CHROMA && !tinted) return 'bw'
  const oneHue = s.offHueFraction <= TONED_MAX_OFF_HUE && s.hueVariance <= TONED_MAX_HUE_VARIANCE && s.meanChroma <= TONED_MAX_MEAN_CHROMA
  const followsLightness = s.crossResidual <= Math.max(TONED_GRAIN, TONED_MAX_CROSS_SHARE * s.meanChroma) &&
    s.lightnessResidual <= Math.max(2 * TONED_GRAIN, TONED_MAX_RESIDUAL_SHARE * s.meanChroma)
  return oneHue && followsLightness ? 'toned' : 'colour'
}
