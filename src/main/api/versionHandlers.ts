import type { ApiHandlers } from '../../shared/api/contract'
import { ApiError } from '../../shared/api/errors'
import { deleteVersion, setPreferredVersion, VersionError, VersionNotFoundError } from '../versions/versions'
import { photoDtos, versionDto } from './dto'
import type { StudioContext } from './studioContext'

async function versionCall<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    if (error instanceof VersionNotFoundError) throw new ApiError('not_found', error.message)
    if (error instanceof VersionError) throw new ApiError('bad_request', error.message)
    throw error
  }
}

/** Versions of a photo: list, choose the preferred one, delete. */
export function versionHandlers(ctx: StudioContext): Pick<ApiHandlers, 'listVersions' | 'setPreferredVersion' | 'deleteVersion'> {
  const { store } = ctx
  const detail = (photoId: number) => {
    const photo = store.getPhoto(photoId)
    if (!photo) throw new ApiError('not_found', `no photo ${photoId}`)
    return { photo: photoDtos(store, [photo])[0]!, versions: store.resultsOfPhoto(photoId).map(versionDto) }
  }
  return {
    listVersions: async ({ photoId }) => detail(photoId).versions,
    setPreferredVersion: async ({ photoId, versionId }) => {
      await versionCall(() => setPreferredVersion(store, photoId, versionId))
      return detail(photoId)
    },
    deleteVersion: async ({ versionId }) => {
      const deleted = await versionCall(() => deleteVersion(store, ctx.versionsDir, versionId))
      return detail(deleted.photoId)
    }
  }
}
