import type { JobProgressDto } from '../../shared/api/schemas'
import type { CatalogStore } from '../catalog/catalogStore'
import type { JobStatus } from '../catalog/types'

/** Pixels assumed for a photo whose size the scan could not read. */
const UNKNOWN_PIXELS = 1_000_000

/**
 * Progress and ETA of one run of a job. Colorizing time grows with the photo's pixel count, so the
 * estimate is a rate (ms per pixel) learned from the photos done in this run, applied to the pixels
 * left; the photo in progress gets a share of its expected time (capped at 95 % until it is done).
 */
export class ProgressEstimator {
  private readonly remaining = new Map<number, number>()
  private measuredMs = 0
  private measuredPixels = 0
  private current: { photoId: number; startedAt: number } | undefined

  constructor(
    private readonly store: CatalogStore,
    private readonly jobId: number,
    private readonly clock: () => number = () => performance.now()
  ) {
    for (const item of store.jobItems(jobId)) {
      if (item.status !== 'queued' && item.status !== 'running') continue
      const photo = store.getPhoto(item.photoId)
      this.remaining.set(item.photoId, photo?.width && photo.height ? photo.width * photo.height : UNKNOWN_PIXELS)
    }
  }

  start(photoId: number): void {
    this.current = { photoId, startedAt: this.clock() }
  }

  /** A photo finished; `millis` is its colorizing time when it was done (failures do not teach the rate). */
  record(photoId: number, millis: number | null): void {
    const pixels = this.remaining.get(photoId) ?? UNKNOWN_PIXELS
    if (millis !== null) {
      this.measuredMs += millis
      this.measuredPixels += pixels
    }
    this.remaining.delete(photoId)
    if (this.current?.photoId === photoId) this.current = undefined
  }

  progress(status: JobStatus, currentPhotoId: number | null): JobProgressDto {
    const counts = this.store.jobCounts(this.jobId)
    const finished = counts.done + counts.failed + counts.skipped + counts.cancelled
    const rate = this.measuredPixels > 0 ? this.measuredMs / this.measuredPixels : null
    let currentFraction = 0
    let elapsed = 0
    if (currentPhotoId !== null && this.current?.photoId === currentPhotoId) {
      elapsed = this.clock() - this.current.startedAt
      const expected = rate === null ? null : rate * (this.remaining.get(currentPhotoId) ?? UNKNOWN_PIXELS)
      currentFraction = expected ? Math.min(0.95, elapsed / expected) : 0
    }
    let pixelsLeft = 0
    for (const pixels of this.remaining.values()) pixelsLeft += pixels
    const etaSeconds = rate === null ? (this.remaining.size === 0 ? 0 : null) : Math.max(0, rate * pixelsLeft - elapsed) / 1000
    const fraction = counts.total === 0 ? 1 : Math.min(1, (finished + currentFraction) / counts.total)
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
