import { defineStore } from 'pinia'
import { reactive, ref } from 'vue'
import type {
  CollectionInspectionDto,
  FinetuneEnvironmentDto,
  FinetuneJobDto,
  FinetuneOptionsInput,
  FinetuneProgressDto
} from '../../../shared/api/finetuneMethods'
import { apiClient } from './app'
import { useJobsStore } from './jobs'

export interface LossPoint {
  step: number
  loss: number
}

/** Fine-tuning: the jobs, their live progress and loss history, the folder check and the Python check. */
export const useFinetuneStore = defineStore('finetune', () => {
  const api = apiClient()
  const jobs = ref<FinetuneJobDto[]>([])
  const progress = reactive(new Map<string, FinetuneProgressDto>())
  /** Training loss by step, as streamed (this session only; held-out losses are in the job's evals). */
  const losses = reactive(new Map<string, LossPoint[]>())
  /** Latest preview step of each job. */
  const previews = reactive(new Map<string, number>())
  const warnings = reactive(new Map<string, string>())
  const environment = ref<FinetuneEnvironmentDto | null>(null)
  const inspection = ref<CollectionInspectionDto | null>(null)
  const checking = ref(false)
  const error = ref<string | null>(null)
  let loaded = false

  async function load(): Promise<void> {
    try {
      jobs.value = await api.listFinetuneJobs()
      for (const job of jobs.value) {
        const last = job.previews.at(-1)
        if (last && !previews.has(job.id)) previews.set(job.id, last.step)
      }
      loaded = true
    } catch (e) {
      error.value = (e as Error).message
    }
  }

  /** Inspects the folder and checks the Python environment (both shown by the view). */
  async function check(folder: string): Promise<void> {
    checking.value = true
    error.value = null
    inspection.value = null
    try {
      const [folderCheck, pythonCheck] = await Promise.allSettled([api.inspectCollection({ folder }), api.checkFinetuneEnvironment()])
      if (folderCheck.status === 'fulfilled') inspection.value = folderCheck.value
      else error.value = (folderCheck.reason as Error).message
      if (pythonCheck.status === 'fulfilled') environment.value = pythonCheck.value
      else error.value = (pythonCheck.reason as Error).message
    } finally {
      checking.value = false
    }
  }

  async function start(folder: string, name: string, options: FinetuneOptionsInput): Promise<FinetuneJobDto | null> {
    error.value = null
    try {
      const job = await api.startFinetune({ folder, name, options })
      upsert(job)
      return job
    } catch (e) {
      error.value = (e as Error).message
      return null
    }
  }

  const act = (action: 'pauseFinetune' | 'resumeFinetune' | 'cancelFinetune') => async (jobId: string) => {
    error.value = null
    try {
      upsert(await api[action]({ jobId }))
    } catch (e) {
      error.value = (e as Error).message
    }
  }

  function upsert(job: FinetuneJobDto): void {
    const index = jobs.value.findIndex((j) => j.id === job.id)
    if (index >= 0) jobs.value.splice(index, 1, job)
    else jobs.value.unshift(job)
  }

  api.onEvent('finetuneUpdated', (job) => {
    upsert(job)
    if (job.state === 'training' || job.state === 'queued') warnings.delete(job.id)
  })
  api.onEvent('finetuneProgress', (p) => {
    progress.set(p.jobId, p)
    if (p.phase === 'training' && p.step !== null && p.loss !== null) {
      const points = losses.get(p.jobId) ?? []
      if (!points.some((point) => point.step === p.step)) losses.set(p.jobId, [...points, { step: p.step, loss: p.loss }])
    }
  })
  api.onEvent('finetuneEval', (e) => {
    const job = jobs.value.find((j) => j.id === e.jobId)
    if (job && !job.evals.some((x) => x.step === e.step)) {
      const { jobId: _jobId, ...point } = e
      upsert({ ...job, evals: [...job.evals, point] })
    }
  })
  api.onEvent('finetunePreview', (p) => previews.set(p.jobId, p.step))
  api.onEvent('finetuneWarning', (w) => warnings.set(w.jobId, w.message))
  api.onEvent('finetuneFinished', (f) => {
    upsert(f.job)
    progress.delete(f.jobId)
    warnings.delete(f.jobId) // the card's one final state says how it ended
    // The new model joins the model list of the library's colorize options.
    if (f.state === 'done') void useJobsStore().refreshModels()
  })
  api.onConnection((status) => {
    if (status === 'open' && loaded) void load() // catch up after a reconnect
  })

  return {
    jobs, progress, losses, previews, warnings, environment, inspection, checking, error,
    load, check, start, pause: act('pauseFinetune'), resume: act('resumeFinetune'), cancel: act('cancelFinetune')
  }
})
