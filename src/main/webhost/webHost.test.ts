import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { writeColourJpeg, writeGreyJpegWithCaptureDate } from '../../../tests/fixtures/photos'
import { WS_PATH } from '../../shared/api/transport'
import { CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_HEADER } from '../../shared/csp'
import { createAppServices, type AppServices } from '../app/createAppServices'
import { startWebHost, type WebHost } from './webHost'

let dir: string
let archive: string
let services: AppServices
let host: WebHost

interface Reply {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
}

/** A raw HTTP GET: the path is sent exactly as given (no client-side normalisation of `..`). */
function get(path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }))
    })
    req.on('error', reject)
    req.end()
  })
}

const bearer = () => ({ Authorization: `Bearer ${host.token}` })

/** A WebSocket client with a message queue; resolves once open, rejects with the refusal status. */
class Client {
  readonly messages: Record<string, unknown>[] = []
  private waiters: (() => void)[] = []
  private nextId = 1
  closeCode: number | undefined

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.messages.push(JSON.parse(String(data)) as Record<string, unknown>)
      for (const wake of this.waiters.splice(0)) wake()
    })
    ws.on('close', (code) => {
      this.closeCode = code
      for (const wake of this.waiters.splice(0)) wake()
    })
  }

  static open(query = `?token=${host.token}`, headers: Record<string, string> = {}): Promise<Client> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${host.port}${WS_PATH}${query}`, { headers })
      ws.once('open', () => resolve(new Client(ws)))
      ws.once('unexpected-response', (_req, res) => reject(new Error(`refused ${res.statusCode}`)))
      ws.once('error', reject)
    })
  }

  /** The first message (already received or coming) that matches. */
  async next(match: (message: Record<string, unknown>) => boolean, timeoutMs = 30_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const found = this.messages.find(match)
      if (found) return found
      if (this.closeCode !== undefined) throw new Error(`closed ${this.closeCode}`)
      if (Date.now() > deadline) throw new Error('timed out waiting for a message')
      await new Promise<void>((wake) => {
        this.waiters.push(wake)
        setTimeout(wake, 200)
      })
    }
  }

  async call(method: string, params?: unknown): Promise<Record<string, unknown>> {
    const id = this.nextId++
    this.ws.send(JSON.stringify({ id, method, params }))
    return this.next((m) => m.id === id)
  }

  sendRaw(text: string): void {
    this.ws.send(text)
  }

  close(): void {
    this.ws.close()
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'koalarize-webhost-'))
  // A stand-in for out/renderer (the real build is exercised by the e2e smoke test).
  const rendererDir = join(dir, 'renderer')
  await mkdir(join(rendererDir, 'assets'), { recursive: true })
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><div id="app"></div><script type="module" src="/assets/index.js"></script>')
  await writeFile(join(rendererDir, 'assets', 'index.js'), 'console.log("hi")')
  await writeFile(join(rendererDir, 'assets', 'index.css'), 'body{}')
  await writeFile(join(dir, 'secret.txt'), 'TOP SECRET')
  archive = join(dir, 'archive')
  await mkdir(archive, { recursive: true })
  await writeGreyJpegWithCaptureDate(join(archive, 'a-grandma.jpg'), '1931:07:04 14:05:09')
  await writeColourJpeg(join(archive, 'b-holiday.jpg'))
  services = createAppServices({ dataDir: join(dir, 'data'), bundledModelsDir: join(dir, 'no-models'), tuning: { progressIntervalMs: 0 } })
  host = await startWebHost({ services, rendererDir, maxMessageBytes: 64 * 1024 })
})

afterAll(async () => {
  await host?.close()
  await services?.close()
  await rm(dir, { recursive: true, force: true })
})

describe('web host: who may connect', () => {
  it('listens on 127.0.0.1 and prints a URL with a 32-byte token', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${host.token}`)
    expect(Buffer.from(host.token, 'base64url')).toHaveLength(32)
  })

  it('refuses HTTP, media and WebSocket requests without the token', async () => {
    expect((await get('/')).status).toBe(401)
    expect((await get('/assets/index.js')).status).toBe(401)
    expect((await get('/media/thumbnail/1')).status).toBe(401)
    expect((await get('/?token=wrong')).status).toBe(401)
    expect((await get('/', { Authorization: 'Bearer nope' })).status).toBe(401)
    expect((await get('/', { Cookie: `koalarize-${host.port}=nope` })).status).toBe(401)
    await expect(Client.open('')).rejects.toThrow('refused 401')
    await expect(Client.open('?token=wrong')).rejects.toThrow('refused 401')
  })

  it('refuses a foreign Host header (DNS rebinding), even with the token', async () => {
    for (const hostHeader of ['evil.example', `evil.example:${host.port}`, `localhost:${host.port}`, '127.0.0.1']) {
      expect((await get('/', { ...bearer(), Host: hostHeader })).status).toBe(403)
    }
    await expect(Client.open(`?token=${host.token}`, { Host: `evil.example:${host.port}` })).rejects.toThrow('refused 403')
  })

  it('trades the token in the first page load for an HttpOnly SameSite=Strict cookie that then authenticates', async () => {
    const first = await get(`/?token=${host.token}`)
    expect(first.status).toBe(303)
    expect(first.headers.location).toBe('/')
    const cookie = String(first.headers['set-cookie'])
    expect(cookie).toMatch(new RegExp(`^koalarize-${host.port}=${host.token};`))
    expect(cookie).toContain('HttpOnly')
    expect(cookie).toContain('SameSite=Strict')
    const pair = cookie.split(';')[0]!

    const page = await get('/', { Cookie: pair })
    expect(page.status).toBe(200)
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(page.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY_HEADER)
    expect(page.headers['x-content-type-options']).toBe('nosniff')
    expect(page.body.toString()).toContain('<div id="app">')

    const script = await get('/assets/index.js', { Cookie: pair })
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8')
    expect((await get('/assets/index.css', { Cookie: pair })).headers['content-type']).toBe('text/css; charset=utf-8')

    // Another page on localhost (another port is "same-site") must not ride on the cookie.
    expect((await get('/', { Cookie: pair, 'Sec-Fetch-Site': 'same-site' })).status).toBe(403)
    expect((await get('/media/thumbnail/1', { Cookie: pair, 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403)
    // The WebSocket handshake with the cookie: our own origin is fine, any other is refused.
    const ok = await Client.open('', { Cookie: pair, Origin: host.origin })
    ok.close()
    await expect(Client.open('', { Cookie: pair, Origin: 'http://127.0.0.1:1' })).rejects.toThrow('refused 403')
    await expect(Client.open('', { Cookie: pair, Origin: 'http://evil.example' })).rejects.toThrow('refused 403')
  })

  it('uses the same CSP as the renderer page', async () => {
    const html = await readFile(join(import.meta.dirname, '../../renderer/index.html'), 'utf8')
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1]
    expect(meta).toBe(CONTENT_SECURITY_POLICY)
    expect(CONTENT_SECURITY_POLICY_HEADER).toBe(`${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`)
  })
})

