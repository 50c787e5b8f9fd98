import { describe, expect, it } from 'vitest'
import { resolveFinetuneOptions, trainerArgs, type BaseArchitecture, type TrainerPlan } from './finetuneOptions'

const plan = (architecture: BaseArchitecture): TrainerPlan => ({
  runDir: 'run', initFrom: 'weights.pt', trainDir: 'train', heldoutDir: 'heldout', trainCount: 40,
  previewPhoto: null, previewDir: 'previews', architecture, name: 'finetune-1'
})
const overrides = (args: string[]): Record<string, unknown> =>
  Object.fromEntries(args.flatMap((arg, i) => (args[i - 1] === '-o' ? [arg] : []))
    .map((text) => [text.slice(0, text.indexOf('=')), JSON.parse(text.slice(text.indexOf('=') + 1))]))

describe('trainerArgs', () => {
  const base = { extractor: 'learned', extractorInputSize: 128, embeddingWidth: 256, width: 0.5, semantics: '' as const, spatialMultiple: 8 }

  it('rebuilds the base model\'s architecture and trains a regression head with MSE', () => {
    const args = overrides(trainerArgs(resolveFinetuneOptions(), plan({ ...base, head: 'regression' }), false))
    expect(args).toMatchObject({ 'model.width': 0.5, 'model.embedding_width': 256, 'model.head': 'regression', 'train.loss': 'mse' })
    expect(args).not.toHaveProperty('model.temperature')
  })

  it('keeps a bins head, its temperature and its loss', () => {
    const args = overrides(trainerArgs(resolveFinetuneOptions(), plan({ ...base, head: 'bins', temperature: 0.3 }), true))
    expect(args).toMatchObject({ 'model.head': 'bins', 'model.temperature': 0.3, 'train.loss': 'bins' })
  })

  it('keeps the base\'s semantics and trains on crops that are multiples of its working-size multiple', () => {
    const options = resolveFinetuneOptions({ size: 200 })
    const args = overrides(trainerArgs(options, plan({ ...base, head: 'regression', semantics: 'spatial', spatialMultiple: 32 }), false))
    expect(args).toMatchObject({ 'model.semantics': 'spatial', 'data.crop_size': 192 })
    const plain = overrides(trainerArgs(options, plan({ ...base, head: 'regression' }), false))
    expect(plain).toMatchObject({ 'model.semantics': '', 'data.crop_size': 200 })
  })
})
