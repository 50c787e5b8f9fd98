/**
 * CIEDE2000 colour difference (CIE 142-2001), with kL = kC = kH = 1, following
 * Sharma, Wu & Dalal, "The CIEDE2000 color-difference formula: implementation notes,
 * supplementary test data, and mathematical observations", Color Res. Appl. 30 (2005).
 */

const DEG = Math.PI / 180
const POW25_7 = 25 ** 7

/** Hue angle in degrees, 0..360; 0 for a neutral (a' = b = 0), as the formula prescribes. */
function hueDegrees(b: number, aPrime: number): number {
  if (aPrime === 0 && b === 0) return 0
  const h = Math.atan2(b, aPrime) / DEG
  return h < 0 ? h + 360 : h
}

/** ΔE00 between two CIE Lab colours. */
export function ciede2000(l1: number, a1: number, b1: number, l2: number, a2: number, b2: number): number {
  const cBar = (Math.hypot(a1, b1) + Math.hypot(a2, b2)) / 2
  const cBar7 = cBar ** 7
  const g = 0.5 * (1 - Math.sqrt(cBar7 / (cBar7 + POW25_7)))
  const a1p = (1 + g) * a1
  const a2p = (1 + g) * a2
  const c1p = Math.hypot(a1p, b1)
  const c2p = Math.hypot(a2p, b2)
  const h1p = hueDegrees(b1, a1p)
  const h2p = hueDegrees(b2, a2p)

  const dLp = l2 - l1
  const dCp = c2p - c1p
  const chromaProduct = c1p * c2p
  let dhp = 0
  if (chromaProduct !== 0) {
    dhp = h2p - h1p
    if (dhp > 180) dhp -= 360
    else if (dhp < -180) dhp += 360
  }
  const dHp = 2 * Math.sqrt(chromaProduct) * Math.sin((dhp / 2) * DEG)

  const lBarP = (l1 + l2) / 2
  const cBarP = (c1p + c2p) / 2
  let hBarP = h1p + h2p
  if (chromaProduct !== 0) {
    if (Math.abs(h1p - h2p) <= 180) hBarP = (h1p + h2p) / 2
    else if (h1p + h2p < 360) hBarP = (h1p + h2p + 360) / 2
    else hBarP = (h1p + h2p - 360) / 2
  }

  const t =
    1 -
    0.17 * Math.cos((hBarP - 30) * DEG) +
    0.24 * Math.cos(2 * hBarP * DEG) +
    0.32 * Math.cos((3 * hBarP + 6) * DEG) -
    0.2 * Math.cos((4 * hBarP - 63) * DEG)
  const dTheta = 30 * Math.exp(-(((hBarP - 275) / 25) ** 2))
  const cBarP7 = cBarP ** 7
  const rc = 2 * Math.sqrt(cBarP7 / (cBarP7 + POW25_7))
  const lOff = (lBarP - 50) ** 2
  const sl = 1 + (0.015 * lOff) / Math.sqrt(20 + lOff)
  const sc = 1 + 0.045 * cBarP
  const sh = 1 + 0.015 * cBarP * t
  const rt = -Math.sin(2 * dTheta * DEG) * rc

  const lTerm = dLp / sl
  const cTerm = dCp / sc
  const hTerm = dHp / sh
  return Math.sqrt(lTerm * lTerm + cTerm * cTerm + hTerm * hTerm + rt * cTerm * hTerm)
}
