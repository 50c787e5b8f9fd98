import type { FinetuneJobDto, FinetuneLossPoint, FinetuneProgressDto, FinetuneResultDto } from '../../../../shared/api/finetuneMethods'

/** What a fine-tuning job's card says, in words: its one state line, its ETA, and its outcome. */

export const ACTIVE_FINETUNE_STATES: readonly string[] = ['queued', 'preparing', 'training', 'exporting']

/** 45s, 2m05s, 1h03m. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds))
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
}

/** While training: with a time budget the clock counts (its epoch cap means nothing); else epochs and steps. */
export function trainingLine(p: FinetuneProgressDto): string {
  if (p.budgetSeconds) return `training · step ${p.step} · epoch ${p.epoch} · ${duration(p.seconds ?? 0)} of ${duration(p.budgetSeconds)}`
  return `training · epoch ${p.epoch}/${p.epochs} · step ${p.step}/${p.totalSteps}`
}

export function etaLine(p: FinetuneProgressDto | null): string {
  if (p?.phase !== 'training' || p.etaSeconds === null) return ''
  return p.budgetSeconds ? `${duration(p.etaSeconds)} of the time budget left` : `about ${duration(p.etaSeconds)} left`
}

const STOP_WORDS: Record<string, (step: number) => string> = {
  completed: (step) => `trained ${step} steps`,
  'early stop: no improvement': (step) => `stopped early at step ${step}: the held-out photos had stopped improving`,
  'time budget reached': (step) => `time budget used: ${step} steps`
}

/** One line for a job that is not working: a single final state, never two. */
export function finalLine(job: FinetuneJobDto): string {
  const t = job.training
  const at = t ? ` at step ${t.step}${t.totalSteps && !job.options.minutes ? ` of ${t.totalSteps}` : ''}` : ''
  switch (job.state) {
    case 'done': {
      const stop = t?.stopReason ? STOP_WORDS[t.stopReason]?.(t.step) ?? t.stopReason : null
      return stop ? `done · ${stop}` : 'done'
    }
    case 'cancelled':
      return `cancelled${at}`
    case 'failed':
      return `failed: ${job.error?.message ?? job.message ?? 'see the details'}`
    default:
      return job.message ?? job.state
  }
}

/** The chart's training loss: the job's stored history and what streamed since, by step. */
export function lossPoints(stored: readonly FinetuneLossPoint[], streamed: readonly FinetuneLossPoint[]): FinetuneLossPoint[] {
  const byStep = new Map<number, FinetuneLossPoint>()
  for (const p of [...stored, ...streamed]) byStep.set(p.step, p)
  return [...byStep.values()].sort((a, b) => a.step - b.step)
}

/** The chart's x range: the planned steps while an epoch-bounded job runs, else the steps it reached. */
export function chartSteps(job: FinetuneJobDto): number | null {
  return ACTIVE_FINETUNE_STATES.includes(job.state) && !job.options.minutes ? (job.training?.totalSteps ?? null) : null
}

/** "Colours 2.4 % closer to your photos than Koalarize default on 4 photos it never saw." */
export function outcomeSentence(result: FinetuneResultDto, baseName: string): string {
  const { base, fineTuned, photos } = result.heldout
  const change = base.deltaE2000 ? (100 * (base.deltaE2000 - fineTuned.deltaE2000)) / base.deltaE2000 : 0
  const where = `on ${photos} photo${photos === 1 ? '' : 's'} of your collection it never saw`
  if (!Number.isFinite(change)) return `The two models could not be compared ${where}.`
  if (Math.abs(change) < 0.05) return `Colours as close to your photos as ${baseName}'s ${where}.`
  return `Colours ${Math.abs(change).toFixed(1)} % ${change > 0 ? 'closer to' : 'further from'} your photos than ${baseName}'s ${where}.`
}
