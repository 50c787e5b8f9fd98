import { describe, expect, it } from 'vitest'
import { CELL_GAP, gridLayout, MIN_CELL } from './gridLayout'

describe('gridLayout', () => {
  it('fills the width: the columns share what a fixed cell size would leave as a strip on the right', () => {
    for (const width of [720, 744, 1000, 1148, 1600]) {
      const { columns, pitch, cell } = gridLayout(width)
      expect(cell).toBeGreaterThanOrEqual(MIN_CELL)
      expect(columns * pitch).toBeCloseTo(width) // no strip
      expect(pitch - cell).toBe(CELL_GAP)
    }
    expect(gridLayout(1000).columns).toBe(5)
  })

  it('keeps one column of the smallest cell in a narrow pane', () => {
    expect(gridLayout(100)).toEqual({ columns: 1, pitch: MIN_CELL + CELL_GAP, cell: MIN_CELL })
  })
})
