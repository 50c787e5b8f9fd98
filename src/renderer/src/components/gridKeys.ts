/**
 * Keyboard movement in the photo grid, as in file managers: arrows move by a cell or a row, Home/End
 * to the first/last photo, PageUp/PageDown by a screenful of rows. Pure, so it is tested alone.
 */
export function nextPosition(key: string, position: number, columns: number, total: number, rowsInView = 1): number | undefined {
  if (total <= 0) return undefined
  const page = columns * Math.max(1, rowsInView)
  const moves: Record<string, number> = {
    ArrowLeft: position - 1,
    ArrowRight: position + 1,
    ArrowUp: position - columns,
    ArrowDown: position + columns,
    Home: 0,
    End: total - 1,
    PageUp: position - page,
    PageDown: position + page
  }
  const target = moves[key]
  if (target === undefined) return undefined
  // Up from the first row or down from the last stays put; left/right stop at the ends.
  if ((key === 'ArrowUp' || key === 'ArrowDown') && (target < 0 || target >= total)) return position
  return Math.min(total - 1, Math.max(0, target))
}

/** What a key does to the grid besides moving: the Lightroom / file-manager meanings. */
export type GridCommand = 'toggle' | 'open' | 'clear' | 'select-all'

export function gridCommand(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey'>): GridCommand | undefined {
  if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'a') return 'select-all'
  if (event.key === ' ') return 'toggle'
  if (event.key === 'Enter') return 'open'
  if (event.key === 'Escape') return 'clear'
  return undefined
}

/**
 * What a click on a photo does, as in file managers: a plain click selects only that photo,
 * Ctrl/Cmd-click adds or removes it, Shift-click selects the range from the last clicked photo
 * (with Ctrl/Cmd too, adds the range to the selection).
 */
export type ClickAction = 'only' | 'toggle' | 'range' | 'add-range'

export function clickAction(event: Pick<MouseEvent, 'shiftKey' | 'ctrlKey' | 'metaKey'>, hasAnchor: boolean): ClickAction {
  const add = event.ctrlKey || event.metaKey
  if (event.shiftKey && hasAnchor) return add ? 'add-range' : 'range'
  return add ? 'toggle' : 'only'
}
