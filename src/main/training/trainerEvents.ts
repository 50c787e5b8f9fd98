import { z } from 'zod'

/**
 * The trainer's JSON-lines protocol (trainer/events.py, trainer/train.py, trainer/__main__.py): one
 * object per stdout line with an `event` name and a `time` (Unix seconds). Fields the app does not
 * use are kept (loose objects), so a newer trainer does not break an older app.
 */
const base = { time: z.number() }
/** Python writes NaN/Infinity for a diverged loss; they are read as null. */
const metric = z.number().nullable()

const EvalMetrics = {
  valLoss: metric,
  baselineLoss: metric,
  valCount: z.number().int(),
  step: z.number().int(),
  epoch: z.number().int()
}

export const StartEventSchema = z.looseObject({
  event: z.literal('start'), ...base,
  runDir: z.string(),
  resumed: z.boolean(),
  step: z.number().int(),
  totalSteps: z.number().int(),
  trainCount: z.number().int(),
  valCount: z.number().int(),
  stepsPerEpoch: z.number().int(),
  parameters: z.number().int(),
  config: z.record(z.string(), z.unknown())
})

export const StepEventSchema = z.looseObject({
  event: z.literal('step'), ...base,
  step: z.number().int(),
  totalSteps: z.number().int(),
  epoch: z.number().int(),
  loss: metric,
  imagesPerSec: z.number(),
  etaSeconds: metric
})

export const EvalEventSchema = z.looseObject({
  event: z.literal('eval'), ...base,
  ...EvalMetrics,
  improved: z.boolean(),
  bestValLoss: metric
})

export const CheckpointEventSchema = z.looseObject({
  event: z.literal('checkpoint'), ...base,
  path: z.string(),
  step: z.number().int(),
  reason: z.string()
})

export const EpochEventSchema = z.looseObject({ event: z.literal('epoch'), ...base, epoch: z.number().int(), step: z.number().int() })

export const PreviewEventSchema = z.looseObject({
  event: z.literal('preview'), ...base,
  path: z.string(),
  step: z.number().int(),
  epoch: z.number().int()
})

export const DoneEventSchema = z.looseObject({
  event: z.literal('done'), ...base,
  /** "completed", "stopped", "time budget reached", "early stop: no improvement" */
  reason: z.string(),
  step: z.number().int(),
  bestValLoss: metric,
  history: z.array(z.looseObject(EvalMetrics)),
  elapsedSeconds: z.number(),
  bestCheckpoint: z.string()
})

export const ErrorEventSchema = z.looseObject({
  event: z.literal('error'), ...base,
  message: z.string(),
  kind: z.string().optional(),
  traceback: z.string().optional()
})

export const WarningEventSchema = z.looseObject({ event: z.literal('warning'), ...base, message: z.string() })

export const ExportedEventSchema = z.looseObject({
  event: z.literal('exported'), ...base,
  out: z.string(),
  id: z.string(),
  files: z.record(z.string(), z.string())
})

export const TrainerEventSchema = z.discriminatedUnion('event', [
  StartEventSchema, StepEventSchema, EvalEventSchema, CheckpointEventSchema, EpochEventSchema, PreviewEventSchema,
  DoneEventSchema, ErrorEventSchema, WarningEventSchema, ExportedEventSchema
])

export type TrainerEvent = z.infer<typeof TrainerEventSchema>
export type StartEvent = z.infer<typeof StartEventSchema>
export type StepEvent = z.infer<typeof StepEventSchema>
export type EvalEvent = z.infer<typeof EvalEventSchema>
export type PreviewEvent = z.infer<typeof PreviewEventSchema>
export type DoneEvent = z.infer<typeof DoneEventSchema>
export type ErrorEvent = z.infer<typeof ErrorEventSchema>
export type ExportedEvent = z.infer<typeof ExportedEventSchema>

export type ParsedLine =
  | { kind: 'event'; event: TrainerEvent }
  /** Not JSON (a stray print): kept as output text. */
  | { kind: 'text'; line: string }
  /** JSON that does not match the protocol: reported, never fatal. */
  | { kind: 'invalid'; line: string; problem: string }

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line)
  } catch {
    // Python's json writes bare NaN / Infinity for non-finite floats.
    return JSON.parse(line.replace(/(?<=[:,[]\s*)(-?Infinity|NaN)(?=\s*[,}\]])/g, 'null'))
  }
}

/** One stdout line of the trainer. */
export function parseTrainerLine(line: string): ParsedLine {
  const text = line.trim()
  if (!text.startsWith('{')) return { kind: 'text', line }
  let raw: unknown
  try {
    raw = parseJson(text)
  } catch {
    return { kind: 'text', line }
  }
  const parsed = TrainerEventSchema.safeParse(raw)
  if (parsed.success) return { kind: 'event', event: parsed.data }
  const problem = parsed.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || 'event'}: ${issue.message}`).join('; ')
  return { kind: 'invalid', line, problem }
}
