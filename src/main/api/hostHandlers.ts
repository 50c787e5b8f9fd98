import { resolve } from 'node:path'
import type { ApiHandlers } from '../../shared/api/contract'
import { ApiError } from '../../shared/api/errors'
import type { CatalogStore } from '../catalog/catalogStore'
import { isWithin } from '../files/pathContainment'
import type { SettingsStore } from '../settings/settingsStore'
import { refuseSpecialFolder } from './folderChecks'
import { FOLDER_PARAMS, WEB_HOST, type HostIntegration } from './hostIntegration'

/** Folders the user picked in the native dialog during this session (see HostIntegration.onlyPickedFolders). */
export type PickedFolders = Set<string>

/** The host's capabilities and its native folder picker (see hostIntegration.ts). */
export function hostHandlers(host: HostIntegration = WEB_HOST, picked: PickedFolders): Pick<ApiHandlers, 'getCapabilities' | 'pickFolder'> {
  return {
    getCapabilities: async () => ({ transport: host.transport, folderPicker: host.pickFolder !== undefined }),
    pickFolder: async ({ purpose }) => {
      if (!host.pickFolder) throw new ApiError('bad_request', 'no native folder picker here: type the folder path instead')
      const folder = await host.pickFolder(purpose)
      if (folder) picked.add(resolve(folder))
      return { folder }
    }
  }
}

export interface FolderGuard {
  host?: HostIntegration
  picked: PickedFolders
  settings: SettingsStore
  store: CatalogStore
}

const notPicked = (target: string): ApiError =>
  new ApiError('bad_request', `choose ${target} with Browse… first: the app only uses folders you picked`)

/** The cache folder: one picked in the dialog during this session, or the one already set. */
function requirePickedFolder(guard: FolderGuard, folder: string): void {
  const target = resolve(folder)
  const current = guard.settings.get().cacheDir
  if (guard.picked.has(target) || (current !== null && resolve(current) === target)) return
  throw notPicked(target)
}

/** A folder picked during this session, or inside one, or inside a project already in the library. */
function requireChosenFolder(guard: FolderGuard, folder: string): void {
  const target = resolve(folder)
  const roots = [...guard.picked, ...guard.store.listProjects().map((project) => resolve(project.root))]
  if (roots.some((root) => isWithin(root, target))) return
  throw notPicked(target)
}

/**
 * Wraps the handler of every method that takes a folder from the UI (found from the contract): never
 * a special system folder such as /proc; in Electron, only folders the user picked.
 */
export function guardFolderParams(handlers: ApiHandlers, guard: FolderGuard): void {
  for (const { method, keys } of FOLDER_PARAMS) {
    const handler = handlers[method] as (params: Record<string, unknown>) => Promise<never>
    ;(handlers as Record<string, unknown>)[method] = async (params: Record<string, unknown>) => {
      for (const key of keys) {
        const folder = params[key]
        if (typeof folder !== 'string') continue // left out (or null: the default folder)
        if (guard.host?.onlyPickedFolders && key === 'cacheDir') requirePickedFolder(guard, folder)
        else if (guard.host?.onlyPickedFolders) requireChosenFolder(guard, folder)
        await refuseSpecialFolder(folder)
      }
      return handler(params)
    }
  }
}
