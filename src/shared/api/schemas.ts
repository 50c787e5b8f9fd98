import { z } from 'zod'
import { UserFolderSchema } from './userFolder'
import { ModelCardSchema } from '../modelCard'
import { INTENSITY_MAX, INTENSITY_MIN, WORKING_SIZE_MAX, WORKING_SIZE_MIN } from './bounds'
import { ExecutionProviderSettingSchema, ExportFormatSchema, NamingPatternSchema, QUALITY_DEFAULT, QualitySchema, TiffBitDepthSchema } from '../settings'

/**
 * Payload schemas shared by every side of the API (main, preload, renderer, web host).
 * Records carry ids and paths relative to a project, not file-system paths the renderer could misuse;
 * images reach the renderer by id through the transport (thumbnail / version routes).
 */

export { WORKING_SIZE_MIN, WORKING_SIZE_MAX, WORKING_SIZE_DEFAULT, INTENSITY_MIN, INTENSITY_MAX, INTENSITY_DEFAULT, DEFAULT_MODEL_ID } from './bounds'

export const IdSchema = z.number().int().positive()

export const ColourClassSchema = z.enum(['bw', 'toned', 'colour'])
export const PhotoFilterSchema = z.enum(['all', 'bw', 'colour', 'toned', 'done', 'failed'])
export const PhotoSortSchema = z.enum(['name', 'date'])

export const ProjectSchema = z.object({
  id: IdSchema,
  name: z.string(),
  /** The archive folder the user opened (absolute). */
  root: z.string(),
  createdAt: z.string(),
  scannedAt: z.string().nullable()
})

/** What colorizing did (and is doing) to a photo: the library's thumbnail and badges. */
export const PhotoWorkSchema = z.object({
  /** Finished versions. */
  versions: z.number().int().nonnegative(),
  /** The version the library shows: the preferred one, else the latest finished one; null: the original. */
  shownVersionId: IdSchema.nullable(),
  preferredVersionId: IdSchema.nullable(),
  /** Why the latest colorize run of the photo failed (null when it did not). */
  failure: z.string().nullable(),
  /** A queued or running job still has this photo to do. */
  activity: z.enum(['queued', 'running']).nullable()
})

export const PhotoSchema = z.object({
  id: IdSchema,
  projectId: IdSchema,
  relativePath: z.string(),
  size: z.number().int().nonnegative(),
  mtimeMs: z.number().int(),
  contentHash: z.string().nullable(),
  /** As displayed, after EXIF orientation. */
  width: z.number().int().positive().nullable(),
  height: z.number().int().positive().nullable(),
  format: z.string().nullable(),
  depth: z.string().nullable(),
  /** EXIF DateTimeOriginal, `YYYY-MM-DDTHH:MM:SS` in the camera's local time. */
  capturedAt: z.string().nullable(),
  colourClass: ColourClassSchema.nullable(),
  /** B&W or toned, but it may be colour (a faint tone, a few coloured pixels): the studio asks before colorizing it. */
  colourDoubtful: z.boolean(),
  meanChroma: z.number().nullable(),
  status: z.enum(['present', 'missing']),
  scanError: z.string().nullable(),
  hasThumbnail: z.boolean(),
  work: PhotoWorkSchema
})

export const PhotoPageSchema = z.object({
  items: z.array(PhotoSchema),
  total: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  limit: z.number().int().nonnegative()
})

/**
 * The colorize options a version was made with (ColorizeJobOptionsSchema's fields): a record of the
 * past, so neither bounds nor presence are required (older catalog rows may lack a field).
 */
export const VersionOptionsSchema = z.object({
  modelId: z.string().optional(),
  workingSize: z.number().optional(),
  intensity: z.number().optional(),
  recolor: z.boolean().optional()
})

/** One colorized version of a photo. */
export const VersionSchema = z.object({
  id: IdSchema,
  photoId: IdSchema,
  modelId: z.string(),
  options: VersionOptionsSchema,
  createdAt: z.string(),
  preferred: z.boolean(),
  status: z.enum(['pending', 'done', 'failed']),
  error: z.string().nullable(),
  hasOutput: z.boolean()
})

export const PhotoDetailSchema = z.object({
  photo: PhotoSchema,
  versions: z.array(VersionSchema)
})

