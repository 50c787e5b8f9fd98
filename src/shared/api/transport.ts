import { z } from 'zod'
import { ApiErrorSchema } from './errors'

/**
 * Wire formats of the two transports that carry the contract. Both carry any method / event of
 * API_METHODS / API_EVENTS by name, so adding a contract entry needs no change here.
 */

// ---- Electron IPC (preload ⇄ main): see ipc.ts ----
export { IPC_EVENT_CHANNEL, ipcMethodChannel, type IpcReply } from './ipc'

// ---- Web host (HTTP + WebSocket) ----

/** The WebSocket endpoint of the web host. */
export const WS_PATH = '/api'
/** Largest WebSocket message the web host accepts (bigger ones close the connection with 1009). */
export const WS_MAX_MESSAGE_BYTES = 1024 * 1024

export const WsRequestIdSchema = z.union([z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER), z.string().min(1).max(64)])
export type WsRequestId = z.infer<typeof WsRequestIdSchema>

/** Client → server: one call. `params` is validated by the ApiService against the method's schema. */
export const WsRequestSchema = z.strictObject({
  id: WsRequestIdSchema,
  method: z.string().min(1).max(128),
  params: z.unknown().optional()
})
export type WsRequest = z.infer<typeof WsRequestSchema>

/** Server → client: the answer to a call (id null when the request could not be read at all). */
export const WsResponseSchema = z.union([
  z.strictObject({ id: WsRequestIdSchema, result: z.unknown() }),
  z.strictObject({ id: WsRequestIdSchema.nullable(), error: ApiErrorSchema })
])
/** Server → client: an event of one of the contract's streams. */
export const WsEventMessageSchema = z.strictObject({ event: z.string(), payload: z.unknown() })
export const WsServerMessageSchema = z.union([WsEventMessageSchema, WsResponseSchema])
export type WsServerMessage = z.infer<typeof WsServerMessageSchema>

// ---- Media (images by id, both transports) ----

/**
 * 'preview': a fine-tuning job's preview image, addressed as `<kind>/<jobId>/<step>` (the others: `<kind>/<id>`).
 * 'version-thumbnail': a small rendition of a version (version id), for the library grid.
 */
export const MEDIA_KINDS = ['thumbnail', 'version', 'version-thumbnail', 'original', 'preview'] as const
export type MediaKind = (typeof MEDIA_KINDS)[number]
export const isMediaKind = (kind: string): kind is MediaKind => (MEDIA_KINDS as readonly string[]).includes(kind)

/** Electron's custom protocol for media: `koalarize-media://<kind>/<id>`. */
export const MEDIA_SCHEME = 'koalarize-media'
/** The web host's media routes: `/media/<kind>/<id>`. */
export const WEB_MEDIA_PREFIX = '/media/'
