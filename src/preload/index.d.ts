/** API exposed to the renderer as `window.koalarize` by the preload script. */
export interface KoalarizeApi {
  /** Electron version string (placeholder until the real IPC API lands). */
  version: string
}

declare global {
  interface Window {
    koalarize: KoalarizeApi
  }
}
