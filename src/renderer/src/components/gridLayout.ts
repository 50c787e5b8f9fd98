/** The library grid's geometry: square cells that share the whole width, so no strip is left on the right. */

/** Smallest cell (px, without the gap) and the gap between cells. */
export const MIN_CELL = 164
export const CELL_GAP = 12

export interface GridLayout {
  columns: number
  /** Distance from one cell to the next, across and down (px). */
  pitch: number
  /** Width and height of a cell (px). */
  cell: number
}

export function gridLayout(width: number, minCell = MIN_CELL, gap = CELL_GAP): GridLayout {
  const columns = Math.max(1, Math.floor((width + gap) / (minCell + gap)))
  const pitch = Math.max(minCell + gap, width / columns)
  return { columns, pitch, cell: pitch - gap }
}
