import { basename } from 'node:path'
import type { ApiEventPayload } from '../../shared/api/contract'
import type { CatalogStore } from '../catalog/catalogStore'
import type { Project } from '../catalog/types'
import { scanProject, type ScanSummary } from '../library/scanProject'
import { generateThumbnails, type ThumbnailCache } from '../library/thumbnailCache'
import { requireFolder } from './fileErrors'
import { skippedFoldersWarning } from './folderChecks'
import type { StudioContext } from './studioContext'

export interface LibraryWorkOptions {
  store: CatalogStore
  thumbnails: ThumbnailCache
  emit: StudioContext['emit']
  /** Keeps a background promise until it settles (ApiService.idle waits for them). */
  track: <T>(work: Promise<T>) => Promise<T>
  /** Files read at once while scanning (default 2). */
  scanConcurrency?: number
  /** Thumbnails made at once, across all projects (default 1). */
  thumbnailConcurrency?: number
  /** Least time between two progress events of one stream (default 100 ms; the last one is always sent). */
  progressIntervalMs?: number
}

/**
 * The library's background work behind the API: opening a folder as a project, scans (one per
 * project at a time) and thumbnails (one chain for all projects), reported as events.
 */
export class LibraryWork {
  private readonly scans = new Map<number, Promise<ScanSummary>>()
  private thumbnailChain: Promise<unknown> = Promise.resolve()

  constructor(private readonly options: LibraryWorkOptions) {}

  /** The project of a folder (made the first time); its scan starts in the background. */
  async openProject(folder: string): Promise<Project> {
    const root = await requireFolder(folder)
    const { store } = this.options
    const project = store.findProjectByRoot(root) ?? store.createProject({ name: basename(root) || root, root })
    void this.scan(project.id).catch(() => undefined) // reported through backgroundError
    return project
  }

  /** Scans a project (joining a scan already running), then queues its thumbnails. */
  scan(projectId: number): Promise<ScanSummary> {
    const running = this.scans.get(projectId)
    if (running) return running
    const { emit } = this.options
    const progress = this.throttled('scanProgress')
    const work = scanProject(this.options.store, projectId, {
      concurrency: this.options.scanConcurrency,
      onProgress: (p) => progress(p, p.done === p.total)
    })
      .then((summary) => {
        emit('scanFinished', summary)
        if (summary.skippedFolders.length > 0) emit('backgroundError', { projectId, task: 'scan', message: skippedFoldersWarning(summary) })
        this.queueThumbnails(projectId)
        return summary
      })
      .catch((error: unknown) => {
        emit('backgroundError', { projectId, task: 'scan', message: (error as Error)?.message ?? String(error) })
        throw error
      })
      .finally(() => this.scans.delete(projectId))
    this.scans.set(projectId, work)
    return this.options.track(work)
  }

  /** Makes the thumbnails a project lacks, after those already queued. */
  queueThumbnails(projectId: number): void {
    const { store, thumbnails, emit } = this.options
    const progress = this.throttled('thumbnailProgress')
    const run = this.thumbnailChain.then(() =>
      generateThumbnails(store, thumbnails, projectId, {
        concurrency: this.options.thumbnailConcurrency ?? 1,
        onProgress: (p) => progress(p, p.done === p.total),
        onReady: ({ projectId, photoId }) => emit('thumbnailReady', { projectId, photoId })
      }).catch((error: unknown) => {
        emit('backgroundError', { projectId, task: 'thumbnails', message: (error as Error)?.message ?? String(error) })
      })
    )
    this.thumbnailChain = run
    this.options.track(run)
  }

  /** An emitter for a progress stream that sends at most one event per interval, and always the last. */
  private throttled<E extends 'scanProgress' | 'thumbnailProgress'>(name: E): (payload: ApiEventPayload<E>, last: boolean) => void {
    const interval = this.options.progressIntervalMs ?? 100
    let sentAt = -Infinity
    return (payload, last) => {
      const at = performance.now()
      if (!last && at - sentAt < interval) return
      sentAt = at
      this.options.emit(name, payload)
    }
  }
}
