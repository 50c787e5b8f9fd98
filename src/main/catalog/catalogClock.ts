/** When a catalog row was written: an ISO 8601 timestamp (UTC), as every table stores it. */
export const now = (): string => new Date().toISOString()
