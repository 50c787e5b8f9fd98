import { rm } from 'node:fs/promises'
import type { CatalogStore } from '../catalog/catalogStore'
import type { Result } from '../catalog/types'
import { isBelow } from '../files/pathContainment'

/** A version operation the caller asked for that cannot be done (the API answers bad_request). */
export class VersionError extends Error {}
export class VersionNotFoundError extends Error {}

/** Makes a finished version its photo's preferred one, or clears the choice (`versionId` null). */
export function setPreferredVersion(store: CatalogStore, photoId: number, versionId: number | null): void {
  if (!store.getPhoto(photoId)) throw new VersionNotFoundError(`no photo ${photoId}`)
  if (versionId === null) return store.clearPreferredResult(photoId)
  const version = store.getResult(versionId)
  if (!version || version.photoId !== photoId) throw new VersionNotFoundError(`photo ${photoId} has no version ${versionId}`)
  if (version.status !== 'done' || !version.outputPath) throw new VersionError(`version ${versionId} is ${version.status}, not a finished version`)
  store.setPreferredResult(versionId)
}

/**
 * Deletes a version: its catalog row, then its file — only ever a file inside the versions cache, so
 * an original photo can never be deleted this way. A version still being made cannot be deleted
 * (cancel its job first).
 */
export async function deleteVersion(store: CatalogStore, versionsDir: string, versionId: number): Promise<Result> {
  const version = store.getResult(versionId)
  if (!version) throw new VersionNotFoundError(`no version ${versionId}`)
  if (version.status === 'pending') throw new VersionError(`version ${versionId} is being made; cancel its job first`)
  store.deleteResult(versionId)
  if (version.outputPath && isBelow(versionsDir, version.outputPath)) await rm(version.outputPath, { force: true })
  return version
}
