import { defineStore } from 'pinia'
import { computed, reactive, ref } from 'vue'
import { plainModelName } from '../../../shared/api/modelNames'
import { API_METHODS } from '../../../shared/api/contract'
import { describeInvalidCall } from '../../../shared/api/plainWords'
import { DEFAULT_MODEL_ID, WORKING_SIZE_DEFAULT, WORKING_SIZE_MAX, INTENSITY_DEFAULT, type DoubtfulPhotoDto, type JobDto, type JobItemDto, type JobProgressDto, type ModelDto } from '../../../shared/api/schemas'
import { apiClient } from './app'
import { useLibraryStore } from './library'
import { jobSummary, reviewFilter } from './jobSummary'

export interface ColorizeChoices {
  modelId: string
  workingSize: number
  intensity: number
  recolor: boolean
}

/** A photo a job could not colorize, named by its file, with the reason. */
export interface JobFailure {
  photoId: number
  name: string
  reason: string
}

/** A colorize request waiting for the user's answer: some of its photos may already be in colour. */
export interface DoubtQuestion {
  params: { projectId: number; photoIds?: number[] } & ColorizeChoices
  photos: DoubtfulPhotoDto[]
}

/** The notice shown when a job ends: what was done, and where to review it. */
export interface JobNotice {
  jobId: number
  projectId: number | null
  text: string
  filter: 'done' | 'failed'
}

/** The colorize queue: jobs, their live progress, and the models to choose from. */
export const useJobsStore = defineStore('jobs', () => {
  const api = apiClient()
  const jobs = ref<JobDto[]>([])
  const progress = reactive(new Map<number, JobProgressDto>())
  const failures = reactive(new Map<number, JobFailure[]>())
  const models = ref<ModelDto[]>([])
  const choices = reactive<ColorizeChoices>({ modelId: DEFAULT_MODEL_ID, workingSize: WORKING_SIZE_DEFAULT, intensity: INTENSITY_DEFAULT, recolor: false })
  const error = ref<string | null>(null)
  const notice = ref<JobNotice | null>(null)
  const doubt = ref<DoubtQuestion | null>(null)
  /** The largest working size the chosen model runs at (some heads cap it; the pipeline clamps to it). */
  const workingSizeLimit = computed(() => {
    const card = models.value.find((m) => m.id === choices.modelId)?.card
    return Math.min(WORKING_SIZE_MAX, card?.colorizer.maxWorkingSize ?? WORKING_SIZE_MAX)
  })
  /** The photos being colorized right now (one per running job). */
  const runningPhotoIds = computed(() => new Set([...progress.values()].filter((p) => p.status === 'running' && p.current).map((p) => p.current!.photoId)))

  async function load(): Promise<void> {
    models.value = await api.listModels()
    jobs.value = await api.listJobs({})
    await Promise.all(jobs.value.slice(0, 5).filter((j) => j.counts.failed > 0).map((j) => loadFailures(j.id)))
  }

  /** A model's name for people (its id when it is not installed). */
  function modelName(id: string): string {
    const model = models.value.find((m) => m.id === id)
    return model ? plainModelName(model) : id
  }

  /** Reloads the installed models (e.g. after a fine-tune installed a new one). */
  async function refreshModels(): Promise<void> {
    models.value = await api.listModels()
  }

  /**
   * Queues a job with the current choices, checked first with the contract's own bounds. When some of
   * the photos may already be in colour, nothing is queued yet: `doubt` asks the user (answerDoubt).
   */
  async function colorize(projectId: number, photoIds?: number[]): Promise<void> {
    error.value = null
    const params = { projectId, photoIds, ...choices }
    const check = API_METHODS.createColorizeJob.params.safeParse(params)
    if (!check.success) {
      error.value = describeInvalidCall('createColorizeJob', check.error.issues)
      return
    }
    try {
      const photos = params.recolor ? [] : await api.listDoubtfulPhotos({ projectId, photoIds })
      if (photos.length > 0) doubt.value = { params, photos }
      else upsert(await api.createColorizeJob(params))
    } catch (e) {
      error.value = (e as Error).message
    }
  }

  /** The user's answer about the photos in doubt: recolour them anyway, skip them, or (null) queue nothing. */
  async function answerDoubt(answer: 'recolor' | 'skip' | null): Promise<void> {
    const question = doubt.value
    doubt.value = null
    if (!question || answer === null) return
    const ids = question.params.photoIds
    if (answer === 'skip' && ids && question.photos.length >= new Set(ids).size) return // every photo skipped: nothing to queue
    try {
      upsert(await api.createColorizeJob({ ...question.params, doubtful: answer }))
    } catch (e) {
      error.value = (e as Error).message
    }
  }

  const act = (action: 'pauseJob' | 'resumeJob' | 'cancelJob') => async (jobId: number) => {
    try {
      upsert(await api[action]({ jobId }))
    } catch (e) {
      error.value = (e as Error).message
    }
  }

  async function loadFailures(jobId: number): Promise<void> {
    const { items } = await api.getJob({ jobId })
    failures.set(jobId, items.filter((i) => i.status === 'failed').map(toFailure))
  }

  const toFailure = (item: JobItemDto): JobFailure => ({ photoId: item.photoId, name: item.photoName ?? `a photo no longer in the library`, reason: item.error ?? 'unknown reason' })

  function upsert(job: JobDto): void {
    const index = jobs.value.findIndex((j) => j.id === job.id)
    if (index >= 0) jobs.value.splice(index, 1, job)
    else jobs.value.unshift(job)
  }

  /** Live counts: each photo finished updates its job's figures, not only the job's start and end. */
  function onProgress(p: JobProgressDto): void {
    progress.set(p.jobId, p)
    const job = jobs.value.find((j) => j.id === p.jobId)
    if (job) upsert({ ...job, counts: p.counts })
  }

  function onItemFinished(item: JobItemDto): void {
    if (item.status === 'failed') failures.set(item.jobId, [...(failures.get(item.jobId) ?? []), toFailure(item)])
    void useLibraryStore().refreshPhoto(item.photoId)
  }

  function onFinished(job: JobDto): void {
    upsert(job)
    notice.value = { jobId: job.id, projectId: job.projectId, text: jobSummary(job), filter: reviewFilter(job) }
    void useLibraryStore().refreshLoaded()
  }

  /** Shows a finished job's results in the library (its project, the filter that shows them). */
  async function review(): Promise<void> {
    const shown = notice.value
    notice.value = null
    if (!shown) return
    const library = useLibraryStore()
    if (shown.projectId !== null && shown.projectId !== library.projectId) await library.selectProject(shown.projectId)
    library.setFilter(shown.filter)
  }

  api.onEvent('jobUpdated', (job) => {
    upsert(job)
    void useLibraryStore().refreshLoaded() // queued / paused photos show it
  })
  api.onEvent('jobFinished', onFinished)
  api.onEvent('jobProgress', onProgress)
  api.onEvent('jobItemFinished', onItemFinished)
  api.onEvent('versionCreated', (version) => useLibraryStore().touchImages(version.photoId))

  return {
    jobs, progress, failures, models, choices, workingSizeLimit, runningPhotoIds, error, notice, doubt,
    load, refreshModels, modelName, colorize, answerDoubt, review, dismissNotice: () => (notice.value = null),
    pause: act('pauseJob'), resume: act('resumeJob'), cancel: act('cancelJob')
  }
})
