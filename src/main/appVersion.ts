import { readFileSync } from 'node:fs'
import { APP_ROOT } from './models/paths'

function readVersion(): string {
  try {
    return (JSON.parse(readFileSync(`${APP_ROOT}/package.json`, 'utf8')) as { version: string }).version
  } catch {
    return 'dev'
  }
}

export const APP_VERSION = readVersion()
