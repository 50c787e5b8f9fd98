import { contextBridge } from 'electron'
import type { KoalarizeApi } from './index.d'

const api: KoalarizeApi = {
  version: process.versions.electron ?? 'unknown'
}

contextBridge.exposeInMainWorld('koalarize', api)
