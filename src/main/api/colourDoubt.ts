import { ApiError } from '../../shared/api/errors'
import type { DoubtfulChoice, DoubtfulPhotoDto } from '../../shared/api/schemas'
import type { CatalogStore } from '../catalog/catalogStore'

/** How many photos an error names before "and N more". */
const NAMED = 5

/** The photos among `ids` whose colour is in doubt (B&W or toned, but maybe colour), in the order given. */
export function doubtfulPhotos(store: CatalogStore, ids: readonly number[]): DoubtfulPhotoDto[] {
  const doubtful: DoubtfulPhotoDto[] = []
  for (const id of ids) {
    const photo = store.getPhoto(id)
    if (photo?.colourDoubtful && photo.colourClass) doubtful.push({ id, relativePath: photo.relativePath, colourClass: photo.colourClass })
  }
  return doubtful
}

const named = (photos: readonly DoubtfulPhotoDto[]): string =>
  photos.slice(0, NAMED).map((p) => p.relativePath).join(', ') + (photos.length > NAMED ? ` and ${photos.length - NAMED} more` : '')

/**
 * Applies the user's choice about photos in doubt to a colorize request: the photos to colorize, and
 * those to recolour even if the pipeline finds them in colour. With 'ask' (or when every photo is
 * skipped), a plain-words ApiError: photos in doubt are never recoloured without being asked.
 * `recolor` (recolour colour photos) already covers them.
 */
export function applyDoubtChoice(
  store: CatalogStore,
  ids: readonly number[],
  choice: DoubtfulChoice,
  recolor: boolean
): { ids: number[]; recolorPhotoIds: number[] } {
  const doubtful = recolor ? [] : doubtfulPhotos(store, ids)
  if (doubtful.length === 0) return { ids: [...ids], recolorPhotoIds: [] }
  const one = doubtful.length === 1
  const count = one ? '1 photo' : `${doubtful.length} photos`
  if (choice === 'ask') {
    const [they, them] = one ? ['it is', 'it'] : ['they are', 'them']
    throw new ApiError('bad_request', `${count} may already be in colour (${named(doubtful)}): colour detection is not sure ${they} black-and-white or toned. Choose to recolour ${them} anyway or to skip ${them}.`)
  }
  if (choice === 'recolor') return { ids: [...ids], recolorPhotoIds: doubtful.map((p) => p.id) }
  const skipped = new Set(doubtful.map((p) => p.id))
  const rest = ids.filter((id) => !skipped.has(id))
  if (rest.length === 0) throw new ApiError('bad_request', `Nothing to colorize: the ${count} chosen may already be in colour and ${one ? 'was' : 'were'} skipped.`)
  return { ids: rest, recolorPhotoIds: [] }
}
