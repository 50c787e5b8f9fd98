import { ApiError, type ApiErrorCode } from '../../shared/api/errors'
import { ConflictError, InvalidError, NotFoundError } from '../domainErrors'

/** The contract's code for each kind of domain error. */
const CODES: [new (...args: never[]) => Error, ApiErrorCode][] = [
  [NotFoundError, 'not_found'],
  [ConflictError, 'bad_request'],
  [InvalidError, 'bad_request']
]

/** The ApiError for a domain error (by class, see domainErrors.ts); undefined for any other error. */
export function apiErrorOf(error: unknown): ApiError | undefined {
  const match = CODES.find(([kind]) => error instanceof kind)
  return match && new ApiError(match[1], (error as Error).message)
}
