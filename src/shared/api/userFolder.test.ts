import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { API_METHODS } from './contract'
import { isUserFolderSchema, UserFolderSchema, userFolderParams } from './userFolder'

describe('user folders in the contract', () => {
  it('are found from the schemas themselves: every method parameter that takes a folder from the user', () => {
    expect(userFolderParams(API_METHODS)).toEqual([
      { method: 'openProject', keys: ['folder'] },
      { method: 'exportPhotos', keys: ['folder'] },
      { method: 'updateSettings', keys: ['cacheDir'] },
      { method: 'inspectCollection', keys: ['folder'] },
      { method: 'startFinetune', keys: ['folder'] }
    ])
  })

  it('survive optional, nullable, default and refinements, and plain strings are not user folders', () => {
    expect(isUserFolderSchema(UserFolderSchema.refine((v) => v.startsWith('/')).nullable().default(null).optional())).toBe(true)
    expect(isUserFolderSchema(z.string().min(1).max(4096))).toBe(false)
  })
})
