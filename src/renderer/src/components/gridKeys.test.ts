import { describe, expect, it } from 'vitest'
import { clickAction, gridCommand, nextPosition } from './gridKeys'

describe('grid keys', () => {
  it('moves by cells and rows within the photos, stopping at the ends', () => {
    // 10 photos in 4 columns: rows 0-3, 4-7, 8-9.
    expect(nextPosition('ArrowRight', 3, 4, 10)).toBe(4) // wraps onto the next row, like a file manager
    expect(nextPosition('ArrowLeft', 0, 4, 10)).toBe(0)
    expect(nextPosition('ArrowDown', 5, 4, 10)).toBe(9)
    expect(nextPosition('ArrowDown', 7, 4, 10)).toBe(7) // no photo below: stays
    expect(nextPosition('ArrowUp', 2, 4, 10)).toBe(2)
    expect(nextPosition('End', 2, 4, 10)).toBe(9)
    expect(nextPosition('Home', 9, 4, 10)).toBe(0)
    expect(nextPosition('PageDown', 1, 4, 10, 2)).toBe(9)
    expect(nextPosition('x', 1, 4, 10)).toBeUndefined()
    expect(nextPosition('ArrowRight', 0, 4, 0)).toBeUndefined()
  })

  it('maps Space, Enter, Escape and Ctrl/Cmd+A to commands', () => {
    const key = (key: string, mods: { ctrlKey?: boolean; metaKey?: boolean } = {}) => gridCommand({ key, ctrlKey: false, metaKey: false, ...mods })
    expect([key(' '), key('Enter'), key('Escape'), key('a', { ctrlKey: true }), key('A', { metaKey: true }), key('a')]).toEqual([
      'toggle', 'open', 'clear', 'select-all', 'select-all', undefined
    ])
  })

  it('maps clicks as file managers do: plain selects one, Ctrl/Cmd adds, Shift a range', () => {
    const click = (mods: { shiftKey?: boolean; ctrlKey?: boolean; metaKey?: boolean }, anchor = true) =>
      clickAction({ shiftKey: false, ctrlKey: false, metaKey: false, ...mods }, anchor)
    expect([click({}), click({ ctrlKey: true }), click({ metaKey: true }), click({ shiftKey: true }), click({ shiftKey: true, ctrlKey: true })]).toEqual([
      'only', 'toggle', 'toggle', 'range', 'add-range'
    ])
    expect(click({ shiftKey: true }, false)).toBe('only') // no photo clicked yet: nothing to range from
  })
})
