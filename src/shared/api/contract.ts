import { z } from 'zod'
import {
  BackgroundErrorSchema,
  IdSchema,
  ModelSchema,
  PhotoDetailSchema,
  PhotoFilterSchema,
  PhotoPageSchema,
  PhotoSortSchema,
  ProjectSchema,
  ScanProgressSchema,
  ScanSummarySchema,
  ThumbnailProgressSchema,
  ThumbnailReadySchema
} from './schemas'
import { HOST_METHODS } from './hostMethods'
import { STUDIO_EVENTS, STUDIO_METHODS } from './studioMethods'
import { FINETUNE_EVENTS, FINETUNE_METHODS } from './finetuneMethods'
import { UserFolderSchema } from './userFolder'

/**
 * The one API contract between the renderer and the app, whatever carries it (Electron IPC through
 * the preload, or the local web host's HTTP + WebSocket). Every method: name → params and result
 * schemas; every event stream: name → payload schema. Payloads are validated at the boundary with
 * these schemas. Adding a method is adding one entry to API_METHODS (and its handler).
 */

interface MethodSpec<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  params: P
  result: R
}

const method = <P extends z.ZodType, R extends z.ZodType>(params: P, result: R): MethodSpec<P, R> => ({ params, result })

const NoParams = z.strictObject({})

export const PAGE_LIMIT_MAX = 1000

export const API_METHODS = {
  /** Every project (archive folder) in the library. */
  listProjects: method(NoParams, z.array(ProjectSchema)),
  /** Opens an archive folder as a project (creating it the first time) and starts scanning it in the background. */
  openProject: method(z.strictObject({ folder: UserFolderSchema }), ProjectSchema),
  /**
   * Removes a project from the library (the catalog, and its versions in the cache); the files in its
   * folder are untouched. Refused while one of its colorize jobs is queued or running. Returns the projects left.
   */
  removeProject: method(z.strictObject({ projectId: IdSchema }), z.array(ProjectSchema)),
  /** Rescans a project's folder; resolves when the scan is done (thumbnails follow in the background). */
  rescanProject: method(z.strictObject({ projectId: IdSchema }), ScanSummarySchema),
  /** One page of a project's photos, filtered and sorted. */
  listPhotos: method(
    z.strictObject({
      projectId: IdSchema,
      filter: PhotoFilterSchema.default('all'),
      sort: PhotoSortSchema.default('name'),
      offset: z.number().int().nonnegative().default(0),
      limit: z.number().int().min(1).max(PAGE_LIMIT_MAX).default(200),
      includeMissing: z.boolean().default(false)
    }),
    PhotoPageSchema
  ),
  /** A photo with all its versions. */
  getPhoto: method(z.strictObject({ photoId: IdSchema }), PhotoDetailSchema),
  /** Installed colorization models. */
  listModels: method(NoParams, z.array(ModelSchema)),

  // ---- host: capabilities and the native folder picker (see hostMethods.ts) ----
  ...HOST_METHODS,

  // ---- studio: colorize queue, versions, export, settings (see studioMethods.ts) ----
  ...STUDIO_METHODS,

  // ---- fine-tuning on the user's colour photos (see finetuneMethods.ts) ----
  ...FINETUNE_METHODS
} as const satisfies Record<string, MethodSpec>

export const API_EVENTS = {
  scanProgress: ScanProgressSchema,
  scanFinished: ScanSummarySchema,
  thumbnailProgress: ThumbnailProgressSchema,
  thumbnailReady: ThumbnailReadySchema,
  backgroundError: BackgroundErrorSchema,
  // ---- studio: jobs, versions, export (see studioMethods.ts) ----
  ...STUDIO_EVENTS,
  // ---- fine-tuning (see finetuneMethods.ts) ----
  ...FINETUNE_EVENTS
} as const satisfies Record<string, z.ZodType>

export type ApiMethod = keyof typeof API_METHODS
/** What a caller sends (defaults may be left out). */
export type ApiParams<M extends ApiMethod> = z.input<(typeof API_METHODS)[M]['params']>
/** What a handler receives, after validation (defaults filled in). */
export type ApiParsedParams<M extends ApiMethod> = z.output<(typeof API_METHODS)[M]['params']>
export type ApiResult<M extends ApiMethod> = z.output<(typeof API_METHODS)[M]['result']>

/** The implementation side: one handler per method. */
export type ApiHandlers = { [M in ApiMethod]: (params: ApiParsedParams<M>) => Promise<ApiResult<M>> }
/** The calling side (renderer, tests): one function per method. */
export type ApiClient = { [M in ApiMethod]: (params: ApiParams<M>) => Promise<ApiResult<M>> }

export type ApiEventName = keyof typeof API_EVENTS
export type ApiEventPayload<E extends ApiEventName> = z.output<(typeof API_EVENTS)[E]>
/** Any event, tagged with its stream's name. */
export type ApiEvent = { [E in ApiEventName]: { name: E; payload: ApiEventPayload<E> } }[ApiEventName]

export const isApiMethod = (name: string): name is ApiMethod => Object.hasOwn(API_METHODS, name)
export const isApiEventName = (name: string): name is ApiEventName => Object.hasOwn(API_EVENTS, name)
