import { describe, it, expect } from 'vitest'
import { availableProviders, providerCandidates, PROVIDER_ORDER } from './executionProviders'

describe('execution providers', () => {
  it('lists what this onnxruntime build offers, in preference order, CPU last', () => {
    const available = availableProviders()
    expect(available.at(-1)).toBe('cpu')
    expect([...available].sort((a, b) => PROVIDER_ORDER.indexOf(a) - PROVIDER_ORDER.indexOf(b))).toEqual(available)
  })

  it('falls back to CPU after a chosen provider, and to CPU alone for one this build lacks', () => {
    expect(providerCandidates('cpu')).toEqual(['cpu'])
    expect(providerCandidates('coreml')).toEqual(availableProviders().includes('coreml') ? ['coreml', 'cpu'] : ['cpu'])
    expect(providerCandidates('auto')).toEqual(availableProviders())
  })
})
