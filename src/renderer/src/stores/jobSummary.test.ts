import { describe, expect, it } from 'vitest'
import { jobSummary, reviewFilter } from './jobSummary'
import { job } from './testing/fakeApi'

describe('the notice that ends a job', () => {
  it('says what was done, what failed and what was skipped', () => {
    expect(jobSummary(job({ status: 'done', counts: { total: 5, queued: 0, done: 5 } }))).toBe('Colorized 5 photos.')
    expect(jobSummary(job({ status: 'done', counts: { total: 5, queued: 0, done: 3, failed: 1, skipped: 1 } }))).toBe(
      'Colorized 3 of 5 photos · 1 failed · 1 skipped (already in colour).'
    )
    expect(jobSummary(job({ status: 'cancelled', counts: { total: 10, queued: 0, done: 3, cancelled: 7 } }))).toBe('Colorizing cancelled after 3 of 10 photos.')
    expect(jobSummary(job({ status: 'failed', error: "model 'x' is not installed", counts: { total: 2, queued: 2 } }))).toBe(
      "Colorizing stopped: model 'x' is not installed. 0 of 2 photos done; Resume to retry."
    )
  })

  it('does not report a colour photo skipped as "done, 0 / 1"', () => {
    expect(jobSummary(job({ status: 'done', counts: { total: 1, queued: 0, skipped: 1 } }))).toBe(
      'Nothing colorized: the photo is already in colour. Tick "recolour colour photos" to colorize it anyway.'
    )
  })

  it('reviews the results, or the failures when there are no results', () => {
    expect(reviewFilter(job({ status: 'done', counts: { total: 2, done: 1, failed: 1 } }))).toBe('done')
    expect(reviewFilter(job({ status: 'done', counts: { total: 2, done: 0, failed: 2 } }))).toBe('failed')
  })
})
