import type { JobDto } from '../../../shared/api/schemas'

const photos = (n: number): string => `${n} photo${n === 1 ? '' : 's'}`

/** What a finished colorize job did, in a sentence for the notice that ends it. */
export function jobSummary(job: JobDto): string {
  const { done, failed, skipped, total } = job.counts
  const extras = [failed ? `${failed} failed` : '', skipped ? `${skipped} skipped (already in colour)` : ''].filter(Boolean)
  const tail = extras.length ? ` · ${extras.join(' · ')}` : ''
  switch (job.status) {
    case 'cancelled':
      return `Colorizing cancelled after ${done} of ${photos(total)}${tail}.`
    case 'failed':
      return `Colorizing stopped: ${job.error ?? 'the job could not run'}. ${done} of ${photos(total)} done; Resume to retry.`
    default:
      if (done === 0 && skipped === total) {
        // Not a silent "done, 0 / 1": say why nothing changed and how to colorize them anyway.
        return `Nothing colorized: ${skipped === 1 ? 'the photo is' : `all ${skipped} photos are`} already in colour. Tick "recolour colour photos" to colorize ${skipped === 1 ? 'it' : 'them'} anyway.`
      }
      return done === total ? `Colorized ${photos(done)}.` : `Colorized ${done} of ${photos(total)}${tail}.`
  }
}

/** Which library filter shows a finished job's outcome best: its results, else its failures. */
export const reviewFilter = (job: JobDto): 'done' | 'failed' => (job.counts.done > 0 || job.counts.failed === 0 ? 'done' : 'failed')
