import { describe, expect, it } from 'vitest'
import { datedModelName, modelRecipe, plainModelName, suggestedModelName } from './modelNames'

describe('plainModelName', () => {
  it('shows a bundled model without the recipe its card name carries', () => {
    const bundled = { name: 'Koalarize default (half width, MSE + EMA, ~7.3 epochs on CPU)', origin: 'bundled' as const }
    expect(plainModelName(bundled)).toBe('Koalarize default')
    expect(modelRecipe(bundled)).toBe('half width, MSE + EMA, ~7.3 epochs on CPU')
  })

  it('keeps names without a recipe, and the user\'s own names as they are', () => {
    expect(plainModelName({ name: 'Koalarize standard', origin: 'bundled' })).toBe('Koalarize standard')
    expect(plainModelName({ name: 'Flowers (UI test)', origin: 'user' })).toBe('Flowers (UI test)')
    expect(modelRecipe({ name: 'Flowers (UI test)', origin: 'user' })).toBeNull()
  })
})

describe('dated model names', () => {
  it('carry the month and year the model was made', () => {
    expect(datedModelName('Koalarize standard', new Date(2026, 10, 30))).toBe('Koalarize standard, Nov 2026')
    expect(datedModelName(' Family 1960s ', new Date(2027, 0, 1))).toBe('Family 1960s, Jan 2027')
  })

  it('are suggested from the folder a model is fine-tuned on', () => {
    const may = new Date(2026, 4, 31, 23, 59)
    expect(suggestedModelName('/home/ann/Pictures/flowers in colour/', may)).toBe('flowers in colour, May 2026')
    expect(suggestedModelName('C:\\Users\\ann\\Family', may)).toBe('Family, May 2026')
    expect(suggestedModelName('', may)).toBe('')
  })
})
