import { existsSync, readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { PROVIDER_ORDER, type ProviderName } from '../inference/executionProviders'

/**
 * Execution providers that can actually run here. onnxruntime-node lists CUDA on every Linux and
 * Windows x64 build ("bundled: false"), also where its provider library was never installed or the
 * machine has no NVIDIA driver: such a provider is listed as available only when both are present.
 */

/** What a not-bundled provider needs: its provider library beside the binding, and a GPU driver. */
const NEEDS: Partial<Record<ProviderName, { library: RegExp; driver: Partial<Record<NodeJS.Platform, string[]>> }>> = {
  cuda: {
    library: /^(lib)?onnxruntime_providers_cuda\.(so|dll)$/,
    driver: { linux: ['/proc/driver/nvidia/version', '/dev/nvidiactl'], win32: ['C:\\Windows\\System32\\nvcuda.dll'] }
  }
}

export interface ProviderEnvironment {
  /** Backends as onnxruntime-node reports them. */
  backends: { name: string; bundled: boolean }[]
  /** Files in the folder of onnxruntime-node's binding. */
  bindingFiles: string[]
  platform: NodeJS.Platform
  exists: (path: string) => boolean
}

export function usableProviders(env: ProviderEnvironment = currentEnvironment()): ProviderName[] {
  const bundled = new Map(env.backends.map((b) => [b.name, b.bundled]))
  return PROVIDER_ORDER.filter((name) => {
    if (name === 'cpu' || bundled.get(name) === true) return true
    const needs = NEEDS[name]
    if (!bundled.has(name) || !needs) return false
    const library = env.bindingFiles.some((file) => needs.library.test(file))
    const driver = (needs.driver[env.platform] ?? []).some((path) => env.exists(path))
    return library && driver
  })
}

function currentEnvironment(): ProviderEnvironment {
  return { backends: ort.listSupportedBackends(), bindingFiles: bindingFiles(), platform: process.platform, exists: existsSync }
}

/** The files beside onnxruntime-node's native binding (bin/napi-v…/<platform>/<arch>). */
function bindingFiles(): string[] {
  try {
    const root = dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'))
    const bin = join(root, 'bin')
    return readdirSync(bin).flatMap((napi) => {
      const dir = join(bin, napi, process.platform, process.arch)
      return existsSync(dir) ? readdirSync(dir) : []
    })
  } catch {
    return []
  }
}
