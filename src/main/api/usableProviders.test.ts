import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { usableProviders, type ProviderEnvironment } from './usableProviders'

const linux = (over: Partial<ProviderEnvironment>): ProviderEnvironment => ({
  backends: [{ name: 'cpu', bundled: true }, { name: 'webgpu', bundled: true }, { name: 'cuda', bundled: false }, { name: 'tensorrt', bundled: false }],
  bindingFiles: ['libonnxruntime.so.1', 'onnxruntime_binding.node'],
  platform: 'linux',
  exists: () => false,
  ...over
})

describe('usableProviders', () => {
  it('does not offer CUDA on a CPU-only machine, though onnxruntime lists it', () => {
    expect(usableProviders(linux({}))).toEqual(['cpu'])
    // The CUDA add-on installed, but no NVIDIA driver: still not.
    expect(usableProviders(linux({ bindingFiles: ['libonnxruntime_providers_cuda.so'] }))).toEqual(['cpu'])
  })

  it('offers CUDA with its provider library and a driver, and bundled providers as they are', () => {
    const gpu = linux({ bindingFiles: ['libonnxruntime_providers_cuda.so'], exists: (p) => p === '/proc/driver/nvidia/version' })
    expect(usableProviders(gpu)).toEqual(['cuda', 'cpu'])
    const mac = linux({ backends: [{ name: 'cpu', bundled: true }, { name: 'coreml', bundled: true }], platform: 'darwin' })
    expect(usableProviders(mac)).toEqual(['coreml', 'cpu'])
  })

  it('on this machine lists cpu, and cuda only where a driver is visible', () => {
    const here = usableProviders()
    expect(here).toContain('cpu')
    if (!['/proc/driver/nvidia/version', '/dev/nvidiactl'].some((p) => existsSync(p))) expect(here).not.toContain('cuda')
  })
})
