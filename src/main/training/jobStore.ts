import { existsSync } from 'node:fs'
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { FinetuneOptionsSchema } from './finetuneOptions'
import { NotFoundError } from '../domainErrors'
import { FINETUNE_FINAL_STATES, FINETUNE_STATES } from '../../shared/api/finetuneMethods'

/** A job id with no readable job.json. */
export class FinetuneJobNotFoundError extends NotFoundError {}

/** A job's states: the contract's list (job.json stores them as the API shows them). */
export const JOB_STATES = FINETUNE_STATES
export type JobState = (typeof JOB_STATES)[number]
/** States in which a process is (or should be) working on the job. */
export const ACTIVE_STATES: readonly JobState[] = ['queued', 'preparing', 'training', 'exporting']
export const FINAL_STATES = FINETUNE_FINAL_STATES

const Scores = z.object({
  psnr: z.union([z.number(), z.string()]),
  deltaE2000: z.number(),
  abAuc: z.number(),
  colourfulness: z.number(),
  deltaColourfulness: z.number()
})

/** Where training stands, as job.json keeps it (the API shows it without bestCheckpoint). */
const TrainingRecord = z.object({
  stepsPerEpoch: z.number().int(),
  totalSteps: z.number().int(),
  epochs: z.number().int(),
  step: z.number().int(),
  epoch: z.number().int(),
  loss: z.number().nullable(),
  imagesPerSec: z.number().nullable(),
  etaSeconds: z.number().nullable(),
  /** Wall-clock seconds the trainer has run for this job, over all its sessions. */
  seconds: z.number(),
  finished: z.boolean(),
  stopReason: z.string().nullable(),
  bestCheckpoint: z.string().nullable()
})

const LossPoint = z.object({ step: z.number().int(), loss: z.number() })

/** job.json: this store's own format (the contract's FinetuneJobSchema is what the API shows of it). */
export const JobRecordSchema = z.object({
  formatVersion: z.literal(1),
  id: z.string(),
  /** Name of the model to create. */
  name: z.string(),
  collection: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  state: z.enum(JOB_STATES),
  /** A sentence about the state: why it failed, paused, stopped early… */
  message: z.string().nullable(),
  /** Process working on the job now (used to tell an interrupted job from one another process runs). */
  ownerPid: z.number().int().nullable(),
  /** Python given explicitly for this job (else auto-detected each time). */
  python: z.string().nullable(),
  options: FinetuneOptionsSchema,
  base: z.object({ id: z.string(), name: z.string(), dir: z.string() }).nullable(),
  data: z.object({
    found: z.number().int(),
    usable: z.number().int(),
    train: z.number().int(),
    heldout: z.number().int(),
    trainDir: z.string(),
    heldoutDir: z.string(),
    shortSide: z.number().int(),
    previewPhoto: z.string().nullable(),
    skipped: z.array(z.object({ photo: z.string(), reason: z.string(), kind: z.string() }))
  }).nullable(),
  training: TrainingRecord.nullable(),
  evals: z.array(z.object({
    step: z.number().int(),
    epoch: z.number().int(),
    valLoss: z.number().nullable(),
    baselineLoss: z.number().nullable(),
    improved: z.boolean()
  })),
  /** Training loss by step (thinned past FINETUNE_MAX_LOSS_POINTS); absent from jobs of older versions. */
  losses: z.array(LossPoint).default([]),
  previews: z.array(z.object({ step: z.number().int(), epoch: z.number().int(), path: z.string() })),
  result: z.object({
    modelId: z.string(),
    modelDir: z.string(),
    recommended: z.boolean(),
    verdict: z.string(),
    bestStep: z.number().int().nullable(),
    heldout: z.object({ photos: z.number().int(), base: Scores, fineTuned: Scores, grey: Scores })
  }).nullable(),
  error: z.object({ phase: z.string(), message: z.string(), stderrTail: z.array(z.string()) }).nullable()
})

export type JobRecord = z.infer<typeof JobRecordSchema>
export type HeldoutScores = z.infer<typeof Scores>

/** Job folders: `<root>/<job id>/job.json` beside the job's data, run and export folders. */
export class JobStore {
  constructor(readonly root: string) {}

  dir(id: string): string {
    return join(this.root, id)
  }

  async read(id: string): Promise<JobRecord> {
    const path = join(this.dir(id), 'job.json')
    let raw: unknown
    try {
      raw = JSON.parse(await readFile(path, 'utf8'))
    } catch (error) {
      throw new FinetuneJobNotFoundError(`no readable fine-tuning job '${id}' (${path}): ${(error as Error).message}`)
    }
    const parsed = JobRecordSchema.safeParse(raw)
    if (!parsed.success) throw new Error(`invalid job file ${path}: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`)
    return parsed.data
  }

  /** Atomic write (temporary file, then rename). */
  async write(record: JobRecord): Promise<void> {
    const dir = this.dir(record.id)
    await mkdir(dir, { recursive: true })
    const path = join(dir, 'job.json')
    await writeFile(path + '.tmp', JSON.stringify(record, finiteOrString, 2) + '\n')
    await rename(path + '.tmp', path)
  }

  /** Every readable job, newest first; unreadable folders are left out. */
  async list(): Promise<JobRecord[]> {
    if (!existsSync(this.root)) return []
    const records: JobRecord[] = []
    for (const entry of await readdir(this.root, { withFileTypes: true })) {
      if (!entry.isDirectory() || !existsSync(join(this.root, entry.name, 'job.json'))) continue
      try {
        records.push(await this.read(entry.name))
      } catch {
        // a half-written or foreign folder: not a job
      }
    }
    return records.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0))
  }
}

/** JSON has no Infinity (PSNR of an exact reproduction) or NaN: write them as strings. */
export function finiteOrString(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value
}
