import { ColorizeJobOptionsSchema, type JobDto, type JobItemDto, type JobProgressDto, type ModelDto, type PhotoDto, type ProjectDto, type VersionDto } from '../../shared/api/schemas'
import { NO_WORK, type PhotoWork } from '../catalog/photoWork'
import type { CatalogStore } from '../catalog/catalogStore'
import type { CatalogModel, Job, JobCounts, JobItem, Photo, Project, Result } from '../catalog/types'
import type { JobProgress } from '../jobs/progressEstimator'

/** Catalog records → API records: file-system paths other than the project root stay in main. */

export const projectDto = (p: Project): ProjectDto => ({ id: p.id, name: p.name, root: p.root, createdAt: p.createdAt, scannedAt: p.scannedAt })

export const photoDto = (p: Photo, work: PhotoWork): PhotoDto => ({
  id: p.id,
  projectId: p.projectId,
  relativePath: p.relativePath,
  size: p.size,
  mtimeMs: p.mtimeMs,
  contentHash: p.contentHash,
  width: p.width,
  height: p.height,
  format: p.format,
  depth: p.depth,
  capturedAt: p.capturedAt,
  colourClass: p.colourClass,
  colourDoubtful: p.colourDoubtful === true,
  meanChroma: p.meanChroma,
  status: p.status,
  scanError: p.scanError,
  hasThumbnail: p.thumbnailPath !== null,
  work
})

/** Photos with what colorizing did to each (one catalog query for them all). */
export function photoDtos(store: CatalogStore, photos: Photo[]): PhotoDto[] {
  const work = store.photoWork(photos.map((p) => p.id))
  return photos.map((p) => photoDto(p, work.get(p.id) ?? NO_WORK))
}

export const versionDto = (r: Result): VersionDto => ({
  id: r.id,
  photoId: r.photoId,
  modelId: r.modelId,
  options: r.options,
  createdAt: r.createdAt,
  preferred: r.preferred,
  status: r.status,
  error: r.error,
  hasOutput: r.outputPath !== null
})

export const modelDto = (m: CatalogModel): ModelDto => ({ id: m.id, name: m.name, origin: m.origin, card: m.card })

export const jobDto = (j: Job, counts: JobCounts): JobDto => ({
  id: j.id,
  projectId: j.projectId,
  kind: 'colorize',
  status: j.status,
  options: ColorizeJobOptionsSchema.parse(j.options),
  createdAt: j.createdAt,
  updatedAt: j.updatedAt,
  error: j.error,
  counts
})

export const jobItemDto = (i: JobItem, photoName: string | null): JobItemDto => ({
  jobId: i.jobId,
  photoId: i.photoId,
  photoName,
  status: i.status,
  error: i.error,
  versionId: i.resultId,
  millis: i.millis
})

export const jobProgressDto = (p: JobProgress): JobProgressDto => ({
  jobId: p.jobId,
  status: p.status,
  finished: p.finished,
  total: p.total,
  fraction: p.fraction,
  etaSeconds: p.etaSeconds,
  current: p.current && { photoId: p.current.photoId, fraction: p.current.fraction },
  counts: { ...p.counts }
})
