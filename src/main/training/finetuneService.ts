import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, rm, stat, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { ModelRegistry, readModelFolder } from '../models/modelRegistry'
import { BUNDLED_MODELS_DIR, userDataDir } from '../models/paths'
import type { InstalledModel } from '../../shared/modelCard'
import { requirePython, PythonEnvironmentError, type PythonCommand } from './pythonEnvironment'
import { TrainerFailure, TrainerProcess } from './trainerProcess'
import type { TrainerEvent } from './trainerEvents'
import { prepareCollection } from './prepareCollection'
import { resolveFinetuneOptions, stepsPerEpoch, trainerArgs, architectureOf, type FinetuneOptions } from './finetuneOptions'
import { ACTIVE_STATES, FINAL_STATES, JobStore, type JobRecord, type JobState } from './jobStore'
import { annotateCard, asStoredScores, compareOnHeldout, heldoutPhotos, installModelFolder, uniqueModelId, verdict } from './finetuneResult'
import { withLossPoint } from './lossHistory'
import { InvalidError } from '../domainErrors'

export type { JobRecord, JobState } from './jobStore'

/** What the service streams to the studio and the CLI. Every event names its job. */
export type FinetuneEvent =
  /** The job entered a lifecycle state (queued → preparing → training → exporting → done | failed | cancelled, or paused). */
  | { type: 'state'; jobId: string; state: JobState; message: string | null; job: JobRecord }
  | { type: 'preparing'; jobId: string; done: number; total: number; current: string }
  | {
      type: 'progress'
      jobId: string
      epoch: number
      epochs: number
      step: number
      totalSteps: number
      /** Mean training loss over the last logged steps. */
      loss: number | null
      imagesPerSec: number | null
      etaSeconds: number | null
      /** 0..1: steps done, or time budget used, whichever is further. */
      fraction: number
      /** Training seconds so far, and the time budget in seconds (null: none). */
      seconds: number
      budgetSeconds: number | null
    }
  /** Held-out figures after an epoch (scaled ab MSE of the model and of the grey baseline). */
  | { type: 'eval'; jobId: string; step: number; epoch: number; valLoss: number | null; baselineLoss: number | null; improved: boolean }
  /** One held-out photo colorized by the current weights (PNG). */
  | { type: 'preview'; jobId: string; step: number; epoch: number; path: string }
  /** Scoring base and fine-tuned model on the held-out photos through the real pipeline. */
  | { type: 'evaluating'; jobId: string; model: 'base' | 'fine-tuned'; done: number; total: number }
  | { type: 'warning'; jobId: string; message: string }

export type FinetuneListener = (event: FinetuneEvent) => void

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

export class FinetuneError extends InvalidError {}

interface Running {
  id: string
  abort: AbortController
  trainer: TrainerProcess | null
  intent: 'pause' | 'cancel' | null
}

class Interrupted extends Error {}

