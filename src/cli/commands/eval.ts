import { parseArgs } from 'node:util'
import { mkdir, writeFile } from 'node:fs/promises'
import { basename, join, resolve } from 'node:path'
import { ColorizerModel } from '../../main/inference/colorizerModel'
import { openDataset, type Dataset } from '../../main/evaluation/datasetSource'
import { EVAL_SIZE_DEFAULT, EVAL_SIZE_MAX, EVAL_SIZE_MIN, THREADS_MAX } from '../../shared/api/bounds'
import {
  evaluateModel,
  type EvaluationReport,
  type GroupSummary,
  type MeanScores
} from '../../main/evaluation/evaluateModel'
import { composeContactSheet } from '../../main/evaluation/contactSheet'
import { ProgressBar, formatDuration } from '../progressBar'
import { modelRegistry } from '../services'
import { DEFAULT_MODEL_ID } from '../../main/models/modelRegistry'
import { evalUsage, UsageError } from '../usage'
import { numberBetween, providerOption, wholeNumberBetween } from '../options'

const CONTACT_SHEET_PHOTOS = 24

export async function evalCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      model: { type: 'string', default: DEFAULT_MODEL_ID },
      limit: { type: 'string' },
      size: { type: 'string' },
      intensity: { type: 'string' },
      manifest: { type: 'string' },
      report: { type: 'string' },
      provider: { type: 'string', default: 'auto' },
      threads: { type: 'string' }
    }
  })
  if (positionals.length !== 1) throw new UsageError(evalUsage)
  const limit = wholeNumberBetween('limit', values.limit, 1, Number.MAX_SAFE_INTEGER)
  const evalSize = wholeNumberBetween('size', values.size, EVAL_SIZE_MIN, EVAL_SIZE_MAX) ?? EVAL_SIZE_DEFAULT
  const threads = wholeNumberBetween('threads', values.threads, 0, THREADS_MAX)
  const intensity = numberBetween('intensity', values.intensity, 0, 4)
  const provider = providerOption(values.provider)

  const model = await ColorizerModel.load(await modelRegistry().resolve(values.model), { provider, threads })
  const started = performance.now()
  const dataset = await openDataset(positionals[0]!, { limit, manifest: values.manifest })
  try {
    process.stderr.write(`model ${model.card.id} (${model.card.name}) on ${model.provider}\n`)
    for (const reason of model.fallbacks) process.stderr.write(`  skipped provider ${reason}\n`)
    process.stderr.write(`${dataset.photos.length} of ${dataset.available} photo(s) from ${dataset.input}` +
      `${dataset.manifest ? `, manifest ${dataset.manifest}` : ''}\n`)
    const bar = new ProgressBar()
    const { report, samples } = await evaluateModel(model, dataset.photos, {
      evalSize,
      intensity,
      samples: values.report ? CONTACT_SHEET_PHOTOS : 0,
      onProgress: (p) => bar.update(p.done, p.total, p.current, p.etaSeconds)
    })
    bar.finish()
    process.stdout.write(formatReport(report, dataset))
    if (values.report) {
      const folder = resolve(values.report)
      await mkdir(folder, { recursive: true })
      const json = { ...report, settings: { ...report.settings, input: dataset.input, manifest: dataset.manifest, limit: limit ?? null } }
      await writeFile(join(folder, 'report.json'), JSON.stringify(json, finiteOrString, 2) + '\n')
      if (samples.length) await writeFile(join(folder, 'contact-sheet.jpg'), await composeContactSheet(samples))
      process.stdout.write(`report written to ${folder} (report.json${samples.length ? ', contact-sheet.jpg: grey | ours | original' : ''})\n`)
    }
    process.stdout.write(`evaluated ${report.photos.length} photo(s) in ${formatDuration((performance.now() - started) / 1000)}\n`)
    for (const problem of report.failed) process.stdout.write(`  failed ${problem.id}: ${problem.reason}\n`)
    return report.failed.length ? 1 : 0
  } finally {
    await dataset.close()
    await model.release()
  }
}

/** JSON has no Infinity (PSNR of an exact reproduction): write it as the string "Infinity". */
function finiteOrString(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value
}

const fixed = (value: number, digits: number): string => (Number.isFinite(value) ? value.toFixed(digits) : String(value))

function scoreCells(scores: MeanScores): string[] {
  return [fixed(scores.psnr, 2), fixed(scores.deltaE2000, 2), fixed(scores.abAuc, 4), fixed(scores.colourfulness, 2), fixed(scores.deltaColourfulness, 2)]
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)))
  return rows.map((row) => row.map((cell, column) => (column ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ')).join('\n') + '\n'
}

const HEADER = ['', 'PSNR dB', 'ΔE00', 'AuC ab', 'colourful', 'ΔCF']

function overallTable(summary: GroupSummary): string {
  return table([
    HEADER,
    ['ours (model)', ...scoreCells(summary.model)],
    ['grey baseline', ...scoreCells(summary.baseline)],
    ['ground truth', '', '', '', fixed(summary.truthColourfulness, 2), '']
  ])
}

function groupTable(title: string, groups: Record<string, GroupSummary>): string {
  const rows = [[title, 'n', 'PSNR ours/grey', 'ΔE00 ours/grey', 'AuC ours/grey', 'ΔCF ours/grey']]
  for (const [name, g] of Object.entries(groups)) {
    const pair = (ours: number, grey: number, digits: number): string => `${fixed(ours, digits)} / ${fixed(grey, digits)}`
    rows.push([
      name,
      String(g.photos),
      pair(g.model.psnr, g.baseline.psnr, 2),
      pair(g.model.deltaE2000, g.baseline.deltaE2000, 2),
      pair(g.model.abAuc, g.baseline.abAuc, 4),
      pair(g.model.deltaColourfulness, g.baseline.deltaColourfulness, 2)
    ])
  }
  return table(rows)
}

export function formatReport(report: EvaluationReport, dataset: Dataset): string {
  const { evalSize, workingSize, intensity } = report.settings
  let text = `\nmodel ${report.model.id} (${report.model.name}), ${report.photos.length} photo(s) from ${basename(dataset.input)}, ` +
    `evaluation size ≤ ${evalSize} px (shorter side), working size ${workingSize}` +
    `${intensity === 1 ? '' : `, intensity ${intensity}`}\n\n`
  text += overallTable(report.overall)
  if (Object.keys(report.bySource).length) text += '\n' + groupTable('source', report.bySource)
  if (Object.keys(report.byCategory).length) text += '\n' + groupTable('category', report.byCategory)
  return text + '\n'
}
