import { describe, expect, it } from 'vitest'
import { CatalogStore } from '../catalog/catalogStore'
import type { PhotoFacts } from '../catalog/types'
import { ProgressEstimator } from './progressEstimator'

const facts = (width: number, height: number): PhotoFacts => ({
  size: 1, mtimeMs: 1, contentHash: null, width, height, format: 'png', depth: 'uchar', capturedAt: null, colourClass: 'bw', meanChroma: 0, scanError: null
})

describe('ProgressEstimator', () => {
  it('learns ms per pixel from finished photos and estimates the rest, the current photo capped at 95 %', () => {
    const store = CatalogStore.open(':memory:')
    const project = store.createProject({ name: 'p', root: '/p' })
    const small = store.insertPhoto(project.id, 'small.png', facts(100, 100)) // 10 kpx
    const big = store.insertPhoto(project.id, 'big.png', facts(200, 200)) // 40 kpx
    const last = store.insertPhoto(project.id, 'last.png', facts(100, 100))
    const job = store.createJob({ kind: 'colorize', projectId: project.id, options: {}, photoIds: [small.id, big.id, last.id] })
    let now = 0
    const estimator = new ProgressEstimator(store, job.id, () => now)

    estimator.start(small.id)
    expect(estimator.progress('running', small.id)).toMatchObject({ fraction: 0, etaSeconds: null, current: { photoId: small.id, fraction: 0 }, total: 3 })
    now = 1000
    store.updateJobItem(job.id, small.id, { status: 'done', millis: 1000 })
    estimator.record(small.id, 1000) // 0.1 ms per pixel
    expect(estimator.progress('running', null)).toMatchObject({ finished: 1, current: null, etaSeconds: 5 }) // 50 kpx left
    expect(estimator.progress('running', null).fraction).toBeCloseTo(1 / 3)

    estimator.start(big.id)
    now = 3000 // half of big's expected 4 s
    const mid = estimator.progress('running', big.id)
    expect(mid.current!.fraction).toBeCloseTo(0.5)
    expect(mid.etaSeconds).toBeCloseTo(3) // 2 s left of big + 1 s for the last
    expect(mid.fraction).toBeCloseTo(1.5 / 3)
    now = 20_000 // slower than expected: capped, the ETA does not go negative
    expect(estimator.progress('running', big.id).current!.fraction).toBe(0.95)
    expect(estimator.progress('running', big.id).etaSeconds).toBe(0)

    store.updateJobItem(job.id, big.id, { status: 'failed', error: 'x' })
    estimator.record(big.id, null) // failures do not teach the rate
    store.updateJobItem(job.id, last.id, { status: 'done' })
    estimator.record(last.id, 1000)
    expect(estimator.progress('done', null)).toMatchObject({ fraction: 1, finished: 3, etaSeconds: 0, counts: { done: 2, failed: 1 } })
    store.close()
  })
})
