import { ModelRegistry } from '../main/models/modelRegistry'
import { BUNDLED_MODELS_DIR, userModelsDir } from '../main/models/paths'

/** The services the CLI shares with the app, wired for a terminal session. */
export function modelRegistry(): ModelRegistry {
  return new ModelRegistry([
    { dir: BUNDLED_MODELS_DIR, origin: 'bundled' },
    { dir: userModelsDir(), origin: 'user' }
  ])
}

export { UsageError } from './usage'
