import { API_METHODS, type ApiMethod } from '../../shared/api/contract'
import type { Capabilities, FolderPurpose } from '../../shared/api/hostMethods'
import { userFolderParams } from '../../shared/api/userFolder'

/**
 * What the process hosting the UI offers the ApiService: which transport it is and, in Electron, a
 * native folder picker. Passed in by the composition root, so the service itself stays host-agnostic.
 */
export interface HostIntegration {
  transport: Capabilities['transport']
  /** Shows the native folder dialog; resolves with the chosen absolute folder or null (cancelled). */
  pickFolder?: (purpose: FolderPurpose) => Promise<string | null>
  /**
   * Only folders the user picked with `pickFolder` (or inside one, or a project already in the library)
   * may be opened, exported into or trained from; the cache folder must be one picked (or stay as it is). Electron sets it, so a compromised page cannot point
   * the app at arbitrary folders; in the web host the user types the path, which is the choice.
   */
  onlyPickedFolders?: boolean
}

/**
 * The methods that take a folder from the UI, and the parameters holding it: derived from the contract
 * (every parameter whose schema is a UserFolderSchema), so a new folder parameter cannot be forgotten.
 */
export const FOLDER_PARAMS = userFolderParams(API_METHODS) as { method: ApiMethod; keys: string[] }[]

/** The default host: the web host (or a test), without a native folder picker. */
export const WEB_HOST: HostIntegration = { transport: 'web' }
