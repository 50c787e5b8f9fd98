import { describe, expect, it } from 'vitest'
import { FINETUNE_BOUNDS } from '../shared/api/finetuneMethods'
import { finetuneOptionsFromFlags } from './finetuneFlags'

const refusal = (flags: Parameters<typeof finetuneOptionsFromFlags>[0]): string => {
  try {
    finetuneOptionsFromFlags(flags)
  } catch (error) {
    return (error as Error).message
  }
  throw new Error('accepted')
}

describe('fine-tune flags', () => {
  it('become the contract\'s options, absent flags left out', () => {
    expect(finetuneOptionsFromFlags({})).toEqual({})
    expect(finetuneOptionsFromFlags({ base: 'mine', train: 'all', epochs: '3', minutes: '2.5', size: '64', lr: '1e-3', steps: '10', batch: '4', threads: '0', patience: '0' })).toEqual({
      baseModel: 'mine', trainParts: 'all', epochs: 3, minutes: 2.5, size: 64, learningRate: 1e-3, maxSteps: 10, batchSize: 4, threads: 0, patience: 0
    })
  })

  it('are refused with the flag\'s name and the schema\'s own bounds', () => {
    expect(refusal({ lr: 'fast' })).toBe('--lr must be a number')
    expect(refusal({ lr: '2' })).toBe('--lr must be at most 1')
    expect(refusal({ lr: '0' })).toBe('--lr must be more than 0')
    expect(refusal({ size: '2048' })).toBe('--size must be at most 1024')
    expect(refusal({ size: '65' })).toMatch(/^--size /)
    expect(refusal({ epochs: String(FINETUNE_BOUNDS.epochs.max + 1) })).toBe(`--epochs must be at most ${FINETUNE_BOUNDS.epochs.max}`)
    expect(refusal({ steps: '1.5' })).toBe('--steps must be a whole number')
    expect(refusal({ train: 'everything' })).toBe('--train must be one of decoder, all')
  })
})
