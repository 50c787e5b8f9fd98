import type { CatalogStore } from '../catalog/catalogStore'
import type { JobCounts, JobStatus } from '../catalog/types'

/** How far a job's run has got (the queue's jobProgress event). */
export interface JobProgress {
  jobId: number
  status: JobStatus
  /** Items finished in any way (done, failed, skipped, cancelled). */
  finished: number
  total: number
  /** Overall progress 0..1, counting the share of the photos in progress. */
  fraction: number
  /** Seconds left (null until a photo has been timed). */
  etaSeconds: number | null
  /** The photo this report is about, and its own share done. */
  current: { photoId: number; fraction: number } | null
  counts: JobCounts
}

/** Pixels assumed for a photo whose size the scan could not read. */
const UNKNOWN_PIXELS = 1_000_000

/**
 * Progress and ETA of one run of a job. Colorizing time grows with the photo's pixel count, so the
 * estimate is a rate (ms per pixel) learned from the photos done in this run, applied to the pixels
 * left; each photo in progress gets a share of its expected time (capped at 95 % until it is done).
 * With `lanes` photos in flight at once, the time left is shared between them, and the fraction never
 * goes back (a new rate could shrink the share of a photo in progress).
 */
export class ProgressEstimator {
  private readonly remaining = new Map<number, number>()
  private measuredMs = 0
  private measuredPixels = 0
  /** Photos in progress and when they started. */
  private readonly current = new Map<number, number>()
  private reported = 0

  constructor(
    private readonly store: CatalogStore,
    private readonly jobId: number,
    private readonly clock: () => number = () => performance.now(),
    private readonly lanes = 1
  ) {
    for (const item of store.jobItems(jobId)) {
      if (item.status !== 'queued' && item.status !== 'running') continue
      const photo = store.getPhoto(item.photoId)
      this.remaining.set(item.photoId, photo?.width && photo.height ? photo.width * photo.height : UNKNOWN_PIXELS)
    }
  }

  start(photoId: number): void {
    this.current.set(photoId, this.clock())
  }

  /** A photo in progress went back to the queue: it is still to do. */
  abandon(photoId: number): void {
    this.current.delete(photoId)
  }

  /** A photo finished; `millis` is its colorizing time when it was done (failures do not teach the rate). */
  record(photoId: number, millis: number | null): void {
    const pixels = this.remaining.get(photoId) ?? UNKNOWN_PIXELS
    if (millis !== null) {
      this.measuredMs += millis
      this.measuredPixels += pixels
    }
    this.remaining.delete(photoId)
    this.current.delete(photoId)
  }

  /** Share of its expected time that a photo in progress has had (0 while there is no rate yet), and that time. */
  private inProgress(photoId: number, startedAt: number, rate: number | null): { fraction: number; elapsed: number } {
    const elapsed = this.clock() - startedAt
    const expected = rate === null ? null : rate * (this.remaining.get(photoId) ?? UNKNOWN_PIXELS)
    return { fraction: expected ? Math.min(0.95, elapsed / expected) : 0, elapsed }
  }

  progress(status: JobStatus, currentPhotoId: number | null): JobProgress {
    const counts = this.store.jobCounts(this.jobId)
    const finished = counts.done + counts.failed + counts.skipped + counts.cancelled
    const rate = this.measuredPixels > 0 ? this.measuredMs / this.measuredPixels : null
    let currentFraction = 0
    let inFlightFraction = 0
    let elapsed = 0
    for (const [photoId, startedAt] of this.current) {
      const share = this.inProgress(photoId, startedAt, rate)
      if (photoId === currentPhotoId) currentFraction = share.fraction
      inFlightFraction += share.fraction
      elapsed += share.elapsed
    }
    let pixelsLeft = 0
    for (const pixels of this.remaining.values()) pixelsLeft += pixels
    const etaSeconds = rate === null ? (this.remaining.size === 0 ? 0 : null) : Math.max(0, rate * pixelsLeft - elapsed) / 1000 / this.lanes
    this.reported = counts.total === 0 ? 1 : Math.max(this.reported, Math.min(1, (finished + inFlightFraction) / counts.total))
    const fraction = this.reported
    return {
      jobId: this.jobId,
      status,
      finished,
      total: counts.total,
      fraction,
      etaSeconds,
      current: currentPhotoId === null ? null : { photoId: currentPhotoId, fraction: currentFraction },
      counts
    }
  }
}
