/**
 * A model's name for people. A bundled card's name ends with its training recipe in parentheses
 * ("Koalarize default (half width, MSE + EMA, ~7.3 epochs on CPU)"): the studio shows the name without
 * it and keeps the recipe for a tooltip. The user's own models (fine-tuned) keep the names they chose;
 * the name suggested for one carries the month it was made ("Flowers, Nov 2026").
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

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** A model name with its month and year: "Koalarize standard, Nov 2026". */
export function datedModelName(name: string, date: Date): string {
  return `${name.trim()}, ${MONTHS[date.getMonth()]} ${date.getFullYear()}`
}

/** The name suggested for a model fine-tuned on a folder: the folder's name and the month ("flowers, Nov 2026"). */
export function suggestedModelName(folder: string, date: Date): string {
  const stem = folder.split(/[\\/]/).filter(Boolean).pop() ?? ''
  return stem ? datedModelName(stem, date) : ''
}
