import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAppServices, type AppServices } from '../src/main/app/createAppServices'
import { startWebHost, type WebHost } from '../src/main/webhost/webHost'
import { writeColourJpeg, writeGreyJpegWithCaptureDate } from '../tests/fixtures/photos'
import { launchChromium } from './browser'
import { RENDERER_DIR } from './launchStudio'

/** The few browser globals the page scripts below use (this file is type-checked without the DOM lib). */
interface PageGlobals {
  document: { cookie: string; body: { append(node: unknown): void } }
  Image: new () => { src: string; naturalWidth: number; naturalHeight: number; decode(): Promise<void> }
}

const ARTIFACTS = resolve(import.meta.dirname, 'artifacts')

let dir: string
let services: AppServices
let host: WebHost
let browser: Browser
let photoId: number

beforeAll(async () => {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) throw new Error('out/renderer is missing: run `npm run build` first')
  await mkdir(ARTIFACTS, { recursive: true })
  dir = await mkdtemp(join(tmpdir(), 'koalarize-e2e-'))
  const archive = join(dir, 'archive')
  await mkdir(archive, { recursive: true })
  await writeGreyJpegWithCaptureDate(join(archive, 'grandma.jpg'), '1931:07:04 14:05:09', 160, 120)
  await writeColourJpeg(join(archive, 'holiday.jpg'), 160, 120)
  services = createAppServices({ dataDir: join(dir, 'data'), bundledModelsDir: join(dir, 'no-models') })
  const project = await services.api.invoke('openProject', { folder: archive })
  await services.api.idle()
  photoId = (await services.api.invoke('listPhotos', { projectId: project.id })).items[0]!.id
  host = await startWebHost({ services, rendererDir: RENDERER_DIR })
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await host?.close()
  await services?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('web host in Chromium', () => {
  it('mounts the app from the printed URL, which then talks to the API over the WebSocket', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    const problems: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text())
    })
    page.on('pageerror', (error) => problems.push(error.message))
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`)
    })
    const sent: string[] = []
    const received: string[] = []
    page.on('websocket', (ws) => {
      ws.on('framesent', (frame) => sent.push(String(frame.payload)))
      ws.on('framereceived', (frame) => received.push(String(frame.payload)))
    })

    await page.goto(host.url)
    // The token was traded for the HttpOnly cookie and left the address bar.
    expect(page.url()).toBe(`${host.origin}/`)
    const cookies = await context.cookies(host.origin)
    expect(cookies).toEqual([expect.objectContaining({ name: `koalarize-${host.port}`, httpOnly: true, sameSite: 'Strict' })])
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.cookie)).toBe('')

    const status = page.getByTestId('api-status')
    await expect.poll(() => status.textContent(), { timeout: 20_000 }).toContain('1 project(s) in the library')
    expect(await status.getAttribute('data-connection')).toBe('open')
    const call = sent.map((text) => JSON.parse(text) as { id: number; method: string }).find((m) => m.method === 'listProjects')
    expect(call).toBeDefined()
    expect(received.some((text) => (JSON.parse(text) as { id?: number }).id === call!.id)).toBe(true)

    // A thumbnail by id loads under the page's CSP, authenticated by the cookie.
    const size = await page.evaluate(async (id) => {
      const { Image, document } = globalThis as unknown as PageGlobals
      const img = new Image()
      img.src = `/media/thumbnail/${id}`
      await img.decode()
      document.body.append(img)
      return [img.naturalWidth, img.naturalHeight]
    }, photoId)
    expect(Math.max(...size)).toBeGreaterThan(0)

    await page.screenshot({ path: join(ARTIFACTS, 'webhost-smoke.png') })
    expect(problems).toEqual([])
    await context.close()
  })

  it('reconnects after the host restarts', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(host.url)
    const status = page.getByTestId('api-status')
    await expect.poll(() => status.getAttribute('data-connection'), { timeout: 20_000 }).toBe('open')

    const { port, token } = host
    await host.close()
    await expect.poll(() => status.getAttribute('data-connection'), { timeout: 20_000 }).toBe('reconnecting')
    host = await startWebHost({ services, rendererDir: RENDERER_DIR, port, token })
    await expect.poll(() => status.getAttribute('data-connection'), { timeout: 30_000 }).toBe('open')
    await expect.poll(() => status.textContent(), { timeout: 20_000 }).toContain('1 project(s) in the library')
    await page.screenshot({ path: join(ARTIFACTS, 'webhost-reconnected.png') })
    await context.close()
  })

  it('refuses a browser without the token', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    const response = await page.goto(`${host.origin}/`)
    expect(response?.status()).toBe(401)
    await context.close()
  })
})
