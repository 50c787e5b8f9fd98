import {
  API_METHODS,
  type ApiEventName,
  type ApiEventPayload,
  type ApiClient,
  type ApiMethod,
  type ApiParams,
  type ApiResult
} from '../../../shared/api/contract'
import { createElectronTransport } from './electronTransport'
import type { ApiTransport, ConnectionStatus } from './transport'
import { createWebSocketTransport } from './webSocketTransport'

/**
 * The contract as functions: one per method (params may be left out where none are required),
 * assignable to the contract's ApiClient type.
 */
export type ApiMethods = {
  [M in ApiMethod]: Record<never, never> extends ApiParams<M>
    ? (params?: ApiParams<M>) => Promise<ApiResult<M>>
    : (params: ApiParams<M>) => Promise<ApiResult<M>>
}

export interface KoalarizeClient extends ApiMethods {
  /** Which transport carries the calls. */
  readonly transport: ApiTransport['kind']
  /** Subscribes to one event stream; returns the unsubscribe function. */
  onEvent<E extends ApiEventName>(name: E, handler: (payload: ApiEventPayload<E>) => void): () => void
  /** Connection state changes (the current state at once); returns the unsubscribe function. */
  onConnection(listener: (status: ConnectionStatus) => void): () => void
  close(): void
}

// The client is usable wherever the contract's ApiClient is expected (a compile-time check).
const _isApiClient = (client: KoalarizeClient): ApiClient => client
void _isApiClient

/** Electron's bridge when the preload put it there, otherwise a WebSocket to the web host serving this page. */
export function defaultTransport(): ApiTransport {
  return typeof window !== 'undefined' && window.koalarize ? createElectronTransport(window.koalarize) : createWebSocketTransport()
}

const RESERVED = new Set(['transport', 'onEvent', 'onConnection', 'close'])

/** The typed API client, generated from the contract's method names (new methods need no change here). */
export function createApiClient(transport: ApiTransport = defaultTransport()): KoalarizeClient {
  const methods: Record<string, (params?: unknown) => Promise<unknown>> = {}
  for (const method of Object.keys(API_METHODS) as ApiMethod[]) {
    if (RESERVED.has(method)) throw new Error(`contract method ${method} clashes with a client member`)
    methods[method] = (params?: unknown) => transport.call(method, params ?? {})
  }
  return {
    ...(methods as unknown as ApiMethods),
    transport: transport.kind,
    onEvent: (name, handler) => transport.subscribe(name, handler as (payload: unknown) => void),
    onConnection: (listener) => transport.onStatus(listener),
    close: () => transport.close()
  }
}
