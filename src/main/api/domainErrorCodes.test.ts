import { describe, expect, it } from 'vitest'
import { ConflictError, InvalidError, NotFoundError } from '../domainErrors'
import { JobNotFoundError, JobStateError } from '../jobs/colorizeQueue'
import { FinetuneJobNotFoundError } from '../training/jobStore'
import { apiErrorOf } from './domainErrorCodes'

describe('domain errors → contract codes', () => {
  it('maps each kind by class, whatever the message says', () => {
    expect(apiErrorOf(new NotFoundError('x'))).toMatchObject({ code: 'not_found', message: 'x' })
    expect(apiErrorOf(new ConflictError('no job here'))).toMatchObject({ code: 'bad_request' })
    expect(apiErrorOf(new InvalidError('y'))).toMatchObject({ code: 'bad_request', message: 'y' })
    expect(apiErrorOf(new JobNotFoundError('gone'))?.code).toBe('not_found')
    expect(apiErrorOf(new JobStateError('no job 3 cannot be paused'))?.code).toBe('bad_request')
    expect(apiErrorOf(new FinetuneJobNotFoundError('z'))?.code).toBe('not_found')
  })

  it('leaves other errors alone', () => {
    expect(apiErrorOf(new Error('no job 1'))).toBeUndefined()
    expect(apiErrorOf('no job 1')).toBeUndefined()
  })
})
