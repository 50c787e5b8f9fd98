import type { Capabilities, FolderPurpose } from '../../shared/api/hostMethods'

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
   * may be opened, exported into or trained from. Electron sets it, so a compromised page cannot point
   * the app at arbitrary folders; in the web host the user types the path, which is the choice.
   */
  onlyPickedFolders?: boolean
}

/** The methods that take a folder from the UI, and the parameter holding it. */
export const FOLDER_METHODS = ['openProject', 'exportPhotos', 'inspectCollection', 'startFinetune'] as const

/** The default host: the web host (or a test), without a native folder picker. */
export const WEB_HOST: HostIntegration = { transport: 'web' }
