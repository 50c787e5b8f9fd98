import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { suggestedModelName } from '../../shared/api/modelNames'
import { FinetuneService, type FinetuneEvent, type JobRecord } from '../../main/training/finetuneService'
import type { HeldoutScores } from '../../main/training/jobStore'
import { findPython, formatPythonReport } from '../../main/training/pythonEnvironment'
import { ProgressBar, formatDuration } from '../progressBar'
import { finetuneUsage, UsageError } from '../usage'
import { finetuneOptionsFromFlags } from '../finetuneFlags'
import { backboneStatus } from './models'

export async function doctorCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { python: { type: 'string' } } })
  const report = await findPython({ python: values.python })
  process.stdout.write(formatPythonReport(report))
  const backbones = await backboneStatus()
  process.stdout.write(backbones.text)
  return report.ok && backbones.ok ? 0 : 1
}

export async function finetuneCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      base: { type: 'string' },
      train: { type: 'string' },
      epochs: { type: 'string' },
      minutes: { type: 'string' },
      size: { type: 'string' },
      lr: { type: 'string' },
      patience: { type: 'string' },
      python: { type: 'string' },
      steps: { type: 'string' },
      batch: { type: 'string' },
      threads: { type: 'string' },
      resume: { type: 'string' },
      list: { type: 'boolean', default: false },
      check: { type: 'boolean', default: false }
    }
  })
  if (values.check) return doctorCommand(values.python ? ['--python', values.python] : [])
  const service = new FinetuneService({ python: values.python })
  if (values.list) return listJobs(service)

  let job: JobRecord
  if (values.resume) {
    if (positionals.length) throw new UsageError('--resume takes a job id and no folder')
    job = await service.resume(values.resume)
  } else {
    if (positionals.length !== 1 || values.name?.trim() === '') throw new UsageError(finetuneUsage)
    const options = finetuneOptionsFromFlags(values)
    const name = values.name ?? suggestedModelName(resolve(positionals[0]!), new Date())
    job = await service.start({ collection: positionals[0]!, name, options })
  }
  return follow(service, job)
}

async function listJobs(service: FinetuneService): Promise<number> {
  const jobs = await service.list()
  if (!jobs.length) {
    process.stdout.write(`no fine-tuning jobs in ${service.home}\n`)
    return 0
  }
  for (const job of jobs) {
    const progress = job.training ? ` step ${job.training.step}/${job.training.totalSteps}` : ''
    process.stdout.write(`${job.id}  ${job.state.padEnd(9)}  "${job.name}"${progress}  ${job.collection}${job.message ? `\n    ${job.message}` : ''}\n`)
  }
  return 0
}

