import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron'
import type { ApiEvent } from '../shared/api/contract'
import { IPC_EVENT_CHANNEL, ipcMethodChannel, type IpcReply } from '../shared/api/ipc'
import { API_EVENT_NAMES, API_METHOD_NAMES } from '../shared/api/names'
import type { KoalarizeBridge } from './index.d'

/**
 * The narrow bridge between the window and main. For each contract method, one function that sends
 * its params on that method's own channel (no generic invoke: the page can only reach the channels
 * made here); and `onEvent(name, handler)` for the contract's event streams. Params are validated in
 * main (ApiService.call); replies come back as IpcReply envelopes the renderer unwraps.
 * The method and event names come from the contract's name lists (names.ts: no zod, no schemas).
 */

const methods: Record<string, (params?: unknown) => Promise<IpcReply>> = {}
for (const method of API_METHOD_NAMES) {
  const channel = ipcMethodChannel(method)
  methods[method] = (params?: unknown) => ipcRenderer.invoke(channel, params ?? {}) as Promise<IpcReply>
}

const eventNames = new Set<string>(API_EVENT_NAMES)

const bridge: KoalarizeBridge = {
  version: process.versions.electron ?? 'unknown',
  api: methods as KoalarizeBridge['api'],
  pathForFile(file) {
    // Electron's own way to learn where a dropped file or folder is (File.path is gone since Electron 32).
    return webUtils.getPathForFile(file)
  },
  onEvent(name, handler) {
    if (!eventNames.has(name)) throw new Error(`unknown event stream ${String(name)}`)
    if (typeof handler !== 'function') throw new Error('handler must be a function')
    // The page never sees the IpcRendererEvent (it carries the sender).
    const listener = (_event: IpcRendererEvent, event: ApiEvent) => {
      if (event?.name === name) handler(event.payload)
    }
    ipcRenderer.on(IPC_EVENT_CHANNEL, listener)
    return () => void ipcRenderer.removeListener(IPC_EVENT_CHANNEL, listener)
  }
}

contextBridge.exposeInMainWorld('koalarize', bridge)
