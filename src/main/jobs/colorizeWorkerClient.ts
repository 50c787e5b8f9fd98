import type { InstalledModel } from '../../shared/modelCard'
import type { ProviderName } from '../inference/executionProviders'
import type { FromWorker, InferenceSettings, ToWorker, WorkerColorizeOptions } from './workerProtocol'
import { forkWorker, type WorkerChild } from './forkWorker'

/**
 * The app's side of the colorize worker.
 *
 * Why a child process (child_process.fork) rather than a worker thread: inference runs native code
 * (onnxruntime, libvips). A native crash (segfault, abort, out-of-memory kill) in a worker thread
 * takes the whole process down with it — the app; in a child process it kills only the child, which
 * we notice (`exit`), record against the photo it was working on, and replace. A process also
 * gives the model's memory back to the system when it ends. The price, a second start-up (≈ 1 s) and
 * the model loaded once per child, is small next to a batch of photos. Only paths and small reports
 * cross the channel, never pixels.
 *
 * Electron: `child_process.fork` from Electron's main process runs the Electron binary as Node
 * (ELECTRON_RUN_AS_NODE), with the native modules built for Electron's ABI, which is what we need;
 * `utilityProcess.fork` is the Electron-native alternative and can be passed in as `spawn` (its
 * `postMessage`/`on('message')`/`on('exit')` map one to one onto WorkerProcess).
 */

/** A running colorize worker process, whatever started it (kill: used to cancel the photos in progress). */
export type WorkerProcess = WorkerChild<ToWorker, FromWorker>

export type SpawnWorker = () => WorkerProcess

/**
 * Forks colorizeWorker in a Node child process (forkWorker): from source through tsx, from an
 * electron-vite build out/main/colorizeWorker.js under the app root (an entry of its own: see
 * colorizeWorker.ts).
 */
export function forkColorizeWorker(): WorkerProcess {
  return forkWorker<ToWorker, FromWorker>('colorizeWorker', new URL('./colorizeWorker.ts', import.meta.url))
}

export type ColorizeOutcome =
  | { kind: 'done'; millis: number; provider: ProviderName }
  | { kind: 'failed'; reason: string }
  /** Already in colour and `recolor` was not asked for. */
  | { kind: 'skipped'; reason: string }
  /**
   * The worker died while on this photo (native crash, killed by the system…). `inFlight`: how many
   * photos it had then; with more than one, the crash may not be this photo's doing.
   */
  | { kind: 'crashed'; reason: string; inFlight: number }
  /** We stopped the worker on purpose (cancel, shutdown). */
  | { kind: 'stopped' }

export interface ColorizeRequest {
  photoId: number
  input: string
  output: string
  options: WorkerColorizeOptions
}

type Answer = FromWorker | { type: 'exit'; reason: string; inFlight: number }

interface LiveWorker {
  process: WorkerProcess
  /** The model + settings loaded in it. */
  loadedKey?: string
  /** The load in progress, shared by every caller asking for the same model meanwhile. */
  loading?: { key: string; done: Promise<void> }
  /** Set when we kill it, so that its exit is not taken for a crash. */
  stopped: boolean
  /** The answers (or the exit) the requests in flight wait for, by request id (0: the load). */
  waiters: Map<number, (answer: Answer) => void>
}

/**
 * Drives one worker process at a time: starts it when needed, loads a model once per process, sends
 * photos (several may be in flight: the worker colorizes them concurrently, as the CLI batch does), and
 * turns the process dying into a 'crashed' outcome for the photos it was on; the next request starts a
 * fresh process (and loads the model again). An idle worker is ended after `idleMs` to give its memory back.
 */
export class ColorizeWorkerClient {
  private worker: LiveWorker | undefined
  private nextRequestId = 1
  private idleTimer: NodeJS.Timeout | undefined

  constructor(
    private readonly spawn: SpawnWorker = forkColorizeWorker,
    private readonly idleMs = 60_000
  ) {}

