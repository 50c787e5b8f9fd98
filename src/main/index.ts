import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pathToFileURL } from 'node:url'
import { app, BrowserWindow, dialog, ipcMain, protocol, session, shell, type IpcMainInvokeEvent } from 'electron'
import { API_METHODS } from '../shared/api/contract'
import { ApiError } from '../shared/api/errors'
import type { FolderPurpose } from '../shared/api/hostMethods'
import { IPC_EVENT_CHANNEL, ipcMethodChannel, MEDIA_SCHEME, type IpcReply } from '../shared/api/transport'
import { CONTENT_SECURITY_POLICY_HEADER } from '../shared/csp'
import { createAppServices, type AppServices } from './app/createAppServices'
import { findMedia, parseMediaRequest } from './media/mediaFiles'

/**
 * The Electron shell: one window, the preload bridge, and the same services the web host runs
 * (createAppServices). Everything else in src/main is Electron-free.
 */

const devServerUrl = process.env['ELECTRON_RENDERER_URL']
const rendererIndexHtml = join(import.meta.dirname, '../renderer/index.html')

// Images reach the page by id through koalarize-media://<kind>/<id> (see media/mediaFiles.ts).
// Must be registered before the app is ready.
protocol.registerSchemesAsPrivileged([{ scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true } }])

let services: AppServices | undefined
let mainWindow: BrowserWindow | undefined

/** True when `url` belongs to the app itself (dev server origin or the built renderer file). */
function isAppUrl(url: string): boolean {
  try {
    const target = new URL(url)
    if (devServerUrl) return target.origin === new URL(devServerUrl).origin
    return target.protocol === 'file:' && target.pathname === pathToFileURL(rendererIndexHtml).pathname
  } catch {
    return false
  }
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    show: false,
    title: 'Koalarize',
    autoHideMenuBar: true,
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true
    }
  })

  win.once('ready-to-show', () => win.show())

  // Block navigation away from the app and all new windows.
  win.webContents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault()
  })
  win.webContents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault()
  })
  win.webContents.setWindowOpenHandler(({ url }) => {
    // Open http(s) links in the system browser; never create an in-app window.
    if (/^https?:\/\//.test(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = undefined
  })

  if (devServerUrl) {
    void win.loadURL(devServerUrl)
  } else {
    void win.loadFile(rendererIndexHtml)
  }
  mainWindow = win
  return win
}

/** The native folder dialog, attached to the window (the ApiService's `pickFolder`). */
async function pickFolder(purpose: FolderPurpose): Promise<string | null> {
  const titles = { archive: 'Open archive folder', export: 'Choose export folder', cache: 'Choose cache folder' } as const
  const options: Electron.OpenDialogOptions = {
    title: titles[purpose],
    buttonLabel: purpose === 'archive' ? 'Open' : 'Choose',
    properties: purpose === 'archive' ? ['openDirectory'] : ['openDirectory', 'createDirectory']
  }
  const chosen = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options)
  return chosen.canceled ? null : (chosen.filePaths[0] ?? null)
}

/** Only the app's own page (main frame) may call the API. */
function fromAppPage(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame
  return !!frame && frame.parent === null && isAppUrl(frame.url)
}

/** One ipcMain.handle per contract method, each delegating to ApiService.call (which validates). */
function registerApi(api: AppServices['api']): void {
  for (const method of Object.keys(API_METHODS)) {
    ipcMain.handle(ipcMethodChannel(method), async (event, params: unknown): Promise<IpcReply> => {
      if (!fromAppPage(event)) return { ok: false, error: { code: 'bad_request', message: 'not the app page' } }
      try {
        return { ok: true, result: await api.call(method, params) }
      } catch (error) {
        return { ok: false, error: error instanceof ApiError ? error.toData() : { code: 'internal', message: String(error) } }
      }
    })
  }
  api.on((event) => {
    for (const win of BrowserWindow.getAllWindows()) {
      if (!win.isDestroyed()) win.webContents.send(IPC_EVENT_CHANNEL, event)
    }
  })
}

/** koalarize-media://<kind>/<id>: the same images by id as the web host's /media routes. */
function registerMediaProtocol(current: AppServices): void {
  protocol.handle(MEDIA_SCHEME, async (request) => {
    const url = new URL(request.url)
    const parsed = parseMediaRequest(url.hostname, url.pathname.replace(/^\//, ''))
    const media = parsed && (await findMedia({ store: current.store, thumbnailsDir: current.thumbnails.dir, finetune: current.finetune }, parsed))
    if (!media) return new Response('not found', { status: 404, headers: { 'Content-Type': 'text/plain' } })
    const body = media.open()
    const stream = Buffer.isBuffer(body) ? new Uint8Array(body) : (Readable.toWeb(body) as ReadableStream<Uint8Array>)
    return new Response(stream, {
      headers: { 'Content-Type': media.contentType, 'Content-Length': String(media.size), 'X-Content-Type-Options': 'nosniff' }
    })
  })
}

/**
 * npm ci builds better-sqlite3 for Node (CLI, web host, tests); in development Electron loads the
 * build that scripts/electron-native puts beside it. Packaged apps get theirs from electron-builder.
 */
function developmentSqliteBinding(): string | undefined {
  if (app.isPackaged) return undefined
  const binding = join(app.getAppPath(), 'node_modules/.electron-native/better-sqlite3/build/Release/better_sqlite3.node')
  if (existsSync(binding)) return binding
  console.warn(`No Electron build of better-sqlite3 at ${binding}: run scripts/electron-native (needs internet).`)
  return undefined
}

/** The CSP as a header too (the dev server's responses; the built file carries it in its meta tag). */
function enforceCsp(): void {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY_HEADER] }
    })
  })
}

app.whenReady().then(() => {
  services = createAppServices({
    // KOALARIZE_HOME chooses another data folder (as for the CLI); the end-to-end specs use it.
    dataDir: process.env.KOALARIZE_HOME ?? app.getPath('userData'),
    // Bundled models: resources/models of the app (packaged: next to app.asar).
    bundledModelsDir: app.isPackaged ? join(process.resourcesPath, 'models') : join(app.getAppPath(), 'resources', 'models'),
    host: { transport: 'electron', pickFolder, onlyPickedFolders: true },
    sqliteBinding: developmentSqliteBinding()
  })
  registerApi(services.api)
  registerMediaProtocol(services)
  enforceCsp()
  // Permissions the app never needs (camera, notifications, …) are refused.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow()
  })
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})

// Let background work settle and close the catalog before quitting.
let quitting = false
app.on('before-quit', (event) => {
  if (quitting || !services) return
  event.preventDefault()
  quitting = true
  void services.close().finally(() => app.quit())
})

// Defence in depth: no webview attachment anywhere.
app.on('web-contents-created', (_event, contents) => {
  contents.on('will-attach-webview', (event) => event.preventDefault())
})
