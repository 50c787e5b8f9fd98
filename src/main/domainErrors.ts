/**
 * What the domain throws when a request cannot be done, by kind; the API turns each kind into one
 * contract error code in one place (api/domainErrorCodes.ts). Subclass them; never match messages.
 */

/** The thing asked for does not exist (an unknown job, photo, version…). */
export class NotFoundError extends Error {}

/** The thing exists, but its state refuses the request (pausing a finished job…). */
export class ConflictError extends Error {}

/** The request itself cannot be done as asked (bad options, a collection too small…). */
export class InvalidError extends Error {}
