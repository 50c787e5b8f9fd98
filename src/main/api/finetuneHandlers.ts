import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { ApiEventName, ApiEventPayload, ApiHandlers } from '../../shared/api/contract'
import { ApiError } from '../../shared/api/errors'
import { requireFolder } from './fileErrors'
import type { FinetuneEnvironmentDto, FinetuneJobDto } from '../../shared/api/finetuneMethods'
import type { InstalledModel } from '../../shared/modelCard'
import { type FinetuneEvent, type FinetuneService, type JobRecord } from '../training/finetuneService'
import { FINAL_STATES } from '../training/jobStore'
import { HOLDOUT_FRACTION, HOLDOUT_MIN, MIN_USABLE_PHOTOS, scanCollection, tooSmallMessage } from '../training/prepareCollection'
import { findPython, REQUIRED_MODULES, type CandidateResult } from '../training/pythonEnvironment'
import { DEFAULT_MODEL_ID } from '../models/modelRegistry'

type FinetuneMethods =
  | 'checkFinetuneEnvironment' | 'inspectCollection' | 'startFinetune' | 'listFinetuneJobs' | 'getFinetuneJob'
  | 'pauseFinetune' | 'resumeFinetune' | 'cancelFinetune'

export interface FinetuneContext {
  /** The fine-tuning service; absent where the host runs none (calls then fail with bad_request). */
  service: FinetuneService | undefined
  models: { list(): Promise<InstalledModel[]> }
  /** Python for new jobs and the environment check (else KOALARIZE_PYTHON, else auto-detection). */
  python?: string
}

/** job.json → the API record: the job's internal paths (data, checkpoints, previews, model folder) stay in main. */
export function finetuneJobDto(record: JobRecord): FinetuneJobDto {
  return {
    id: record.id,
    name: record.name,
    collection: record.collection,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    state: record.state,
    message: record.message,
    options: record.options,
    base: record.base && { id: record.base.id, name: record.base.name },
    data: record.data && {
      found: record.data.found, usable: record.data.usable, train: record.data.train, heldout: record.data.heldout, skipped: record.data.skipped
    },
    training: record.training && {
      stepsPerEpoch: record.training.stepsPerEpoch,
      totalSteps: record.training.totalSteps,
      epochs: record.training.epochs,
      step: record.training.step,
      epoch: record.training.epoch,
      loss: finite(record.training.loss),
      imagesPerSec: finite(record.training.imagesPerSec),
      etaSeconds: finite(record.training.etaSeconds),
      seconds: record.training.seconds,
      finished: record.training.finished,
      stopReason: record.training.stopReason
    },
    evals: record.evals.map((e) => ({ ...e, valLoss: finite(e.valLoss), baselineLoss: finite(e.baselineLoss) })),
    losses: record.losses,
    previews: record.previews.map(({ step, epoch }) => ({ step, epoch })),
    result: record.result && {
      modelId: record.result.modelId,
      recommended: record.result.recommended,
      verdict: record.result.verdict,
      bestStep: record.result.bestStep,
      heldout: record.result.heldout
    },
    error: record.error
  }
}

const finite = (value: number | null | undefined): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null)

function candidateDto(candidate: CandidateResult): FinetuneEnvironmentDto['tried'][number] {
  const m = candidate.modules
  return {
    label: candidate.label,
    version: m?.python ?? null,
    executable: m?.executable ?? null,
    modules: Object.fromEntries(REQUIRED_MODULES.map((name) => [name, m ? m[name] : null])),
    cuda: m?.cuda ?? false,
    cudaDevice: m?.cudaDevice ?? null,
    missing: [...candidate.missing],
    error: candidate.error ?? null
  }
}

const hasWeights = (model: InstalledModel): boolean => existsSync(join(model.dir, model.card.weights?.file ?? 'weights.pt'))

