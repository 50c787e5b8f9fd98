import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { InstalledModel } from '../../shared/modelCard'
import { applyTrainerEvent } from './applyTrainerEvent'
import { architectureOf, stepsPerEpoch, trainerArgs } from './finetuneOptions'
import { FinetuneError, type PhaseContext } from './phaseContext'
import type { PythonCommand } from './pythonEnvironment'
import type { TrainerEvent } from './trainerEvents'
import { TrainerProcess } from './trainerProcess'

/** Steps are saved to job.json at most this often (evaluations and previews at once). */
const SAVE_INTERVAL_MS = 5000

/**
 * Train: runs the trainer (resuming from the job's last.pt when there is one) and folds its events
 * into the job (applyTrainerEvent). Ends with training finished, or throws: Interrupted on pause or
 * cancel, FinetuneError when something else stopped the trainer, TrainerFailure when it failed.
 */
export async function trainPhase(ctx: PhaseContext, python: PythonCommand, base: InstalledModel): Promise<void> {
  const { record } = ctx
  const data = record.data!
  const runDir = join(ctx.jobDir, 'run')
  const card = base.card
  const args = trainerArgs(record.options, {
    runDir, initFrom: join(base.dir, card.weights?.file ?? 'weights.pt'), trainDir: data.trainDir, heldoutDir: data.heldoutDir,
    trainCount: data.train, previewPhoto: data.previewPhoto, previewDir: join(ctx.jobDir, 'previews'), architecture: architectureOf(card),
    name: `finetune-${record.id}`
  }, existsSync(join(runDir, 'last.pt')))
  const perEpoch = stepsPerEpoch(record.options, data.train)
  const priorSeconds = record.training?.seconds ?? 0
  const started = Date.now()
  const seconds = (): number => priorSeconds + (Date.now() - started) / 1000
  let lastSave = 0
  const onEvent = (event: TrainerEvent): void => {
    const applied = applyTrainerEvent(record, event, { seconds: seconds(), priorSeconds })
    Object.assign(record, applied.record)
    for (const out of applied.events) ctx.emit(out)
    if (applied.save === 'now') void ctx.save()
    else if (applied.save === 'throttled' && Date.now() - lastSave > SAVE_INTERVAL_MS) {
      lastSave = Date.now()
      void ctx.save()
    }
  }
  ctx.checkpoint()
  const trainer = TrainerProcess.start({ python, args, onEvent, logFile: join(ctx.jobDir, 'trainer.log'), killGraceMs: ctx.killGraceMs })
  ctx.setTrainer(trainer)
  try {
    await trainer.finished
  } finally {
    ctx.setTrainer(null)
    if (record.training) record.training.seconds = seconds()
    await ctx.save()
  }
  if (!record.training?.finished) {
    ctx.checkpoint()
    throw new FinetuneError('the trainer stopped without finishing (it was sent a stop signal by something else); resume to continue')
  }
  if (record.training.stopReason && record.training.stopReason !== 'completed') {
    ctx.emit({ type: 'warning', jobId: record.id, message: `training ended: ${record.training.stopReason} (step ${record.training.step}, ${perEpoch} per epoch)` })
  }
}
