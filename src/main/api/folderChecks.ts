import { isAbsolute } from 'node:path'
import { ApiError } from '../../shared/api/errors'
import { specialFolderProblem } from '../files/specialFileSystems'
import { withTimeLimit } from '../files/timeLimit'
import type { ScanSummary } from '../library/scanProject'

// Checks on the folders the UI gives, and their warnings, in plain words.

/** The scan's warning about the sub-folders it could not read, in plain words. */
export function skippedFoldersWarning(summary: ScanSummary): string {
  const folders = summary.skippedFolders
  const named = folders.slice(0, 3).map((f) => `${f.path} (${f.reason})`).join('; ')
  return `skipped ${folders.length} folder(s) that could not be read: ${named}${folders.length > 3 ? '; …' : ''}. The rest was scanned.`
}

/** Refuses a special system folder (/proc, /sys, /dev…), and a folder whose drive does not answer. */
export async function refuseSpecialFolder(folder: string): Promise<void> {
  if (!isAbsolute(folder)) return // each handler explains that one in its own words
  let problem
  try {
    problem = await withTimeLimit(specialFolderProblem(folder), `The folder ${folder}`)
  } catch (error) {
    throw new ApiError('bad_request', (error as Error)?.message ?? String(error))
  }
  if (problem) throw new ApiError('bad_request', problem)
}