/** The fine-tuning methods (see finetuneMethods.ts). */
export function finetuneHandlers(ctx: FinetuneContext): Pick<ApiHandlers, FinetuneMethods> {
  const service = (): FinetuneService => {
    if (!ctx.service) throw new ApiError('bad_request', 'fine-tuning is not available in this host')
    return ctx.service
  }
  const dto = async (work: (s: FinetuneService) => Promise<JobRecord>): Promise<FinetuneJobDto> =>
    finetuneJobDto(await work(service()))
  return {
    checkFinetuneEnvironment: async () => {
      const report = await findPython({ python: ctx.python, refresh: true })
      return {
        ok: report.ok,
        source: report.source,
        chosen: report.chosen && candidateDto(report.chosen),
        tried: report.tried.map(candidateDto),
        message: report.message
      }
    },
    inspectCollection: async ({ folder }) => {
      const root = await requireFolder(folder)
      const scanned = await scanCollection(root)
      const usable = scanned.usable.length
      const heldout = usable ? Math.min(usable, Math.max(HOLDOUT_MIN, Math.round(usable * HOLDOUT_FRACTION))) : 0
      const enough = usable >= MIN_USABLE_PHOTOS
      return {
        folder: root,
        found: scanned.found,
        usable,
        skipped: scanned.skipped,
        minPhotos: MIN_USABLE_PHOTOS,
        train: usable - heldout,
        heldout,
        enough,
        message: enough
          ? `${usable} usable colour photo${usable === 1 ? '' : 's'} of ${scanned.found}: ${usable - heldout} to train on, ${heldout} held out to measure the result` +
            (scanned.skipped.length ? `; ${scanned.skipped.length} skipped` : '')
          : tooSmallMessage(root, scanned.found, usable, scanned.skipped, MIN_USABLE_PHOTOS)
      }
    },
    startFinetune: async ({ folder, name, options }) => {
      const collection = await requireFolder(folder)
      const models = await ctx.models.list()
      let baseModel = options.baseModel
      if (baseModel === undefined) {
        // The default model when it can be fine-tuned, else the first installed model that ships weights.
        const fallback = models.find((m) => m.card.id === DEFAULT_MODEL_ID && hasWeights(m)) ?? models.find(hasWeights)
        baseModel = fallback?.card.id ?? DEFAULT_MODEL_ID
      } else if (!models.some((m) => m.card.id === baseModel)) {
        throw new ApiError('bad_request', `model '${baseModel}' is not installed (installed: ${models.map((m) => m.card.id).join(', ') || 'none'})`)
      }
      return dto((s) => s.start({ collection, name, options: { ...options, baseModel }, python: ctx.python }))
    },
    listFinetuneJobs: async () => (await service().list()).map(finetuneJobDto),
    getFinetuneJob: async ({ jobId }) => dto((s) => s.get(jobId)),
    pauseFinetune: async ({ jobId }) => dto((s) => s.pause(jobId)),
    resumeFinetune: async ({ jobId }) => dto((s) => s.resume(jobId)),
    cancelFinetune: async ({ jobId }) => dto((s) => s.cancel(jobId))
  }
}

type Emit = <E extends ApiEventName>(name: E, payload: ApiEventPayload<E>) => void

/**
 * Forwards the service's events as API events. Item progress of the preparing and scoring phases is
 * sent at most once per `intervalMs` per job (the last item always); training steps are sent as they come.
 */
export function forwardFinetuneEvents(service: FinetuneService, emit: Emit, intervalMs = 100): () => void {
  const sentAt = new Map<string, number>()
  const throttled = (jobId: string, last: boolean): boolean => {
    const at = performance.now()
    if (!last && at - (sentAt.get(jobId) ?? -Infinity) < intervalMs) return false
    sentAt.set(jobId, at)
    return true
  }
  const items = { done: null, total: null }
  const noTraining = { epoch: null, epochs: null, step: null, totalSteps: null, loss: null, imagesPerSec: null }
  return service.on((event: FinetuneEvent) => {
    switch (event.type) {
      case 'state': {
        const job = finetuneJobDto(event.job)
        emit('finetuneUpdated', job)
        if (FINAL_STATES.includes(event.state)) {
          sentAt.delete(event.jobId)
          emit('finetuneFinished', { jobId: event.jobId, state: event.state as 'done' | 'failed' | 'cancelled', result: job.result, job })
        }
        break
      }
      case 'preparing':
        if (!throttled(event.jobId, event.done === event.total)) break
        emit('finetuneProgress', {
          jobId: event.jobId, phase: 'preparing', fraction: event.total ? Math.min(1, event.done / event.total) : 1, etaSeconds: null,
          detail: event.current || null, done: event.done, total: event.total, ...noTraining
        })
        break
      case 'progress':
        emit('finetuneProgress', {
          jobId: event.jobId, phase: 'training', fraction: Math.min(1, Math.max(0, event.fraction)), etaSeconds: finite(event.etaSeconds),
          detail: null, ...items,
          epoch: Math.min(event.epoch + 1, Math.max(1, event.epochs)), epochs: event.epochs, step: event.step, totalSteps: event.totalSteps,
          loss: finite(event.loss), imagesPerSec: finite(event.imagesPerSec), seconds: event.seconds, budgetSeconds: event.budgetSeconds
        })
        break
      case 'evaluating':
        if (!throttled(event.jobId, event.done === event.total)) break
        emit('finetuneProgress', {
          jobId: event.jobId, phase: 'evaluating', fraction: event.total ? Math.min(1, event.done / event.total) : 1, etaSeconds: null,
          detail: `scoring the ${event.model} model on the held-out photos`, done: event.done, total: event.total, ...noTraining
        })
        break
      case 'eval':
        emit('finetuneEval', {
          jobId: event.jobId, step: event.step, epoch: event.epoch, valLoss: finite(event.valLoss), baselineLoss: finite(event.baselineLoss), improved: event.improved
        })
        break
      case 'preview':
        emit('finetunePreview', { jobId: event.jobId, step: event.step, epoch: event.epoch })
        break
      case 'warning':
        emit('finetuneWarning', { jobId: event.jobId, message: event.message })
        break
    }
  })
}
