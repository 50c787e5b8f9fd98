import { randomBytes } from 'node:crypto'
import { stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { ModelRegistry } from '../models/modelRegistry'
import { BUNDLED_MODELS_DIR, userDataDir } from '../models/paths'
import { requirePython, PythonEnvironmentError } from './pythonEnvironment'
import { TrainerFailure, type TrainerProcess } from './trainerProcess'
import { resolveFinetuneOptions, type FinetuneOptions } from './finetuneOptions'
import { ACTIVE_STATES, FINAL_STATES, JobStore, type JobRecord, type JobState } from './jobStore'
import { uniqueModelId } from './finetuneResult'
import type { FinetuneEvent, FinetuneListener } from './finetuneEvents'
import { FinetuneError, Interrupted, type PhaseContext } from './phaseContext'
import { preparePhase, resolveBase } from './preparePhase'
import { trainPhase } from './trainPhase'
import { exportPhase } from './exportPhase'
import { scorePhase } from './scorePhase'
import { installPhase } from './installPhase'

export type { JobRecord, JobState } from './jobStore'
export type { FinetuneEvent, FinetuneListener } from './finetuneEvents'
export { FinetuneError } from './phaseContext'

export interface FinetuneRequest {
  /** Folder of the family's colour photos (only read). */
  collection: string
  /** Name of the new model. */
  name: string
  options?: Partial<FinetuneOptions>
  /** Python to use (else KOALARIZE_PYTHON, else auto-detection). */
  python?: string
}

export interface FinetuneServiceOptions {
  /** User data folder (default: userDataDir(), i.e. KOALARIZE_HOME or the platform's). Jobs go to `<home>/finetune`. */
  home?: string
  /** Where finished models are installed (default `<home>/models`). */
  modelsDir?: string
  registry?: ModelRegistry
  /** Default Python for new jobs. */
  python?: string
  /** Grace period for a trainer to checkpoint after pause/cancel before it is killed. */
  killGraceMs?: number
}

interface Running {
  id: string
  abort: AbortController
  trainer: TrainerProcess | null
  intent: 'pause' | 'cancel' | null
}

const now = (): string => new Date().toISOString()

function newJobId(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)
  return `ft-${stamp}-${randomBytes(2).toString('hex')}`
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0) // signal 0: only asks whether the process exists
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Fine-tuning jobs, one at a time: the queue and each job's state machine (queued → preparing →
 * training → exporting → done | failed | cancelled, or paused), over the phases (preparePhase, trainPhase,
 * exportPhase, scorePhase, installPhase). Job state lives in `<home>/finetune/<id>/job.json`, so a paused or
 * interrupted job can be resumed by a later process.
 */
export class FinetuneService {
  readonly home: string
  readonly modelsDir: string
  private readonly store: JobStore
  private readonly registry: ModelRegistry
  private readonly listeners = new Set<FinetuneListener>()
  private readonly queue: string[] = []
  private running: Running | null = null
  private readonly records = new Map<string, JobRecord>()
  private saving: Promise<void> = Promise.resolve()
  private ready: Promise<void> | null = null

  constructor(private readonly options: FinetuneServiceOptions = {}) {
    this.home = resolve(options.home ?? userDataDir())
    this.modelsDir = resolve(options.modelsDir ?? join(this.home, 'models'))
    this.store = new JobStore(join(this.home, 'finetune'))
    this.registry = options.registry ?? new ModelRegistry([
      { dir: BUNDLED_MODELS_DIR, origin: 'bundled' },
      { dir: this.modelsDir, origin: 'user' }
    ])
  }

