import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { bestEval } from './exportPhase'
import { annotateCard, asStoredScores, installModelFolder } from './finetuneResult'
import type { PhaseContext } from './phaseContext'
import type { Scored } from './scorePhase'

/** Install: the held-out figures and verdict go into the exported card, the folder into the user's models, the result into the job. */
export async function installPhase(ctx: PhaseContext, exportDir: string, modelId: string, modelsDir: string, { comparison, judged }: Scored): Promise<void> {
  const { record } = ctx
  const heldout = {
    photos: comparison.photos,
    base: asStoredScores(comparison.base),
    fineTuned: asStoredScores(comparison.fineTuned),
    grey: asStoredScores(comparison.grey)
  }
  await annotateCard(exportDir, {
    recommended: judged.recommended,
    finetune: {
      verdict: judged.text,
      heldout: { ...heldout, metric: 'mean over held-out photos, evaluateModel (PSNR dB, CIEDE2000, ab AuC, colourfulness)' },
      deltaE2000Change: comparison.fineTuned.deltaE2000 - comparison.base.deltaE2000,
      failed: comparison.failed
    }
  })
  await mkdir(modelsDir, { recursive: true })
  const target = join(modelsDir, modelId)
  await installModelFolder(exportDir, target)
  record.result = { modelId, modelDir: target, recommended: judged.recommended, verdict: judged.text, bestStep: bestEval(record)?.step ?? null, heldout }
}
