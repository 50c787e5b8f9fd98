import type { ApiErrorData } from './errors'

/** Electron IPC (preload ⇄ main): channel names and the reply envelope; no zod, so the preload stays small. */

/** The ipcMain.handle channel of a method: the one place channel names are made. */
export const ipcMethodChannel = (method: string): string => `api:${method}`
/** The one channel main sends every ApiEvent ({ name, payload }) on. */
export const IPC_EVENT_CHANNEL = 'api-event'

/** What an IPC method handler resolves with (Electron's invoke would flatten a thrown error to a string). */
export type IpcReply = { ok: true; result: unknown } | { ok: false; error: ApiErrorData }
