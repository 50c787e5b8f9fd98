import type { ColourClass } from '../color/colourClass'
import type { z } from 'zod'
import type { ModelCard } from '../../shared/modelCard'
import type { JobItemStatusSchema, JobStatusSchema, PhotoFilterSchema, PhotoSortSchema } from '../../shared/api/schemas'

/** Catalog records as the rest of the app sees them (camelCase, parsed JSON, booleans); never raw rows. */

export interface Project {
  id: number
  name: string
  /** Absolute path of the archive folder the user opened. */
  root: string
  createdAt: string
  scannedAt: string | null
}

export type PhotoStatus = 'present' | 'missing'

/** What a scan learns about one file. Everything but size and mtime is null when the file could not be read. */
export interface PhotoFacts {
  size: number
  mtimeMs: number
  contentHash: string | null
  width: number | null
  height: number | null
  format: string | null
  depth: string | null
  capturedAt: string | null
  colourClass: ColourClass | null
  /** B&W or toned, but it may be colour (faint colours): the studio asks before colorizing it. Null or absent: not measured. */
  colourDoubtful?: boolean | null
  meanChroma: number | null
  scanError: string | null
}

export interface Photo extends PhotoFacts {
  id: number
  projectId: number
  /** Path inside the project folder, with the platform's separators. */
  relativePath: string
  thumbnailPath: string | null
  status: PhotoStatus
  addedAt: string
  updatedAt: string
}

export type ResultStatus = 'pending' | 'done' | 'failed'

/** One colorized version of a photo. */
export interface Result {
  id: number
  photoId: number
  modelId: string
  options: Record<string, unknown>
  outputPath: string | null
  createdAt: string
  preferred: boolean
  status: ResultStatus
  error: string | null
}

export interface CatalogModel {
  id: string
  name: string
  dir: string
  origin: 'bundled' | 'user'
  card: ModelCard
  updatedAt: string
}

/** The states of jobs and their items: the contract's (one list, shown as they are stored). */
export type JobStatus = z.infer<typeof JobStatusSchema>
export type JobItemStatus = z.infer<typeof JobItemStatusSchema>

export interface Job {
  id: number
  kind: string
  /** The project whose photos the job works on (null for jobs not tied to one). */
  projectId: number | null
  status: JobStatus
  /** Why the whole job stopped, if it failed. */
  error: string | null
  options: Record<string, unknown>
  createdAt: string
  updatedAt: string
}

export interface JobItem {
  jobId: number
  photoId: number
  status: JobItemStatus
  error: string | null
  /** The result (version) this item made or is making. */
  resultId: number | null
  millis: number | null
}

export type JobCounts = Record<JobItemStatus | 'total', number>

/** Library filters: by colour class, or by what colorizing did ('done': has a finished version; 'failed': unreadable or last version failed). */
export type PhotoFilter = z.infer<typeof PhotoFilterSchema>
export type PhotoSort = z.infer<typeof PhotoSortSchema>

export interface PhotoQuery {
  projectId: number
  filter?: PhotoFilter
  sort?: PhotoSort
  offset?: number
  limit?: number
  /** Include photos whose file has gone missing (default false). */
  includeMissing?: boolean
}

export interface PhotoPage {
  items: Photo[]
  total: number
  offset: number
  limit: number
}
