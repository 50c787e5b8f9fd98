/**
 * A model's name for people. A bundled card's name ends with its training recipe in parentheses
 * ("Koalarize default (half width, MSE + EMA, ~7.3 epochs on CPU)"): the studio shows the name without
 * it and keeps the recipe for a tooltip. The user's own models (fine-tuned) keep the names they chose.
 */

const TRAILING_RECIPE = /^(.*\S)\s*\(([^()]*)\)\s*$/

export interface NamedModel {
  name: string
  origin: 'bundled' | 'user'
}

export function plainModelName(model: NamedModel): string {
  if (model.origin !== 'bundled') return model.name
  return TRAILING_RECIPE.exec(model.name)?.[1] ?? model.name
}

/** The recipe a bundled card's name carries, or null. */
export function modelRecipe(model: NamedModel): string | null {
  return model.origin === 'bundled' ? (TRAILING_RECIPE.exec(model.name)?.[2] ?? null) : null
}
