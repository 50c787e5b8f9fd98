import { describe, expect, it } from 'vitest'
import { FINETUNE_MIN_STEPS, minimumFinetuneSteps } from '../../shared/api/finetuneMethods'
import { resolveFinetuneOptions, stepsPerEpoch, trainerArgs } from './finetuneOptions'
import { trainingSchedule } from './trainingSchedule'

const schedule = (partial: Parameters<typeof resolveFinetuneOptions>[0], train: number) => {
  const options = resolveFinetuneOptions(partial)
  return { ...trainingSchedule(options, train, stepsPerEpoch(options, train)), perEpoch: stepsPerEpoch(options, train) }
}

describe('trainingSchedule', () => {
  it('gives a small collection enough steps: 18 photos (14 to train) with the defaults', () => {
    const s = schedule({}, 14)
    expect(s.perEpoch).toBe(1) // one batch: the 5 default epochs would be 5 steps
    expect(s.minSteps).toBe(FINETUNE_MIN_STEPS.floor)
    expect(s.epochs * s.perEpoch).toBeGreaterThanOrEqual(s.minSteps)
    // It cannot stop early before the minimum: patience × evaluation interval covers it.
    expect(s.patience * s.evalEvery).toBeGreaterThanOrEqual(s.minSteps)
    expect(s.evalEvery).toBeGreaterThan(1) // not an evaluation and a preview after every step
  })

  it('scales the minimum with the collection, within its floor and ceiling', () => {
    expect(minimumFinetuneSteps(10)).toBe(FINETUNE_MIN_STEPS.floor)
    expect(minimumFinetuneSteps(40)).toBe(40 * FINETUNE_MIN_STEPS.perTrainPhoto)
    expect(minimumFinetuneSteps(10_000)).toBe(FINETUNE_MIN_STEPS.ceiling)
    // A large collection already has the steps: its epochs stay as chosen.
    expect(schedule({ epochs: 5 }, 2000).epochs).toBe(5)
  })

  it('keeps a time budget\'s epochs, but does not stop it early after a few steps', () => {
    const s = schedule({ minutes: 3 }, 14)
    expect(s.epochs).toBe(1000)
    expect(s.patience * s.evalEvery).toBeGreaterThanOrEqual(s.minSteps)
  })

  it('leaves a step cap (tests, benchmarks) and patience 0 as they are', () => {
    expect(schedule({ maxSteps: 2, epochs: 1, batchSize: 4 }, 14)).toMatchObject({ epochs: 1, evalEvery: 3, patience: 2 })
    expect(schedule({ patience: 0 }, 14).patience).toBe(0)
  })

  it('is what the trainer is asked for', () => {
    const architecture = { extractor: 'learned', extractorInputSize: 128, embeddingWidth: 256, width: 0.5, head: 'regression' as const, semantics: '' as const, spatialMultiple: 8 }
    const args = trainerArgs(resolveFinetuneOptions(), {
      runDir: 'run', initFrom: 'weights.pt', trainDir: 'train', heldoutDir: 'heldout', trainCount: 14,
      previewPhoto: null, previewDir: 'previews', architecture, name: 'finetune-1'
    }, false)
    const value = (key: string) => JSON.parse(args.find((a) => a.startsWith(`${key}=`))!.slice(key.length + 1))
    const s = schedule({}, 14)
    expect([value('train.epochs'), value('train.eval_every'), value('train.patience')]).toEqual([s.epochs, s.evalEvery, s.patience])
  })
})
