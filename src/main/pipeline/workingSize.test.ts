import { describe, it, expect } from 'vitest'
import { workingSize } from './workingSize'

describe('workingSize', () => {
  it('scales the shorter side to the target, both sides multiples of 8', () => {
    expect(workingSize(4000, 3000, 256)).toEqual({ width: 344, height: 256 })
    expect(workingSize(3000, 4000, 256)).toEqual({ width: 256, height: 344 })
  })

  it('never upscales beyond the photo, but for rounding to multiples of 8', () => {
    expect(workingSize(100, 60, 256)).toEqual({ width: 104, height: 64 })
    expect(workingSize(1000, 600, 2048)).toEqual({ width: 1000, height: 600 })
  })

  it('keeps at least one block for tiny photos', () => {
    expect(workingSize(5, 3, 256)).toEqual({ width: 8, height: 8 })
  })
})
