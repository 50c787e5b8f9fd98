/**
 * The size the colorizer runs at: shorter side = `shorterSide` (never larger than the photo),
 * both sides multiples of `multiple` so the encoder's three stride-2 steps divide evenly.
 */
export function workingSize(width: number, height: number, shorterSide: number, multiple = 8): { width: number; height: number } {
  const target = Math.min(shorterSide, Math.min(width, height))
  const scale = target / Math.min(width, height)
  const fit = (side: number): number => Math.max(multiple, Math.round((side * scale) / multiple) * multiple)
  return { width: fit(width), height: fit(height) }
}
