import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

/**
 * Who may talk to the web host. It listens on 127.0.0.1 only, but every local process and every page
 * open in a local browser can reach that address, so each request must prove it holds the token the
 * host printed (32 random bytes, base64url):
 *
 * - The user opens `http://127.0.0.1:<port>/?token=<token>`. That first load answers with a redirect to
 *   `/` (dropping the token from the address bar, history and any Referer) and sets the token as a
 *   cookie: HttpOnly (page scripts, hence injected ones, cannot read it), SameSite=Strict (other sites
 *   cannot make the browser send it), Path=/, named after the port (cookies do not separate ports, so
 *   two hosts must not overwrite each other's).
 * - From then on the browser sends the cookie with every request, and with the WebSocket handshake;
 *   the page's code never sees the token.
 * - Non-browser clients (tests, scripts) may instead send `Authorization: Bearer <token>` or `?token=`.
 *
 * Beyond the token:
 * - Host must be exactly `127.0.0.1:<port>`: a DNS-rebinding page (evil.example resolving to
 *   127.0.0.1) sends its own name as Host and is refused, before any token check.
 * - Another local page on another port is "same-site" with us (sites ignore ports), so SameSite alone
 *   does not stop it: the WebSocket handshake must carry our exact Origin (or none: not a browser), and
 *   cookie-authenticated requests whose Sec-Fetch-Site says same-site/cross-site are refused
 *   (responses also carry Cross-Origin-Resource-Policy: same-origin).
 */

export const TOKEN_BYTES = 32

export const newToken = (): string => randomBytes(TOKEN_BYTES).toString('base64url')

export const cookieName = (port: number): string => `koalarize-${port}`

export function tokensEqual(expected: string, given: string | undefined | null): boolean {
  if (typeof given !== 'string') return false
  const a = Buffer.from(expected)
  const b = Buffer.from(given)
  return a.length === b.length && timingSafeEqual(a, b)
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return undefined
}

export type Credential = 'query' | 'cookie' | 'header'

export interface AuthCheck {
  ok: boolean
  /** How the token came (when ok). */
  via?: Credential
  status?: 401 | 403
  reason?: string
}

export class WebHostAuth {
  readonly origin: string
  readonly host: string

  constructor(
    readonly token: string,
    readonly port: number
  ) {
    this.host = `127.0.0.1:${port}`
    this.origin = `http://${this.host}`
  }

  get cookie(): string {
    return cookieName(this.port)
  }

  /** The Set-Cookie header value for a browser that presented the token in the URL. */
  setCookieHeader(): string {
    return `${this.cookie}=${this.token}; HttpOnly; SameSite=Strict; Path=/`
  }

  hostAllowed(req: IncomingMessage): boolean {
    return req.headers.host === this.host
  }

  /** Checks Host and the token of an HTTP request or WebSocket handshake. */
  check(req: IncomingMessage, url: URL, { websocket = false } = {}): AuthCheck {
    if (!this.hostAllowed(req)) return { ok: false, status: 403, reason: 'host not allowed' }
    if (websocket && req.headers.origin !== undefined && req.headers.origin !== this.origin) {
      return { ok: false, status: 403, reason: 'origin not allowed' }
    }
    const via = this.credential(req, url)
    if (!via) return { ok: false, status: 401, reason: 'token required' }
    const site = req.headers['sec-fetch-site']
    if (via === 'cookie' && (site === 'same-site' || site === 'cross-site')) {
      return { ok: false, status: 403, reason: 'cross-site request' }
    }
    return { ok: true, via }
  }

  private credential(req: IncomingMessage, url: URL): Credential | undefined {
    if (tokensEqual(this.token, url.searchParams.get('token'))) return 'query'
    if (tokensEqual(this.token, readCookie(req.headers.cookie, this.cookie))) return 'cookie'
    const authorization = req.headers.authorization
    if (authorization?.startsWith('Bearer ') && tokensEqual(this.token, authorization.slice(7))) return 'header'
    return undefined
  }
}
