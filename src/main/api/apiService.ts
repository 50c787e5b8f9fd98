import { dirname, join } from 'node:path'
import type { z } from 'zod'
import {
  API_EVENTS,
  API_METHODS,
  isApiMethod,
  type ApiEvent,
  type ApiEventName,
  type ApiEventPayload,
  type ApiHandlers,
  type ApiMethod,
  type ApiParams,
  type ApiResult
} from '../../shared/api/contract'
import { ApiError, type ApiErrorIssue } from '../../shared/api/errors'
import { describeInvalidCall } from '../../shared/api/plainWords'
import { describeFileError } from './fileErrors'
import { apiErrorOf } from './domainErrorCodes'
import type { CatalogStore } from '../catalog/catalogStore'
import type { InstalledModel } from '../../shared/modelCard'
import type { ThumbnailCache } from '../library/thumbnailCache'
import { LibraryWork } from './libraryWork'
import { libraryHandlers } from './libraryHandlers'
import type { HostIntegration } from './hostIntegration'
import { guardFolderParams, hostHandlers, type PickedFolders } from './hostHandlers'
import { ColorizeQueue } from '../jobs/colorizeQueue'
import { forwardQueueEvents } from './queueEvents'
import type { SpawnWorker } from '../jobs/colorizeWorkerClient'
import { SettingsStore } from '../settings/settingsStore'
import type { StudioContext } from './studioContext'
import { jobHandlers } from './jobHandlers'
import { versionHandlers } from './versionHandlers'
import { exportHandlers } from './exportHandlers'
import { projectHandlers } from './projectHandlers'
import { settingsHandlers } from './settingsHandlers'
import { finetuneHandlers, forwardFinetuneEvents } from './finetuneHandlers'
import type { FinetuneService } from '../training/finetuneService'
import { removeAbandonedExportFiles } from '../export/exportFile'
import { removeAbandonedScratch } from '../files/scratch'

export interface ApiServiceOptions {
  store: CatalogStore
  thumbnails: ThumbnailCache
  models: { list(): Promise<InstalledModel[]> }
  /** Files read at once while scanning (default 2). */
  scanConcurrency?: number
  /** Thumbnails made at once, across all projects (default 1). */
  thumbnailConcurrency?: number
  /** Least time between two progress events of one stream (default 100 ms; the last one is always sent). */
  progressIntervalMs?: number
  /** The UI's host (Electron or the web host): capabilities and the native folder picker. Default: web, no picker. */
  host?: HostIntegration
  /** The user's settings (default: defaults, kept in memory only). */
  settings?: SettingsStore
  /** Where colorized versions are written (default: `versions` beside the thumbnail folder, i.e. `<cache>/versions`). */
  versionsDir?: string
  /** The colorize queue's worker: how to start it (default: a forked Node process), idle time, progress tick, photos in flight. */
  colorizeWorker?: { spawn?: SpawnWorker; idleMs?: number; tickMs?: number; concurrency?: number }
  /** Fine-tuning (finetune* methods and events); without it those methods answer bad_request. The owner closes the service. */
  finetune?: { service: FinetuneService; python?: string }
}

export type ApiListener = (event: ApiEvent) => void

const toIssues = (error: z.ZodError): ApiErrorIssue[] =>
  error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }))

/**
 * The app's services behind the API contract, for any transport: `call(method, params)` takes an
 * untrusted method name and payload, validates both against the contract and answers with the result
 * or an ApiError; `on(listener)` streams events. Knows nothing of Electron, HTTP or WebSockets.
 */
export class ApiService {
  private readonly listeners = new Set<ApiListener>()
  private readonly background = new Set<Promise<unknown>>()
  private readonly library: LibraryWork
  private readonly handlers: ApiHandlers
  private readonly queue: ColorizeQueue
  private readonly stopFinetuneEvents: () => void
  /** Folders the user picked in the native dialog during this session (see HostIntegration.onlyPickedFolders). */
  private readonly pickedFolders: PickedFolders = new Set()

