import { EXECUTION_PROVIDER_SETTINGS } from '../shared/api/bounds'
import { UsageError } from './usage'

export type ProviderSetting = (typeof EXECUTION_PROVIDER_SETTINGS)[number]

/** --provider: one of the contract's execution-provider settings (default 'auto'). */
export function providerOption(value: string | undefined): ProviderSetting {
  const setting = value ?? 'auto'
  if (!(EXECUTION_PROVIDER_SETTINGS as readonly string[]).includes(setting)) {
    throw new UsageError(`--provider must be one of ${EXECUTION_PROVIDER_SETTINGS.join(', ')}`)
  }
  return setting as ProviderSetting
}

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
