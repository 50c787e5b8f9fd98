import { InvalidError } from '../domainErrors'
import type { FinetuneEvent } from './finetuneEvents'
import type { JobRecord, JobState } from './jobStore'
import type { TrainerProcess } from './trainerProcess'

/** A fine-tuning request or job that cannot go on as asked (the message says why and what to do). */
export class FinetuneError extends InvalidError {}

/** Thrown by PhaseContext.checkpoint when a pause or cancel was asked (the service then records which). */
export class Interrupted extends Error {}

/**
 * What a phase of a fine-tuning job (prepare, train, export, score, install) gets from the service: the
 * job's record, which the phase updates in place, and the service's means to save it, stream events, and
 * be interrupted.
 */
export interface PhaseContext {
  readonly record: JobRecord
  /** `<home>/finetune/<job id>`. */
  readonly jobDir: string
  /** Aborted on pause or cancel. */
  readonly signal: AbortSignal
  /** Grace period for a trainer to checkpoint after pause/cancel before it is killed. */
  readonly killGraceMs: number | undefined
  emit(event: FinetuneEvent): void
  /** Writes job.json (in order with the other writes). */
  save(): Promise<void>
  setState(state: JobState, message?: string | null): Promise<void>
  /** The trainer process now running, stopped on pause or cancel (null: none). */
  setTrainer(trainer: TrainerProcess | null): void
  /** Throws Interrupted when a pause or cancel was asked. */
  checkpoint(): void
}
