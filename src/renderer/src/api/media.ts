import { MEDIA_SCHEME, WEB_MEDIA_PREFIX, type MediaKind } from '../../../shared/api/transport'

export type { MediaKind }

/**
 * The URL of an image by id, for <img src>: `koalarize-media://<kind>/<id>` in Electron,
 * `/media/<kind>/<id>` in the browser-hosted UI (the cookie authenticates it). `version` is added as a
 * query to bust the cache when the image behind the id changed (e.g. a thumbnail remade).
 * kinds: 'thumbnail' (photo id), 'version' (version / result id), 'original' (photo id).
 */
export function mediaUrl(kind: MediaKind, id: number, version?: string | number): string {
  const query = version === undefined ? '' : `?v=${encodeURIComponent(String(version))}`
  const inElectron = typeof window !== 'undefined' && !!window.koalarize
  return inElectron ? `${MEDIA_SCHEME}://${kind}/${id}${query}` : `${WEB_MEDIA_PREFIX}${kind}/${id}${query}`
}

/** The URL of a fine-tuning job's preview image after `step` (`/media/preview/<jobId>/<step>`). */
export function previewUrl(jobId: string, step: number): string {
  const inElectron = typeof window !== 'undefined' && !!window.koalarize
  const path = `preview/${encodeURIComponent(jobId)}/${step}`
  return inElectron ? `${MEDIA_SCHEME}://${path}` : `${WEB_MEDIA_PREFIX}${path}`
}
