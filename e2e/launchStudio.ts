import { createRequire } from 'node:module'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { _electron, type Browser, type ElectronApplication, type Page } from 'playwright-core'
import { createAppServices, type AppServices } from '../src/main/app/createAppServices'
import { startWebHost, type WebHost } from '../src/main/webhost/webHost'
import { launchChromium } from './browser'

/**
 * The studio under test, in either shell: `web` (default) = the local web host in Debian's Chromium;
 * `electron` (KOALARIZE_E2E_TARGET=electron) = the built Electron app, where its binary is installed.
 * The same specs drive both through the same page.
 */
export type StudioTarget = 'web' | 'electron'

export const STUDIO_TARGET: StudioTarget = process.env.KOALARIZE_E2E_TARGET === 'electron' ? 'electron' : 'web'
const REPO = resolve(import.meta.dirname, '..')
export const RENDERER_DIR = resolve(REPO, 'out/renderer')

export interface Studio {
  page: Page
  close(): Promise<void>
}

/** The Electron binary's path, or null where it is not installed (offline installs skip it). */
export function electronBinary(): string | null {
  try {
    const path = createRequire(import.meta.url)('electron') as unknown
    return typeof path === 'string' && existsSync(path) ? path : null
  } catch {
    return null
  }
}

export async function launchStudio(dataDir: string): Promise<Studio> {
  if (!existsSync(resolve(RENDERER_DIR, 'index.html'))) throw new Error('out/renderer is missing: run `npm run build` first')
  return STUDIO_TARGET === 'electron' ? launchElectron(dataDir) : launchWeb(dataDir)
}

async function launchWeb(dataDir: string): Promise<Studio> {
  const services: AppServices = createAppServices({ dataDir })
  const host: WebHost = await startWebHost({ services, rendererDir: RENDERER_DIR })
  const browser: Browser = await launchChromium()
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage()
  await page.goto(host.url)
  return {
    page,
    async close() {
      await browser.close()
      await host.close()
      await services.close()
    }
  }
}

async function launchElectron(dataDir: string): Promise<Studio> {
  const executablePath = electronBinary()
  if (!executablePath) throw new Error('the Electron binary is not installed (npm ci without ELECTRON_SKIP_BINARY_DOWNLOAD)')
  const app: ElectronApplication = await _electron.launch({
    executablePath,
    args: [resolve(REPO, 'out/main/index.js')],
    env: { ...process.env, KOALARIZE_HOME: dataDir } as Record<string, string>
  })
  const page = await app.firstWindow()
  await page.setViewportSize({ width: 1280, height: 800 })
  return { page, close: () => app.close() }
}
