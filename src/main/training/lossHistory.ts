import { FINETUNE_MAX_LOSS_POINTS, type FinetuneLossPoint } from '../../shared/api/finetuneMethods'

/**
 * The training-loss history with one more point (a repeated step replaces its point). Past the cap,
 * every other point of the older half is dropped, so a long run keeps its whole shape in bounded space.
 */
export function withLossPoint(points: readonly FinetuneLossPoint[], point: FinetuneLossPoint, cap = FINETUNE_MAX_LOSS_POINTS): FinetuneLossPoint[] {
  const next = [...points.filter((p) => p.step < point.step), point]
  if (next.length <= cap) return next
  const half = Math.floor(next.length / 2)
  return [...next.slice(0, half).filter((_, i) => i % 2 === 0), ...next.slice(half)]
}
