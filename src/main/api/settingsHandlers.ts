import type { ApiHandlers } from '../../shared/api/contract'
import { EXECUTION_PROVIDER_SETTINGS } from '../../shared/settings'
import { usableProviders } from './usableProviders'
import { versionsSize } from '../versions/versionDebris'
import type { StudioContext } from './studioContext'

type SettingsMethods = 'getSettings' | 'updateSettings' | 'listExecutionProviders' | 'cacheInfo' | 'clearCache'

/** Settings, execution providers and the cache. */
export function settingsHandlers(ctx: StudioContext): Pick<ApiHandlers, SettingsMethods> {
  const cacheInfo = async () => ({ thumbnails: await ctx.thumbnails.sizeOnDisk(), versions: await versionsSize(ctx.store, ctx.versionsDir) })
  return {
    getSettings: async () => ctx.settings.get(),
    updateSettings: async (patch) => ctx.settings.update(patch),
    listExecutionProviders: async () => {
      const available = new Set<string>(usableProviders())
      return EXECUTION_PROVIDER_SETTINGS.map((name) => ({ name, available: name === 'auto' || available.has(name) }))
    },
    cacheInfo,
    clearCache: async () => {
      // Thumbnails only: they are remade from the originals. Versions are the user's work and stay.
      await ctx.thumbnails.clear()
      ctx.store.clearThumbnails()
      const info = await cacheInfo()
      for (const project of ctx.store.listProjects()) ctx.queueThumbnails(project.id)
      return info
    }
  }
}
