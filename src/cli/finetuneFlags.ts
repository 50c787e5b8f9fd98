import { FinetuneOptionsInputSchema, type FinetuneOptionsInput } from '../shared/api/finetuneMethods'
import { describeProblem } from '../shared/api/plainWords'
import { UsageError } from './usage'

/** The fine-tune flags as parseArgs gives them (strings; absent ones undefined). */
export interface FinetuneFlags {
  base?: string
  train?: string
  epochs?: string
  minutes?: string
  size?: string
  lr?: string
  patience?: string
  steps?: string
  batch?: string
  threads?: string
}

/** The flag of each option, to name it in a usage error. */
const FLAG_OF: Record<string, keyof FinetuneFlags> = {
  baseModel: 'base',
  trainParts: 'train',
  epochs: 'epochs',
  minutes: 'minutes',
  size: 'size',
  learningRate: 'lr',
  patience: 'patience',
  maxSteps: 'steps',
  batchSize: 'batch',
  threads: 'threads'
}

function flagNumber(flag: keyof FinetuneFlags, value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const number = Number(value)
  if (value.trim() === '' || !Number.isFinite(number)) throw new UsageError(`--${flag} must be a number`)
  return number
}

/** Fine-tune options from the command line, checked with the contract's schema (the studio's bounds). */
export function finetuneOptionsFromFlags(flags: FinetuneFlags): FinetuneOptionsInput {
  const options = {
    baseModel: flags.base,
    trainParts: flags.train,
    epochs: flagNumber('epochs', flags.epochs),
    minutes: flagNumber('minutes', flags.minutes),
    size: flagNumber('size', flags.size),
    learningRate: flagNumber('lr', flags.lr),
    patience: flagNumber('patience', flags.patience),
    maxSteps: flagNumber('steps', flags.steps),
    batchSize: flagNumber('batch', flags.batch),
    threads: flagNumber('threads', flags.threads)
  }
  const parsed = FinetuneOptionsInputSchema.safeParse(options)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]!
  const key = issue.path.find((part): part is string => typeof part === 'string')
  throw new UsageError(`--${(key && FLAG_OF[key]) ?? key ?? 'options'} ${describeProblem(issue)}`)
}
