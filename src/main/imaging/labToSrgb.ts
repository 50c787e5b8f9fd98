/**
 * CIE Lab (D65) → 8-bit sRGB in one pass over the pixels, as libvips's Lab → XYZ → scRGB → sRGB chain
 * does it (D65 white 95.047/100/108.883, the sRGB matrix and transfer curve, each channel clipped):
 * within 1 level of libvips on a grid over the whole Lab range (out of gamut too), in about a
 * quarter of libvips's CPU time for a 12-MP photo, because it stays in 8 bits at the end instead of
 * handing 144 MB of floats to libvips.
 */
const LINEAR_STEPS = 65535
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
const NARROW = encodingTable(new Uint8Array(LINEAR_STEPS + 1), LINEAR_STEPS, 255)

/**
 * Interleaved Lab floats (L, a, b[, alpha]) → interleaved 8-bit sRGB (R, G, B[, alpha]).
 * A fourth band is alpha in 0..255, kept (rounded and clipped to 8 bits).
 */
export function labToSrgb8(lab: Float32Array, channels: number): Uint8Array {
  return convert(lab, channels, new Uint8Array(lab.length), NARROW, LINEAR_STEPS, 255)
}

/**
 * 16-bit sRGB of a linear value quantised to 2^-20: within 1 level of 65535 everywhere (the steepest part,
 * 12.92 × linear near black, moves 0.8 of a level per step). Built on first use (~0.1 s, 2 MB): only
 * versions of 16-bit originals need it.
 */
const WIDE_STEPS = 1 << 20
let wide: Uint16Array | undefined

/**
 * Interleaved Lab floats (L, a, b[, alpha]) → interleaved 16-bit sRGB, as labToSrgb8 (same white, matrix
 * and curve) but to 0..65535: within 1 level of that formula in double precision (libvips's own Lab → RGB16
 * is up to ~100 levels off it, far out in the blues). A fourth band is alpha, kept
 * (rounded and clipped to 16 bits).
 */
export function labToSrgb16(lab: Float32Array, channels: number): Uint16Array {
  wide ??= encodingTable(new Uint16Array(WIDE_STEPS + 1), WIDE_STEPS, 65535)
  return convert(lab, channels, new Uint16Array(lab.length), wide, WIDE_STEPS, 65535)
}

/** Lab → XYZ (D65) → linear sRGB per pixel, then the curve from `table` (linear quantised to 1/steps). */
function convert<T extends Uint8Array | Uint16Array>(lab: Float32Array, channels: number, out: T, table: T, steps: number, max: number): T {
  const encode = (linear: number): number => table[linear <= 0 ? 0 : linear >= 1 ? steps : (linear * steps + 0.5) | 0]!
  const pixels = lab.length / channels
  for (let p = 0, i = 0; p < pixels; p++, i += channels) {
    const fy = (lab[i]! + 16) / 116
    const fx = fy + lab[i + 1]! / 500
    const fz = fy - lab[i + 2]! / 200
    const x = 0.95047 * (fx > D ? fx * fx * fx : SLOPE * (fx - OFFSET))
    const y = fy > D ? fy * fy * fy : SLOPE * (fy - OFFSET)
    const z = 1.08883 * (fz > D ? fz * fz * fz : SLOPE * (fz - OFFSET))
    out[i] = encode(3.2404542 * x - 1.5371385 * y - 0.4985314 * z)
    out[i + 1] = encode(-0.969266 * x + 1.8760108 * y + 0.041556 * z)
    out[i + 2] = encode(0.0556434 * x - 0.2040259 * y + 1.0572252 * z)
    if (channels === 4) out[i + 3] = Math.min(max, Math.max(0, Math.round(lab[i + 3]!)))
  }
  return out
}
