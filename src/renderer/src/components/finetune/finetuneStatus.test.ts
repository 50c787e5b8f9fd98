import { describe, expect, it } from 'vitest'
import type { FinetuneJobDto, FinetuneProgressDto, FinetuneResultDto } from '../../../../shared/api/finetuneMethods'
import { chartSteps, duration, etaLine, finalLine, lossPoints, outcomeSentence, trainingLine } from './finetuneStatus'

const progress = (over: Partial<FinetuneProgressDto>): FinetuneProgressDto => ({
  jobId: 'ft-1', phase: 'training', fraction: 0.1, etaSeconds: 170, detail: null, done: null, total: null,
  epoch: 2, epochs: 1000, step: 2, totalSteps: 1000, loss: 0.1, imagesPerSec: 3, seconds: 10, budgetSeconds: 180, ...over
})

const job = (over: Partial<FinetuneJobDto>): FinetuneJobDto => ({
  id: 'ft-1', name: 'n', collection: '/c', createdAt: '', updatedAt: '', state: 'done', message: null,
  options: { baseModel: 'default', trainParts: 'decoder', epochs: 5, minutes: null, size: 224, learningRate: 1e-4, patience: 2, batchSize: 16, maxSteps: null, threads: 0, holdoutFraction: 0.2, holdoutMin: 4, minPhotos: 8 },
  base: null, data: null,
  training: { stepsPerEpoch: 1, totalSteps: 60, epochs: 60, step: 12, epoch: 12, loss: 0.1, imagesPerSec: 1, etaSeconds: 0, seconds: 30, finished: false, stopReason: 'stopped' },
  evals: [], losses: [], previews: [], result: null, error: null, ...over
})

describe('fine-tune status in words', () => {
  it('shows a time budget as time, not as "epoch 2/1000"', () => {
    expect(trainingLine(progress({}))).toBe('training · step 2 · epoch 2 · 10s of 3m00s')
    expect(etaLine(progress({}))).toBe('2m50s of the time budget left')
    expect(trainingLine(progress({ budgetSeconds: null, epochs: 60, totalSteps: 60 }))).toBe('training · epoch 2/60 · step 2/60')
    expect(etaLine(progress({ budgetSeconds: null, etaSeconds: 65 }))).toBe('about 1m05s left')
    expect(duration(3725)).toBe('1h02m')
  })

  it('gives a cancelled job one final state, with no early stop', () => {
    expect(finalLine(job({ state: 'cancelled', message: 'cancelled' }))).toBe('cancelled at step 12 of 60')
    const done = job({ training: { ...job({}).training!, step: 40, stopReason: 'early stop: no improvement', finished: true } })
    expect(finalLine(done)).toBe('done · stopped early at step 40: the held-out photos had stopped improving')
  })

  it('keeps the chart after a cancel: stored loss history, and the steps reached as its range', () => {
    const stored = [{ step: 1, loss: 1 }, { step: 2, loss: 0.8 }]
    expect(lossPoints(stored, [{ step: 2, loss: 0.8 }, { step: 3, loss: 0.7 }]).map((p) => p.step)).toEqual([1, 2, 3])
    expect(chartSteps(job({ state: 'cancelled' }))).toBeNull()
    expect(chartSteps(job({ state: 'training' }))).toBe(60)
    expect(chartSteps(job({ state: 'training', options: { ...job({}).options, minutes: 3 } }))).toBeNull()
  })

  it('says the outcome in words', () => {
    const scores = (deltaE2000: number) => ({ psnr: 24, deltaE2000, abAuc: 0.9, colourfulness: 20, deltaColourfulness: 1 })
    const result: FinetuneResultDto = { modelId: 'm', recommended: true, verdict: '', bestStep: 4, heldout: { photos: 4, base: scores(10), fineTuned: scores(9.76), grey: scores(14) } }
    expect(outcomeSentence(result, 'Koalarize default')).toBe("Colours 2.4 % closer to your photos than Koalarize default's on 4 photos of your collection it never saw.")
  })
})
