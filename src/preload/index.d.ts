import type { ApiEventName, ApiMethod, ApiParams } from '../shared/api/contract'
import type { IpcReply } from '../shared/api/ipc'

/**
 * What the preload puts on `window.koalarize` (Electron only; absent in the browser-hosted UI).
 * Use it through the renderer's `createApiClient()`, which unwraps the replies into results / ApiErrors.
 */
export interface KoalarizeBridge {
  /** Electron's version. */
  version: string
  /** One function per contract method; each resolves with an envelope (never rejects for API errors). */
  api: { [M in ApiMethod]: (params?: ApiParams<M>) => Promise<IpcReply> }
  /** Where a dropped file or folder is on disk (Electron's webUtils.getPathForFile); '' when it is not on disk. */
  pathForFile(file: File): string
  /** Subscribes to one event stream; returns the unsubscribe function. */
  onEvent(name: ApiEventName, handler: (payload: unknown) => void): () => void
}

/** @deprecated the old name of KoalarizeBridge. */
export type KoalarizeApi = KoalarizeBridge

declare global {
  interface Window {
    /** Present only in the Electron window. */
    koalarize?: KoalarizeBridge
  }
}
