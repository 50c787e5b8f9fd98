import { z } from 'zod'
import { SettingsPatchSchema, SettingsSchema } from '../settings'
import {
  CacheInfoSchema,
  DEFAULT_MODEL_ID,
  DoubtfulChoiceSchema,
  DoubtfulPhotoSchema,
  ExecutionProviderInfoSchema,
  ExportProgressSchema,
  ExportRequestSchema,
  ExportResultSchema,
  IdSchema,
  INTENSITY_DEFAULT,
  INTENSITY_MAX,
  INTENSITY_MIN,
  JobDetailSchema,
  JobItemSchema,
  JobProgressSchema,
  JobSchema,
  PhotoDetailSchema,
  VersionSchema,
  WORKING_SIZE_DEFAULT,
  WorkingSizeSchema
} from './schemas'

/**
 * Contract methods and events of the studio: the colorize queue, versions, export and settings.
 * Kept in their own block and spread into API_METHODS / API_EVENTS (contract.ts).
 */

const NoParams = z.strictObject({})
const JobRef = z.strictObject({ jobId: IdSchema })

export const STUDIO_METHODS = {
  // ---- colorize queue ----
  /**
   * Queues a colorize job for some photos of a project (`photoIds`), or for every present, readable
   * photo of it (`photoIds` left out). Jobs run one at a time, in the order they were queued.
   */
  createColorizeJob: {
    params: z.strictObject({
      projectId: IdSchema,
      photoIds: z.array(IdSchema).min(1).max(100_000).optional(),
      modelId: z.string().min(1).max(200).default(DEFAULT_MODEL_ID),
      /** Working size: shorter side, in pixels, that the network sees. */
      workingSize: WorkingSizeSchema.default(WORKING_SIZE_DEFAULT),
      intensity: z.number().min(INTENSITY_MIN).max(INTENSITY_MAX).default(INTENSITY_DEFAULT),
      recolor: z.boolean().default(false),
      /** Photos whose colour is in doubt: 'ask' (refused while there are any), 'recolor' or 'skip'. */
      doubtful: DoubtfulChoiceSchema.default('ask')
    }),
    result: JobSchema
  },
  /**
   * The photos of a colorize request (as createColorizeJob's projectId and photoIds) whose colour is in
   * doubt: called B&W or toned, but they may be faded or hand-coloured colour. The studio asks about them.
   */
  listDoubtfulPhotos: {
    params: z.strictObject({ projectId: IdSchema, photoIds: z.array(IdSchema).min(1).max(100_000).optional() }),
    result: z.array(DoubtfulPhotoSchema)
  },
  /** Colorize jobs, newest first (of one project, or all). */
  listJobs: { params: z.strictObject({ projectId: IdSchema.optional() }), result: z.array(JobSchema) },
  /** A job with every item's state. */
  getJob: { params: JobRef, result: JobDetailSchema },
  /** Pauses a job: the photo in progress is finished, then it stops. */
  pauseJob: { params: JobRef, result: JobSchema },
  /** Resumes a paused job (also one paused by a restart) or retries a failed one; items done stay done. */
  resumeJob: { params: JobRef, result: JobSchema },
  /** Cancels a job now: the photo in progress is abandoned, the rest are not started. */
  cancelJob: { params: JobRef, result: JobSchema },

  // ---- versions ----
  /** A photo's versions, oldest first (getPhoto returns them too). */
  listVersions: { params: z.strictObject({ photoId: IdSchema }), result: z.array(VersionSchema) },
  /** Marks a finished version as its photo's preferred one; `versionId: null` clears the choice. */
  setPreferredVersion: { params: z.strictObject({ photoId: IdSchema, versionId: IdSchema.nullable() }), result: PhotoDetailSchema },
  /** Deletes a version and its file in the cache (never the original photo). */
  deleteVersion: { params: z.strictObject({ versionId: IdSchema }), result: PhotoDetailSchema },

  // ---- export ----
  /**
   * Exports the preferred version (or else the latest finished one) of each photo into a folder the
   * user chose. When files exist and `onConflict` is 'ask' (the default), nothing is written and the
   * conflicts are returned so the UI can ask: keep both, replace or skip. Refuses an archive folder unless `allowArchiveFolder`.
   */
  exportPhotos: { params: ExportRequestSchema, result: ExportResultSchema },

  // ---- settings and cache ----
  getSettings: { params: NoParams, result: SettingsSchema },
  /** Changes some settings (validated); returns them all. */
  updateSettings: { params: SettingsPatchSchema, result: SettingsSchema },
  /** Execution providers, and whether this installation can use each. */
  listExecutionProviders: { params: NoParams, result: z.array(ExecutionProviderInfoSchema) },
  /** Sizes of the thumbnail cache and of the versions. */
  cacheInfo: { params: NoParams, result: CacheInfoSchema },
  /** Deletes the thumbnails (remade in the background). Versions are user data: they stay. */
  clearCache: { params: NoParams, result: CacheInfoSchema }
} as const

export const STUDIO_EVENTS = {
  /** A job was queued or changed state (running, paused, resumed…). */
  jobUpdated: JobSchema,
  /** Overall and current-photo progress of the running job, with ETA. */
  jobProgress: JobProgressSchema,
  /** One photo of a job finished: done, failed (with its reason), skipped or cancelled. */
  jobItemFinished: JobItemSchema,
  /** A job ended: done, cancelled or failed. */
  jobFinished: JobSchema,
  /** A colorize job made a new version of a photo. */
  versionCreated: VersionSchema,
  /** Photos exported so far by the running exportPhotos call. */
  exportProgress: ExportProgressSchema
} as const
