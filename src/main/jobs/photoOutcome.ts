import { rm } from 'node:fs/promises'
import type { CatalogStore } from '../catalog/catalogStore'
import type { JobItemStatus, Photo, Result } from '../catalog/types'
import type { ColorizeOutcome } from './colorizeWorkerClient'
import type { ProgressEstimator } from './progressEstimator'

export const CRASH_REASON = 'the colorizer crashed on this photo'

/** One photo of a job sent to the worker: its pending version, and where it was read from and written to. */
export interface PhotoInFlight {
  jobId: number
  photo: Photo
  /** The version being made (status 'pending'). */
  version: Result
  input: string
  output: string
}

/** How a job item ends: its state, and the reason and version where there are. */
export interface ItemUpdate {
  status: JobItemStatus
  error?: string | null
  resultId?: number | null
}

/**
 * What became of the photo: 'finished' (its item is recorded or to be recorded with `update`; `created`:
 * the new version when it is done), or 'requeued' (the photo is to be done again: it crashed beside
 * another photo, or the app is closing).
 */
export type Settled = { kind: 'finished'; update: ItemUpdate | null; created?: Result } | { kind: 'requeued' }

/**
 * Records what the worker made of one photo: a version done goes in with its job item in one
 * transaction; a failure keeps a failed version with its reason (no file); a photo skipped, stopped or
 * crashed beside others leaves no version. Any version file not done is removed.
 * `closing` is asked last: whether the app is closing (a photo stopped for it is done again later).
 */
export async function settleOutcome(
  store: CatalogStore,
  estimator: ProgressEstimator,
  run: PhotoInFlight,
  outcome: ColorizeOutcome,
  closing: () => boolean
): Promise<Settled> {
  const { jobId, photo, version, input, output } = run
  switch (outcome.kind) {
    case 'done': {
      // The version and its job item are done together, or neither is (a crash between them would
      // leave a finished version its job redoes: a duplicate).
      store.transaction(() => {
        store.updateResult(version.id, { status: 'done' })
        store.updateJobItem(jobId, photo.id, { status: 'done', resultId: version.id, millis: outcome.millis })
      })
      estimator.record(photo.id, outcome.millis)
      return { kind: 'finished', update: null, created: store.getResult(version.id)! }
    }
    case 'crashed':
      if (outcome.inFlight > 1) {
        // Maybe another photo's doing: this one is queued again.
        await rm(output, { force: true })
        store.deleteResult(version.id)
        estimator.abandon(photo.id)
        store.updateJobItem(jobId, photo.id, { status: 'queued' })
        return { kind: 'requeued' }
      }
    // falls through: the crash was this photo's alone
    case 'failed': {
      // Reasons reach the UI: no file-system paths in them (the photo is named by its path in the project).
      const reason = outcome.kind === 'crashed' ? CRASH_REASON : outcome.reason.split(input).join(photo.relativePath).split(output).join('the version file')
      await rm(output, { force: true })
      store.updateResult(version.id, { status: 'failed', error: reason, outputPath: null })
      estimator.record(photo.id, null)
      return { kind: 'finished', update: { status: 'failed', error: reason, resultId: version.id } }
    }
    case 'skipped': {
      await rm(output, { force: true })
      store.deleteResult(version.id)
      estimator.record(photo.id, null)
      return { kind: 'finished', update: { status: 'skipped', error: outcome.reason } }
    }
    case 'stopped': {
      // Cancelled, or the app is closing: the half-made version goes; on close the photo is redone later.
      await rm(output, { force: true })
      store.deleteResult(version.id)
      estimator.record(photo.id, null)
      if (closing() && store.getJob(jobId)?.status === 'running') {
        store.updateJobItem(jobId, photo.id, { status: 'queued' })
        return { kind: 'requeued' }
      }
      return { kind: 'finished', update: { status: 'cancelled' } }
    }
  }
}
