import { existsSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { ColorizeJobOptionsSchema, type ColorizeJobOptions } from '../../shared/api/schemas'
import type { InstalledModel } from '../../shared/modelCard'
import type { CatalogStore } from '../catalog/catalogStore'
import type { Job, JobCounts, JobItem, Result } from '../catalog/types'
import { ColorizeWorkerClient, type SpawnWorker } from './colorizeWorkerClient'
import { ProgressEstimator, type JobProgress } from './progressEstimator'
import { recordDone, settleUnfinished, type ItemUpdate, type PhotoInFlight } from './photoOutcome'
import { removeVersionDebris } from '../versions/versionDebris'
import { ConflictError, NotFoundError } from '../domainErrors'
import type { InferenceSettings } from './workerProtocol'
import { inferenceThreads } from '../batch/colorizeBatch'
import { BATCH_CONCURRENCY_DEFAULT } from '../../shared/api/bounds'

export const COLORIZE_JOB_KIND = 'colorize'
export { CRASH_REASON } from './photoOutcome'
/** Why a job interrupted by a crash waits, paused, when it is not resumed by itself (see recover). */
export const INTERRUPTED_NOTE = 'paused: the app stopped while this job ran; resume it to go on (photos done stay done)'

/** What the queue reports, as catalog records; api/ maps them to the contract's events (queueEvents.ts). */
export interface QueueEvents {
  jobUpdated: { job: Job; counts: JobCounts }
  jobFinished: { job: Job; counts: JobCounts }
  jobItemFinished: { item: JobItem; photoName: string | null }
  jobProgress: JobProgress
  versionCreated: Result
}
export type QueueEventName = keyof QueueEvents
export type QueueEmitter = <E extends QueueEventName>(name: E, payload: QueueEvents[E]) => void

export interface ColorizeQueueOptions {
  store: CatalogStore
  models: { list(): Promise<InstalledModel[]> }
  /** Versions go to `<versionsDir>/<project id>/<photo id>/<result id>.png`. */
  versionsDir: string
  /** Read each time a model is loaded (so a settings change applies from the next job). */
  inference: () => InferenceSettings
  emit: QueueEmitter
  /** Starts a worker process (default: child_process.fork of colorizeWorker). */
  spawnWorker?: SpawnWorker
  /** An idle worker is ended after this long (default 60 s). */
  workerIdleMs?: number
  /** While a photo is being colorized, jobProgress is sent this often (default 1000 ms; 0: only between photos). */
  tickMs?: number
  /** The catalog failed under the queue (it stops; jobs are recovered at the next start). */
  onError?: (error: unknown) => void
  /** Photos in flight at once in the worker (default: the CLI batch's, BATCH_CONCURRENCY_DEFAULT). */
  concurrency?: number
}

/** A job's state refuses the call (pausing a finished job…), or the queue is shutting down. */
export class JobStateError extends ConflictError {}
export class JobNotFoundError extends NotFoundError {}

/** The path of a version's file: inside the versions folder, by project, photo and result id. */
export const versionPath = (versionsDir: string, projectId: number, photoId: number, resultId: number): string =>
  join(versionsDir, String(projectId), String(photoId), `${resultId}.png`)

/**
 * The persistent colorize queue. Jobs and their items live in the catalog (jobs, job_items), so the
 * queue survives restarts; one job runs at a time, oldest queued first, its photos in a worker process
 * (ColorizeWorkerClient), two in flight with the inference threads split between them, as in the CLI
 * batch. After a crash with several photos in flight, they are queued again and the job goes on one at a
 * time, so that the crash is pinned on the photo that causes it. Each photo done becomes a new result
 * (version) whose file is a lossless PNG in the versions cache (16-bit for 16-bit originals); earlier
 * versions stay. A photo that fails is recorded on its item (and as a failed version, which the
 * library's "failed" filter shows) and the job goes on.
 *
 * States: queued → running → done | cancelled | failed (the job could not run at all, e.g. its model
 * is gone); running ⇄ paused. Pause is cooperative: the photo in progress is finished first. Cancel
 * is immediate: the worker is killed and the photo in progress is abandoned.
 *
 * Restart: `recover()` (called once at start-up) takes every job that was running or queued when the
 * app stopped (it crashed or was killed), puts their interrupted items back in the queue and removes
 * half-made versions; then those jobs resume by themselves (the setting resumeInterruptedJobs, on by
 * default), or wait paused with a note saying why. Items already done stay done. A job paused by
 * quitting the app (close) stays paused: the user quit to get the computer back.
 */
export class ColorizeQueue {
  private readonly worker: ColorizeWorkerClient
  private pump: Promise<void> | undefined
  private runningJobId: number | undefined
  private closing = false
  /** The job that goes on one photo at a time after a crash with several photos in flight. */
  private soloJobId: number | undefined
  private readonly concurrency: number

  constructor(private readonly options: ColorizeQueueOptions) {
    this.worker = new ColorizeWorkerClient(options.spawnWorker, options.workerIdleMs)
    this.concurrency = Math.max(1, options.concurrency ?? BATCH_CONCURRENCY_DEFAULT)
  }

  /**
   * Start-up recovery (see the class comment), also of the files a crash left in the versions folder
   * (removeVersionDebris). Returns the ids of the interrupted jobs.
   */
  async recover(options: { resume?: boolean } = {}): Promise<number[]> {
    const { store } = this.options
    const { pausedJobIds, abandonedResults } = store.recoverInterruptedJobs(COLORIZE_JOB_KIND)
    if (!options.resume) for (const jobId of pausedJobIds) store.setJobStatus(jobId, 'paused', INTERRUPTED_NOTE)
    for (const result of abandonedResults) if (result.outputPath) await rm(result.outputPath, { force: true })
    await removeVersionDebris(store, this.options.versionsDir) // before any job runs: no partial is in use
    if (options.resume) {
      for (const jobId of pausedJobIds) {
        try {
          this.resume(jobId)
        } catch {
          // Cancelled meanwhile: nothing to resume.
        }
      }
    }
    return pausedJobIds
  }

  /** Queues a job for these photos (which must exist) and starts it when its turn comes. */
  create(projectId: number, photoIds: number[], options: ColorizeJobOptions): Job {
    if (this.closing) throw new JobStateError('the queue is shutting down')
    const job = this.options.store.createJob({
      kind: COLORIZE_JOB_KIND,
      projectId,
      photoIds,
      options: ColorizeJobOptionsSchema.parse(options)
    })
    this.emitJob('jobUpdated', job.id)
    this.schedule()
    return job
  }

  pause(jobId: number): Job {
    const job = this.requireJob(jobId)
    if (job.status === 'paused') return job
    if (job.status !== 'queued' && job.status !== 'running') throw new JobStateError(`a ${job.status} job cannot be paused`)
    // A running job stops after the photo in progress (the runner checks the status between photos).
    this.options.store.setJobStatus(jobId, 'paused')
    this.emitJob('jobUpdated', jobId)
    return this.requireJob(jobId)
  }

  resume(jobId: number): Job {
    const job = this.requireJob(jobId)
    if (job.status === 'queued' || job.status === 'running') return job
    if (job.status !== 'paused' && job.status !== 'failed') throw new JobStateError(`a ${job.status} job cannot be resumed`)
    this.options.store.setJobStatus(jobId, 'queued')
    this.emitJob('jobUpdated', jobId)
    this.schedule()
    return this.requireJob(jobId)
  }

  cancel(jobId: number): Job {
    const job = this.requireJob(jobId)
    if (job.status === 'done' || job.status === 'cancelled') return job
    const { store } = this.options
    store.transaction(() => {
      store.setJobStatus(jobId, 'cancelled')
      store.cancelQueuedItems(jobId)
    })
    if (this.runningJobId === jobId) {
      // The runner sees the photo in progress come back as 'stopped', records it and sends jobFinished.
      this.worker.stop()
    } else {
      this.emitJob('jobFinished', jobId)
    }
    return this.requireJob(jobId)
  }

  /** Resolves when no job is running (paused ones do not count). */
  async idle(): Promise<void> {
    while (this.pump) await this.pump
  }

  /**
   * Stops for shutdown: the photo in progress is abandoned, and the job running is paused (its other
   * items stay as they are), so that it can be resumed after the next start.
   */
  async close(): Promise<void> {
    this.closing = true
    if (this.runningJobId !== undefined) this.worker.stop()
    await this.idle()
    this.worker.close()
  }

  private requireJob(jobId: number): Job {
    const job = this.options.store.getJob(jobId)
    if (!job || job.kind !== COLORIZE_JOB_KIND) throw new JobNotFoundError(`no job ${jobId}`)
    return job
  }

  private emitJob(event: 'jobUpdated' | 'jobFinished', jobId: number): void {
    const job = this.options.store.getJob(jobId)
    if (job) this.options.emit(event, { job, counts: this.options.store.jobCounts(jobId) })
  }

  private schedule(): void {
    if (this.pump || this.closing) return
    this.pump = (async () => {
      try {
        for (let job = this.next(); job && !this.closing; job = this.next()) {
          try {
            await this.run(job)
          } catch (error) {
            // Only the catalog itself failing gets here (e.g. closed under us); report it and stop.
            this.runningJobId = undefined
            this.options.onError?.(error)
            return
          }
        }
      } finally {
        this.pump = undefined
      }
    })()
  }

  private next(): Job | undefined {
    return this.options.store.nextQueuedJob(COLORIZE_JOB_KIND)
  }

  /** Runs one job until it is done, paused, cancelled or the queue closes. */
  private async run(job: Job): Promise<void> {
    const { store } = this.options
    this.runningJobId = job.id
    store.setJobStatus(job.id, 'running')
    this.emitJob('jobUpdated', job.id)
    const estimator = new ProgressEstimator(store, job.id, undefined, this.concurrency)
    try {
      const options = ColorizeJobOptionsSchema.parse(job.options)
      const model = (await this.options.models.list()).find((m) => m.card.id === options.modelId)
      if (!model) throw new Error(`model '${options.modelId}' is not installed`)
      const lanes = Array.from({ length: this.concurrency }, (_, lane) => this.runLane(job, lane, model, options, estimator))
      const failure = (await Promise.allSettled(lanes)).find((lane) => lane.status === 'rejected')
      if (failure) throw failure.reason
    } catch (error) {
      this.runningJobId = undefined
      const status = store.getJob(job.id)?.status
      if (status === 'cancelled') return this.emitJob('jobFinished', job.id) // stopped while loading the model
      if (this.closing) {
        if (status === 'running') store.setJobStatus(job.id, 'paused')
        return this.emitJob('jobUpdated', job.id)
      }
      // The job as a whole cannot go on (model missing or not loadable): it fails, its items stay queued
      // so that it can be retried with resumeJob once the problem is fixed.
      store.setJobStatus(job.id, 'failed', (error as Error)?.message ?? String(error))
      this.emitJob('jobFinished', job.id)
      return
    }
    this.runningJobId = undefined
    const status = store.getJob(job.id)?.status
    if (status === 'running') {
      if (this.closing) {
        store.setJobStatus(job.id, 'paused')
        this.emitJob('jobUpdated', job.id)
        return
      }
      store.setJobStatus(job.id, 'done')
    }
    this.options.emit('jobProgress', estimator.progress(store.getJob(job.id)!.status, null))
    if (status === 'running' || status === 'cancelled') this.emitJob('jobFinished', job.id)
    else this.emitJob('jobUpdated', job.id)
  }

  /** Photos one after another while the job runs; lanes run side by side, so that photos overlap in the worker. */
  private async runLane(job: Job, lane: number, model: InstalledModel, options: ColorizeJobOptions, estimator: ProgressEstimator): Promise<void> {
    const { store } = this.options
    const going = (): boolean => !this.closing && store.getJob(job.id)?.status === 'running' && (lane === 0 || this.soloJobId !== job.id)
    while (going()) {
      await this.worker.load(model, this.inferenceSettings()) // a fresh worker after a crash loads it again; failing fails the job
      if (!going()) return
      const item = store.nextQueuedItem(job.id) // marked running with no await in between: no other lane takes it
      if (!item) return
      await this.runItem(job, item, model, options, estimator)
    }
  }

  /** The settings' provider and threads; 0 threads: the cores split between the photos in flight, as in the CLI. */
  private inferenceSettings(): InferenceSettings {
    const settings = this.options.inference()
    return { ...settings, threads: settings.threads || inferenceThreads(this.concurrency) }
  }

  private async runItem(job: Job, item: JobItem, model: InstalledModel, options: ColorizeJobOptions, estimator: ProgressEstimator): Promise<void> {
    const { store, emit } = this.options
    const photo = store.getPhoto(item.photoId)
    const project = photo && store.getProject(photo.projectId)
    const finish = (update: ItemUpdate | null): void => {
      if (update) store.updateJobItem(job.id, item.photoId, update)
      emit('jobItemFinished', { item: store.getJobItem(job.id, item.photoId)!, photoName: photo?.relativePath ?? null })
      emit('jobProgress', estimator.progress('running', null))
    }
    if (!photo || !project) return finish({ status: 'failed', error: 'this photo is no longer in the library' })
    const input = join(project.root, photo.relativePath)
    if (!existsSync(input)) return finish({ status: 'failed', error: 'the file is missing from the archive folder' })

    const recolor = options.recolor || options.recolorPhotoIds.includes(photo.id) // a photo in doubt the user chose to recolour
    const result = store.transaction(() => {
      const created = store.addResult({ photoId: photo.id, modelId: model.card.id, options: { ...options, recolorPhotoIds: undefined, recolor }, status: 'pending' })
      store.setResultOutput(created.id, versionPath(this.options.versionsDir, project.id, photo.id, created.id))
      store.updateJobItem(job.id, photo.id, { status: 'running', resultId: created.id })
      return store.getResult(created.id)!
    })
    const output = result.outputPath!
    estimator.start(photo.id)
    emit('jobProgress', estimator.progress('running', photo.id))
    const tickMs = this.options.tickMs ?? 1000
    const ticker = tickMs > 0 ? setInterval(() => emit('jobProgress', estimator.progress('running', photo.id)), tickMs) : undefined
    let outcome
    try {
      outcome = await this.worker.colorize({
        photoId: photo.id,
        input,
        output,
        options: { workingSize: options.workingSize, intensity: options.intensity, recolor }
      })
    } finally {
      clearInterval(ticker)
    }

    const run: PhotoInFlight = { jobId: job.id, photo, version: result, input, output }
    if (outcome.kind === 'done') {
      emit('versionCreated', recordDone(store, estimator, run, outcome.millis))
      return finish(null) // in the same tick as the catalog: the counts sent are those after this photo
    }
    if (outcome.kind === 'crashed' && outcome.inFlight > 1) this.soloJobId = job.id // the job goes on one photo at a time
    const update = await settleUnfinished(store, estimator, run, outcome, () => this.closing)
    if (update) finish(update)
  }
}
