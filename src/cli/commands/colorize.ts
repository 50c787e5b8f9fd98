import { parseArgs } from 'node:util'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { ColorizerModel } from '../../main/inference/colorizerModel'
import { colorizeBatch, inferenceThreads } from '../../main/batch/colorizeBatch'
import { BATCH_CONCURRENCY_DEFAULT, BATCH_CONCURRENCY_MAX, THREADS_MAX } from '../../shared/api/bounds'
import { OUTPUT_FORMATS, type OutputFormat } from '../../main/imaging/photoWriter'
import { ProgressBar, formatDuration } from '../progressBar'
import { modelRegistry } from '../services'
import { DEFAULT_MODEL_ID } from '../../main/models/modelRegistry'
import { optimizedModelsDir } from '../../main/models/paths'
import { INTENSITY_MAX, INTENSITY_MIN, WORKING_SIZE_MAX, WORKING_SIZE_MIN, WorkingSizeSchema } from '../../shared/api/schemas'
import { QUALITY_MAX, QUALITY_MIN } from '../../shared/settings'
import { colorizeUsage, UsageError } from '../usage'
import { numberBetween, numberOption, providerOption, wholeNumberBetween } from '../options'

export async function colorizeCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      model: { type: 'string', default: DEFAULT_MODEL_ID },
      size: { type: 'string' },
      intensity: { type: 'string' },
      format: { type: 'string' },
      quality: { type: 'string' },
      recolor: { type: 'boolean', default: false },
      overwrite: { type: 'boolean', default: false },
      provider: { type: 'string', default: 'auto' },
      threads: { type: 'string' },
      jobs: { type: 'string' }
    }
  })
  if (positionals.length !== 2) throw new UsageError(colorizeUsage)
  const [input, output] = positionals.map((path) => resolve(path)) as [string, string]
  if (!existsSync(input)) throw new UsageError(`input not found: ${input}`)
  if (values.format && !(OUTPUT_FORMATS as readonly string[]).includes(values.format)) {
    throw new UsageError(`--format must be one of ${OUTPUT_FORMATS.join(', ')}`)
  }
  const provider = providerOption(values.provider)

  const concurrency = wholeNumberBetween('jobs', values.jobs, 1, BATCH_CONCURRENCY_MAX) ?? BATCH_CONCURRENCY_DEFAULT
  const model = await ColorizerModel.load(await modelRegistry().resolve(values.model), {
    provider,
    threads: wholeNumberBetween('threads', values.threads, 0, THREADS_MAX) ?? inferenceThreads(concurrency),
    optimizedModels: optimizedModelsDir()
  })
  process.stderr.write(`model ${model.card.id} (${model.card.name}) on ${model.provider}\n`)
  for (const reason of model.fallbacks) process.stderr.write(`  skipped provider ${reason}\n`)

  const bar = new ProgressBar()
  const started = performance.now()
  const result = await colorizeBatch(
    model,
    input,
    output,
    {
      // --size is the working size, checked by the studio's own schema
      workingSize: numberOption('size', values.size, (n) => WorkingSizeSchema.safeParse(n).success, `a whole number from ${WORKING_SIZE_MIN} to ${WORKING_SIZE_MAX}`),
      intensity: numberBetween('intensity', values.intensity, INTENSITY_MIN, INTENSITY_MAX),
      quality: wholeNumberBetween('quality', values.quality, QUALITY_MIN, QUALITY_MAX),
      format: values.format as OutputFormat | undefined,
      recolor: values.recolor,
      overwrite: values.overwrite,
      concurrency
    },
    (p) => bar.update(p.done, p.total, p.current, p.etaSeconds)
  )
  bar.finish()
  await model.release()

  const seconds = (performance.now() - started) / 1000
  process.stdout.write(`colorized ${result.written.length} photo(s) into ${output} in ${formatDuration(seconds)}\n`)
  for (const [title, list] of [['skipped', result.skipped], ['failed', result.failed]] as const) {
    if (!list.length) continue
    process.stdout.write(`${title} ${list.length}:\n`)
    for (const problem of list) process.stdout.write(`  ${problem.path}: ${problem.reason}\n`)
  }
  return result.failed.length ? 1 : 0
}
