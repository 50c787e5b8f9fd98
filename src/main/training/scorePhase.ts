import { readModelFolder } from '../models/modelRegistry'
import type { InstalledModel } from '../../shared/modelCard'
import { heldoutPhotos, verdict } from './finetuneResult'
import type { HeldoutComparison } from './heldoutComparison'
import type { PhaseContext } from './phaseContext'
import { scoreInWorker } from './scoreWorkerClient'

export interface Scored {
  comparison: HeldoutComparison
  judged: { recommended: boolean; text: string }
}

/**
 * Score: the base and the exported model colorize the held-out photos through the real pipeline, in a
 * worker process; the verdict says whether the new model is worth using. A crash there fails the job with
 * a plain error (the app stays up); pause or cancel ends the worker.
 */
export async function scorePhase(ctx: PhaseContext, base: InstalledModel, exportDir: string): Promise<Scored> {
  const { record } = ctx
  const fineTuned = await readModelFolder(exportDir, 'user')
  const comparison = await scoreInWorker({
    base, fineTuned, photos: await heldoutPhotos(record.data!.heldoutDir), signal: ctx.signal,
    onProgress: (model, done, total) => ctx.emit({ type: 'evaluating', jobId: record.id, model, done, total })
  })
  return { comparison, judged: verdict(comparison, base.card.id) }
}
