import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { migrate, schemaVersion } from './migrations'
import { JobQueueStore } from './jobQueueStore'
import { ModelStore } from './modelStore'
import { PhotoStore } from './photoStore'
import { ProjectStore } from './projectStore'
import { ResultStore } from './resultStore'

/** The catalog's stores, one per concern; each owns its tables' rows and how they map to records. */
interface Stores {
  projects: ProjectStore
  photos: PhotoStore
  results: ResultStore
  models: ModelStore
  jobs: JobQueueStore
}

/** The methods each store lends the catalog's flat API (`catalog.getPhoto(…)` is `catalog.photos.getPhoto(…)`). */
const FLAT_API = {
  projects: ['createProject', 'getProject', 'findProjectByRoot', 'listProjects', 'deleteProject', 'markProjectScanned'],
  photos: [
    'insertPhoto', 'updatePhoto', 'setPhotoStatus', 'setThumbnail', 'clearThumbnails', 'getPhoto', 'photosOfProject',
    'photosNeedingThumbnails', 'readablePhotoIds', 'queryPhotos', 'photoWork'
  ],
  results: [
    'addResult', 'getResult', 'resultsOfPhoto', 'setPreferredResult', 'clearPreferredResult', 'updateResult', 'setResultOutput',
    'deleteResult'
  ],
  models: ['upsertModels', 'listModels'],
  jobs: [
    'createJob', 'getJob', 'listJobs', 'nextQueuedJob', 'setJobStatus', 'jobItems', 'getJobItem', 'nextQueuedItem', 'jobCounts',
    'setJobItemStatus', 'updateJobItem', 'cancelQueuedItems', 'recoverInterruptedJobs'
  ]
} as const satisfies { [S in keyof Stores]: readonly (keyof Stores[S])[] }

type Lent<S extends keyof Stores> = Pick<Stores[S], Extract<(typeof FLAT_API)[S][number], keyof Stores[S]>>

/** The flat API: every method of the stores above, as the catalog's own (the class below lends them). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface CatalogStore extends Lent<'projects'>, Lent<'photos'>, Lent<'results'>, Lent<'models'>, Lent<'jobs'> {}

/**
 * The library catalog: one SQLite file (WAL, foreign keys on, schema migrated on open; migrations.ts),
 * and its stores: projects, photos, results (versions), models and the job queue. Synchronous, like
 * better-sqlite3 itself; every method returns typed records. Callers may use a store
 * (`catalog.photos`) or the flat API that lends the stores' methods (`catalog.getPhoto`).
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class CatalogStore implements Stores {
  /** The open database: for tests, maintenance and migrations only; the app goes through the methods. */
  readonly db: Database.Database
  readonly projects: ProjectStore
  readonly photos: PhotoStore
  readonly results: ResultStore
  readonly models: ModelStore
  readonly jobs: JobQueueStore

  private constructor(db: Database.Database) {
    this.db = db
    this.projects = new ProjectStore(db)
    this.photos = new PhotoStore(db)
    this.results = new ResultStore(db)
    this.models = new ModelStore(db)
    this.jobs = new JobQueueStore(db, this.results)
    const flat = this as unknown as Record<string, unknown>
    for (const [name, methods] of Object.entries(FLAT_API) as [keyof Stores, readonly string[]][]) {
      const store = this[name] as unknown as Record<string, (...args: unknown[]) => unknown>
      for (const method of methods) flat[method] = store[method]!.bind(store)
    }
  }

  /**
   * Opens (creating if needed) the catalog at `file` and brings its schema up to date.
   * `nativeBinding`: a better_sqlite3.node built for another runtime than the one npm built for
   * (Electron's ABI differs from Node's; see scripts/electron-native).
   */
  static open(file: string, options: { nativeBinding?: string } = {}): CatalogStore {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
    const db = new Database(file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {})
    try {
      db.pragma('journal_mode = WAL')
      db.pragma('synchronous = NORMAL')
      db.pragma('foreign_keys = ON')
      db.pragma('busy_timeout = 5000')
      migrate(db)
    } catch (error) {
      db.close()
      throw error
    }
    return new CatalogStore(db)
  }

  get schemaVersion(): number {
    return schemaVersion(this.db)
  }

  close(): void {
    if (this.db.open) this.db.close()
  }

  /** Runs `work` in one transaction (nested calls become savepoints). */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work)()
  }
}
