import type { ApiHandlers } from '../../shared/api/contract'
import { ApiError } from '../../shared/api/errors'
import { COLORIZE_JOB_KIND } from '../jobs/colorizeQueue'
import { removeProjectVersions } from '../versions/versionDebris'
import { projectDto } from './dto'
import type { StudioContext } from './studioContext'

/** Removing a project from the library (opening and scanning: libraryHandlers). */
export function projectHandlers(ctx: StudioContext): Pick<ApiHandlers, 'removeProject'> {
  const { store } = ctx
  return {
    removeProject: async ({ projectId }) => {
      const project = ctx.requireProject(projectId)
      const busy = store.listJobs(COLORIZE_JOB_KIND, projectId).filter((job) => job.status === 'queued' || job.status === 'running')
      if (busy.length > 0) {
        throw new ApiError('bad_request', `"${project.name}" has a colorize job queued or running; cancel it or let it finish, then remove the project`)
      }
      store.deleteProject(projectId) // the catalog only: the files in the project's folder stay as they are
      await removeProjectVersions(ctx.versionsDir, projectId)
      return store.listProjects().map(projectDto)
    }
  }
}
