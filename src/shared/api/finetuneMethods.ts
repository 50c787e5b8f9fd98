import { z } from 'zod'
import { UserFolderSchema } from './userFolder'

import { FINETUNE_BOUNDS } from './bounds'

export { FINETUNE_DEFAULTS, FINETUNE_BOUNDS } from './bounds'

/**
 * Contract methods and events of fine-tuning (issue 5): check the Python environment, inspect a
 * collection, start / pause / resume / cancel a job, and its live progress. Kept in their own block and
 * spread into API_METHODS / API_EVENTS (contract.ts). No file-system path of the job's own files crosses
 * the boundary (checkpoints, copies, previews, the exported model): previews are served by job id and
 * step through the media routes (`/media/preview/<jobId>/<step>`, see mediaUrl / previewUrl).
 */

/** A fine-tuning job id (`ft-<date>-<time>-<hex>`): letters, digits and dashes only, so never a path. */
export const FinetuneJobIdSchema = z.string().regex(/^ft-[A-Za-z0-9-]{1,60}$/, 'not a fine-tuning job id')

export const FINETUNE_STATES = ['queued', 'preparing', 'training', 'paused', 'exporting', 'done', 'failed', 'cancelled'] as const
export const FinetuneStateSchema = z.enum(FINETUNE_STATES)
export const FINETUNE_FINAL_STATES: readonly FinetuneState[] = ['done', 'failed', 'cancelled']

/**
 * Small collections need more passes than the default epochs give (18 photos make one batch: 5 epochs
 * would be 5 optimiser steps). A job trains at least this many steps, derived from its training photos
 * (unless it has a time budget or a step cap), and never stops early before them.
 */
export const FINETUNE_MIN_STEPS = { perTrainPhoto: 4, floor: 60, ceiling: 300 } as const
/** Held-out evaluations (loss point and preview) within the minimum steps. */
export const FINETUNE_EVALS_IN_MIN_STEPS = 10
/** Below this many usable photos a fine-tune changes the model little: the form says so before starting. */
export const FINETUNE_FEW_PHOTOS = 50

export function minimumFinetuneSteps(trainCount: number): number {
  const { perTrainPhoto, floor, ceiling } = FINETUNE_MIN_STEPS
  return Math.min(ceiling, Math.max(floor, Math.ceil(perTrainPhoto * trainCount)))
}

/** Training options a caller may set; the rest keep the service's defaults (finetuneOptions.ts checks them again). */
export const FinetuneOptionsInputSchema = z.strictObject({
  /** An installed model id (it must ship weights.pt). */
  baseModel: z.string().min(1).max(200).optional(),
  /** 'decoder': fusion + decoder only; 'all': every layer. */
  trainParts: z.enum(['decoder', 'all']).optional(),
  epochs: z.number().int().min(FINETUNE_BOUNDS.epochs.min).max(FINETUNE_BOUNDS.epochs.max).optional(),
  /** Time budget in minutes (null: none); training stops at whichever of epochs / minutes comes first. */
  minutes: z.number().positive().max(FINETUNE_BOUNDS.minutes.max).nullable().optional(),
  /** Crop size the network trains at (pixels, multiple of 8). */
  size: z.number().int().min(32).max(1024).refine((n) => n % 8 === 0, 'must be a multiple of 8').optional(),
  learningRate: z.number().positive().max(1).optional(),
  patience: z.number().int().min(0).max(1000).optional(),
  batchSize: z.number().int().min(FINETUNE_BOUNDS.batchSize.min).max(FINETUNE_BOUNDS.batchSize.max).optional(),
  /** Cap on optimiser steps (null: epochs decide). */
  maxSteps: z.number().int().positive().nullable().optional(),
  /** CPU threads for torch (0: all cores). */
  threads: z.number().int().min(0).max(1024).optional(),
  holdoutFraction: z.number().min(0).max(0.5).optional(),
  holdoutMin: z.number().int().min(1).max(10_000).optional(),
  minPhotos: z.number().int().min(2).max(100_000).optional()
})

export const FinetuneOptionsSchema = z.object({
  baseModel: z.string(),
  trainParts: z.enum(['decoder', 'all']),
  epochs: z.number().int(),
  minutes: z.number().nullable(),
  size: z.number().int(),
  learningRate: z.number(),
  patience: z.number().int(),
  batchSize: z.number().int(),
  maxSteps: z.number().int().nullable(),
  threads: z.number().int(),
  holdoutFraction: z.number(),
  holdoutMin: z.number().int(),
  minPhotos: z.number().int()
})

export const SkippedPhotoSchema = z.object({
  /** Path relative to the collection folder. */
  photo: z.string(),
  reason: z.string(),
  kind: z.string()
})

