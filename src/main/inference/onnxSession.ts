import * as ort from 'onnxruntime-node'
import { providerCandidates, type ProviderName } from './executionProviders'
import { cachedCpuSession } from './optimizedModels'

export interface SessionOptions {
  provider?: ProviderName | 'auto'
  /** Intra-op threads for the CPU provider; 0 lets onnxruntime decide. */
  threads?: number
  /** Folder of onnxruntime's optimised copies of the models, for the CPU provider (optimizedModels.ts); none: optimise at each load. */
  optimizedModels?: string
}

export interface LoadedSession {
  session: ort.InferenceSession
  provider: ProviderName
  /** Why faster providers were skipped, for the UI and logs. */
  fallbacks: string[]
}

// A provider whose libraries are absent (e.g. CUDA without the add-on) makes onnxruntime print an
// error before failing; we report the fallback ourselves, so its global log shows only fatal errors.
ort.env.logLevel = 'fatal'

/** Creates a session on the first provider that loads, in preference order. */
export async function createSession(modelPath: string, options: SessionOptions = {}): Promise<LoadedSession> {
  const fallbacks: string[] = []
  for (const provider of providerCandidates(options.provider)) {
    try {
      const sessionOptions: ort.InferenceSession.SessionOptions = {
        executionProviders: [provider],
        intraOpNumThreads: options.threads ?? 0,
        graphOptimizationLevel: 'all',
        // Idle intra-op threads sleep instead of spinning: spinning took about twice the CPU time per run
        // for the same wall time (2 cores, 344×256), CPU that decoding and encoding the next photo need.
        extra: { session: { intra_op: { allow_spinning: '0' } } }
      }
      const session = provider === 'cpu' && options.optimizedModels
        ? await cachedCpuSession(modelPath, sessionOptions, options.optimizedModels)
        : await ort.InferenceSession.create(modelPath, sessionOptions)
      return { session, provider, fallbacks }
    } catch (error) {
      if (provider === 'cpu') throw error
      fallbacks.push(`${provider}: ${(error as Error).message.split('\n')[0]}`)
    }
  }
  throw new Error('no execution provider could load ' + modelPath)
}
