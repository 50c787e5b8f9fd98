import type { ApiEventName, ApiMethod } from '../../../shared/api/contract'

/** Connection state of a transport (Electron's is always 'open'). */
export type ConnectionStatus = 'connecting' | 'open' | 'reconnecting' | 'closed'

/**
 * What carries contract calls and events between the renderer and the app: Electron IPC through the
 * preload, or a WebSocket to the web host. Carries any method / event by name; the typed client sits on top.
 */
export interface ApiTransport {
  readonly kind: 'electron' | 'web'
  /** Resolves with the method's result or rejects with an ApiError. */
  call(method: ApiMethod, params: unknown): Promise<unknown>
  /** Subscribes to one event stream; returns the unsubscribe function. */
  subscribe(name: ApiEventName, handler: (payload: unknown) => void): () => void
  /** Subscribes to connection changes (called at once with the current state); returns the unsubscribe function. */
  onStatus(listener: (status: ConnectionStatus) => void): () => void
  close(): void
}
