import type { ApiHandlers } from '../../shared/api/contract'
import { ApiError } from '../../shared/api/errors'
import { exportPhotos, ExportRefusedError } from '../export/exportPhotos'
import type { StudioContext } from './studioContext'

/** Export of photos' chosen versions into a folder the user chose. */
export function exportHandlers(ctx: StudioContext): Pick<ApiHandlers, 'exportPhotos'> {
  return {
    exportPhotos: async (request) => {
      try {
        const result = await exportPhotos(ctx.store, request, (progress) => ctx.emit('exportProgress', progress))
        // Skipped photos are named by their file, as people know them (not by catalog id).
        return { ...result, skipped: result.skipped.map((s) => ({ ...s, name: ctx.store.getPhoto(s.photoId)?.relativePath })) }
      } catch (error) {
        if (error instanceof ExportRefusedError) throw new ApiError('bad_request', error.message)
        throw error
      }
    }
  }
}