/** Held-out scores of one model (mean over the held-out photos; PSNR may be "Infinity"). */
export const HeldoutScoresSchema = z.object({
  psnr: z.union([z.number(), z.string()]),
  deltaE2000: z.number(),
  abAuc: z.number(),
  colourfulness: z.number(),
  deltaColourfulness: z.number()
})

export const FinetuneResultSchema = z.object({
  /** The new model's id: it is installed and listed by listModels. */
  modelId: z.string(),
  /** True when the fine-tuned model scored better than its base on the held-out photos. */
  recommended: z.boolean(),
  /** One sentence: better / worse than the base, with the figures. */
  verdict: z.string(),
  bestStep: z.number().int().nullable(),
  heldout: z.object({ photos: z.number().int(), base: HeldoutScoresSchema, fineTuned: HeldoutScoresSchema, grey: HeldoutScoresSchema })
})

export const FinetuneEvalPointSchema = z.object({
  step: z.number().int(),
  epoch: z.number().int(),
  /** Held-out loss of the model (scaled ab MSE), and of the grey baseline. */
  valLoss: z.number().nullable(),
  baselineLoss: z.number().nullable(),
  improved: z.boolean()
})

/** Training loss at a step: the job keeps its history, so the chart survives a reload, a pause or a cancel. */
export const FinetuneLossPointSchema = z.object({ step: z.number().int(), loss: z.number() })
/** The most training-loss points a job keeps (older ones are thinned out). */
export const FINETUNE_MAX_LOSS_POINTS = 600

/** A fine-tuning job as the UI sees it (job.json without the job's internal paths). */
/** Where a fine-tune's training stands (also kept, with more, in the job's job.json). */
export const FinetuneTrainingSchema = z.object({
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
  stopReason: z.string().nullable()
})

export const FinetuneJobSchema = z.object({
  id: FinetuneJobIdSchema,
  /** Name of the model to create. */
  name: z.string(),
  /** The collection folder the user chose (absolute; only read). */
  collection: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  state: FinetuneStateSchema,
  message: z.string().nullable(),
  options: FinetuneOptionsSchema,
  base: z.object({ id: z.string(), name: z.string() }).nullable(),
  data: z.object({
    found: z.number().int(),
    usable: z.number().int(),
    train: z.number().int(),
    heldout: z.number().int(),
    skipped: z.array(SkippedPhotoSchema)
  }).nullable(),
  training: FinetuneTrainingSchema.nullable(),
  evals: z.array(FinetuneEvalPointSchema),
  losses: z.array(FinetuneLossPointSchema),
  /** Preview images so far, by step (served at /media/preview/<jobId>/<step>). */
  previews: z.array(z.object({ step: z.number().int(), epoch: z.number().int() })),
  result: FinetuneResultSchema.nullable(),
  error: z.object({ phase: z.string(), message: z.string(), stderrTail: z.array(z.string()) }).nullable()
})

export const PythonCandidateSchema = z.object({
  /** As shown to the user, e.g. `/usr/bin/python3`. */
  label: z.string(),
  /** Python version, executable and module versions (null: the interpreter could not be run). */
  version: z.string().nullable(),
  executable: z.string().nullable(),
  modules: z.record(z.string(), z.string().nullable()),
  cuda: z.boolean(),
  cudaDevice: z.string().nullable(),
  missing: z.array(z.string()),
  error: z.string().nullable()
})

/** Whether fine-tuning can run here: a Python with torch & co., and what to install otherwise. */
export const FinetuneEnvironmentSchema = z.object({
  ok: z.boolean(),
  source: z.enum(['option', 'env', 'auto']),
  chosen: PythonCandidateSchema.nullable(),
  tried: z.array(PythonCandidateSchema),
  /** One paragraph for the user. */
  message: z.string()
})

/** What fine-tuning would use from a folder: colour photos, and the skipped ones with the reason. */
export const CollectionInspectionSchema = z.object({
  folder: z.string(),
  found: z.number().int(),
  usable: z.number().int(),
  skipped: z.array(SkippedPhotoSchema),
  /** Usable photos needed (the default minimum). */
  minPhotos: z.number().int(),
  /** How the usable photos would be split (default held-out fraction). */
  train: z.number().int(),
  heldout: z.number().int(),
  /** True when there are enough usable photos to start. */
  enough: z.boolean(),
  /** One sentence for the user. */
  message: z.string()
})

