/**
 * The bounds and defaults of the options, as plain values: the one place each is defined. The contract's
 * schemas are built on them (schemas.ts, finetuneMethods.ts, settings.ts re-export them), and code that must
 * start without zod (the CLI's --help, src/cli/usage.ts) reads them here. No import may be added to this file.
 */

/** The working size: the shorter side, in pixels, that the network sees. */
export const WORKING_SIZE_MIN = 64
export const WORKING_SIZE_MAX = 2048
export const WORKING_SIZE_DEFAULT = 256

/** Colour intensity (1 = the model's own colour). */
export const INTENSITY_MIN = 0
export const INTENSITY_MAX = 4
export const INTENSITY_DEFAULT = 1

/** The bundled model used when none is chosen. */
export const DEFAULT_MODEL_ID = 'default'

/** Formats a colorized photo can be written or exported as. */
export const EXPORT_FORMATS = ['jpeg', 'png', 'tiff', 'webp'] as const

/** JPEG and WebP quality. */
export const QUALITY_MIN = 1
export const QUALITY_MAX = 100
export const QUALITY_DEFAULT = 92

/** Where inference runs: 'auto' picks the best the machine has. */
export const EXECUTION_PROVIDER_SETTINGS = ['auto', 'cuda', 'dml', 'coreml', 'cpu'] as const

/** CPU threads a setting or flag may ask for (0 = automatic). */
export const THREADS_MAX = 256

/**
 * Photos in flight at once in a batch or the studio's queue: while one is in a single-threaded stage
 * (JavaScript pixel loops, a .v file being written), the other's decode, inference or encode keeps the other
 * core busy. Each 12-MP photo in flight holds about 0.3 GB; libvips and onnxruntime already spread one
 * photo's native stages over all cores.
 */
export const BATCH_CONCURRENCY_DEFAULT = 2
export const BATCH_CONCURRENCY_MAX = 64

/**
 * `koalarize eval`'s size: photos whose shorter side is larger are first downscaled (Lanczos) to it. The
 * downscaled photo is the ground truth, the grey input is made from it, and the network runs at this size
 * too, so figures from different models and photo sizes are comparable and a run stays fast on a CPU.
 */
export const EVAL_SIZE_MIN = 16
export const EVAL_SIZE_MAX = 4096
export const EVAL_SIZE_DEFAULT = 256

/** Defaults of a fine-tune's options: the form shows them and the service fills them in (finetuneOptions.ts). */
export const FINETUNE_DEFAULTS = {
  trainParts: 'decoder',
  epochs: 5,
  /** The time budget the form offers when one is chosen (none by default). */
  minutes: 10,
  size: 224,
  learningRate: 1e-4,
  /** Held-out evaluations without a better loss before training stops early (never before the minimum steps). */
  patience: 2,
  batchSize: 16
} as const

/** Bounds of the epoch and time budgets and of the batch size (the form's fields use them too). */
export const FINETUNE_BOUNDS = { epochs: { min: 1, max: 1000 }, minutes: { min: 1, max: 10_000 }, batchSize: { min: 1, max: 256 } } as const
