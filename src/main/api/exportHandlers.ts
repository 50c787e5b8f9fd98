import type { ApiHandlers } from '../../shared/api/contract'
import { ApiError } from '../../shared/api/errors'
import { exportPhotos, ExportRefusedError } from '../export/exportPhotos'
import type { StudioContext } from './studioContext'

/** Export of photos' chosen versions into a folder the user chose. */
export function exportHandlers(ctx: StudioContext): Pick<ApiHandlers, 'exportPhotos'> {
  return {
    exportPhotos: async (request) => {
      try {
        return await exportPhotos(ctx.store, request, (progress) => ctx.emit('exportProgress', progress))
      } catch (error) {
        if (error instanceof ExportRefusedError) throw new ApiError('bad_request', error.message)
        throw error
      }
    }
  }
}