const now = (): string => new Date().toISOString()
const SAVE_INTERVAL_MS = 5000

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
 * Fine-tuning jobs, one at a time: prepares the collection, supervises the trainer, exports and scores
 * the result, installs it as a user model. Job state lives in `<home>/finetune/<id>/job.json`, so a
 * paused or interrupted job can be resumed by a later process.
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

  private async runJob(running: Running): Promise<void> {
    const record = this.records.get(running.id) ?? (await this.store.read(running.id))
    this.records.set(record.id, record)
    const checkpoint = (): void => {
      if (running.intent) throw new Interrupted(running.intent)
    }
    let phase: JobState = 'preparing'
    try {
      await this.setState(record, 'preparing', record.data ? 'checking the Python environment' : 'checking the Python environment and the photos')
      const python = await requirePython({ python: record.python ?? undefined })
      const base = await this.resolveBase(record)
      if (!record.data) await this.prepare(record, running)
      checkpoint()
      if (!record.training?.finished) {
        phase = 'training'
        await this.setState(record, 'training')
        await this.train(record, running, python, base)
      }
      checkpoint()
      phase = 'exporting'
      await this.setState(record, 'exporting', 'exporting the model and scoring it on the held-out photos')
      await this.exportAndScore(record, running, python, base, checkpoint)
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

  private async resolveBase(record: JobRecord): Promise<InstalledModel> {
    const base = record.base ? await readModelFolder(record.base.dir, 'user') : await this.registry.resolve(record.options.baseModel)
    const weights = join(base.dir, base.card.weights?.file ?? 'weights.pt')
    if (!existsSync(weights)) {
      throw new FinetuneError(`model '${base.card.id}' has no PyTorch weights (${weights}): it can be run but not fine-tuned. ` +
        'Choose a base model exported with weights.pt (python3 -m trainer export writes it).')
    }
    record.base = { id: base.card.id, name: base.card.name, dir: base.dir }
    return base
  }

  private async prepare(record: JobRecord, running: Running): Promise<void> {
    const dataDir = join(this.jobDir(record.id), 'data')
    const prepared = await prepareCollection(record.collection, dataDir, {
      holdoutFraction: record.options.holdoutFraction,
      holdoutMin: record.options.holdoutMin,
      minUsable: record.options.minPhotos,
      shortSide: Math.max(256, record.options.size),
      signal: running.abort.signal,
      onProgress: (done, total, current) => this.emit({ type: 'preparing', jobId: record.id, done, total, current })
    })
    await writeFile(join(dataDir, 'prepared.json'), JSON.stringify(prepared, null, 1) + '\n')
    record.data = {
      found: prepared.found,
      usable: prepared.train.length + prepared.heldout.length,
      train: prepared.train.length,
      heldout: prepared.heldout.length,
      trainDir: prepared.trainDir,
      heldoutDir: prepared.heldoutDir,
      shortSide: prepared.shortSide,
      previewPhoto: prepared.heldout[0] ? join(dataDir, ...prepared.heldout[0].file.split('/')) : null,
      skipped: prepared.skipped
    }
    const skipped = prepared.skipped.length ? `, ${prepared.skipped.length} skipped (not colour or unreadable)` : ''
    await this.setState(record, 'preparing', `${record.data.usable} usable colour photos: ${record.data.train} to train on, ${record.data.heldout} held out${skipped}`)
  }

  private async train(record: JobRecord, running: Running, python: PythonCommand, base: InstalledModel): Promise<void> {
    const data = record.data!
    const jobDir = this.jobDir(record.id)
    const runDir = join(jobDir, 'run')
    const card = base.card
    const architecture = architectureOf(card)
    const args = trainerArgs(record.options, {
      runDir, initFrom: join(base.dir, card.weights?.file ?? 'weights.pt'), trainDir: data.trainDir, heldoutDir: data.heldoutDir,
      trainCount: data.train, previewPhoto: data.previewPhoto, previewDir: join(jobDir, 'previews'), architecture, name: `finetune-${record.id}`
    }, existsSync(join(runDir, 'last.pt')))
    const perEpoch = stepsPerEpoch(record.options, data.train)
    const priorSeconds = record.training?.seconds ?? 0
    const started = Date.now()
    let lastSave = 0
    const seconds = (): number => priorSeconds + (Date.now() - started) / 1000
    const handle = (event: TrainerEvent): void => {
      const training = record.training
      switch (event.event) {
        case 'start':
          record.training = {
            stepsPerEpoch: event.stepsPerEpoch, totalSteps: event.totalSteps, epochs: Math.ceil(event.totalSteps / event.stepsPerEpoch),
            step: event.step, epoch: training?.epoch ?? 0, loss: training?.loss ?? null, imagesPerSec: training?.imagesPerSec ?? null,
            etaSeconds: null, seconds: priorSeconds, finished: false, stopReason: null, bestCheckpoint: null
          }
          void this.save(record)
          break
        case 'step': {
          if (!training) break
          const rate = training.imagesPerSec === null ? event.imagesPerSec : 0.7 * training.imagesPerSec + 0.3 * event.imagesPerSec
          const budget = record.options.minutes ? record.options.minutes * 60 - seconds() : Infinity
          const stepsEta = ((event.totalSteps - event.step) * Math.min(record.options.batchSize, data.train)) / Math.max(rate, 1e-9)
          Object.assign(training, {
            step: event.step, epoch: event.epoch, loss: event.loss, imagesPerSec: rate, seconds: seconds(),
            etaSeconds: Math.max(0, Math.min(stepsEta, budget))
          })
          const fraction = Math.min(1, Math.max(event.step / event.totalSteps, record.options.minutes ? seconds() / (record.options.minutes * 60) : 0))
          this.emit({
            type: 'progress', jobId: record.id, epoch: event.epoch, epochs: training.epochs, step: event.step, totalSteps: event.totalSteps,
            loss: event.loss, imagesPerSec: rate, etaSeconds: training.etaSeconds, fraction,
            seconds: training.seconds, budgetSeconds: record.options.minutes ? record.options.minutes * 60 : null
          })
          if (event.loss !== null && Number.isFinite(event.loss)) record.losses = withLossPoint(record.losses, { step: event.step, loss: event.loss })
          if (Date.now() - lastSave > SAVE_INTERVAL_MS) {
            lastSave = Date.now()
            void this.save(record)
          }
          break
        }
        case 'eval': {
          const entry = { step: event.step, epoch: event.epoch, valLoss: event.valLoss, baselineLoss: event.baselineLoss, improved: event.improved }
          record.evals = [...record.evals.filter((e) => e.step !== event.step), entry]
          this.emit({ type: 'eval', jobId: record.id, ...entry })
          void this.save(record)
          break
        }
        case 'preview':
          record.previews = [...record.previews.filter((p) => p.step !== event.step), { step: event.step, epoch: event.epoch, path: event.path }]
          this.emit({ type: 'preview', jobId: record.id, step: event.step, epoch: event.epoch, path: event.path })
          void this.save(record)
          break
        case 'epoch':
          if (training) training.epoch = event.epoch + 1
          break
        case 'warning':
          this.emit({ type: 'warning', jobId: record.id, message: event.message })
          break
        case 'done':
          if (training) {
            Object.assign(training, { step: event.step, seconds: seconds(), etaSeconds: 0, stopReason: event.reason, bestCheckpoint: event.bestCheckpoint })
            training.finished = event.reason !== 'stopped'
          }
          break
        default:
          break
      }
    }
    if (running.intent) throw new Interrupted(running.intent)
    const trainer = TrainerProcess.start({
      python, args, onEvent: handle, logFile: join(jobDir, 'trainer.log'), killGraceMs: this.options.killGraceMs
    })
    running.trainer = trainer
    try {
      await trainer.finished
    } finally {
      running.trainer = null
      if (record.training) record.training.seconds = seconds()
      await this.save(record)
    }
    if (!record.training?.finished) {
      if (running.intent) throw new Interrupted(running.intent)
      throw new FinetuneError('the trainer stopped without finishing (it was sent a stop signal by something else); resume to continue')
    }
    if (record.training.stopReason && record.training.stopReason !== 'completed') {
      this.emit({ type: 'warning', jobId: record.id, message: `training ended: ${record.training.stopReason} (step ${record.training.step}, ${perEpoch} per epoch)` })
    }
  }

  private async exportAndScore(record: JobRecord, running: Running, python: PythonCommand, base: InstalledModel, checkpoint: () => void): Promise<void> {
    const jobDir = this.jobDir(record.id)
    const exportDir = join(jobDir, 'model')
    await rm(exportDir, { recursive: true, force: true })
    const modelId = await uniqueModelId(record.name, this.registry, this.modelsDir)
    const data = record.data!
    const training = record.training!
    const best = record.evals.reduce<JobRecord['evals'][number] | null>(
      (acc, e) => (e.valLoss !== null && (acc === null || acc.valLoss === null || e.valLoss < acc.valLoss) ? e : acc), null)
    const lineage = {
      baseModel: { id: base.card.id, name: base.card.name },
      collection: record.collection,
      photos: { found: data.found, usable: data.usable, train: data.train, heldout: data.heldout, skipped: data.skipped.length },
      options: { ...record.options, baseModel: base.card.id },
      job: record.id,
      steps: training.step,
      stopReason: training.stopReason,
      bestStep: best?.step ?? null,
      trainingSeconds: Math.round(training.seconds)
    }
    const extra = {
      description: `Fine-tuned from ${base.card.name} (${base.card.id}) on ${data.train} colour photos of ${record.collection}.`,
      lineage,
      limitations: [
        `Fine-tuned on one private collection (${data.usable} photos): it may colour other kinds of photos worse than ${base.card.id}.`,
        ...(base.card.limitations ?? [])
      ]
    }
    const exporter = TrainerProcess.start({
      python,
      args: ['export', '--checkpoint', training.bestCheckpoint ?? join(jobDir, 'run', 'best.pt'), '--out', exportDir, '--id', modelId,
        '--name', record.name, '--card-extra', JSON.stringify(extra)],
      logFile: join(jobDir, 'trainer.log')
    })
    running.trainer = exporter
    try {
      await exporter.finished
    } finally {
      running.trainer = null
    }
    checkpoint()
    const fineTuned = await readModelFolder(exportDir, 'user')
    const comparison = await compareOnHeldout(base, fineTuned, await heldoutPhotos(data.heldoutDir),
      (model, done, total) => this.emit({ type: 'evaluating', jobId: record.id, model, done, total }))
    checkpoint()
    const judged = verdict(comparison, base.card.id)
    const heldout = {
      photos: comparison.photos,
      base: asStoredScores(comparison.base),
      fineTuned: asStoredScores(comparison.fineTuned),
      grey: asStoredScores(comparison.grey)
    }
    await annotateCard(exportDir, {
      recommended: judged.recommended,
      finetune: {
        verdict: judged.text,
        heldout: { ...heldout, metric: 'mean over held-out photos, evaluateModel (PSNR dB, CIEDE2000, ab AuC, colourfulness)' },
        deltaE2000Change: comparison.fineTuned.deltaE2000 - comparison.base.deltaE2000,
        failed: comparison.failed
      }
    })
    await mkdir(this.modelsDir, { recursive: true })
    const target = join(this.modelsDir, modelId)
    await installModelFolder(exportDir, target)
    record.result = { modelId, modelDir: target, recommended: judged.recommended, verdict: judged.text, bestStep: best?.step ?? null, heldout }
  }
}
