import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { readModelFolder, type ModelRegistry } from '../models/modelRegistry'
import type { InstalledModel } from '../../shared/modelCard'
import type { JobRecord } from './jobStore'
import { FinetuneError, type PhaseContext } from './phaseContext'
import { PREPARED_SHORT_SIDE, prepareCollection } from './prepareCollection'

/** The job's base model (the one chosen when it started, on a resume), which must ship PyTorch weights. */
export async function resolveBase(record: JobRecord, registry: ModelRegistry): Promise<InstalledModel> {
  const base = record.base ? await readModelFolder(record.base.dir, 'user') : await registry.resolve(record.options.baseModel)
  const weights = join(base.dir, base.card.weights?.file ?? 'weights.pt')
  if (!existsSync(weights)) {
    throw new FinetuneError(`model '${base.card.id}' has no PyTorch weights (${weights}): it can be run but not fine-tuned. ` +
      'Choose a base model exported with weights.pt (python3 -m trainer export writes it).')
  }
  record.base = { id: base.card.id, name: base.card.name, dir: base.dir }
  return base
}

/** Prepare: the collection's usable colour photos, resized into the job folder and split into train and held-out. */
export async function preparePhase(ctx: PhaseContext): Promise<void> {
  const { record } = ctx
  const dataDir = join(ctx.jobDir, 'data')
  const prepared = await prepareCollection(record.collection, dataDir, {
    holdoutFraction: record.options.holdoutFraction,
    holdoutMin: record.options.holdoutMin,
    minUsable: record.options.minPhotos,
    shortSide: Math.max(PREPARED_SHORT_SIDE, record.options.size),
    signal: ctx.signal,
    onProgress: (done, total, current) => ctx.emit({ type: 'preparing', jobId: record.id, done, total, current })
  })
  await writeFile(join(dataDir, 'prepared.json'), JSON.stringify(prepared, null, 1) + '\n')
  record.data = {
    found: prepared.found,
    usable: prepared.train.length + prepared.heldout.length,
    train: prepared.train.length,
    heldout: prepared.heldout.length,
    trainDir: prepared.trainDir,
    heldoutDir: prepared.heldoutDir,
    shortSide: prepared.shortSide,
    previewPhoto: prepared.heldout[0] ? join(dataDir, ...prepared.heldout[0].file.split('/')) : null,
    skipped: prepared.skipped
  }
  const skipped = prepared.skipped.length ? `, ${prepared.skipped.length} skipped (not colour or unreadable)` : ''
  await ctx.setState('preparing', `${record.data.usable} usable colour photos: ${record.data.train} to train on, ${record.data.heldout} held out${skipped}`)
}
