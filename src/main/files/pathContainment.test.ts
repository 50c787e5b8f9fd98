import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { isBelow, isWithin } from './pathContainment'

const root = join('/archive', 'family')

describe('path containment', () => {
  it('isWithin: the folder itself or anything below it', () => {
    expect(isWithin(root, root)).toBe(true)
    expect(isWithin(root, root + '/')).toBe(true)
    expect(isWithin(root, join(root, 'a', 'b.jpg'))).toBe(true)
    expect(isWithin(root, join(root, '..family', 'x.jpg'))).toBe(true) // a name that starts with two dots
    expect(isWithin(root, join(root, '..', 'other'))).toBe(false)
    expect(isWithin(root, '/archive/family-2/x.jpg')).toBe(false)
    expect(isWithin(root, '/archive')).toBe(false)
  })

  it('isBelow: only what lies below, never the folder itself', () => {
    expect(isBelow(root, root)).toBe(false)
    expect(isBelow(root, join(root, 'v', '1.png'))).toBe(true)
    expect(isBelow(root, join(root, '..family'))).toBe(true)
    expect(isBelow(root, join(root, 'v', '..', '..', 'x'))).toBe(false)
    expect(isBelow(root, '/elsewhere')).toBe(false)
  })
})