export const ModelSchema = z.object({
  id: z.string(),
  name: z.string(),
  origin: z.enum(['bundled', 'user']),
  card: ModelCardSchema
})

export const ScanSummarySchema = z.object({
  projectId: IdSchema,
  found: z.number().int().nonnegative(),
  added: z.number().int().nonnegative(),
  updated: z.number().int().nonnegative(),
  unchanged: z.number().int().nonnegative(),
  moved: z.number().int().nonnegative(),
  missing: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  /** Sub-folders that could not be read, skipped with the reason (their photos keep their state). */
  skippedFolders: z.array(z.object({ path: z.string(), reason: z.string() })).default([]),
  durationMs: z.number().nonnegative()
})

export const ScanProgressSchema = z.object({
  projectId: IdSchema,
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  current: z.string().optional()
})

export const ThumbnailProgressSchema = z.object({
  projectId: IdSchema,
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative()
})

export const ThumbnailReadySchema = z.object({
  projectId: IdSchema,
  photoId: IdSchema
})

export const BackgroundErrorSchema = z.object({
  projectId: IdSchema.nullable(),
  task: z.enum(['scan', 'thumbnails', 'jobs']),
  message: z.string()
})

// ---- colorize jobs ----

/** The working size (bounds and default in bounds.ts). */
export const WorkingSizeSchema = z.number().int().min(WORKING_SIZE_MIN).max(WORKING_SIZE_MAX)
export const ColorizeJobOptionsSchema = z.object({
  modelId: z.string().min(1).max(200),
  /** Working size: shorter side, in pixels, the network sees. */
  workingSize: WorkingSizeSchema,
  /** Colour intensity (1 = the model's own). */
  intensity: z.number().min(INTENSITY_MIN).max(INTENSITY_MAX),
  /** Colorize photos already in colour too (from their lightness). */
  recolor: z.boolean(),
  /** Photos whose colour was in doubt that the user chose to recolour anyway (colorized even if found in colour). */
  recolorPhotoIds: z.array(IdSchema).default([])
})

/**
 * What a colorize request does with photos whose colour is in doubt (PhotoSchema.colourDoubtful):
 * 'ask' refuses the request while there are any, so that the user is asked; 'recolor' colorizes them
 * anyway; 'skip' leaves them out.
 */
export const DoubtfulChoiceSchema = z.enum(['ask', 'recolor', 'skip'])

/** A photo of a colorize request whose colour is in doubt. */
export const DoubtfulPhotoSchema = z.object({
  id: IdSchema,
  relativePath: z.string(),
  colourClass: ColourClassSchema
})

export const JobStatusSchema = z.enum(['queued', 'running', 'paused', 'done', 'failed', 'cancelled'])
export const JobItemStatusSchema = z.enum(['queued', 'running', 'done', 'failed', 'skipped', 'cancelled'])

export const JobCountsSchema = z.object({
  total: z.number().int().nonnegative(),
  queued: z.number().int().nonnegative(),
  running: z.number().int().nonnegative(),
  done: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  skipped: z.number().int().nonnegative(),
  cancelled: z.number().int().nonnegative()
})

export const JobSchema = z.object({
  id: IdSchema,
  projectId: IdSchema.nullable(),
  kind: z.literal('colorize'),
  status: JobStatusSchema,
  options: ColorizeJobOptionsSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Why the whole job stopped (e.g. its model could not be loaded); per-photo reasons are on the items. */
  error: z.string().nullable(),
  counts: JobCountsSchema
})

export const JobItemSchema = z.object({
  jobId: IdSchema,
  photoId: IdSchema,
  /** The photo's path inside its project (null when it is no longer in the library). */
  photoName: z.string().nullable(),
  status: JobItemStatusSchema,
  /** Why the photo failed or was skipped. */
  error: z.string().nullable(),
  /** The version this item made (null until done, or after the version was deleted). */
  versionId: IdSchema.nullable(),
  millis: z.number().nonnegative().nullable()
})

export const JobDetailSchema = z.object({ job: JobSchema, items: z.array(JobItemSchema) })

