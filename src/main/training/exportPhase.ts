import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { InstalledModel } from '../../shared/modelCard'
import type { JobRecord } from './jobStore'
import type { PhaseContext } from './phaseContext'
import type { PythonCommand } from './pythonEnvironment'
import { TrainerProcess } from './trainerProcess'

export type BestEval = JobRecord['evals'][number] | null

/** The evaluation with the lowest held-out loss (the step best.pt holds), if any. */
export function bestEval(record: JobRecord): BestEval {
  return record.evals.reduce<BestEval>(
    (acc, e) => (e.valLoss !== null && (acc === null || acc.valLoss === null || e.valLoss < acc.valLoss) ? e : acc), null)
}

/** What the model card says about where a fine-tuned model comes from (lineage, description, limitations). */
export function cardExtra(record: JobRecord, base: InstalledModel): Record<string, unknown> {
  const data = record.data!
  const training = record.training!
  const lineage = {
    baseModel: { id: base.card.id, name: base.card.name },
    collection: record.collection,
    photos: { found: data.found, usable: data.usable, train: data.train, heldout: data.heldout, skipped: data.skipped.length },
    options: { ...record.options, baseModel: base.card.id },
    job: record.id,
    steps: training.step,
    stopReason: training.stopReason,
    bestStep: bestEval(record)?.step ?? null,
    trainingSeconds: Math.round(training.seconds)
  }
  return {
    description: `Fine-tuned from ${base.card.name} (${base.card.id}) on ${data.train} colour photos of ${record.collection}.`,
    lineage,
    limitations: [
      `Fine-tuned on one private collection (${data.usable} photos): it may colour other kinds of photos worse than ${base.card.id}.`,
      ...(base.card.limitations ?? [])
    ]
  }
}

/** Export: the best checkpoint as a model folder `<job>/model` (ONNX graphs, weights.pt, card) with id `modelId`. */
export async function exportPhase(ctx: PhaseContext, python: PythonCommand, base: InstalledModel, modelId: string): Promise<string> {
  const { record } = ctx
  const exportDir = join(ctx.jobDir, 'model')
  await rm(exportDir, { recursive: true, force: true })
  const exporter = TrainerProcess.start({
    python,
    args: ['export', '--checkpoint', record.training!.bestCheckpoint ?? join(ctx.jobDir, 'run', 'best.pt'), '--out', exportDir, '--id', modelId,
      '--name', record.name, '--card-extra', JSON.stringify(cardExtra(record, base))],
    logFile: join(ctx.jobDir, 'trainer.log')
  })
  ctx.setTrainer(exporter)
  try {
    await exporter.finished
  } finally {
    ctx.setTrainer(null)
  }
  return exportDir
}
