import { z } from 'zod'
import { ModelCardSchema } from '../modelCard'

/**
 * Payload schemas shared by every side of the API (main, preload, renderer, web host).
 * Records carry ids and paths relative to a project, not file-system paths the renderer could misuse;
 * images reach the renderer by id through the transport (thumbnail / version routes).
 */

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
  meanChroma: z.number().nullable(),
  status: z.enum(['present', 'missing']),
  scanError: z.string().nullable(),
  hasThumbnail: z.boolean()
})

export const PhotoPageSchema = z.object({
  items: z.array(PhotoSchema),
  total: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  limit: z.number().int().nonnegative()
})

/** One colorized version of a photo. */
export const VersionSchema = z.object({
  id: IdSchema,
  photoId: IdSchema,
  modelId: z.string(),
  options: z.record(z.string(), z.unknown()),
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
  task: z.enum(['scan', 'thumbnails']),
  message: z.string()
})

export type ProjectDto = z.infer<typeof ProjectSchema>
export type PhotoDto = z.infer<typeof PhotoSchema>
export type PhotoPageDto = z.infer<typeof PhotoPageSchema>
export type VersionDto = z.infer<typeof VersionSchema>
export type PhotoDetailDto = z.infer<typeof PhotoDetailSchema>
export type ModelDto = z.infer<typeof ModelSchema>
export type ScanSummaryDto = z.infer<typeof ScanSummarySchema>
