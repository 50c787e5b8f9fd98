import type { ApiEventName, ApiEventPayload } from '../../shared/api/contract'
import type { InstalledModel } from '../../shared/modelCard'
import type { CatalogStore } from '../catalog/catalogStore'
import type { Project } from '../catalog/types'
import type { ColorizeQueue } from '../jobs/colorizeQueue'
import type { ThumbnailCache } from '../library/thumbnailCache'
import type { SettingsStore } from '../settings/settingsStore'

/** What the studio's handler modules (jobs, versions, export, settings) get from the ApiService. */
export interface StudioContext {
  store: CatalogStore
  models: { list(): Promise<InstalledModel[]> }
  queue: ColorizeQueue
  settings: SettingsStore
  thumbnails: ThumbnailCache
  /** Where versions are written (`<cache>/versions`). */
  versionsDir: string
  emit: <E extends ApiEventName>(name: E, payload: ApiEventPayload<E>) => void
  /** The project, or an ApiError not_found. */
  requireProject(projectId: number): Project
  /** Makes the thumbnails a project lacks, in the background. */
  queueThumbnails(projectId: number): void
}
