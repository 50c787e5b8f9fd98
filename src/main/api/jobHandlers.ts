import type { ApiHandlers } from '../../shared/api/contract'
import { ApiError } from '../../shared/api/errors'
import { applyDoubtChoice, doubtfulPhotos } from './colourDoubt'
import { jobDto, jobItemDto } from './dto'
import type { StudioContext } from './studioContext'

type JobMethods = 'createColorizeJob' | 'listDoubtfulPhotos' | 'listJobs' | 'getJob' | 'pauseJob' | 'resumeJob' | 'cancelJob'

/** The colorize queue's methods (its JobNotFoundError and JobStateError reach the caller as not_found and bad_request). */
export function jobHandlers(ctx: StudioContext): Pick<ApiHandlers, JobMethods> {
  const { store, queue } = ctx
  const dto = (jobId: number) => jobDto(store.getJob(jobId)!, store.jobCounts(jobId))
  /** The photos a request names (checked to be the project's), or every readable photo of the project. */
  const requested = (projectId: number, photoIds: number[] | undefined): number[] => {
    ctx.requireProject(projectId)
    if (photoIds) {
      const foreign = photoIds.filter((id) => store.getPhoto(id)?.projectId !== projectId)
      if (foreign.length > 0) throw new ApiError('bad_request', `photos ${foreign.slice(0, 10).join(', ')} are not in project ${projectId}`)
      return [...new Set(photoIds)]
    }
    const ids = store.readablePhotoIds(projectId)
    if (ids.length === 0) throw new ApiError('bad_request', 'this project has no photos to colorize')
    return ids
  }
  return {
    listDoubtfulPhotos: async ({ projectId, photoIds }) => doubtfulPhotos(store, requested(projectId, photoIds)),
    createColorizeJob: async ({ projectId, photoIds, modelId, workingSize, intensity, recolor, doubtful }) => {
      const { ids, recolorPhotoIds } = applyDoubtChoice(store, requested(projectId, photoIds), doubtful, recolor)
      const models = await ctx.models.list()
      if (!models.some((m) => m.card.id === modelId)) {
        throw new ApiError('bad_request', `model '${modelId}' is not installed (installed: ${models.map((m) => m.card.id).join(', ') || 'none'})`)
      }
      const job = queue.create(projectId, ids, { modelId, workingSize, intensity, recolor, recolorPhotoIds })
      return dto(job.id)
    },
    listJobs: async ({ projectId }) => store.listJobs('colorize', projectId).map((job) => jobDto(job, store.jobCounts(job.id))),
    getJob: async ({ jobId }) => {
      const job = store.getJob(jobId)
      if (!job || job.kind !== 'colorize') throw new ApiError('not_found', `no job ${jobId}`)
      return { job: dto(jobId), items: store.jobItems(jobId).map((item) => jobItemDto(item, store.getPhoto(item.photoId)?.relativePath ?? null)) }
    },
    pauseJob: async ({ jobId }) => dto(queue.pause(jobId).id),
    resumeJob: async ({ jobId }) => dto(queue.resume(jobId).id),
    cancelJob: async ({ jobId }) => dto(queue.cancel(jobId).id)
  }
}
