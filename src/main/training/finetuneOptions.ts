import { z } from 'zod'
import type { ModelCard } from '../../shared/modelCard'
import { DEFAULT_MODEL_ID } from '../../shared/api/schemas'
import { FINETUNE_BOUNDS, FINETUNE_DEFAULTS } from '../../shared/api/finetuneMethods'
import { HOLDOUT_FRACTION, HOLDOUT_MIN, MIN_USABLE_PHOTOS } from './prepareCollection'
import { trainingSchedule } from './trainingSchedule'
import { InvalidError } from '../domainErrors'

/** Options of a fine-tuning job; every field has a default (see DEFAULT_FINETUNE_OPTIONS). */
export const FinetuneOptionsSchema = z.object({
  /** Model to start from: an installed id or a model folder; it must ship weights.pt. */
  baseModel: z.string().min(1),
  /** 'decoder': fusion + decoder only (the encoder and global branch stay as they are); 'all': every layer. */
  trainParts: z.enum(['decoder', 'all']),
  epochs: z.number().int().min(FINETUNE_BOUNDS.epochs.min).max(FINETUNE_BOUNDS.epochs.max),
  /** Time budget in minutes (training only); null: none. Training stops at whichever comes first. */
  minutes: z.number().positive().nullable(),
  /** Crop size the network trains at (pixels, multiple of 8). */
  size: z.number().int().min(32).max(1024).refine((n) => n % 8 === 0, 'must be a multiple of 8'),
  learningRate: z.number().positive().max(1),
  /** Stop after this many epochs without a better held-out loss (0: never stop early). */
  patience: z.number().int().min(0),
  batchSize: z.number().int().min(FINETUNE_BOUNDS.batchSize.min).max(FINETUNE_BOUNDS.batchSize.max),
  /** Cap on optimiser steps (null: epochs decide); for tests and benchmarks. */
  maxSteps: z.number().int().positive().nullable(),
  /** CPU threads for torch (0: all cores). */
  threads: z.number().int().min(0),
  holdoutFraction: z.number().min(0).max(0.5),
  holdoutMin: z.number().int().min(1),
  minPhotos: z.number().int().min(2)
})

export type FinetuneOptions = z.infer<typeof FinetuneOptionsSchema>

export const DEFAULT_FINETUNE_OPTIONS: FinetuneOptions = {
  baseModel: DEFAULT_MODEL_ID,
  trainParts: FINETUNE_DEFAULTS.trainParts,
  epochs: FINETUNE_DEFAULTS.epochs,
  minutes: null,
  size: FINETUNE_DEFAULTS.size,
  learningRate: FINETUNE_DEFAULTS.learningRate,
  patience: FINETUNE_DEFAULTS.patience,
  batchSize: FINETUNE_DEFAULTS.batchSize,
  maxSteps: null,
  threads: 0,
  holdoutFraction: HOLDOUT_FRACTION,
  holdoutMin: HOLDOUT_MIN,
  minPhotos: MIN_USABLE_PHOTOS
}

/** Epoch cap used when only a time budget is given. */
export const EPOCHS_WITH_TIME_BUDGET = FINETUNE_BOUNDS.epochs.max

export class FinetuneOptionsError extends InvalidError {}

/** Defaults filled in and every value checked; a readable error names the bad option. */
export function resolveFinetuneOptions(partial: Partial<FinetuneOptions> = {}): FinetuneOptions {
  const merged = { ...DEFAULT_FINETUNE_OPTIONS, ...Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)) }
  if (partial.minutes != null && partial.epochs === undefined) merged.epochs = EPOCHS_WITH_TIME_BUDGET
  const parsed = FinetuneOptionsSchema.safeParse(merged)
  if (!parsed.success) {
    throw new FinetuneOptionsError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '))
  }
  return parsed.data
}

/** What the trainer needs to know about the base model's architecture (from its card). */
export interface BaseArchitecture {
  extractor: string
  extractorInputSize: number
  embeddingWidth: number
  width: number
  /** 'regression' (the paper's ab output) or 'bins' (annealed mean of ab bins; trains with the bins loss). */
  head: 'regression' | 'bins'
  /** Annealed-mean temperature of a bins head. */
  temperature?: number
  /** Semantic features from the frozen backbone ('' none): the fine-tuned model keeps the base's. */
  semantics: '' | 'global' | 'spatial'
  /** Training crops must be multiples of this (the base's working-size multiple: 32 with semantics). */
  spatialMultiple: number
}

