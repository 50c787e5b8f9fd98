import { existsSync } from 'node:fs'
import { cp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { MeanScores } from '../evaluation/evaluateModel'
import type { DatasetPhoto } from '../evaluation/datasetSource'
import type { HeldoutComparison } from './heldoutComparison'
import type { ModelRegistry } from '../models/modelRegistry'
import { finiteOrString, type HeldoutScores } from './jobStore'

export type { HeldoutComparison } from './heldoutComparison'

/** A model id from a name: lower-case words joined by '-', unique among installed models and folders. */
export async function uniqueModelId(name: string, registry: ModelRegistry, modelsDir: string): Promise<string> {
  const stem = name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 48) || 'finetuned'
  const taken = new Set((await registry.list().catch(() => [])).map((model) => model.card.id))
  for (let n = 1; ; n++) {
    const id = n === 1 ? stem : `${stem}-${n}`
    if (!taken.has(id) && !existsSync(join(modelsDir, id))) return id
  }
}

export async function heldoutPhotos(heldoutDir: string): Promise<DatasetPhoto[]> {
  return (await readdir(heldoutDir)).filter((name) => name.endsWith('.jpg')).sort().map((name) => ({ id: name, path: join(heldoutDir, name) }))
}

/** The least held-out CIEDE2000 improvement, relative to the base, that counts as better (noise aside). */
export const MIN_RELATIVE_GAIN = 0.01

/** Whether the fine-tuned model is worth using instead of its base, and a sentence saying why. */
export function verdict(comparison: HeldoutComparison, baseId: string): { recommended: boolean; text: string } {
  const before = comparison.base.deltaE2000
  const after = comparison.fineTuned.deltaE2000
  const change = after - before
  const pct = before ? (100 * change) / before : 0
  const figures = `held-out CIEDE2000 ${before.toFixed(2)} → ${after.toFixed(2)} (${change <= 0 ? '' : '+'}${change.toFixed(2)}, ${pct.toFixed(1)}%) on ${comparison.photos} photos`
  if (!Number.isFinite(change)) return { recommended: false, text: `could not compare the models on the held-out photos; ${baseId} stays the default` }
  if (change <= -MIN_RELATIVE_GAIN * before) return { recommended: true, text: `better than ${baseId}: ${figures}` }
  if (change <= 0) return { recommended: false, text: `no meaningful change from ${baseId} (under ${MIN_RELATIVE_GAIN * 100}%): ${figures}; keep using ${baseId}` }
  return { recommended: false, text: `worse than ${baseId}: ${figures}; ${baseId} stays the default` }
}

export const asStoredScores = (scores: MeanScores): HeldoutScores => JSON.parse(JSON.stringify(scores, finiteOrString))

/** Adds the fine-tuning section (figures, verdict) to an exported model.json. */
export async function annotateCard(modelDir: string, section: Record<string, unknown>): Promise<void> {
  const path = join(modelDir, 'model.json')
  const card = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>
  await writeFile(path + '.tmp', JSON.stringify({ ...card, ...section }, finiteOrString, 2) + '\n')
  await rename(path + '.tmp', path)
}

/** Moves an exported model folder into the models folder (copy + remove across file systems). */
export async function installModelFolder(from: string, to: string): Promise<void> {
  if (existsSync(to)) throw new Error(`model folder already exists: ${to}`)
  try {
    await rename(from, to)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error
    await cp(from, to, { recursive: true })
    await rm(from, { recursive: true, force: true })
  }
}