export const JobProgressSchema = z.object({
  jobId: IdSchema,
  status: JobStatusSchema,
  /** Items finished in any way (done, failed, skipped, cancelled). */
  finished: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  /** Overall progress 0..1, counting the current photo's estimated share. */
  fraction: z.number().min(0).max(1),
  /** Seconds left, estimated from the photos done so far (by pixel count); null until one is done. */
  etaSeconds: z.number().nonnegative().nullable(),
  /** The photo being colorized and its estimated progress 0..1, or null between photos. */
  current: z.object({ photoId: IdSchema, fraction: z.number().min(0).max(1) }).nullable(),
  counts: JobCountsSchema
})

// ---- export ----

export const ExportRequestSchema = z.strictObject({
  photoIds: z.array(IdSchema).min(1).max(100_000),
  /** The folder the user chose (absolute). Created if it does not exist. */
  folder: UserFolderSchema,
  format: ExportFormatSchema,
  quality: QualitySchema.default(QUALITY_DEFAULT),
  /** TIFF only. */
  tiffBitDepth: TiffBitDepthSchema.default(8),
  /** File name without extension; tokens {name} {model} {date} {index}. */
  naming: NamingPatternSchema.default('{name}-{model}'),
  /** Also write `<file name>-before-after.<ext>`: the original left, the colorized version right, same height. */
  sideBySide: z.boolean().default(false),
  /** Replace files that exist (the same as onConflict 'replace'). */
  overwrite: z.boolean().default(false),
  /**
   * When a file of that name exists: 'ask' writes nothing and lists the conflicts; 'keep-both' names
   * the new file "name (2).ext"; 'replace' replaces earlier exports (never an original or a file in a
   * project's folder that Koalarize did not export); 'skip' leaves those photos out.
   */
  onConflict: z.enum(['ask', 'keep-both', 'replace', 'skip']).default('ask'),
  /** Allow the target folder to be (inside) a project's archive folder. */
  allowArchiveFolder: z.boolean().default(false)
})

export const ExportResultSchema = z.object({
  folder: z.string(),
  /** Files written, as names inside `folder`. */
  written: z.array(z.object({ photoId: IdSchema, versionId: IdSchema, files: z.array(z.string()) })),
  /** Files that exist already (nothing was written when this is not empty). */
  conflicts: z.array(z.object({ photoId: IdSchema, file: z.string() })),
  /** Photos not exported, with the reason (no version yet, file unreadable…). */
  skipped: z.array(z.object({ photoId: IdSchema, reason: z.string(), /** The photo's path inside its project. */ name: z.string().optional() }))
})

export const ExportProgressSchema = z.object({
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative()
})

// ---- settings and cache ----

export const ExecutionProviderInfoSchema = z.object({
  name: ExecutionProviderSettingSchema,
  /** Whether this build of onnxruntime offers it ('auto' and 'cpu' always). */
  available: z.boolean()
})

export const CacheInfoSchema = z.object({
  thumbnails: z.object({ files: z.number().int().nonnegative(), bytes: z.number().int().nonnegative() }),
  /** Colorized versions: user data, not removed by clearCache (delete versions one by one). */
  versions: z.object({ files: z.number().int().nonnegative(), bytes: z.number().int().nonnegative() })
})

export type ProjectDto = z.infer<typeof ProjectSchema>
export type PhotoDto = z.infer<typeof PhotoSchema>
export type PhotoWorkDto = z.infer<typeof PhotoWorkSchema>
export type PhotoPageDto = z.infer<typeof PhotoPageSchema>
export type VersionDto = z.infer<typeof VersionSchema>
export type PhotoDetailDto = z.infer<typeof PhotoDetailSchema>
export type ModelDto = z.infer<typeof ModelSchema>
export type ScanSummaryDto = z.infer<typeof ScanSummarySchema>
export type JobDto = z.infer<typeof JobSchema>
export type JobItemDto = z.infer<typeof JobItemSchema>
export type JobProgressDto = z.infer<typeof JobProgressSchema>
export type ColorizeJobOptions = z.infer<typeof ColorizeJobOptionsSchema>
export type DoubtfulChoice = z.infer<typeof DoubtfulChoiceSchema>
export type DoubtfulPhotoDto = z.infer<typeof DoubtfulPhotoSchema>
export type ExportRequest = z.output<typeof ExportRequestSchema>
export type ExportResultDto = z.infer<typeof ExportResultSchema>
export type CacheInfoDto = z.infer<typeof CacheInfoSchema>