/** Streams a job's progress to the terminal until it stops; Ctrl-C pauses it. */
async function follow(service: FinetuneService, job: JobRecord): Promise<number> {
  const bar = new ProgressBar()
  const tty = process.stderr.isTTY
  const say = (text: string): void => {
    process.stderr.write(`${tty ? '\r\x1b[2K' : ''}${text}\n`)
  }
  process.stderr.write(`fine-tuning job ${job.id} ("${job.name}") — folder ${service.jobDir(job.id)}\n`)
  const off = service.on((event: FinetuneEvent) => {
    if (event.jobId !== job.id) return
    switch (event.type) {
      case 'state':
        if (event.state === 'training' && event.job.data) say(`training on ${event.job.data.train} photos, ${event.job.data.heldout} held out`)
        else if (event.state !== 'done' && event.state !== 'paused' && event.state !== 'failed') say(`${event.state}${event.message ? `: ${event.message}` : ''}`)
        if (event.state === 'preparing' && event.job.data?.skipped.length) {
          for (const skip of event.job.data.skipped.slice(0, 10)) say(`  skipped ${skip.photo}: ${skip.reason}`)
          if (event.job.data.skipped.length > 10) say(`  … and ${event.job.data.skipped.length - 10} more (see data/prepared.json in the job folder)`)
        }
        break
      case 'preparing':
        bar.update(event.done, event.total, `checking ${event.current}`, null)
        break
      case 'progress': {
        const loss = event.loss === null ? '' : ` loss ${event.loss.toFixed(4)}`
        const rate = event.imagesPerSec === null ? '' : ` ${event.imagesPerSec.toFixed(1)} img/s`
        bar.update(event.step, event.totalSteps, `epoch ${event.epoch + 1}/${event.epochs}${loss}${rate}`, event.etaSeconds)
        break
      }
      case 'eval': {
        const ratio = event.valLoss !== null && event.baselineLoss ? ` (${((100 * event.valLoss) / event.baselineLoss).toFixed(1)}% of grey)` : ''
        say(`held-out loss after step ${event.step}: ${event.valLoss?.toFixed(5) ?? 'n/a'}${ratio}${event.improved ? ', best so far' : ''}`)
        break
      }
      case 'preview':
        say(`preview: ${event.path}`)
        break
      case 'evaluating':
        bar.update(event.done, event.total, `scoring the ${event.model} model on held-out photos`, null)
        break
      case 'warning':
        say(`warning: ${event.message}`)
        break
    }
  })
  let interrupts = 0
  const onSigint = (): void => {
    interrupts++
    if (interrupts === 1) {
      say('pausing: the trainer saves a checkpoint (Ctrl-C again to quit at once)…')
      void service.pause(job.id)
    } else {
      say(`quitting; resume later with: npx koalarize finetune --resume ${job.id}`)
      process.exit(130)
    }
  }
  process.on('SIGINT', onSigint)
  try {
    const final = await service.wait(job.id)
    bar.finish()
    return report(final)
  } finally {
    off()
    process.off('SIGINT', onSigint)
  }
}

const fixed = (value: number | string, digits: number): string => (typeof value === 'number' ? value.toFixed(digits) : value)

function scoreRow(label: string, s: HeldoutScores): string[] {
  return [label, fixed(s.psnr, 2), fixed(s.deltaE2000, 2), fixed(s.abAuc, 4), fixed(s.colourfulness, 2)]
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)))
  return rows.map((row) => row.map((cell, c) => (c ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ')).join('\n') + '\n'
}

function report(job: JobRecord): number {
  const out = process.stdout
  if (job.state === 'paused') {
    out.write(`${job.message ?? 'paused'}\nresume with: npx koalarize finetune --resume ${job.id}\n`)
    return 130
  }
  if (job.state === 'cancelled') {
    out.write(`cancelled (job folder ${job.id} kept)\n`)
    return 1
  }
  if (job.state === 'failed') {
    out.write(`failed during ${job.error?.phase ?? 'the job'}: ${job.error?.message ?? job.message}\n`)
    const tail = job.error?.stderrTail.slice(-15) ?? []
    if (tail.length) out.write(`trainer stderr (last ${tail.length} lines):\n${tail.map((line) => `  ${line}`).join('\n')}\n`)
    out.write(`after fixing it: npx koalarize finetune --resume ${job.id}\n`)
    return 1
  }
  const result = job.result!
  const training = job.training
  out.write(`\nheld-out photos: ${result.heldout.photos} (never trained on)\n`)
  out.write(table([
    ['', 'PSNR dB', 'ΔE00', 'AuC ab', 'colourful'],
    scoreRow(`before (${job.base?.id ?? 'base'})`, result.heldout.base),
    scoreRow('after (fine-tuned)', result.heldout.fineTuned),
    scoreRow('grey baseline', result.heldout.grey)
  ]))
  if (training) {
    out.write(`trained ${training.step} steps in ${formatDuration(training.seconds)} (${training.stopReason ?? 'completed'})` +
      `${result.bestStep !== null ? `; kept the weights of step ${result.bestStep}` : ''}\n`)
  }
  out.write(`${result.recommended ? 'recommended' : 'NOT recommended'}: ${result.verdict}\n`)
  out.write(`model '${result.modelId}' installed in ${result.modelDir}\n`)
  out.write(`colorize with: npx koalarize colorize <scans> <output folder> --model ${result.modelId}\n`)
  return 0
}
