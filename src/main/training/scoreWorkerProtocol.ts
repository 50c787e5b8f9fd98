import type { InstalledModel } from '../../shared/modelCard'
import type { DatasetPhoto } from '../evaluation/datasetSource'
import type { HeldoutComparison, ScoredModel } from './heldoutComparison'

/**
 * Messages between the app and the scoring worker (scoreWorker.ts), sent with structured clone
 * ('advanced' serialization): the figures may be Infinity (the PSNR of an exact reproduction).
 */

export type ToScoreWorker =
  /** Scores both models on the photos. Answered by `progress` messages, then `scored` or `failed`. */
  { type: 'score'; base: InstalledModel; fineTuned: InstalledModel; photos: DatasetPhoto[] }

export type FromScoreWorker =
  | { type: 'progress'; model: ScoredModel; done: number; total: number }
  | { type: 'scored'; comparison: HeldoutComparison }
  /** A JavaScript error (a model that does not load…): the worker itself is fine. */
  | { type: 'failed'; message: string }
