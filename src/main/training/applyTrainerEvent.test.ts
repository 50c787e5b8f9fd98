import { describe, expect, it } from 'vitest'
import { applyTrainerEvent } from './applyTrainerEvent'
import { resolveFinetuneOptions } from './finetuneOptions'
import type { JobRecord } from './jobStore'
import { parseTrainerLine, type TrainerEvent } from './trainerEvents'

/** Trainer events as the trainer prints them (through the real line parser), so no Python is needed. */
function line(fields: Record<string, unknown>): TrainerEvent {
  const parsed = parseTrainerLine(JSON.stringify({ time: 1, ...fields }))
  if (parsed.kind !== 'event') throw new Error(`not a trainer event: ${JSON.stringify(parsed)}`)
  return parsed.event
}

const start = (step = 0) => line({
  event: 'start', runDir: '/run', resumed: step > 0, step, totalSteps: 40, trainCount: 36, valCount: 4, stepsPerEpoch: 9, parameters: 1000, config: {}
})
const step = (n: number, loss: number | null, imagesPerSec: number) =>
  line({ event: 'step', step: n, totalSteps: 40, epoch: Math.floor(n / 9), loss, imagesPerSec, etaSeconds: 1 })

function job(overrides: Partial<JobRecord> = {}): JobRecord {
  return {
    formatVersion: 1, id: 'ft-1', name: 'Family', collection: '/photos', createdAt: '', updatedAt: '', state: 'training', message: null,
    ownerPid: null, python: null, options: resolveFinetuneOptions({ batchSize: 4, minutes: null }), base: null,
    data: { found: 40, usable: 40, train: 36, heldout: 4, trainDir: '/d/train', heldoutDir: '/d/heldout', shortSide: 256, previewPhoto: null, skipped: [] },
    training: null, evals: [], losses: [], previews: [], result: null, error: null,
    ...overrides
  }
}

/** Applies events in order, as the train phase does; returns the last record and every streamed event. */
function replay(record: JobRecord, events: TrainerEvent[], seconds = (i: number) => i) {
  const streamed = []
  for (const [i, event] of events.entries()) {
    const applied = applyTrainerEvent(record, event, { seconds: seconds(i), priorSeconds: 0 })
    record = applied.record
    streamed.push(...applied.events)
  }
  return { record, streamed }
}

describe('applyTrainerEvent (the trainer-event reducer)', () => {
  it('start opens the training record (carrying over a resumed job’s epoch and rate), and asks for a save', () => {
    const fresh = applyTrainerEvent(job(), start(), { seconds: 0, priorSeconds: 0 })
    expect(fresh.record.training).toEqual({
      stepsPerEpoch: 9, totalSteps: 40, epochs: 5, step: 0, epoch: 0, loss: null, imagesPerSec: null, etaSeconds: null,
      seconds: 0, finished: false, stopReason: null, bestCheckpoint: null
    })
    expect(fresh.save).toBe('now')
    const before = { ...fresh.record.training!, step: 20, epoch: 2, loss: 0.5, imagesPerSec: 8, seconds: 30 }
    const resumed = applyTrainerEvent(job({ training: before }), start(20), { seconds: 30, priorSeconds: 30 })
    expect(resumed.record.training).toMatchObject({ step: 20, epoch: 2, loss: 0.5, imagesPerSec: 8, seconds: 30, etaSeconds: null })
  })

  it('a step smooths the rate, estimates the time left, records the loss and streams progress', () => {
    const { record, streamed } = replay(job(), [start(), step(10, 0.4, 10), step(20, 0.3, 20)])
    // rate 0.7·10 + 0.3·20 = 13 images/s; 20 steps left × 4 photos a step ÷ 13/s
    expect(record.training).toMatchObject({ step: 20, epoch: 2, loss: 0.3, imagesPerSec: 13, seconds: 2 })
    expect(record.training!.etaSeconds).toBeCloseTo(80 / 13, 9)
    expect(record.losses).toEqual([{ step: 10, loss: 0.4 }, { step: 20, loss: 0.3 }])
    expect(streamed.at(-1)).toEqual({
      type: 'progress', jobId: 'ft-1', epoch: 2, epochs: 5, step: 20, totalSteps: 40, loss: 0.3, imagesPerSec: 13,
      etaSeconds: 80 / 13, fraction: 0.5, seconds: 2, budgetSeconds: null
    })
    expect(applyTrainerEvent(record, step(21, 0.2, 10), { seconds: 3, priorSeconds: 0 }).save).toBe('throttled')
  })

  it('with a time budget, the clock drives the fraction and caps the ETA; a diverged loss is not charted', () => {
    const budgeted = job({ options: resolveFinetuneOptions({ batchSize: 4, minutes: 1 }) })
    const { record, streamed } = replay(budgeted, [start(), step(4, null, 1)], (i) => [0, 45][i]!)
    expect(streamed.at(-1)).toMatchObject({ fraction: 0.75, budgetSeconds: 60, etaSeconds: 15 })
    expect(record.losses).toEqual([])
  })

  it('evaluations and previews replace an entry of the same step and are streamed; epochs count up', () => {
    const evalLine = (valLoss: number) => line({ event: 'eval', step: 9, epoch: 0, valLoss, baselineLoss: 0.9, valCount: 4, improved: true, bestValLoss: valLoss })
    const preview = line({ event: 'preview', step: 9, epoch: 0, path: '/p/preview-9.png' })
    const { record, streamed } = replay(job(), [start(), evalLine(0.5), evalLine(0.4), preview, preview, line({ event: 'epoch', epoch: 0, step: 9 })])
    expect(record.evals).toEqual([{ step: 9, epoch: 0, valLoss: 0.4, baselineLoss: 0.9, improved: true }])
    expect(record.previews).toEqual([{ step: 9, epoch: 0, path: '/p/preview-9.png' }])
    expect(record.training!.epoch).toBe(1)
    expect(streamed.map((e) => e.type)).toEqual(['eval', 'eval', 'preview', 'preview'])
    expect(applyTrainerEvent(record, preview, { seconds: 0, priorSeconds: 0 }).save).toBe('now')
  })

  it('done finishes training unless the trainer was stopped; warnings are streamed; the input is never modified', () => {
    const done = (reason: string) => line({ event: 'done', reason, step: 40, bestValLoss: 0.3, history: [], elapsedSeconds: 9, bestCheckpoint: '/run/best.pt' })
    const started = replay(job(), [start()]).record
    const frozen = structuredClone(started)
    const finished = applyTrainerEvent(started, done('early stop: no improvement'), { seconds: 12, priorSeconds: 0 }).record
    expect(finished.training).toMatchObject({ step: 40, seconds: 12, etaSeconds: 0, finished: true, stopReason: 'early stop: no improvement', bestCheckpoint: '/run/best.pt' })
    expect(applyTrainerEvent(started, done('stopped'), { seconds: 12, priorSeconds: 0 }).record.training!.finished).toBe(false)
    expect(started).toEqual(frozen)
    expect(applyTrainerEvent(started, line({ event: 'warning', message: 'broken.jpg skipped' }), { seconds: 0, priorSeconds: 0 }))
      .toEqual({ record: started, events: [{ type: 'warning', jobId: 'ft-1', message: 'broken.jpg skipped' }], save: 'no' })
    // Before `start` there is no training to update.
    expect(applyTrainerEvent(job(), step(1, 0.1, 1), { seconds: 0, priorSeconds: 0 })).toEqual({ record: job(), events: [], save: 'no' })
  })
})
