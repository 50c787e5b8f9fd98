/** How long a file-system call may take before we stop waiting (a dead network drive can hang for ever). */
export const FS_TIME_LIMIT_MS = 15_000

/** The call did not answer in time; it may still be running, but nobody waits for it. */
export class TimeLimitError extends Error {}

/**
 * Resolves or rejects as `work` does, or rejects with a TimeLimitError naming `what` after `ms`.
 * (The call itself cannot be stopped: Node's file calls run on its thread pool.)
 */
export function withTimeLimit<T>(work: Promise<T>, what: string, ms = FS_TIME_LIMIT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new TimeLimitError(`${what} did not answer within ${Math.round(ms / 1000)} s (is it on a drive or network share that is not connected?)`)),
      ms
    )
  })
  return Promise.race([work, limit]).finally(() => clearTimeout(timer))
}
