import { describe, expect, it } from 'vitest'
import { COMPARE_MODES, LOUPE_MODES, isCompareMode, shownLoupeMode } from './compareModes'

describe('the loupe\'s modes', () => {
  it('are the photo alone and every compare mode of the compare view', () => {
    expect(LOUPE_MODES).toEqual(['photo', ...COMPARE_MODES])
    expect(LOUPE_MODES.filter(isCompareMode)).toEqual([...COMPARE_MODES])
  })

  it('show the chosen compare mode on a photo with versions, and the photo itself on one without', () => {
    expect(shownLoupeMode('side', 2)).toBe('side')
    expect(shownLoupeMode('slider', 1)).toBe('slider')
    expect(shownLoupeMode('grid', 0)).toBe('photo')
    expect(shownLoupeMode('photo', 3)).toBe('photo')
  })
})
