import { FINETUNE_EVALS_IN_MIN_STEPS, minimumFinetuneSteps } from '../../shared/api/finetuneMethods'

/** How long a fine-tune trains, how often it is evaluated and when it may stop early. */
export interface TrainingSchedule {
  /** The collection's minimum optimiser steps (FINETUNE_MIN_STEPS). */
  minSteps: number
  /** Epochs asked of the trainer: the chosen ones, raised to cover the minimum steps. */
  epochs: number
  /** Steps between held-out evaluations (and checkpoints). */
  evalEvery: number
  /** Evaluations without improvement before an early stop: never fewer than the minimum steps take. */
  patience: number
}

interface ScheduleOptions {
  epochs: number
  minutes: number | null
  patience: number
  maxSteps: number | null
}

/**
 * The schedule of a job with `trainCount` training photos and `perEpoch` steps per epoch. A step cap
 * (tests, benchmarks) keeps the options as they are; a time budget keeps its epochs (the budget ends
 * training) but still cannot stop early before the minimum steps.
 */
export function trainingSchedule(options: ScheduleOptions, trainCount: number, perEpoch: number): TrainingSchedule {
  const minSteps = minimumFinetuneSteps(trainCount)
  if (options.maxSteps !== null) return { minSteps, epochs: options.epochs, evalEvery: perEpoch, patience: options.patience }
  const epochs = options.minutes === null ? Math.max(options.epochs, Math.ceil(minSteps / perEpoch)) : options.epochs
  const evalEvery = Math.max(perEpoch, Math.ceil(minSteps / FINETUNE_EVALS_IN_MIN_STEPS))
  const patience = options.patience === 0 ? 0 : Math.max(options.patience, Math.ceil(minSteps / evalEvery))
  return { minSteps, epochs, evalEvery, patience }
}