export function architectureOf(card: ModelCard): BaseArchitecture {
  return {
    extractor: card.extractor.kind,
    extractorInputSize: card.extractor.inputSize,
    embeddingWidth: card.extractor.embeddingWidth,
    width: card.architecture.width ?? 1,
    head: card.architecture.head ?? 'regression',
    temperature: card.architecture.temperature,
    semantics: card.architecture.semantics ?? '',
    spatialMultiple: card.colorizer.spatialMultiple
  }
}

export interface TrainerPlan {
  runDir: string
  initFrom: string
  trainDir: string
  heldoutDir: string
  trainCount: number
  previewPhoto: string | null
  previewDir: string
  architecture: BaseArchitecture
  name: string
}

/** Batch size actually used: never more than the training photos (the trainer needs one full batch per epoch). */
export function effectiveBatchSize(options: FinetuneOptions, trainCount: number): number {
  return Math.max(1, Math.min(options.batchSize, trainCount))
}

export function stepsPerEpoch(options: FinetuneOptions, trainCount: number): number {
  return Math.max(1, Math.floor(trainCount / effectiveBatchSize(options, trainCount)))
}

/** The training crop: the chosen size rounded down to the base's multiple (never below one multiple). */
export function cropSize(size: number, multiple: number): number {
  return Math.max(multiple, Math.floor(size / multiple) * multiple)
}

/** `-o` values are parsed as YAML by the trainer; JSON strings and lists are valid YAML and survive any path. */
const o = (key: string, value: unknown): string[] => ['-o', `${key}=${JSON.stringify(value)}`]

/**
 * Arguments of `python -m trainer train` for a fine-tuning job: start from the base model's weights,
 * train on the prepared folder (at least the collection's minimum steps: trainingSchedule), evaluate on
 * the held-out folder after every epoch or every few steps (so best.pt keeps the
 * best epoch) and write a preview after each evaluation.
 */
export function trainerArgs(options: FinetuneOptions, plan: TrainerPlan, resume: boolean): string[] {
  const schedule = trainingSchedule(options, plan.trainCount, stepsPerEpoch(options, plan.trainCount))
  return [
    'train', '--run-dir', plan.runDir, '--init-from', plan.initFrom, ...(resume ? ['--resume'] : []),
    ...o('name', plan.name),
    ...o('model.extractor', plan.architecture.extractor),
    ...o('model.extractor_input_size', plan.architecture.extractorInputSize),
    ...o('model.embedding_width', plan.architecture.embeddingWidth),
    ...o('model.width', plan.architecture.width),
    ...o('model.head', plan.architecture.head),
    ...(plan.architecture.temperature !== undefined ? o('model.temperature', plan.architecture.temperature) : []),
    ...o('model.semantics', plan.architecture.semantics),
    ...o('train.loss', plan.architecture.head === 'bins' ? 'bins' : 'mse'),
    ...o('data.train', [plan.trainDir]),
    ...o('data.val', [plan.heldoutDir]),
    ...o('data.val_limit', 0),
    ...o('data.crop_size', cropSize(options.size, plan.architecture.spatialMultiple)),
    ...o('train.lr', options.learningRate),
    ...o('train.batch_size', effectiveBatchSize(options, plan.trainCount)),
    ...o('train.epochs', schedule.epochs),
    ...o('train.max_steps', options.maxSteps ?? 0),
    ...o('train.max_minutes', options.minutes ?? 0),
    ...o('train.eval_every', schedule.evalEvery),
    ...o('train.checkpoint_every', schedule.evalEvery),
    ...o('train.log_every', 1),
    ...o('train.train_parts', options.trainParts),
    ...o('train.patience', schedule.patience),
    ...o('train.threads', options.threads),
    ...(plan.previewPhoto ? [...o('train.preview', plan.previewPhoto), ...o('train.preview_out', plan.previewDir)] : [])
  ]
}
