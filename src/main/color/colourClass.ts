/** Whether a photo is black-and-white, toned (sepia, cyanotype…) or already in colour. */
export type ColourClass = 'bw' | 'toned' | 'colour'

export interface ChromaStats {
  /** Mean Lab chroma sqrt(a² + b²). */
  meanChroma: number
  /** Chroma of the mean (a, b): how much of the colour is one shared tint. */
  tintChroma: number
  /** Spread of (a, b) around the tint: low for toned prints, high for colour photos. */
  spread: number
  /** Fraction of pixels whose chroma is above 15 (clearly coloured). */
  colourfulFraction: number
  kind: ColourClass
}

// Thresholds on Lab units; scanned B&W prints often carry a faint tint below 4.
const BW_MAX_CHROMA = 4
const TONED_MAX_SPREAD = 7
const COLOURFUL_CHROMA = 15

/** Chroma statistics over (a subsample of) interleaved Lab pixels. */
export function chromaStats(lab: Float32Array, channels: number, maxSamples = 250_000): ChromaStats {
  const pixels = lab.length / channels
  const step = Math.max(1, Math.floor(pixels / maxSamples))
  let n = 0, sumA = 0, sumB = 0, sumChroma = 0, sumSq = 0, colourful = 0
  for (let p = 0; p < pixels; p += step) {
    const a = lab[p * channels + 1]!
    const b = lab[p * channels + 2]!
    const chroma = Math.hypot(a, b)
    sumA += a
    sumB += b
    sumSq += a * a + b * b
    sumChroma += chroma
    if (chroma > COLOURFUL_CHROMA) colourful++
    n++
  }
  const meanA = sumA / n, meanB = sumB / n
  const stats = {
    meanChroma: sumChroma / n,
    tintChroma: Math.hypot(meanA, meanB),
    spread: Math.sqrt(Math.max(0, sumSq / n - meanA * meanA - meanB * meanB)),
    colourfulFraction: colourful / n
  }
  return { ...stats, kind: classify(stats) }
}

function classify(s: Omit<ChromaStats, 'kind'>): ColourClass {
  if (s.meanChroma < BW_MAX_CHROMA) return 'bw'
  if (s.spread < TONED_MAX_SPREAD) return 'toned'
  return 'colour'
}
