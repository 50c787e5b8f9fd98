import { describe, expect, it } from 'vitest'
import { modelRecipe, plainModelName } from './modelNames'

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
