/** How the compare stage shows a photo's original and versions (the compare view's and the loupe's). */
export const COMPARE_MODES = ['slider', 'side', 'grid'] as const
export type CompareMode = (typeof COMPARE_MODES)[number]

/** Each mode's name for people. */
export const COMPARE_MODE_LABELS: Record<CompareMode, string> = { slider: 'slider', side: 'side by side', grid: 'grid' }

/** What the loupe shows: the photo alone, or one of the compare modes. */
export const LOUPE_MODES = ['photo', ...COMPARE_MODES] as const
export type LoupeMode = (typeof LOUPE_MODES)[number]

export const isCompareMode = (mode: LoupeMode): mode is CompareMode => mode !== 'photo'

/** What the loupe shows for the mode chosen: a compare mode needs a version to compare, else the photo. */
export const shownLoupeMode = (chosen: LoupeMode, versions: number): LoupeMode => (versions > 0 ? chosen : 'photo')
