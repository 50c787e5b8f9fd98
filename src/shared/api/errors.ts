import { z } from 'zod'

/** Why a call failed, as every transport carries it (serialisable; no stack traces cross the boundary). */
export const ApiErrorCodeSchema = z.enum([
  'unknown_method',
  'invalid_params',
  'not_found',
  'bad_request',
  'internal',
  // Made by clients only: the connection dropped before the call was answered (it may or may not have run).
  'disconnected'
])
export type ApiErrorCode = z.infer<typeof ApiErrorCodeSchema>

export const ApiErrorIssueSchema = z.object({ path: z.string(), message: z.string() })
export type ApiErrorIssue = z.infer<typeof ApiErrorIssueSchema>

export const ApiErrorSchema = z.object({
  code: ApiErrorCodeSchema,
  message: z.string(),
  issues: z.array(ApiErrorIssueSchema).optional()
})
export type ApiErrorData = z.infer<typeof ApiErrorSchema>

/** A failed API call; thrown by the service, rebuilt by clients from `ApiErrorData`. */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly issues?: ApiErrorIssue[]
  ) {
    super(message)
    this.name = 'ApiError'
  }

  toData(): ApiErrorData {
    return this.issues ? { code: this.code, message: this.message, issues: this.issues } : { code: this.code, message: this.message }
  }

  static fromData(data: ApiErrorData): ApiError {
    return new ApiError(data.code, data.message, data.issues)
  }
}
