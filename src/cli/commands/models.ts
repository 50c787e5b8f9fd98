import type { InstalledModel } from '../../shared/modelCard'
import { modelRegistry } from '../services'

export async function modelsCommand(argv: string[]): Promise<number> {
  const models = await modelRegistry().list()
  if (argv.includes('--json')) {
    process.stdout.write(JSON.stringify(models, null, 2) + '\n')
    return 0
  }
  if (!models.length) {
    process.stdout.write('no models installed\n')
    return 1
  }
  for (const model of models) {
    const { card, dir, origin } = model
    const metrics = card.metrics ?? {}
    process.stdout.write(`${card.id}  ${card.name}  [${origin}]\n`)
    process.stdout.write(`  folder: ${dir}\n`)
    process.stdout.write(`  architecture: ${card.architecture.name} (width ${card.architecture.width ?? 1}), extractor ${card.extractor.kind} ${card.extractor.inputSize}px → ${card.extractor.embeddingWidth}-d\n`)
    if (card.backbone) process.stdout.write(`  ${describeBackbone(card.backbone, model.backbone)}\n`)
    if (card.training?.recipe) process.stdout.write(`  recipe: ${card.training.recipe}\n`)
    if (card.description) process.stdout.write(`  ${card.description}\n`)
    const shown = Object.entries(metrics).filter(([, value]) => typeof value === 'number')
    if (shown.length) process.stdout.write(`  metrics: ${shown.map(([key, value]) => `${key} ${(value as number).toPrecision(4)}`).join(', ')}\n`)
  }
  return 0
}

/** "backbone: nanodet-g (NanoDet-g …, Apache-2.0): ready" or what is wrong and how to fix it. */
export function describeBackbone(declared: NonNullable<InstalledModel['card']['backbone']>, found: InstalledModel['backbone']): string {
  const what = `backbone: ${declared.id}${declared.license ? ` (${declared.license})` : ''}`
  if (!found) return `${what}: not looked up`
  return 'problem' in found ? `${what}: MISSING: ${found.problem}` : `${what}: ready (${found.dir})`
}

/** For `koalarize doctor`: each backbone the installed models need, and whether it is ready. */
export async function backboneStatus(): Promise<{ ok: boolean; text: string }> {
  const byId = new Map<string, { users: string[]; line: string; ok: boolean }>()
  for (const model of await modelRegistry().list()) {
    const declared = model.card.backbone
    if (!declared) continue
    const entry = byId.get(declared.id) ?? { users: [], line: describeBackbone(declared, model.backbone), ok: !!model.backbone && !('problem' in model.backbone) }
    entry.users.push(model.card.id)
    byId.set(declared.id, entry)
  }
  if (!byId.size) return { ok: true, text: 'backbones: no installed model needs one\n' }
  const lines = [...byId.values()].map((entry) => `${entry.line}\n  needed by: ${entry.users.join(', ')}`)
  return { ok: [...byId.values()].every((entry) => entry.ok), text: lines.join('\n') + '\n' }
}
