import {
  type ApiEventName,
  type ApiEventPayload,
  type ApiClient,
  type ApiMethod,
  type ApiParams,
  type ApiResult
} from '../../../shared/api/contract'
import { API_METHOD_NAMES } from '../../../shared/api/names'
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

/** The client's own functions, besides the contract's methods. */
const CLIENT_FUNCTIONS = ['onEvent', 'onConnection', 'close'] as const

/**
 * Whether an object is a whole client: every member and every contract method a function (what a call
 * resolves with is checked where it is made: the service validates each result against the contract).
 */
function isKoalarizeClient(client: object): client is KoalarizeClient {
  const isFunction = (name: string): boolean => typeof Reflect.get(client, name) === 'function'
  return API_METHOD_NAMES.every(isFunction) && CLIENT_FUNCTIONS.every(isFunction) && typeof Reflect.get(client, 'transport') === 'string'
}

/** The typed API client, generated from the contract's method names (new methods need no change here). */
export function createApiClient(transport: ApiTransport = defaultTransport()): KoalarizeClient {
  const client: Record<string, unknown> = {
    transport: transport.kind,
    onEvent: (name: ApiEventName, handler: (payload: unknown) => void) => transport.subscribe(name, handler),
    onConnection: (listener: (status: ConnectionStatus) => void) => transport.onStatus(listener),
    close: () => transport.close()
  }
  for (const method of API_METHOD_NAMES) {
    if (method in client) throw new Error(`contract method ${method} clashes with a client member`)
    client[method] = (params?: unknown) => transport.call(method, params ?? {})
  }
  if (!isKoalarizeClient(client)) throw new Error('the API client lacks a member or a contract method')
  return client
}
