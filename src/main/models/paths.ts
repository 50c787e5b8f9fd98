import { fileURLToPath } from 'node:url'
import { homedir, platform } from 'node:os'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'

const APP_NAME = 'koalarize'

function isAppRoot(dir: string): boolean {
  const manifest = join(dir, 'package.json')
  if (!existsSync(manifest)) return false
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === APP_NAME
  } catch {
    return false
  }
}

/**
 * The folder of the app's own package.json, found by walking up from `start`: the repository in
 * source and in tests, the app folder when packaged, wherever the bundler puts this code.
 */
export function findAppRoot(start: string): string {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (isAppRoot(dir)) return dir
    if (dirname(dir) === dir) throw new Error(`no ${APP_NAME} package.json in ${start} or any folder above it`)
  }
}

/** The repository / app root (see findAppRoot). */
export const APP_ROOT = findAppRoot(fileURLToPath(new URL('.', import.meta.url)))

/**
 * A main-process entry of the electron-vite build, `out/main/<name>.js` under the app root: the worker
 * processes and threads are entries of their own there (electron.vite.config.mts), wherever the bundler
 * puts the code that starts them.
 */
export const builtMainEntry = (name: string): string => join(APP_ROOT, 'out', 'main', `${name}.js`)

export const BUNDLED_MODELS_DIR = process.env.KOALARIZE_BUNDLED_MODELS ?? join(APP_ROOT, 'resources', 'models')

/** Per-user data (catalog, user models, caches): the same folder Electron's app.getPath('userData') uses. */
export function userDataDir(): string {
  if (process.env.KOALARIZE_HOME) return process.env.KOALARIZE_HOME
  const home = homedir()
  switch (platform()) {
    case 'win32':
      return join(process.env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'koalarize')
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'koalarize')
    default:
      return join(process.env.XDG_CONFIG_HOME ?? join(home, '.config'), 'koalarize')
  }
}

export const userModelsDir = (): string => join(userDataDir(), 'models')

/** onnxruntime's optimised copies of the models the CLI loads (inference/optimizedModels.ts): a cache, safe to delete. */
export const optimizedModelsDir = (): string => join(userDataDir(), 'cache', 'optimized-models')