  /** Subscribes to events; returns the unsubscribe function. */
  on(listener: FinetuneListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  jobDir(id: string): string {
    return this.store.dir(id)
  }

  /** Queues a new job; it starts when no other job runs. */
  async start(request: FinetuneRequest): Promise<JobRecord> {
    await this.init()
    const options = resolveFinetuneOptions(request.options)
    const name = request.name.trim()
    if (!name) throw new FinetuneError('the new model needs a name')
    const collection = resolve(request.collection)
    const info = await stat(collection).catch(() => null)
    if (!info?.isDirectory()) throw new FinetuneError(`collection folder not found: ${collection}`)
    const record: JobRecord = {
      formatVersion: 1, id: newJobId(), name, collection, createdAt: now(), updatedAt: now(), state: 'queued', message: null,
      ownerPid: process.pid, python: request.python ?? this.options.python ?? null, options, base: null, data: null, training: null,
      evals: [], losses: [], previews: [], result: null, error: null
    }
    this.records.set(record.id, record)
    await this.save(record)
    this.enqueue(record)
    return structuredClone(record)
  }

  async list(): Promise<JobRecord[]> {
    await this.init()
    return (await this.store.list()).map((record) => structuredClone(this.records.get(record.id) ?? record))
  }

  async get(id: string): Promise<JobRecord> {
    await this.init()
    return structuredClone(this.records.get(id) ?? (await this.store.read(id)))
  }

  /** Resolves when the job stops working: done, failed, cancelled or paused. */
  async wait(id: string): Promise<JobRecord> {
    const current = await this.get(id)
    if (!ACTIVE_STATES.includes(current.state)) return current
    return new Promise((resolvePromise) => {
      const off = this.on((event) => {
        if (event.type === 'state' && event.jobId === id && !ACTIVE_STATES.includes(event.state)) {
          off()
          resolvePromise(event.job)
        }
      })
    })
  }

  /** Stops the job with a checkpoint; resume() continues it (also in a later process). */
  async pause(id: string): Promise<JobRecord> {
    return this.interrupt(id, 'pause')
  }

  /** Stops the job for good (its folder stays, for the record). */
  async cancel(id: string): Promise<JobRecord> {
    return this.interrupt(id, 'cancel')
  }

  /** Queues a paused (or failed) job again; training continues from its last checkpoint. */
  async resume(id: string): Promise<JobRecord> {
    await this.init()
    const record = this.records.get(id) ?? (await this.store.read(id))
    if (record.state !== 'paused' && record.state !== 'failed') {
      throw new FinetuneError(`job ${id} is ${record.state}; only paused or failed jobs can be resumed`)
    }
    record.error = null
    record.message = null
    this.records.set(id, record)
    this.enqueue(record)
    return structuredClone(record)
  }

  /** Pauses the running job and waits for its checkpoint (call before the app quits). */
  async close(): Promise<void> {
    for (const id of this.queue.splice(0)) await this.interrupt(id, 'pause').catch(() => undefined)
    if (this.running) {
      const id = this.running.id
      const stopped = this.wait(id)
      await this.interrupt(id, 'pause')
      await stopped
    }
  }

  private async interrupt(id: string, intent: 'pause' | 'cancel'): Promise<JobRecord> {
    await this.init()
    const record = this.records.get(id) ?? (await this.store.read(id))
    if (this.running?.id === id) {
      if (intent === 'pause' && record.state === 'exporting') {
        this.emit({ type: 'warning', jobId: id, message: 'the model is being exported and scored; that cannot be paused (it finishes shortly)' })
        return structuredClone(record)
      }
      this.running.intent = intent
      this.running.abort.abort()
      this.running.trainer?.stop(this.options.killGraceMs)
      return structuredClone(record)
    }
    if (FINAL_STATES.includes(record.state)) return structuredClone(record)
    if (record.state === 'paused' && intent === 'pause') return structuredClone(record)
    const queued = this.queue.indexOf(id)
    if (queued >= 0) this.queue.splice(queued, 1)
    await this.setState(record, intent === 'pause' ? 'paused' : 'cancelled', intent === 'pause' ? 'paused before it started' : 'cancelled')
    return structuredClone(record)
  }

  /** Jobs left active by a process that is gone (app closed, crash, Ctrl-C) become paused. */
  private init(): Promise<void> {
    this.ready ??= (async () => {
      for (const record of await this.store.list()) {
        if (!ACTIVE_STATES.includes(record.state)) continue
        if (record.ownerPid && record.ownerPid !== process.pid && isAlive(record.ownerPid)) continue
        const was = record.state
        record.ownerPid = null
        record.state = 'paused'
        record.message = `interrupted while ${was} (the app or command stopped); resume to continue`
        record.updatedAt = now()
        await this.store.write(record)
      }
    })()
    return this.ready
  }

  private enqueue(record: JobRecord): void {
    this.queue.push(record.id)
    void this.setState(record, 'queued', this.running ? 'waiting for the running job to finish' : null).then(() => this.pump())
  }

  private pump(): void {
    if (this.running || !this.queue.length) return
    const id = this.queue.shift()!
    const running: Running = { id, abort: new AbortController(), trainer: null, intent: null }
    this.running = running
    void this.runJob(running).finally(() => {
      this.running = null
      this.pump()
    })
  }

  private emit(event: FinetuneEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event)
      } catch {
        // a listener's failure is its own
      }
    }
  }

  private save(record: JobRecord): Promise<void> {
    record.updatedAt = now()
    const snapshot = structuredClone(record)
    this.saving = this.saving.then(() => this.store.write(snapshot)).catch((error: Error) => {
      this.emit({ type: 'warning', jobId: record.id, message: `could not save job.json: ${error.message}` })
    })
    return this.saving
  }

  private async setState(record: JobRecord, state: JobState, message: string | null = null): Promise<void> {
    record.state = state
    record.message = message
    record.ownerPid = ACTIVE_STATES.includes(state) ? process.pid : null
    await this.save(record)
    this.emit({ type: 'state', jobId: record.id, state, message, job: structuredClone(record) })
  }

  private phaseContext(record: JobRecord, running: Running): PhaseContext {
    return {
      record,
      jobDir: this.jobDir(record.id),
      signal: running.abort.signal,
      killGraceMs: this.options.killGraceMs,
      emit: (event) => this.emit(event),
      save: () => this.save(record),
      setState: (state, message) => this.setState(record, state, message),
      setTrainer: (trainer: TrainerProcess | null) => {
        running.trainer = trainer
      },
      checkpoint: () => {
        if (running.intent) throw new Interrupted(running.intent)
      }
    }
  }

  private async runJob(running: Running): Promise<void> {
    const record = this.records.get(running.id) ?? (await this.store.read(running.id))
    this.records.set(record.id, record)
    const ctx = this.phaseContext(record, running)
    let phase: JobState = 'preparing'
    try {
      await this.setState(record, 'preparing', record.data ? 'checking the Python environment' : 'checking the Python environment and the photos')
      const python = await requirePython({ python: record.python ?? undefined })
      const base = await resolveBase(record, this.registry)
      if (!record.data) await preparePhase(ctx)
      ctx.checkpoint()
      if (!record.training?.finished) {
        phase = 'training'
        await this.setState(record, 'training')
        await trainPhase(ctx, python, base)
      }
      ctx.checkpoint()
      phase = 'exporting'
      await this.setState(record, 'exporting', 'exporting the model and scoring it on the held-out photos')
      const modelId = await uniqueModelId(record.name, this.registry, this.modelsDir)
      const exportDir = await exportPhase(ctx, python, base, modelId)
      ctx.checkpoint()
      const scored = await scorePhase(ctx, base, exportDir)
      ctx.checkpoint()
      await installPhase(ctx, exportDir, modelId, this.modelsDir, scored)
      await this.setState(record, 'done', record.result!.verdict)
    } catch (error) {
      if (running.intent === 'pause') {
        const at = record.training ? ` at step ${record.training.step} of ${record.training.totalSteps}` : ''
        await this.setState(record, 'paused', `paused${at}${record.training?.step ? ' (checkpoint saved)' : ''}; resume to continue`)
      } else if (running.intent === 'cancel') {
        await this.setState(record, 'cancelled', 'cancelled')
      } else {
        const failure = error instanceof TrainerFailure ? error : null
        const message = error instanceof PythonEnvironmentError ? error.message : (error as Error).message
        record.error = { phase, message, stderrTail: failure ? failure.stderrTail : [] }
        await this.setState(record, 'failed', message)
      }
    } finally {
      this.records.delete(record.id)
    }
  }
}
