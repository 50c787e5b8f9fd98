import { join } from 'node:path'
import { ApiService, type ApiServiceOptions } from '../api/apiService'
import type { HostIntegration } from '../api/hostIntegration'
import { CatalogStore } from '../catalog/catalogStore'
import { ThumbnailCache } from '../library/thumbnailCache'
import { ModelRegistry } from '../models/modelRegistry'
import { BUNDLED_MODELS_DIR, userDataDir } from '../models/paths'
import { SettingsStore } from '../settings/settingsStore'
import { FinetuneService } from '../training/finetuneService'

export interface AppServicesOptions {
  /** The per-user data folder (catalog, user models, caches); default userDataDir(). Electron passes app.getPath('userData'). */
  dataDir?: string
  /** Bundled models (default resources/models, or KOALARIZE_BUNDLED_MODELS). */
  bundledModelsDir?: string
  /** Electron or the web host (default: web, no native folder picker). */
  host?: HostIntegration
  /** Tuning passed on to the ApiService (concurrency, progress interval). */
  tuning?: Pick<ApiServiceOptions, 'scanConcurrency' | 'thumbnailConcurrency' | 'progressIntervalMs'>
  /** SQLite's native module for this runtime, where it is not npm's build (Electron in development). */
  sqliteBinding?: string
  /** Python for fine-tuning (else KOALARIZE_PYTHON, else auto-detection). */
  python?: string
}

/** Where things live inside the data folder (the cache folder may be moved in the settings). */
export const dataPaths = (dataDir: string, cacheDir: string | null = null) => {
  const cache = cacheDir ?? join(dataDir, 'cache')
  return {
    catalog: join(dataDir, 'catalog.sqlite'),
    settings: join(dataDir, 'settings.json'),
    userModels: join(dataDir, 'models'),
    /** Fine-tuning jobs: `<dataDir>/finetune/<job id>/` (their models are installed in userModels). */
    finetune: join(dataDir, 'finetune'),
    cache,
    thumbnails: join(cache, 'thumbnails'),
    versions: join(cache, 'versions')
  }
}

/** The app's services, built once per process by whichever host runs them (Electron main, `koalarize serve`, tests). */
export interface AppServices {
  readonly dataDir: string
  readonly store: CatalogStore
  readonly thumbnails: ThumbnailCache
  readonly models: ModelRegistry
  readonly settings: SettingsStore
  readonly api: ApiService
  /** Fine-tuning jobs (in `<dataDir>/finetune`; finished models go to `<dataDir>/models`). Paused jobs resume only on request. */
  readonly finetune: FinetuneService
  /**
   * Pauses a running fine-tune (with a checkpoint), stops the colorize queue (its running job is
   * paused, to resume at the next start), waits up to
   * `graceMs` (default 2 s) for scans and thumbnails, then closes the catalog. Idempotent.
   */
  close(graceMs?: number): Promise<void>
}

/**
 * The composition root: opens the settings (`<dataDir>/settings.json`), the catalog
 * (`<dataDir>/catalog.sqlite`, migrated on open), the thumbnail cache (in the cache folder: the
 * settings' cacheDir or `<dataDir>/cache`) and the model registry (bundled + the user's models), and
 * builds the ApiService on them. Electron-free: the Electron shell and the web host both start here.
 */
export function createAppServices(options: AppServicesOptions = {}): AppServices {
  const dataDir = options.dataDir ?? userDataDir()
  const settings = SettingsStore.open(dataPaths(dataDir).settings)
  const paths = dataPaths(dataDir, settings.get().cacheDir)
  const store = CatalogStore.open(paths.catalog, { nativeBinding: options.sqliteBinding })
  const thumbnails = new ThumbnailCache(paths.thumbnails)
  const models = new ModelRegistry([
    { dir: options.bundledModelsDir ?? BUNDLED_MODELS_DIR, origin: 'bundled' },
    { dir: paths.userModels, origin: 'user' }
  ])
  const finetune = new FinetuneService({ home: dataDir, modelsDir: paths.userModels, registry: models, python: options.python })
  const api = new ApiService({
    store, thumbnails, models, settings, versionsDir: paths.versions, host: options.host, finetune: { service: finetune, python: options.python }, ...options.tuning
  })
  let closing: Promise<void> | undefined
  return {
    dataDir,
    store,
    thumbnails,
    models,
    settings,
    api,
    finetune,
    close(graceMs = 2000) {
      closing ??= (async () => {
        // A running fine-tune is paused with a checkpoint (resumed only when the user asks).
        await finetune.close().catch(() => undefined)
        await api.close()
        let timer: NodeJS.Timeout | undefined
        const grace = new Promise<void>((done) => (timer = setTimeout(done, graceMs)))
        await Promise.race([api.idle(), grace])
        clearTimeout(timer)
        // Work still running after the grace period fails on the closed database and is reported as a
        // backgroundError; the catalog itself stays consistent (every write is a transaction, WAL).
        store.close()
      })()
      return closing
    }
  }
}
