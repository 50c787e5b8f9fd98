import type { CatalogStore } from '../catalog/catalogStore'
import type { JobItemStatus, Photo, Result } from '../catalog/types'
import type { ColorizeOutcome } from './colorizeWorkerClient'
import type { ProgressEstimator } from './progressEstimator'
import { removeVersionFile } from '../versions/versionDebris'

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
 * Records a photo done: its version and its job item are done together, or neither is (a crash between
 * them would leave a finished version its job redoes: a duplicate). Synchronous, so that the caller can
 * report it before another photo's outcome changes the counts. Returns the finished version.
 */
export function recordDone(store: CatalogStore, estimator: ProgressEstimator, run: PhotoInFlight, millis: number): Result {
  const { jobId, photo, version } = run
  store.transaction(() => {
    store.updateResult(version.id, { status: 'done' })
    store.updateJobItem(jobId, photo.id, { status: 'done', resultId: version.id, millis })
  })
  estimator.record(photo.id, millis)
  return store.getResult(version.id)!
}

/**
 * Records any other outcome of a photo: a failure keeps a failed version with its reason (no file); a
 * photo skipped, stopped or crashed beside others leaves no version, and its file is removed. Returns
 * how its job item ends, or null when the photo is queued again (it crashed beside another photo, or
 * the app is closing). `closing` is asked last: whether the app is closing.
 */
export async function settleUnfinished(
  store: CatalogStore,
  estimator: ProgressEstimator,
  run: PhotoInFlight,
  outcome: Exclude<ColorizeOutcome, { kind: 'done' }>,
  closing: () => boolean
): Promise<ItemUpdate | null> {
  const { jobId, photo, version, input, output } = run
  switch (outcome.kind) {
    case 'crashed':
      if (outcome.inFlight > 1) {
        // Maybe another photo's doing: this one is queued again.
        await removeVersionFile(output)
        store.deleteResult(version.id)
        estimator.abandon(photo.id)
        store.updateJobItem(jobId, photo.id, { status: 'queued' })
        return null
      }
    // falls through: the crash was this photo's alone
    case 'failed': {
      // Reasons reach the UI: no file-system paths in them (the photo is named by its path in the project).
      const reason = outcome.kind === 'crashed' ? CRASH_REASON : outcome.reason.split(input).join(photo.relativePath).split(output).join('the version file')
      await removeVersionFile(output)
      store.updateResult(version.id, { status: 'failed', error: reason, outputPath: null })
      estimator.record(photo.id, null)
      return { status: 'failed', error: reason, resultId: version.id }
    }
    case 'skipped': {
      await removeVersionFile(output)
      store.deleteResult(version.id)
      estimator.record(photo.id, null)
      return { status: 'skipped', error: outcome.reason }
    }
    case 'stopped': {
      // Cancelled, or the app is closing: the half-made version goes; on close the photo is redone later.
      await removeVersionFile(output)
      store.deleteResult(version.id)
      estimator.record(photo.id, null)
      if (closing() && store.getJob(jobId)?.status === 'running') {
        store.updateJobItem(jobId, photo.id, { status: 'queued' })
        return null
      }
      return { status: 'cancelled' }
    }
  }
}
