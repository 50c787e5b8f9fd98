import type { FinetuneEvent } from './finetuneEvents'
import type { JobRecord } from './jobStore'
import { withLossPoint } from './lossHistory'
import type { StepEvent, TrainerEvent } from './trainerEvents'

/** The training clock at an event, which the reducer does not read itself (so it stays pure). */
export interface TrainingClock {
  /** Training seconds of the job at the event, earlier trainer sessions included. */
  seconds: number
  /** Training seconds of the earlier sessions (before this trainer started). */
  priorSeconds: number
}

export interface AppliedTrainerEvent {
  /** The job with the event applied (a new object when anything changed; the input is never modified). */
  record: JobRecord
  /** What to tell the service's listeners. */
  events: FinetuneEvent[]
  /** 'now': save job.json now; 'throttled': a step, worth saving every few seconds; 'no': nothing worth saving. */
  save: 'now' | 'throttled' | 'no'
}

type Training = NonNullable<JobRecord['training']>

/** Weight of the newest images-per-second figure in the smoothed rate. */
const RATE_SMOOTHING = 0.3

/**
 * One trainer event (trainer/events.py's JSON lines) applied to a fine-tuning job: where training
 * stands, its ETA, the loss history, held-out evaluations and previews, and the events to stream.
 */
export function applyTrainerEvent(record: JobRecord, event: TrainerEvent, clock: TrainingClock): AppliedTrainerEvent {
  const training = record.training
  const unchanged: AppliedTrainerEvent = { record, events: [], save: 'no' }
  switch (event.event) {
    case 'start':
      return {
        record: {
          ...record,
          training: {
            stepsPerEpoch: event.stepsPerEpoch, totalSteps: event.totalSteps, epochs: Math.ceil(event.totalSteps / event.stepsPerEpoch),
            step: event.step, epoch: training?.epoch ?? 0, loss: training?.loss ?? null, imagesPerSec: training?.imagesPerSec ?? null,
            etaSeconds: null, seconds: clock.priorSeconds, finished: false, stopReason: null, bestCheckpoint: null
          }
        },
        events: [],
        save: 'now'
      }
    case 'step':
      return training ? applyStep(record, training, event, clock.seconds) : unchanged
    case 'eval': {
      const entry = { step: event.step, epoch: event.epoch, valLoss: event.valLoss, baselineLoss: event.baselineLoss, improved: event.improved }
      return {
        record: { ...record, evals: [...record.evals.filter((e) => e.step !== event.step), entry] },
        events: [{ type: 'eval', jobId: record.id, ...entry }],
        save: 'now'
      }
    }
    case 'preview': {
      const preview = { step: event.step, epoch: event.epoch, path: event.path }
      return {
        record: { ...record, previews: [...record.previews.filter((p) => p.step !== event.step), preview] },
        events: [{ type: 'preview', jobId: record.id, ...preview }],
        save: 'now'
      }
    }
    case 'epoch':
      return training ? { record: { ...record, training: { ...training, epoch: event.epoch + 1 } }, events: [], save: 'no' } : unchanged
    case 'warning':
      return { record, events: [{ type: 'warning', jobId: record.id, message: event.message }], save: 'no' }
    case 'done':
      if (!training) return unchanged
      return {
        record: {
          ...record,
          training: {
            ...training, step: event.step, seconds: clock.seconds, etaSeconds: 0, stopReason: event.reason, bestCheckpoint: event.bestCheckpoint,
            finished: event.reason !== 'stopped'
          }
        },
        events: [],
        save: 'no'
      }
    default:
      return unchanged
  }
}

/** A logged step: smoothed throughput, the ETA (by steps left, capped by the time budget left), progress. */
function applyStep(record: JobRecord, training: Training, event: StepEvent, seconds: number): AppliedTrainerEvent {
  const { options } = record
  const rate = training.imagesPerSec === null ? event.imagesPerSec : (1 - RATE_SMOOTHING) * training.imagesPerSec + RATE_SMOOTHING * event.imagesPerSec
  const budgetSeconds = options.minutes ? options.minutes * 60 : null
  const budgetLeft = budgetSeconds === null ? Infinity : budgetSeconds - seconds
  const imagesPerStep = Math.min(options.batchSize, record.data?.train ?? options.batchSize)
  const stepsEta = ((event.totalSteps - event.step) * imagesPerStep) / Math.max(rate, 1e-9)
  const next: Training = {
    ...training, step: event.step, epoch: event.epoch, loss: event.loss, imagesPerSec: rate, seconds,
    etaSeconds: Math.max(0, Math.min(stepsEta, budgetLeft))
  }
  const fraction = Math.min(1, Math.max(event.step / event.totalSteps, budgetSeconds === null ? 0 : seconds / budgetSeconds))
  const losses = event.loss !== null && Number.isFinite(event.loss) ? withLossPoint(record.losses, { step: event.step, loss: event.loss }) : record.losses
  return {
    record: { ...record, training: next, losses },
    events: [{
      type: 'progress', jobId: record.id, epoch: event.epoch, epochs: next.epochs, step: event.step, totalSteps: event.totalSteps,
      loss: event.loss, imagesPerSec: rate, etaSeconds: next.etaSeconds, fraction, seconds, budgetSeconds
    }],
    save: 'throttled'
  }
}
