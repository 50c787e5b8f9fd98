/**
 * The colorized photo's pixels in one pass: the predicted a*b* planes (working size) upsampled bilinearly
 * (pixel-centre aligned) and joined to the original full-resolution lightness, then CIE Lab (D65) →
 * 8- or 16-bit sRGB as libvips's Lab → XYZ → scRGB → sRGB chain does it (D65 white 95.047/100/108.883,
 * the sRGB matrix and transfer curve, each channel clipped).
 *
 * One pass row by row, instead of writing a*b* into a full-size float Lab image and converting that:
 * the chroma is interpolated incrementally along each run of pixels between two working-size pixel
 * centres, so a 12-MP photo never exists as 144 MB of floats; a grey original is read as its own 8- or
 * 16-bit levels through a table of the lightness libvips gives each level (greyLightness).
 */

/** Predicted chroma at working size: planar [a(H×W), b(H×W)] in Lab units. */
export interface ChromaPlanes {
  width: number
  height: number
  data: Float32Array
}

/** The full-resolution lightness the chroma is joined to. */
export type LightnessImage =
  /** Interleaved Lab floats (L, a, b[, alpha]): L is kept, a and b are replaced; a fourth band is alpha, kept. */
  | { kind: 'lab'; width: number; height: number; channels: number; data: Float32Array }
  /** One band of grey levels; `lightness[level]` is the Lab L of that level. */
  | { kind: 'grey'; width: number; height: number; data: Uint8Array | Uint16Array; lightness: Float32Array }

const D = 6 / 29
const SLOPE = 3 * D * D
const OFFSET = 4 / 29

/** sRGB's transfer curve for linear values quantised to 1/steps, scaled to 0..max and rounded. */
function encodingTable<T extends Uint8Array | Uint16Array>(table: T, steps: number, max: number): T {
  for (let i = 0; i <= steps; i++) {
    const v = i / steps
    const s = v <= 0.0031308 ? 12.92 * v : 1.055 * Math.pow(v, 1 / 2.4) - 0.055
    table[i] = Math.round(Math.min(1, Math.max(0, s)) * max)
  }
  return table
}

/** 8-bit sRGB of a linear value quantised to 1/65535 (below half a level of 8 bits everywhere). */
const NARROW_STEPS = 65535
const NARROW = encodingTable(new Uint8Array(NARROW_STEPS + 1), NARROW_STEPS, 255)

/**
 * 16-bit sRGB of a linear value quantised to 2^-20: within 1 level of 65535 everywhere (the steepest part,
 * 12.92 × linear near black, moves 0.8 of a level per step). Built on first use (~0.1 s, 2 MB): only
 * versions of 16-bit originals need it.
 */
const WIDE_STEPS = 1 << 20
let wide: Uint16Array | undefined

/** A run of output columns [start, end) whose chroma lies between working-size columns k and k + 1. */
interface Run {
  start: number
  end: number
  /** Left tap (the right tap is k + 1, or k itself at the edges, where the chroma is constant). */
  k: number
  /** Weight of the right tap at `start`, and its increase per column. */
  weight: number
  step: number
}

/** Pixel-centre aligned bilinear taps of `target` columns over `source` ones, as runs of constant taps. */
function runs(source: number, target: number): Run[] {
  const scale = source / target
  const list: Run[] = []
  for (let x = 0; x < target; x++) {
    const position = (x + 0.5) * scale - 0.5
    const clamped = position <= 0 || position >= source - 1
    const k = position <= 0 ? 0 : position >= source - 1 ? source - 1 : Math.floor(position)
    const last = list[list.length - 1]
    if (last && last.k === k && (last.step === 0) === clamped) last.end = x + 1
    else list.push({ start: x, end: x + 1, k, weight: clamped ? 0 : position - k, step: clamped ? 0 : scale })
  }
  return list
}

/**
 * sRGB pixels (R, G, B[, alpha], interleaved) of `image` with the chroma upsampled to its size and scaled by
 * `intensity`: 8 bits, or 16 when `depth` is 16. Within one level of the formula in double precision.
 */
export function joinChroma(image: LightnessImage, chroma: ChromaPlanes, intensity: number, depth: 8 | 16): Uint8Array | Uint16Array {
  const join = prepare(image, chroma, intensity, depth)
  join.rows(0, image.height)
  return join.out
}

function prepare(image: LightnessImage, chroma: ChromaPlanes, intensity: number, depth: 8 | 16): { out: Uint8Array | Uint16Array; rows: (from: number, to: number) => void } {
  const { width, height } = image
  const alpha = image.kind === 'lab' && image.channels === 4
  const bands = alpha ? 4 : 3
  const [table, steps] = depth === 16 ? [(wide ??= encodingTable(new Uint16Array(WIDE_STEPS + 1), WIDE_STEPS, 65535)), WIDE_STEPS] : [NARROW, NARROW_STEPS]
  const out = depth === 16 ? new Uint16Array(width * height * bands) : new Uint8Array(width * height * bands)
  const { width: sw, height: sh, data } = chroma
  const plane = sw * sh
  const columns = runs(sw, width)
  const rowA = new Float64Array(sw)
  const rowB = new Float64Array(sw)
  const levels = image.kind === 'grey' ? greyTables(image.lightness) : undefined
  const scaleY = sh / height
  const rows = (from: number, to: number): void => {
    for (let y = from; y < to; y++) {
      const position = Math.min(sh - 1, Math.max(0, (y + 0.5) * scaleY - 0.5))
      const top = Math.floor(position) * sw
      const bottom = Math.min(sh - 1, Math.floor(position) + 1) * sw
      const wy = position - Math.floor(position)
      // a/500 and b/200: the offsets of f(X) and f(Z) from f(Y).
      for (let x = 0; x < sw; x++) {
        rowA[x] = ((data[top + x]! + (data[bottom + x]! - data[top + x]!) * wy) * intensity) / 500
        rowB[x] = ((data[plane + top + x]! + (data[plane + bottom + x]! - data[plane + top + x]!) * wy) * intensity) / 200
      }
      if (levels) convertGreyRow(columns, rowA, rowB, image.data as Uint8Array | Uint16Array, levels, y * width, out, table, steps)
      else convertLabRow(columns, rowA, rowB, (image as { data: Float32Array }).data, y * width * bands, bands, out, table, steps)
      if (alpha) {
        const lab = (image as { data: Float32Array }).data
        const max = depth === 16 ? 65535 : 255
        for (let x = 0, i = y * width * 4 + 3; x < width; x++, i += 4) out[i] = Math.min(max, Math.max(0, Math.round(lab[i]!)))
      }
    }
  }
  return { out, rows }
}