describe('web host: the API over WebSocket', () => {
  it('round-trips calls and pushes events: listProjects, openProject, scanFinished, listPhotos, thumbnails', async () => {
    const client = await Client.open()
    try {
      expect(await client.call('listProjects', {})).toEqual({ id: 1, result: [] })
      expect(await client.call('getCapabilities')).toEqual({ id: 2, result: { transport: 'web', folderPicker: false } })

      const opened = await client.call('openProject', { folder: archive })
      const project = opened.result as { id: number; root: string }
      expect(project.root).toBe(archive)
      const finished = await client.next((m) => m.event === 'scanFinished')
      expect(finished.payload).toMatchObject({ projectId: project.id, found: 2, added: 2 })

      const photos = await client.call('listPhotos', { projectId: project.id })
      const page = photos.result as { total: number; items: { id: number; relativePath: string }[] }
      expect(page.total).toBe(2)
      expect(page.items.map((p) => p.relativePath)).toEqual(['a-grandma.jpg', 'b-holiday.jpg'])

      // Thumbnails follow in the background; each one is announced, then served by photo id.
      const grandma = page.items[0]!.id
      await client.next((m) => m.event === 'thumbnailReady' && (m.payload as { photoId: number }).photoId === grandma)
      const thumbnail = await get(`/media/thumbnail/${grandma}`, bearer())
      expect(thumbnail.status).toBe(200)
      expect(thumbnail.headers['content-type']).toBe('image/jpeg')
      expect(thumbnail.body.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]))
      expect(Number(thumbnail.headers['content-length'])).toBe(thumbnail.body.length)

      const original = await get(`/media/original/${grandma}`, bearer())
      expect(original.status).toBe(200)
      expect(original.headers['content-type']).toBe('image/jpeg')
      expect(original.body).toEqual(await readFile(join(archive, 'a-grandma.jpg')))

      expect((await get('/media/thumbnail/9999', bearer())).status).toBe(404)
      expect((await get('/media/version/1', bearer())).status).toBe(404)
      expect((await get('/media/poster/1', bearer())).status).toBe(404)
      expect((await get('/media/thumbnail/abc', bearer())).status).toBe(404)
      await services.api.idle()
    } finally {
      client.close()
    }
  })

  it('answers malformed, invalid and unknown requests with errors and keeps the connection', async () => {
    const client = await Client.open()
    try {
      client.sendRaw('{not json')
      expect(await client.next((m) => m.id === null)).toEqual({ id: null, error: { code: 'bad_request', message: 'malformed JSON' } })
      client.sendRaw(JSON.stringify({ id: 7, params: {} }))
      expect(await client.next((m) => m.id === 7)).toMatchObject({ error: { code: 'bad_request' } })
      expect(await client.call('dropDatabase', {})).toMatchObject({ error: { code: 'unknown_method' } })
      expect(await client.call('__proto__', {})).toMatchObject({ error: { code: 'unknown_method' } })
      const invalid = await client.call('listPhotos', { projectId: -1 })
      expect(invalid).toMatchObject({ error: { code: 'invalid_params' } })
      expect((invalid.error as { issues: unknown[] }).issues.length).toBeGreaterThan(0)
      expect(await client.call('pickFolder', { purpose: 'archive' })).toMatchObject({ error: { code: 'bad_request' } })
      expect(await client.call('openProject', { folder: 'relative/path' })).toMatchObject({ error: { code: 'bad_request' } })
      // Still up.
      expect(await client.call('listProjects')).toMatchObject({ result: [expect.objectContaining({ name: 'archive' })] })
    } finally {
      client.close()
    }
  })

  it('refuses an oversized message by closing the connection (1009)', async () => {
    const client = await Client.open()
    client.sendRaw(JSON.stringify({ id: 1, method: 'listProjects', params: { pad: 'x'.repeat(100 * 1024) } }))
    await expect(client.next(() => false, 10_000)).rejects.toThrow('closed 1009')
  })
})

describe('web host: paths come from the catalog, never from the request', () => {
  it('refuses path traversal on static and media routes', async () => {
    const attempts = [
      '/../secret.txt',
      '/../../secret.txt',
      '/..%2fsecret.txt',
      '/%2e%2e/secret.txt',
      '/%2e%2e%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/..%5csecret.txt',
      '/assets%00/index.js',
      '/%E0%A4%A',
      `/${join(dir, 'secret.txt')}`,
      '/media/original/..%2f..%2fsecret.txt',
      '/media/original/1/../../../secret.txt',
      '/media/original/1%2f..%2f..%2fsecret.txt',
      '/media/thumbnail/..%2f..%2f..%2fsecret.txt',
      '/media/../../secret.txt'
    ]
    for (const path of attempts) {
      const reply = await get(path, bearer())
      expect([400, 403, 404], path).toContain(reply.status)
      expect(reply.body.toString(), path).not.toContain('TOP SECRET')
    }
  })

  it('only serves GET and HEAD', async () => {
    const reply = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: host.port, path: '/', method: 'POST', headers: bearer() }, (res) => {
        res.resume()
        resolve(res.statusCode!)
      })
      req.on('error', reject)
      req.end()
    })
    expect(reply).toBe(405)
  })
})
