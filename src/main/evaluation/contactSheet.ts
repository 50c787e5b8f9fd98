import sharp, { type OverlayOptions } from 'sharp'
import type { ContactSample } from './evaluateModel'

export interface ContactSheetOptions {
  /** Square cell each thumbnail is fitted into (default 128). */
  cell?: number
  /** (grey | ours | original) triples per row (default 2). */
  triplesPerRow?: number
  /** JPEG quality (default 85). */
  quality?: number
}

const GAP = 4
const TRIPLE_GAP = 16
const BACKGROUND = { r: 255, g: 255, b: 255 }

export interface CellPosition {
  left: number
  top: number
}

/** Where the thumbnail `column` (0 grey, 1 ours, 2 original) of sample `index` goes. */
export function cellPosition(index: number, column: number, cell: number, triplesPerRow: number): CellPosition {
  const tripleWidth = 3 * cell + 2 * GAP
  const slot = index % triplesPerRow
  const row = Math.floor(index / triplesPerRow)
  return { left: GAP + slot * (tripleWidth + TRIPLE_GAP) + column * (cell + GAP), top: GAP + row * (cell + GAP) }
}

export function sheetSize(count: number, cell: number, triplesPerRow: number): { width: number; height: number } {
  const perRow = Math.min(triplesPerRow, Math.max(1, count))
  const rows = Math.max(1, Math.ceil(count / triplesPerRow))
  return {
    width: 2 * GAP + perRow * (3 * cell + 2 * GAP) + (perRow - 1) * TRIPLE_GAP,
    height: GAP + rows * (cell + GAP)
  }
}

async function thumbnail(image: Buffer, cell: number): Promise<Buffer> {
  return sharp(image).resize(cell, cell, { fit: 'contain', background: BACKGROUND }).removeAlpha().png().toBuffer()
}

/** A JPEG contact sheet: for each sample, (grey | ours | original) side by side; `triplesPerRow` samples per row. */
export async function composeContactSheet(samples: ContactSample[], options: ContactSheetOptions = {}): Promise<Buffer> {
  const cell = options.cell ?? 128
  const triplesPerRow = options.triplesPerRow ?? 2
  const overlays: OverlayOptions[] = []
  for (const [index, sample] of samples.entries()) {
    for (const [column, image] of [sample.grey, sample.ours, sample.original].entries()) {
      overlays.push({ input: await thumbnail(image, cell), ...cellPosition(index, column, cell, triplesPerRow) })
    }
  }
  const { width, height } = sheetSize(samples.length, cell, triplesPerRow)
  return sharp({ create: { width, height, channels: 3, background: BACKGROUND } })
    .composite(overlays)
    .jpeg({ quality: options.quality ?? 85 })
    .toBuffer()
}
