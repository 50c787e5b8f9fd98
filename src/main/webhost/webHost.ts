import { createReadStream } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { Readable } from 'node:stream'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import { ApiError, type ApiErrorData } from '../../shared/api/errors'
import {
  WEB_MEDIA_PREFIX,
  WS_MAX_MESSAGE_BYTES,
  WS_PATH,
  WsRequestSchema,
  type WsRequestId
} from '../../shared/api/transport'
import { CONTENT_SECURITY_POLICY_HEADER } from '../../shared/csp'
import type { AppServices } from '../app/createAppServices'
import { findMedia, parseMediaRequest } from '../media/mediaFiles'
import { newToken, WebHostAuth } from './auth'
import { resolveStaticFile } from './staticFiles'

export interface WebHostOptions {
  services: Pick<AppServices, 'api' | 'store' | 'thumbnails'> & Partial<Pick<AppServices, 'finetune'>>
  /** The built renderer (out/renderer after `npm run build`). */
  rendererDir: string
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number
  /** The access token (default: 32 fresh random bytes). For tests; never make it guessable. */
  token?: string
  /** Largest WebSocket message accepted (default WS_MAX_MESSAGE_BYTES). */
  maxMessageBytes?: number
  /** Calls one connection may have in flight at once (default 64). */
  maxPendingCalls?: number
}

export interface WebHost {
  readonly port: number
  readonly token: string
  /** `http://127.0.0.1:<port>` */
  readonly origin: string
  /** What to open in the browser: `http://127.0.0.1:<port>/?token=<token>`. */
  readonly url: string
  close(): Promise<void>
}

/** Headers every response carries. */
const BASE_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY_HEADER,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin'
}

const PAGE_PATHS = new Set(['/', '/index.html'])

