import { describe, expect, it } from 'vitest'
import { withLossPoint } from './lossHistory'

describe('withLossPoint', () => {
  it('appends, replaces a repeated step (a resume) and thins the older half past the cap', () => {
    let points = [{ step: 1, loss: 1 }, { step: 2, loss: 0.9 }]
    points = withLossPoint(points, { step: 2, loss: 0.8 })
    expect(points).toEqual([{ step: 1, loss: 1 }, { step: 2, loss: 0.8 }])
    for (let step = 3; step <= 20; step++) points = withLossPoint(points, { step, loss: 1 / step }, 10)
    expect(points.length).toBeLessThanOrEqual(10)
    expect(points[0]!.step).toBe(1) // the start stays
    expect(points.at(-1)!.step).toBe(20)
    expect(points.map((p) => p.step)).toEqual([...points.map((p) => p.step)].sort((a, b) => a - b))
  })
})