/** f(Y) and Y of each grey level. */
function greyTables(lightness: Float32Array): { fy: Float64Array; y: Float64Array } {
  const fy = Float64Array.from(lightness, (l) => (l + 16) / 116)
  return { fy, y: fy.map(inverse) }
}

/** f⁻¹ of CIE Lab: t³ above 6/29, the linear segment below. */
const inverse = (t: number): number => (t > D ? t * t * t : SLOPE * (t - OFFSET))

/**
 * One row of a grey image: f(Y) and Y straight from the tables of its levels, the chroma interpolated along
 * each run (a/500 and b/200 added to f(Y)), then XYZ → sRGB.
 */
function convertGreyRow<T extends Uint8Array | Uint16Array>(
  columns: Run[],
  rowA: Float64Array,
  rowB: Float64Array,
  grey: Uint8Array | Uint16Array,
  levels: { fy: Float64Array; y: Float64Array },
  row: number,
  out: T,
  table: T,
  steps: number
): void {
  const { fy: fyOf, y: yOf } = levels
  let o = row * 3
  for (const run of columns) {
    const k1 = run.step === 0 ? run.k : run.k + 1
    const da = rowA[k1]! - rowA[run.k]!
    const db = rowB[k1]! - rowB[run.k]!
    let a = rowA[run.k]! + da * run.weight
    let b = rowB[run.k]! + db * run.weight
    const stepA = da * run.step
    const stepB = db * run.step
    for (let i = row + run.start, end = row + run.end; i < end; i++, o += 3) {
      const level = grey[i]!
      const fy = fyOf[level]!
      const fx = fy + a
      const fz = fy - b
      const X = 0.95047 * (fx > D ? fx * fx * fx : SLOPE * (fx - OFFSET))
      const Y = yOf[level]!
      const Z = 1.08883 * (fz > D ? fz * fz * fz : SLOPE * (fz - OFFSET))
      // XYZ → linear sRGB → the curve (the same in convertLabRow)
      const r = 3.2404542 * X - 1.5371385 * Y - 0.4985314 * Z
      const g = -0.969266 * X + 1.8760108 * Y + 0.041556 * Z
      const bl = 0.0556434 * X - 0.2040259 * Y + 1.0572252 * Z
      out[o] = table[r <= 0 ? 0 : r >= 1 ? steps : (r * steps + 0.5) | 0]!
      out[o + 1] = table[g <= 0 ? 0 : g >= 1 ? steps : (g * steps + 0.5) | 0]!
      out[o + 2] = table[bl <= 0 ? 0 : bl >= 1 ? steps : (bl * steps + 0.5) | 0]!
      a += stepA
      b += stepB
    }
  }
}

/** One row of interleaved Lab (`bands` per pixel): as convertGreyRow, with f(Y) and Y from L. */
function convertLabRow<T extends Uint8Array | Uint16Array>(
  columns: Run[],
  rowA: Float64Array,
  rowB: Float64Array,
  lab: Float32Array,
  start: number,
  bands: number,
  out: T,
  table: T,
  steps: number
): void {
  let o = start
  for (const run of columns) {
    const k1 = run.step === 0 ? run.k : run.k + 1
    const da = rowA[k1]! - rowA[run.k]!
    const db = rowB[k1]! - rowB[run.k]!
    let a = rowA[run.k]! + da * run.weight
    let b = rowB[run.k]! + db * run.weight
    const stepA = da * run.step
    const stepB = db * run.step
    for (let x = run.start; x < run.end; x++, o += bands) {
      const fy = (lab[o]! + 16) / 116
      const fx = fy + a
      const fz = fy - b
      const X = 0.95047 * (fx > D ? fx * fx * fx : SLOPE * (fx - OFFSET))
      const Y = fy > D ? fy * fy * fy : SLOPE * (fy - OFFSET)
      const Z = 1.08883 * (fz > D ? fz * fz * fz : SLOPE * (fz - OFFSET))
      const r = 3.2404542 * X - 1.5371385 * Y - 0.4985314 * Z
      const g = -0.969266 * X + 1.8760108 * Y + 0.041556 * Z
      const bl = 0.0556434 * X - 0.2040259 * Y + 1.0572252 * Z
      out[o] = table[r <= 0 ? 0 : r >= 1 ? steps : (r * steps + 0.5) | 0]!
      out[o + 1] = table[g <= 0 ? 0 : g >= 1 ? steps : (g * steps + 0.5) | 0]!
      out[o + 2] = table[bl <= 0 ? 0 : bl >= 1 ? steps : (bl * steps + 0.5) | 0]!
      a += stepA
      b += stepB
    }
  }
}
