import { describe, it, expect } from 'vitest'
import { parseTrainerLine } from './trainerEvents'

describe('trainer event lines', () => {
  it('parses protocol events into typed objects', () => {
    const parsed = parseTrainerLine('{"event": "step", "time": 1.5, "step": 3, "totalSteps": 10, "epoch": 0, "loss": 0.01, "imagesPerSec": 4.2, "etaSeconds": 12.0}')
    expect(parsed.kind).toBe('event')
    if (parsed.kind === 'event' && parsed.event.event === 'step') expect(parsed.event.imagesPerSec).toBe(4.2)
  })

  it("reads Python's NaN and Infinity as null", () => {
    const parsed = parseTrainerLine('{"event": "eval", "time": 1, "valLoss": NaN, "baselineLoss": 0.02, "valCount": 4, "step": 0, "epoch": 0, "improved": false, "bestValLoss": Infinity}')
    expect(parsed).toMatchObject({ kind: 'event', event: { valLoss: null, bestValLoss: null } })
  })

  it('keeps stray text and reports JSON that breaks the protocol', () => {
    expect(parseTrainerLine('loading…')).toEqual({ kind: 'text', line: 'loading…' })
    const invalid = parseTrainerLine('{"event": "step", "time": 1, "step": "three"}')
    expect(invalid.kind).toBe('invalid')
    expect(parseTrainerLine('{"event": "mystery", "time": 1}').kind).toBe('invalid')
  })
})
