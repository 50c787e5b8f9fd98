import { describe, expect, it } from 'vitest'
import { API_EVENTS, API_METHODS } from './contract'
import { API_EVENT_NAMES, API_METHOD_NAMES } from './names'

describe('the contract names without schemas', () => {
  it('are the contract methods and events, in order', () => {
    expect(API_METHOD_NAMES).toEqual(Object.keys(API_METHODS))
    expect(API_EVENT_NAMES).toEqual(Object.keys(API_EVENTS))
  })
})
