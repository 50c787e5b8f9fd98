import { beforeEach, describe, expect, it, vi } from 'vitest'

/**
 * Provider choice against known onnxruntime builds (the test beside executionProviders.ts can only
 * compare the machine's build with itself): the backends each build lists are set here.
 */
const backends = vi.hoisted(() => ({ names: [] as string[] }))
vi.mock('onnxruntime-node', () => ({
  listSupportedBackends: () => backends.names.map((name) => ({ name, bundled: name !== 'cuda' }))
}))

const { availableProviders, providerCandidates } = await import('../../src/main/inference/executionProviders')

describe('execution providers of a given onnxruntime build', () => {
  beforeEach(() => {
    backends.names = []
  })

  it('a CPU-only build offers CPU alone, whatever the setting', () => {
    backends.names = ['cpu']
    expect(availableProviders()).toEqual(['cpu'])
    expect(providerCandidates('auto')).toEqual(['cpu'])
    expect(providerCandidates('cuda')).toEqual(['cpu'])
  })

  it('a Linux x64 build offers CUDA first and CPU last, and knows nothing of backends it cannot use', () => {
    backends.names = ['webgpu', 'cpu', 'tensorrt', 'cuda']
    expect(availableProviders()).toEqual(['cuda', 'cpu'])
    expect(providerCandidates('auto')).toEqual(['cuda', 'cpu'])
    expect(providerCandidates('cuda')).toEqual(['cuda', 'cpu'])
    expect(providerCandidates('dml')).toEqual(['cpu'])
    expect(providerCandidates('cpu')).toEqual(['cpu'])
  })

  it('a Windows build offers DirectML before CPU; CPU is there even when the build does not list it', () => {
    backends.names = ['dml']
    expect(availableProviders()).toEqual(['dml', 'cpu'])
    expect(providerCandidates('dml')).toEqual(['dml', 'cpu'])
    expect(providerCandidates('coreml')).toEqual(['cpu'])
  })
})
