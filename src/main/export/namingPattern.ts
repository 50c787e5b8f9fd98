import { namingPatternProblem } from '../../shared/settings'

/** What the tokens of a naming pattern stand for, for one photo. */
export interface NamingValues {
  /** The original's file name without its extension. */
  name: string
  /** The id of the model that made the version. */
  model: string
  /** When the version was made: `YYYY-MM-DD` (UTC). */
  date: string
  /** 1-based position in the export, zero-padded to the width of `count`. */
  index: number
  count: number
}

const MAX_NAME_LENGTH = 200

/** A token's value made safe as part of a file name on every platform. */
function safePart(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[/\\:*?"<>|\u0000-\u001f]/g, '_')
}

/**
 * The file name (without extension) a naming pattern gives one photo. The pattern must be valid
 * (see namingPatternProblem, which the contract's schema applies); token values are sanitised, and the
 * result never ends with a dot or a space (Windows drops them) and is at most 200 characters.
 */
export function applyNamingPattern(pattern: string, values: NamingValues): string {
  const problem = namingPatternProblem(pattern)
  if (problem) throw new Error(`invalid naming pattern: ${problem}`)
  const index = String(values.index).padStart(String(values.count).length, '0')
  const named = pattern.replace(/\{(name|model|date|index)\}/g, (_, token: string) => {
    switch (token) {
      case 'name':
        return safePart(values.name)
      case 'model':
        return safePart(values.model)
      case 'date':
        return safePart(values.date)
      default:
        return index
    }
  })
  const trimmed = named.slice(0, MAX_NAME_LENGTH).replace(/[. ]+$/, '')
  return trimmed.length > 0 && !trimmed.startsWith('.') ? trimmed : `_${trimmed}`
}
