import type { z } from 'zod'

/**
 * Validation problems in plain words, for people rather than developers: "Detail must be at most
 * 2048." instead of "invalid parameters for createColorizeJob". Used by the service (any transport)
 * and by forms that check their fields with the contract's schemas before sending.
 */

/** Names of fields as the UI labels them; others are spelt out from their camelCase key. */
const FIELD_LABELS: Record<string, string> = {
  workingSize: 'Detail', // the studio's word for the working size
  intensity: 'Colour intensity',
  modelId: 'The model',
  photoIds: 'The selection',
  folder: 'The folder',
  quality: 'Quality',
  naming: 'The file-name pattern',
  tiffBitDepth: 'Bits per channel',
  format: 'The format',
  epochs: 'Epochs',
  minutes: 'The time budget (minutes)',
  size: 'The training size',
  learningRate: 'The learning rate',
  batchSize: 'The batch size',
  threads: 'Threads'
}

/** What a method does, to say what could not be done ("Could not start colorizing: …"). */
const ACTIONS: Record<string, string> = {
  createColorizeJob: 'start colorizing',
  openProject: 'open the folder',
  exportPhotos: 'export',
  updateSettings: 'save the settings',
  listPhotos: 'list the photos'
}

export function fieldLabel(path: readonly PropertyKey[]): string {
  const key = [...path].reverse().find((part) => typeof part === 'string')
  if (key === undefined) return 'The request'
  const known = FIELD_LABELS[key]
  if (known) return known
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase()
  return `The ${words}`
}

const plural = (n: number | bigint, word: string) => `${n} ${word}${Number(n) === 1 ? '' : 's'}`

/** One problem as a sentence without its subject: "must be at most 2048". */
export function describeProblem(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'too_big':
      if (issue.origin === 'array' || issue.origin === 'set') return `may have at most ${plural(issue.maximum, 'item')}`
      if (issue.origin === 'string') return `may be at most ${plural(issue.maximum, 'character')} long`
      return issue.inclusive === false ? `must be less than ${issue.maximum}` : `must be at most ${issue.maximum}`
    case 'too_small':
      if (issue.origin === 'array' || issue.origin === 'set') return Number(issue.minimum) === 1 ? 'is empty: choose at least one' : `needs at least ${plural(issue.minimum, 'item')}`
      if (issue.origin === 'string') return Number(issue.minimum) === 1 ? 'is empty' : `must be at least ${plural(issue.minimum, 'character')} long`
      return issue.inclusive === false ? `must be more than ${issue.minimum}` : `must be at least ${issue.minimum}`
    case 'invalid_type':
      // zod leaves the input out of issues; its message says when there was none.
      return /received undefined$/.test(issue.message) ? 'is missing' : issue.expected === 'int' ? 'must be a whole number' : `must be a ${issue.expected}`
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join(', ')}`
    case 'unrecognized_keys':
      return `has settings this version does not know (${issue.keys.join(', ')})`
    case 'invalid_format':
      return 'is not written the right way'
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}`
    default:
      return issue.message
  }
}

/** Every problem, one sentence each: "Detail must be at most 2048. Colour intensity must be at least 0." */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const sentences = issues.map((issue) => `${issue.code === 'unrecognized_keys' ? 'The request' : fieldLabel(issue.path)} ${describeProblem(issue)}.`)
  return [...new Set(sentences)].join(' ')
}

/** The message of a call the service refused: "Could not start colorizing: Detail must be at most 2048." */
export function describeInvalidCall(method: string, issues: readonly z.core.$ZodIssue[]): string {
  return `Could not ${ACTIONS[method] ?? 'do that'}: ${describeIssues(issues)}`
}
