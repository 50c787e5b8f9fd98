import { describe, it, expect } from 'vitest'
import { providerOption } from './options'
import { UsageError } from './usage'

describe('--provider', () => {
  it('takes the contract’s settings and defaults to auto', () => {
    expect(providerOption(undefined)).toBe('auto')
    expect(providerOption('cuda')).toBe('cuda')
    expect(providerOption('cpu')).toBe('cpu')
  })

  it('refuses anything else in plain words', () => {
    expect(() => providerOption('tpu')).toThrow(UsageError)
    expect(() => providerOption('tpu')).toThrow('--provider must be one of auto, cuda, dml, coreml, cpu')
  })
})