export const FinetuneProgressSchema = z.object({
  jobId: FinetuneJobIdSchema,
  /** preparing: reading the photos; training: optimiser steps; evaluating: scoring base and fine-tuned model. */
  phase: z.enum(['preparing', 'training', 'evaluating']),
  /** 0..1 of the phase. */
  fraction: z.number().min(0).max(1),
  etaSeconds: z.number().nullable(),
  /** What is being done, e.g. the photo being read or the model being scored. */
  detail: z.string().nullable(),
  /** Items of a preparing / evaluating phase. */
  done: z.number().int().nullable(),
  total: z.number().int().nullable(),
  /** Training figures (null outside training). */
  epoch: z.number().int().nullable(),
  epochs: z.number().int().nullable(),
  step: z.number().int().nullable(),
  totalSteps: z.number().int().nullable(),
  loss: z.number().nullable(),
  imagesPerSec: z.number().nullable(),
  /** Training seconds so far and the time budget (null: none), for an honest "of" and ETA. */
  seconds: z.number().nullable().optional(),
  budgetSeconds: z.number().nullable().optional()
})

export const FinetuneEvalEventSchema = FinetuneEvalPointSchema.extend({ jobId: FinetuneJobIdSchema })

export const FinetunePreviewEventSchema = z.object({ jobId: FinetuneJobIdSchema, step: z.number().int(), epoch: z.number().int() })

export const FinetuneFinishedSchema = z.object({
  jobId: FinetuneJobIdSchema,
  state: z.enum(['done', 'failed', 'cancelled']),
  /** The result when done (model id, before/after held-out figures, recommended), else null. */
  result: FinetuneResultSchema.nullable(),
  job: FinetuneJobSchema
})

export const FinetuneWarningSchema = z.object({ jobId: FinetuneJobIdSchema, message: z.string() })

const JobRef = z.strictObject({ jobId: FinetuneJobIdSchema })

export const FINETUNE_METHODS = {
  /** Looks for a Python with torch, onnx, PIL, yaml and numpy; says what is missing and how to install it. */
  checkFinetuneEnvironment: { params: z.strictObject({}), result: FinetuneEnvironmentSchema },
  /** Reads a folder (only reads it): how many usable colour photos, and which are skipped and why. */
  inspectCollection: { params: z.strictObject({ folder: UserFolderSchema }), result: CollectionInspectionSchema },
  /** Queues a fine-tuning job (one runs at a time); progress follows as finetune* events. */
  startFinetune: {
    params: z.strictObject({
      folder: UserFolderSchema,
      name: z.string().trim().min(1).max(120),
      options: FinetuneOptionsInputSchema.default({})
    }),
    result: FinetuneJobSchema
  },
  /** Every fine-tuning job, newest first. */
  listFinetuneJobs: { params: z.strictObject({}), result: z.array(FinetuneJobSchema) },
  getFinetuneJob: { params: JobRef, result: FinetuneJobSchema },
  /** Stops the job with a checkpoint; resumeFinetune continues it (also after a restart). */
  pauseFinetune: { params: JobRef, result: FinetuneJobSchema },
  /** Queues a paused (or failed) job again, from its last checkpoint. */
  resumeFinetune: { params: JobRef, result: FinetuneJobSchema },
  cancelFinetune: { params: JobRef, result: FinetuneJobSchema }
} as const

export const FINETUNE_EVENTS = {
  /** A job was queued or changed state. */
  finetuneUpdated: FinetuneJobSchema,
  /** Live progress: phase, epoch, step, loss, ETA, fraction. */
  finetuneProgress: FinetuneProgressSchema,
  /** Held-out loss after an epoch. */
  finetuneEval: FinetuneEvalEventSchema,
  /** A new preview image (one held-out photo colorized by the current weights), by job id and step. */
  finetunePreview: FinetunePreviewEventSchema,
  /** A job ended: done (with its result), failed or cancelled. */
  finetuneFinished: FinetuneFinishedSchema,
  /** Something the user should know that does not stop the job. */
  finetuneWarning: FinetuneWarningSchema
} as const

export type FinetuneState = z.infer<typeof FinetuneStateSchema>
export type FinetuneJobDto = z.infer<typeof FinetuneJobSchema>
export type FinetuneResultDto = z.infer<typeof FinetuneResultSchema>
export type FinetuneProgressDto = z.infer<typeof FinetuneProgressSchema>
export type FinetuneEvalDto = z.infer<typeof FinetuneEvalEventSchema>
export type FinetuneEnvironmentDto = z.infer<typeof FinetuneEnvironmentSchema>
export type CollectionInspectionDto = z.infer<typeof CollectionInspectionSchema>
export type FinetuneOptionsInput = z.infer<typeof FinetuneOptionsInputSchema>
export type FinetuneLossPoint = z.infer<typeof FinetuneLossPointSchema>
