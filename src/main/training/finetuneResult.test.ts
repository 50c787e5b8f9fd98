import { describe, it, expect } from 'vitest'
import { verdict, type HeldoutComparison } from './finetuneResult'

const scores = (deltaE2000: number) => ({ psnr: 20, deltaE2000, abAuc: 0.85, colourfulness: 20, deltaColourfulness: 10 })
const comparison = (before: number, after: number): HeldoutComparison =>
  ({ photos: 12, base: scores(before), fineTuned: scores(after), grey: scores(15), failed: [] }) as unknown as HeldoutComparison

describe('verdict on a fine-tuned model', () => {
  it('recommends a clear held-out gain', () => {
    expect(verdict(comparison(15, 12.4), 'default')).toMatchObject({ recommended: true, text: expect.stringMatching(/^better than default/) })
  })

  it('does not recommend a change within noise, or a loss', () => {
    expect(verdict(comparison(20.67, 20.669), 'default')).toMatchObject({ recommended: false, text: expect.stringMatching(/no meaningful change/) })
    expect(verdict(comparison(15, 15.5), 'default')).toMatchObject({ recommended: false, text: expect.stringMatching(/^worse than default/) })
  })
})
