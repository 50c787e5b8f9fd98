import { UsageError } from './usage'

/** A numeric command-line option: undefined when absent, a UsageError naming the rule when invalid. */
export function numberOption(name: string, value: string | undefined, check: (n: number) => boolean, rule: string): number | undefined {
  if (value === undefined) return undefined
  const number = Number(value)
  if (!Number.isFinite(number) || !check(number)) throw new UsageError(`--${name} must be ${rule}`)
  return number
}

export const numberBetween = (name: string, value: string | undefined, min: number, max: number): number | undefined =>
  numberOption(name, value, (n) => n >= min && n <= max, `a number from ${min} to ${max}`)

export const wholeNumberBetween = (name: string, value: string | undefined, min: number, max: number): number | undefined =>
  numberOption(name, value, (n) => Number.isInteger(n) && n >= min && n <= max, `a whole number from ${min} to ${max}`)