  constructor(private readonly options: ApiServiceOptions) {
    const { store } = options
    const settings = options.settings ?? SettingsStore.open(null)
    const versionsDir = options.versionsDir ?? join(dirname(options.thumbnails.dir), 'versions')
    const emit = this.emit.bind(this) as StudioContext['emit']
    this.library = new LibraryWork({
      store,
      thumbnails: options.thumbnails,
      emit,
      track: (work) => this.track(work),
      scanConcurrency: options.scanConcurrency,
      thumbnailConcurrency: options.thumbnailConcurrency,
      progressIntervalMs: options.progressIntervalMs
    })
    this.queue = new ColorizeQueue({
      store,
      models: options.models,
      versionsDir,
      inference: () => ({ provider: settings.get().executionProvider, threads: settings.get().threads }),
      emit: forwardQueueEvents((event) => emit(event.name, event.payload)),
      spawnWorker: options.colorizeWorker?.spawn,
      workerIdleMs: options.colorizeWorker?.idleMs,
      tickMs: options.colorizeWorker?.tickMs,
      concurrency: options.colorizeWorker?.concurrency,
      onError: (error) => this.emit('backgroundError', { projectId: null, task: 'jobs', message: (error as Error)?.message ?? String(error) })
    })
    // Start-up: jobs interrupted by a crash are recovered (see ColorizeQueue): the catalog part is done
    // before the constructor returns; half-made version files are removed in the background, then the
    // jobs resume by themselves unless the setting says to wait.
    this.track(this.queue.recover({ resume: settings.get().resumeInterruptedJobs }))
    // And what a crash left elsewhere, each recognised by our own naming: temporary export files (also
    // journalled in the catalog), scratch folders of dead processes, half-written thumbnails.
    this.track(removeAbandonedExportFiles(store))
    this.track(removeAbandonedScratch())
    this.track(options.thumbnails.removeAbandonedPartials())
    const studio: StudioContext = {
      store,
      models: options.models,
      queue: this.queue,
      settings,
      thumbnails: options.thumbnails,
      versionsDir,
      emit,
      requireProject: (projectId) => this.requireProject(projectId),
      queueThumbnails: (projectId) => this.library.queueThumbnails(projectId)
    }
    this.handlers = {
      ...hostHandlers(options.host, this.pickedFolders),
      ...libraryHandlers(studio, this.library),
      ...jobHandlers(studio),
      ...versionHandlers(studio),
      ...exportHandlers(studio),
      ...projectHandlers(studio),
      ...settingsHandlers(studio),
      ...finetuneHandlers({ service: options.finetune?.service, models: options.models, python: options.finetune?.python })
    }
    guardFolderParams(this.handlers, { host: options.host, picked: this.pickedFolders, settings, store })
    this.stopFinetuneEvents = options.finetune ? forwardFinetuneEvents(options.finetune.service, emit, options.progressIntervalMs) : () => undefined
  }

  /** Subscribes to every event stream; returns the unsubscribe function. */
  on(listener: ApiListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /**
   * Calls a method with an untrusted payload (as a transport receives it). Resolves with the
   * validated result; rejects only with ApiError.
   */
  async call(method: string, params: unknown): Promise<unknown> {
    if (typeof method !== 'string' || !isApiMethod(method)) throw new ApiError('unknown_method', `unknown method ${String(method)}`)
    const spec = API_METHODS[method]
    const parsed = spec.params.safeParse(params ?? {})
    if (!parsed.success) throw new ApiError('invalid_params', describeInvalidCall(method, parsed.error.issues), toIssues(parsed.error))
    let result: unknown
    try {
      const handler = this.handlers[method] as (params: unknown) => Promise<unknown>
      result = await handler(parsed.data)
    } catch (error) {
      if (error instanceof ApiError) throw error
      const domain = apiErrorOf(error)
      if (domain) throw domain
      const plain = describeFileError(error)
      if (plain) throw new ApiError('bad_request', plain)
      throw new ApiError('internal', (error as Error)?.message ?? String(error))
    }
    // Results are checked too: the contract is what the other side may rely on (and unknown keys are dropped).
    const checked = spec.result.safeParse(result)
    if (!checked.success) throw new ApiError('internal', `${method} produced an invalid result`, toIssues(checked.error))
    return checked.data
  }

  /** The methods this service has a handler for (the contract's, when it is complete). */
  handledMethods(): string[] {
    return Object.keys(this.handlers).filter((method) => typeof (this.handlers as Record<string, unknown>)[method] === 'function')
  }

  /** Typed convenience over `call`, for in-process callers and tests. */
  invoke<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResult<M>> {
    return this.call(method, params) as Promise<ApiResult<M>>
  }

  /** Resolves when every background scan and thumbnail run has finished (colorize jobs: see jobsIdle). */
  async idle(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background])
  }

  /** Resolves when no colorize job is running (paused jobs do not count). */
  jobsIdle(): Promise<void> {
    return this.queue.idle()
  }

  /**
   * Stops the colorize queue for shutdown: the photo in progress is abandoned and its job paused (to
   * be resumed after the next start), and the worker process ends. Call before closing the catalog.
   */
  async close(): Promise<void> {
    this.stopFinetuneEvents()
    await this.queue.close()
  }

  private emit<E extends ApiEventName>(name: E, payload: ApiEventPayload<E>): void {
    const event = { name, payload: API_EVENTS[name].parse(payload) } as ApiEvent
    for (const listener of this.listeners) {
      try {
        listener(event)
      } catch {
        // A broken listener (a closed window, a dropped socket) must not stop the work or other listeners.
      }
    }
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.background.add(work)
    void work.finally(() => this.background.delete(work)).catch(() => undefined)
    return work
  }

  private requireProject(projectId: number) {
    const project = this.options.store.getProject(projectId)
    if (!project) throw new ApiError('not_found', `no project ${projectId}`)
    return project
  }


}