  /** Makes sure the worker has this model loaded with these settings (a no-op when it has). */
  async load(model: InstalledModel, inference: InferenceSettings): Promise<void> {
    const key = JSON.stringify([model.dir, model.card.id, inference.provider, inference.threads])
    const worker = this.live()
    if (worker.loadedKey === key) return
    if (worker.loading?.key === key) return worker.loading.done
    if (worker.loading || worker.waiters.size > 0) throw new Error('the colorizer is busy (a model is loaded only between photos)')
    const done = this.loadInto(worker, key, model, inference)
    worker.loading = { key, done }
    try {
      await done
    } finally {
      worker.loading = undefined
    }
  }

  private async loadInto(worker: LiveWorker, key: string, model: InstalledModel, inference: InferenceSettings): Promise<void> {
    const answer = await this.ask(worker, 0, { type: 'load', model, inference })
    if (answer.type === 'loaded') {
      worker.loadedKey = key
      return
    }
    if (answer.type === 'loadFailed') throw new Error(`model ${model.card.id} could not be loaded: ${answer.message}`)
    throw new Error(`the colorizer stopped while loading model ${model.card.id} (${answer.type === 'exit' ? answer.reason : answer.type})`)
  }

  /** Colorizes one photo in the worker (after `load`). Never rejects for a photo's own problems. */
  async colorize(request: ColorizeRequest): Promise<ColorizeOutcome> {
    const worker = this.worker
    if (!worker?.loadedKey) return { kind: 'crashed', reason: 'no model loaded in the colorizer', inFlight: 1 }
    const requestId = this.nextRequestId++
    const answer = await this.ask(worker, requestId, { type: 'colorize', requestId, ...request })
    switch (answer.type) {
      case 'done':
        return { kind: 'done', millis: answer.millis, provider: answer.provider }
      case 'failed':
        return answer.skipped ? { kind: 'skipped', reason: answer.reason } : { kind: 'failed', reason: answer.reason }
      case 'exit':
        return worker.stopped ? { kind: 'stopped' } : { kind: 'crashed', reason: answer.reason, inFlight: answer.inFlight }
      default:
        return { kind: 'failed', reason: `unexpected answer from the colorizer: ${answer.type}` }
    }
  }

  /** Whether a photo is being colorized right now. */
  get busy(): boolean {
    return (this.worker?.waiters.size ?? 0) > 0
  }

  /** Ends the worker now; photos in progress come back as 'stopped'. The next request starts a new one. */
  stop(): void {
    const worker = this.worker
    if (!worker) return
    worker.stopped = true
    this.worker = undefined
    worker.process.kill()
  }

  close(): void {
    clearTimeout(this.idleTimer)
    this.stop()
  }

  private live(): LiveWorker {
    if (this.worker) return this.worker
    const worker: LiveWorker = { process: this.spawn(), stopped: false, waiters: new Map() }
    worker.process.onMessage((message) => worker.waiters.get('requestId' in message ? message.requestId : 0)?.(message))
    worker.process.onExit((reason) => {
      if (this.worker === worker) this.worker = undefined
      const inFlight = [...worker.waiters.keys()].filter((id) => id !== 0).length
      for (const waiter of [...worker.waiters.values()]) waiter({ type: 'exit', reason, inFlight })
    })
    this.worker = worker
    return worker
  }

  private ask(worker: LiveWorker, id: number, message: ToWorker): Promise<Answer> {
    if (worker.waiters.has(id)) throw new Error('the colorizer is busy (one load at a time)')
    clearTimeout(this.idleTimer)
    return new Promise((resolve) => {
      worker.waiters.set(id, (answer) => {
        worker.waiters.delete(id)
        if (worker.waiters.size === 0) this.armIdleTimer(worker)
        resolve(answer)
      })
      worker.process.send(message)
    })
  }

  private armIdleTimer(worker: LiveWorker): void {
    clearTimeout(this.idleTimer)
    this.idleTimer = setTimeout(() => {
      if (this.worker === worker && worker.waiters.size === 0) this.stop()
    }, this.idleMs)
    this.idleTimer.unref()
  }
}
