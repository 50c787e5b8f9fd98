import type { Capabilities, FolderPurpose } from '../../shared/api/hostMethods'

/**
 * What the process hosting the UI offers the ApiService: which transport it is and, in Electron, a
 * native folder picker. Passed in by the composition root, so the service itself stays host-agnostic.
 */
export interface HostIntegration {
  transport: Capabilities['transport']
  /** Shows the native folder dialog; resolves with the chosen absolute folder or null (cancelled). */
  pickFolder?: (purpose: FolderPurpose) => Promise<string | null>
}

/** The default host: the web host (or a test), without a native folder picker. */
export const WEB_HOST: HostIntegration = { transport: 'web' }
