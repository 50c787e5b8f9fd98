/**
 * Bilinear upsampling of the predicted a*b* planes straight into the full-resolution Lab image
 * (pixel-centre aligned). Chroma is smooth at working resolution, so bilinear is enough, and doing it
 * in place avoids a second full-size float image (~150 MB for 12 MP).
 */
export interface ChromaPlanes {
  width: number
  height: number
  /** Planar [a(H×W), b(H×W)] in Lab units. */
  data: Float32Array
}

interface Taps {
  index0: Int32Array
  index1: Int32Array
  weight1: Float32Array
}

function taps(source: number, target: number): Taps {
  const index0 = new Int32Array(target)
  const index1 = new Int32Array(target)
  const weight1 = new Float32Array(target)
  const scale = source / target
  for (let i = 0; i < target; i++) {
    const position = Math.min(source - 1, Math.max(0, (i + 0.5) * scale - 0.5))
    index0[i] = Math.floor(position)
    index1[i] = Math.min(source - 1, index0[i]! + 1)
    weight1[i] = position - index0[i]!
  }
  return { index0, index1, weight1 }
}

/** Writes scale × upsampled (a, b) into bands 1 and 2 of `lab` (interleaved, `channels` per pixel). */
export function upsampleChromaInto(
  chroma: ChromaPlanes,
  lab: Float32Array,
  width: number,
  height: number,
  channels: number,
  scale = 1
): void {
  const { width: sw, height: sh, data } = chroma
  const planeSize = sw * sh
  const xs = taps(sw, width)
  const ys = taps(sh, height)
  const rowA = new Float32Array(sw)
  const rowB = new Float32Array(sw)
  for (let y = 0; y < height; y++) {
    const top = ys.index0[y]! * sw
    const bottom = ys.index1[y]! * sw
    const wy = ys.weight1[y]!
    for (let x = 0; x < sw; x++) {
      rowA[x] = data[top + x]! + (data[bottom + x]! - data[top + x]!) * wy
      rowB[x] = data[planeSize + top + x]! + (data[planeSize + bottom + x]! - data[planeSize + top + x]!) * wy
    }
    let offset = y * width * channels
    for (let x = 0; x < width; x++, offset += channels) {
      const x0 = xs.index0[x]!, x1 = xs.index1[x]!, wx = xs.weight1[x]!
      lab[offset + 1] = (rowA[x0]! + (rowA[x1]! - rowA[x0]!) * wx) * scale
      lab[offset + 2] = (rowB[x0]! + (rowB[x1]! - rowB[x0]!) * wx) * scale
    }
  }
}
