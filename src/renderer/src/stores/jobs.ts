import { defineStore } from 'pinia'
import { computed, reactive, ref } from 'vue'
import { DETAIL_MAX, type JobDto, type JobProgressDto, type ModelDto } from '../../../shared/api/schemas'
import { apiClient } from './app'
import { useLibraryStore } from './library'

export interface ColorizeChoices {
  modelId: string
  detail: number
  intensity: number
  recolor: boolean
}

/** The colorize queue: jobs, their live progress, and the models to choose from. */
export const useJobsStore = defineStore('jobs', () => {
  const api = apiClient()
  const jobs = ref<JobDto[]>([])
  const progress = reactive(new Map<number, JobProgressDto>())
  const models = ref<ModelDto[]>([])
  const choices = reactive<ColorizeChoices>({ modelId: 'default', detail: 256, intensity: 1, recolor: false })
  const error = ref<string | null>(null)
  /** The largest detail the chosen model runs at (some heads cap it; the pipeline clamps to it). */
  const detailLimit = computed(() => {
    const card = models.value.find((m) => m.id === choices.modelId)?.card
    return Math.min(DETAIL_MAX, card?.colorizer.maxWorkingSize ?? DETAIL_MAX)
  })

  async function load(): Promise<void> {
    models.value = await api.listModels()
    jobs.value = await api.listJobs({})
  }

  /** Reloads the installed models (e.g. after a fine-tune installed a new one). */
  async function refreshModels(): Promise<void> {
    models.value = await api.listModels()
  }

  async function colorize(projectId: number, photoIds?: number[]): Promise<void> {
    error.value = null
    try {
      const job = await api.createColorizeJob({ projectId, photoIds, ...choices })
      upsert(job)
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

  function upsert(job: JobDto): void {
    const index = jobs.value.findIndex((j) => j.id === job.id)
    if (index >= 0) jobs.value.splice(index, 1, job)
    else jobs.value.unshift(job)
  }

  api.onEvent('jobUpdated', upsert)
  api.onEvent('jobFinished', (job) => {
    upsert(job)
    void useLibraryStore().reload()
  })
  api.onEvent('jobProgress', (p) => progress.set(p.jobId, p))
  api.onEvent('versionCreated', (version) => useLibraryStore().touchImages(version.photoId))

  return { jobs, progress, models, choices, detailLimit, error, load, refreshModels, colorize, pause: act('pauseJob'), resume: act('resumeJob'), cancel: act('cancelJob') }
})
