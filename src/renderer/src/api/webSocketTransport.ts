import { isApiEventName, type ApiEventName, type ApiMethod } from '../../../shared/api/contract'
import { ApiError } from '../../../shared/api/errors'
import { WS_PATH, WsServerMessageSchema } from '../../../shared/api/transport'
import type { ApiTransport, ConnectionStatus } from './transport'

export interface WebSocketTransportOptions {
  /** Default: ws(s)://<this page's host>/api (the HttpOnly cookie set on the first load authenticates it). */
  url?: string
  /** First reconnect delay (ms, default 250); doubles each failed try up to maxDelayMs (default 10 s), with jitter. */
  initialDelayMs?: number
  maxDelayMs?: number
  /** A WebSocket implementation (default: the browser's). */
  WebSocketImpl?: typeof WebSocket
}

interface Pending {
  resolve(value: unknown): void
  reject(error: unknown): void
}

/** The page's WebSocket URL; keeps a `?token=` the page was opened with (when the host did not trade it for the cookie). */
export function defaultWebSocketUrl(location: Location): string {
  const url = new URL(WS_PATH, location.href)
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:'
  const token = new URLSearchParams(location.search).get('token')
  if (token) url.searchParams.set('token', token)
  return url.href
}

/**
 * The transport in the browser-hosted UI: one WebSocket to the web host ({ id, method, params } →
 * { id, result } | { id, error }; { event, payload } pushed). Reconnects with exponential backoff.
 * Calls made while (re)connecting wait for the socket; calls in flight when it drops, or waiting when
 * a connection attempt fails, are rejected with ApiError('disconnected') — they may or may not have run.
 */
export function createWebSocketTransport(options: WebSocketTransportOptions = {}): ApiTransport {
  const url = options.url ?? defaultWebSocketUrl(window.location)
  const Impl = options.WebSocketImpl ?? WebSocket
  const initialDelay = options.initialDelayMs ?? 250
  const maxDelay = options.maxDelayMs ?? 10_000

  const pending = new Map<number, Pending>()
  const waiting: { message: string; pending: Pending; id: number }[] = []
  const handlers = new Map<ApiEventName, Set<(payload: unknown) => void>>()
  const statusListeners = new Set<(status: ConnectionStatus) => void>()
  let status: ConnectionStatus = 'connecting'
  let socket: WebSocket | undefined
  let nextId = 1
  let delay = initialDelay
  let retryTimer: ReturnType<typeof setTimeout> | undefined
  let closed = false

  const setStatus = (next: ConnectionStatus) => {
    if (status === next) return
    status = next
    for (const listener of statusListeners) listener(next)
  }

  const disconnected = () => new ApiError('disconnected', 'the connection to Koalarize was lost')

  const rejectAll = () => {
    for (const call of pending.values()) call.reject(disconnected())
    pending.clear()
    for (const { pending: call } of waiting.splice(0)) call.reject(disconnected())
  }

  const deliver = (name: string, payload: unknown) => {
    if (!isApiEventName(name)) return
    for (const handler of handlers.get(name) ?? []) {
      try {
        handler(payload)
      } catch (error) {
        console.error(`handler of ${name} failed`, error)
      }
    }
  }

  /** A reply the contract's schema refuses still settles its call, so that it does not wait forever. */
  const refuse = (raw: unknown) => {
    const id = (raw as { id?: unknown } | null)?.id
    const call = typeof id === 'number' ? pending.get(id) : undefined
    if (!call) return
    pending.delete(id as number)
    call.reject(new ApiError('internal', 'malformed reply'))
  }

  const onMessage = (text: unknown) => {
    if (typeof text !== 'string') return
    let raw: unknown
    try {
      raw = JSON.parse(text)
    } catch {
      return
    }
    const parsed = WsServerMessageSchema.safeParse(raw)
    if (!parsed.success) return refuse(raw)
    const message = parsed.data
    if ('event' in message) return deliver(message.event, message.payload)
    if (typeof message.id !== 'number') {
      if ('error' in message) console.warn('Koalarize API error without a call', message.error)
      return
    }
    const call = pending.get(message.id)
    if (!call) return
    pending.delete(message.id)
    if ('error' in message) call.reject(ApiError.fromData(message.error))
    else call.resolve(message.result)
  }


  const connect = () => {
    if (closed) return
    let opened = false
    const ws = new Impl(url)
    socket = ws
    ws.onopen = () => {
      opened = true
      delay = initialDelay
      setStatus('open')
      for (const { message, pending: call, id } of waiting.splice(0)) {
        pending.set(id, call)
        ws.send(message)
      }
    }
    ws.onmessage = (event: MessageEvent) => onMessage(event.data)
    ws.onclose = () => {
      if (socket === ws) socket = undefined
      rejectAll()
      if (closed) return setStatus('closed')
      setStatus('reconnecting')
      const wait = opened ? initialDelay : delay
      delay = Math.min(maxDelay, delay * 2)
      retryTimer = setTimeout(connect, wait * (0.75 + Math.random() * 0.5))
    }
    ws.onerror = () => undefined // a close follows
  }

  connect()

  return {
    kind: 'web',
    call(method: ApiMethod, params: unknown) {
      if (closed) return Promise.reject(new ApiError('disconnected', 'the client is closed'))
      return new Promise((resolve, reject) => {
        const id = nextId++
        const message = JSON.stringify({ id, method, params: params ?? {} })
        const call = { resolve, reject }
        if (socket && socket.readyState === Impl.OPEN) {
          pending.set(id, call)
          socket.send(message)
        } else {
          waiting.push({ message, pending: call, id })
        }
      })
    },
    subscribe(name, handler) {
      let set = handlers.get(name)
      if (!set) handlers.set(name, (set = new Set()))
      set.add(handler)
      return () => void set.delete(handler)
    },
    onStatus(listener) {
      statusListeners.add(listener)
      listener(status)
      return () => void statusListeners.delete(listener)
    },
    close() {
      closed = true
      clearTimeout(retryTimer)
      socket?.close(1000)
      rejectAll()
      setStatus('closed')
    }
  }
}
