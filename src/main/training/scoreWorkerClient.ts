import type { InstalledModel } from '../../shared/modelCard'
import type { DatasetPhoto } from '../evaluation/datasetSource'
import { forkWorker, type WorkerChild } from '../jobs/forkWorker'
import type { HeldoutComparison, ScoredModel } from './heldoutComparison'
import type { FromScoreWorker, ToScoreWorker } from './scoreWorkerProtocol'

/**
 * The app's side of held-out scoring. Scoring runs onnxruntime and libvips, native code: it runs in a
 * child process of its own (one per scoring, ended when it is done), as colorizing does
 * (colorizeWorkerClient.ts explains why a process and not a thread), so that a native crash fails the
 * fine-tuning job with a plain error instead of taking the app down.
 */

export type ScoreWorkerProcess = WorkerChild<ToScoreWorker, FromScoreWorker>
export type SpawnScoreWorker = () => ScoreWorkerProcess

/** Forks scoreWorker (from source through tsx; built: out/main/scoreWorker.js, an entry of its own). */
export function forkScoreWorker(): ScoreWorkerProcess {
  return forkWorker<ToScoreWorker, FromScoreWorker>('scoreWorker', new URL('./scoreWorker.ts', import.meta.url),
    { serialization: 'advanced', isAnswer: (message) => message.type !== 'progress' })
}

/** The scoring process died (native crash, killed by the system…) before it answered. */
export class ScoreWorkerCrash extends Error {}

export interface ScoreRequest {
  base: InstalledModel
  fineTuned: InstalledModel
  photos: DatasetPhoto[]
  onProgress?: (model: ScoredModel, done: number, total: number) => void
  /** Aborting ends the process; the promise then rejects with the signal's reason. */
  signal?: AbortSignal
}

/**
 * Scores both models on the held-out photos in a fresh worker process. Rejects with a plain Error when
 * scoring fails, with a ScoreWorkerCrash when the process dies, never taking the caller down.
 */
export function scoreInWorker(request: ScoreRequest, spawn: SpawnScoreWorker = forkScoreWorker): Promise<HeldoutComparison> {
  return new Promise((resolve, reject) => {
    if (request.signal?.aborted) return reject(request.signal.reason)
    const worker = spawn()
    let settled = false
    const settle = (outcome: () => void): void => {
      if (settled) return
      settled = true
      request.signal?.removeEventListener('abort', onAbort)
      worker.kill()
      outcome()
    }
    const onAbort = (): void => settle(() => reject(request.signal!.reason))
    request.signal?.addEventListener('abort', onAbort, { once: true })
    worker.onMessage((message) => {
      switch (message.type) {
        case 'progress':
          if (!settled) request.onProgress?.(message.model, message.done, message.total)
          break
        case 'scored':
          settle(() => resolve(message.comparison))
          break
        case 'failed':
          settle(() => reject(new Error(`scoring on the held-out photos failed: ${message.message}`)))
          break
      }
    })
    worker.onExit((reason) => settle(() =>
      reject(new ScoreWorkerCrash(`the scoring process stopped while scoring the models on the held-out photos (${reason}); resume the job to try again`))))
    worker.send({ type: 'score', base: request.base, fineTuned: request.fineTuned, photos: request.photos })
  })
}