/**
 * The local web host: the built renderer and the API contract over HTTP + WebSocket, bound to
 * 127.0.0.1 only, every request and connection token-checked (see auth.ts for the design).
 *
 * WebSocket protocol at WS_PATH, JSON text messages:
 *   client → `{ id, method, params }`; server → `{ id, result }` or `{ id, error: ApiErrorData }`;
 *   server → `{ event, payload }` for every ApiService event.
 * A malformed or invalid message gets an error reply (id null when unreadable) and the connection
 * stays up; a message over the size limit closes it (1009). Methods and events are carried by name,
 * so every contract entry works without changes here.
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const { services, rendererDir } = options
  const token = options.token ?? newToken()
  const maxPending = options.maxPendingCalls ?? 64
  let auth: WebHostAuth | undefined

  const server = createServer((req, res) => {
    handleHttp(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, 'internal error')
      else res.destroy(error as Error)
    })
  })
  server.headersTimeout = 20_000
  server.requestTimeout = 60_000

  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes ?? WS_MAX_MESSAGE_BYTES, perMessageDeflate: false })

  function send(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
    res.writeHead(status, { ...BASE_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...headers })
    res.end(text)
  }

  function requestUrl(req: IncomingMessage): URL | undefined {
    try {
      // Parsed against our own origin: the Host header is checked separately and never used to build URLs.
      return new URL(req.url ?? '/', auth!.origin)
    } catch {
      return undefined
    }
  }

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = requestUrl(req)
    if (!url) return send(res, 400, 'bad request')
    const check = auth!.check(req, url)
    if (!check.ok) return send(res, check.status!, check.reason!)
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed', { Allow: 'GET, HEAD' })

    // The first load, from the printed URL: trade the token in the address for the HttpOnly cookie.
    if (check.via === 'query' && PAGE_PATHS.has(url.pathname)) {
      res.writeHead(303, { ...BASE_HEADERS, Location: '/', 'Set-Cookie': auth!.setCookieHeader(), 'Cache-Control': 'no-store' })
      res.end()
      return
    }

    if (url.pathname.startsWith(WEB_MEDIA_PREFIX)) return serveMedia(req, res, url.pathname.slice(WEB_MEDIA_PREFIX.length))

    const file = await resolveStaticFile(rendererDir, url.pathname)
    if (!file) return send(res, 404, 'not found')
    const immutable = url.pathname.startsWith('/assets/') // content-hashed names from the build
    res.writeHead(200, {
      ...BASE_HEADERS,
      'Content-Type': file.contentType,
      'Content-Length': String(file.size),
      'Cache-Control': immutable ? 'private, max-age=31536000, immutable' : 'no-cache'
    })
    if (req.method === 'HEAD') return void res.end()
    createReadStream(file.path).on('error', (error) => res.destroy(error)).pipe(res)
  }

  async function serveMedia(req: IncomingMessage, res: ServerResponse, rest: string): Promise<void> {
    const [kind = '', ...id] = rest.split('/')
    const request = parseMediaRequest(kind, id.join('/'))
    const media = request && (await findMedia({ store: services.store, thumbnailsDir: services.thumbnails.dir, finetune: services.finetune }, request))
    if (!media) return send(res, 404, 'not found')
    res.writeHead(200, { ...BASE_HEADERS, 'Content-Type': media.contentType, 'Content-Length': String(media.size), 'Cache-Control': 'private, no-cache' })
    if (req.method === 'HEAD') return void res.end()
    const body = media.open()
    if (Buffer.isBuffer(body)) return void res.end(body)
    ;(body as Readable).on('error', (error) => res.destroy(error)).pipe(res)
  }

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const url = requestUrl(req)
    const check = url ? auth!.check(req, url, { websocket: true }) : { ok: false, status: 400 as const, reason: 'bad request' }
    const refuse = (status: number, reason: string) => {
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`)
      socket.destroy()
    }
    if (!check.ok) return refuse(check.status!, check.reason!)
    if (url!.pathname !== WS_PATH) return refuse(404, 'not found')
    wss.handleUpgrade(req, socket, head, (ws) => serveConnection(ws))
  })

  function serveConnection(ws: WebSocket): void {
    let pending = 0
    const reply = (message: unknown) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message))
    }
    const fail = (id: WsRequestId | null, error: ApiErrorData) => reply({ id, error })
    const unsubscribe = services.api.on((event) => reply({ event: event.name, payload: event.payload }))
    let alive = true
    ws.on('pong', () => (alive = true))
    const heartbeat = setInterval(() => {
      if (!alive) return ws.terminate()
      alive = false
      ws.ping()
    }, 30_000)
    ws.on('close', () => {
      clearInterval(heartbeat)
      unsubscribe()
    })
    ws.on('error', () => ws.terminate())
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) return fail(null, { code: 'bad_request', message: 'binary messages are not accepted' })
      let message: unknown
      try {
        message = JSON.parse(rawText(data))
      } catch {
        return fail(null, { code: 'bad_request', message: 'malformed JSON' })
      }
      const parsed = WsRequestSchema.safeParse(message)
      if (!parsed.success) {
        const id = (message as { id?: unknown } | null)?.id
        return fail(typeof id === 'number' || typeof id === 'string' ? id : null, {
          code: 'bad_request',
          message: 'not a request: expected { id, method, params }',
          issues: parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }))
        })
      }
      const { id, method, params } = parsed.data
      if (pending >= maxPending) return fail(id, { code: 'bad_request', message: `too many calls in flight (${maxPending})` })
      pending++
      services.api
        .call(method, params)
        .then(
          (result) => reply({ id, result }),
          (error: unknown) =>
            fail(id, error instanceof ApiError ? error.toData() : { code: 'internal', message: (error as Error)?.message ?? String(error) })
        )
        .finally(() => pending--)
    })
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen({ host: '127.0.0.1', port: options.port ?? 0 }, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  auth = new WebHostAuth(token, port)

  let closing: Promise<void> | undefined
  return {
    port,
    token,
    origin: auth.origin,
    url: `${auth.origin}/?token=${token}`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const client of wss.clients) client.close(1001, 'server closing')
        wss.close()
        server.close(() => resolve())
        server.closeAllConnections()
        setTimeout(() => {
          for (const client of wss.clients) client.terminate()
        }, 1000).unref()
      })
      return closing
    }
  }
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8')
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8')
  return Buffer.from(data).toString('utf8')
}
