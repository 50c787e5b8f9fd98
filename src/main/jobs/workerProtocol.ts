import type { InstalledModel } from '../../shared/modelCard'
import type { ProviderName } from '../inference/executionProviders'

/**
 * Messages between the app and the colorize worker process (colorizeWorker.ts). Plain JSON: the
 * worker gets file paths and options, never pixels; the photo goes from disk to disk inside it.
 */

export interface InferenceSettings {
  provider: ProviderName | 'auto'
  /** Intra-op threads; 0 lets onnxruntime decide. */
  threads: number
}

/** What one photo is colorized with (a subset of ColorizeOptions, output always lossless PNG). */
export interface WorkerColorizeOptions {
  workingSize: number
  intensity: number
  recolor: boolean
}

export type ToWorker =
  /** Loads a model (releasing the one loaded before). Answered by `loaded` or `loadFailed`. */
  | { type: 'load'; model: InstalledModel; inference: InferenceSettings }
  /** Colorizes one photo into `output`. Answered by `done` or `failed` with the same `requestId`. */
  | { type: 'colorize'; requestId: number; photoId: number; input: string; output: string; options: WorkerColorizeOptions }

export type FromWorker =
  | { type: 'loaded'; provider: ProviderName; fallbacks: string[] }
  | { type: 'loadFailed'; message: string }
  | { type: 'done'; requestId: number; millis: number; provider: ProviderName }
  /** `skipped`: a colour photo colorized only on request (AlreadyInColourError); otherwise a failure. */
  | { type: 'failed'; requestId: number; reason: string; skipped: boolean }
