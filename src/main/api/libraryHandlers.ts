import type { ApiHandlers } from '../../shared/api/contract'
import { ApiError } from '../../shared/api/errors'
import { ProjectFolderUnavailableError } from '../library/scanProject'
import { modelDto, photoDtos, projectDto, versionDto } from './dto'
import type { LibraryWork } from './libraryWork'
import type { StudioContext } from './studioContext'

type LibraryMethods = 'listProjects' | 'openProject' | 'rescanProject' | 'listPhotos' | 'getPhoto' | 'listModels'

/** The library: projects, their photos, and the installed models (removing a project: projectHandlers). */
export function libraryHandlers(ctx: StudioContext, library: LibraryWork): Pick<ApiHandlers, LibraryMethods> {
  const { store } = ctx
  return {
    listProjects: async () => store.listProjects().map(projectDto),
    openProject: async ({ folder }) => projectDto(await library.openProject(folder)),
    rescanProject: async ({ projectId }) => {
      ctx.requireProject(projectId)
      return library.scan(projectId).catch((error: unknown) => {
        if (error instanceof ProjectFolderUnavailableError) throw new ApiError('bad_request', error.message)
        throw error
      })
    },
    listPhotos: async (query) => {
      ctx.requireProject(query.projectId)
      const page = store.queryPhotos(query)
      return { ...page, items: photoDtos(store, page.items) }
    },
    getPhoto: async ({ photoId }) => {
      const photo = store.getPhoto(photoId)
      if (!photo) throw new ApiError('not_found', `no photo ${photoId}`)
      return { photo: photoDtos(store, [photo])[0]!, versions: store.resultsOfPhoto(photoId).map(versionDto) }
    },
    listModels: async () => {
      store.upsertModels(await ctx.models.list())
      return store.listModels().map(modelDto)
    }
  }
}
