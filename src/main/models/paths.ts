import { fileURLToPath } from 'node:url'
import { homedir, platform } from 'node:os'
import { join, resolve } from 'node:path'

/** The repository / app root: three levels above this file in source, the app folder when packaged. */
export const APP_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..')

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
