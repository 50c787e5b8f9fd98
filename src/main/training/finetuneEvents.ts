import type { JobRecord, JobState } from './jobStore'

/** What the fine-tuning service streams to the studio and the CLI. Every event names its job. */
export type FinetuneEvent =
  /** The job entered a lifecycle state (queued → preparing → training → exporting → done | failed | cancelled, or paused). */
  | { type: 'state'; jobId: string; state: JobState; message: string | null; job: JobRecord }
  | { type: 'preparing'; jobId: string; done: number; total: number; current: string }
  | {
      type: 'progress'
      jobId: string
      epoch: number
      epochs: number
      step: number
      totalSteps: number
      /** Mean training loss over the last logged steps. */
      loss: number | null
      imagesPerSec: number | null
      etaSeconds: number | null
      /** 0..1: steps done, or time budget used, whichever is further. */
      fraction: number
      /** Training seconds so far, and the time budget in seconds (null: none). */
      seconds: number
      budgetSeconds: number | null
    }
  /** Held-out figures after an epoch (scaled ab MSE of the model and of the grey baseline). */
  | { type: 'eval'; jobId: string; step: number; epoch: number; valLoss: number | null; baselineLoss: number | null; improved: boolean }
  /** One held-out photo colorized by the current weights (PNG). */
  | { type: 'preview'; jobId: string; step: number; epoch: number; path: string }
  /** Scoring base and fine-tuned model on the held-out photos through the real pipeline. */
  | { type: 'evaluating'; jobId: string; model: 'base' | 'fine-tuned'; done: number; total: number }
  | { type: 'warning'; jobId: string; message: string }

export type FinetuneListener = (event: FinetuneEvent) => void
