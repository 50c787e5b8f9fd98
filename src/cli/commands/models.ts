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
  for (const { card, dir, origin } of models) {
    const metrics = card.metrics ?? {}
    process.stdout.write(`${card.id}  ${card.name}  [${origin}]\n`)
    process.stdout.write(`  folder: ${dir}\n`)
    process.stdout.write(`  architecture: ${card.architecture.name} (width ${card.architecture.width ?? 1}), extractor ${card.extractor.kind} ${card.extractor.inputSize}px → ${card.extractor.embeddingWidth}-d\n`)
    if (card.training?.recipe) process.stdout.write(`  recipe: ${card.training.recipe}\n`)
    if (card.description) process.stdout.write(`  ${card.description}\n`)
    const shown = Object.entries(metrics).filter(([, value]) => typeof value === 'number')
    if (shown.length) process.stdout.write(`  metrics: ${shown.map(([key, value]) => `${key} ${(value as number).toPrecision(4)}`).join(', ')}\n`)
  }
  return 0
}
