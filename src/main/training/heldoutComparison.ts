import { ColorizerModel } from '../inference/colorizerModel'
import { evaluateModel, type MeanScores } from '../evaluation/evaluateModel'
import type { DatasetPhoto } from '../evaluation/datasetSource'
import type { InstalledModel } from '../../shared/modelCard'

/**
 * Held-out scoring runs onnxruntime: only the scoring worker (scoreWorker.ts) imports this module, so
 * that a native crash ends that process and not the app (scoreWorkerClient.ts).
 */

/** Held-out figures of the base and the fine-tuned model, from the app's own pipeline (evaluateModel). */
export interface HeldoutComparison {
  photos: number
  base: MeanScores
  fineTuned: MeanScores
  grey: MeanScores
  failed: { id: string; reason: string }[]
}

export type ScoredModel = 'base' | 'fine-tuned'

/** Colorizes the held-out photos with both models and scores them against the originals. */
export async function compareOnHeldout(base: InstalledModel, fineTuned: InstalledModel, photos: DatasetPhoto[],
  onProgress?: (which: ScoredModel, done: number, total: number) => void): Promise<HeldoutComparison> {
  const run = async (installed: InstalledModel, which: ScoredModel) => {
    const model = await ColorizerModel.load(installed)
    try {
      return (await evaluateModel(model, photos, { onProgress: (p) => onProgress?.(which, p.done, p.total) })).report
    } finally {
      await model.release()
    }
  }
  const before = await run(base, 'base')
  const after = await run(fineTuned, 'fine-tuned')
  return {
    photos: after.overall.photos,
    base: before.overall.model,
    fineTuned: after.overall.model,
    grey: after.overall.baseline,
    failed: [...before.failed, ...after.failed]
  }
}
