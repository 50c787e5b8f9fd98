import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ApiError } from '../../shared/api/errors'
import { createAppServices, dataPaths } from './createAppServices'

let dir: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'koalarize-services-'))
})

afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('createAppServices', () => {
  it('opens the catalog in the data folder and answers through the ApiService; close() is idempotent', async () => {
    const services = createAppServices({ dataDir: dir, bundledModelsDir: join(dir, 'none') })
    expect(existsSync(dataPaths(dir).catalog)).toBe(true)
    expect(services.thumbnails.dir).toBe(dataPaths(dir).thumbnails)
    expect(await services.api.invoke('listProjects', {})).toEqual([])
    expect(await services.api.invoke('listModels', {})).toEqual([])
    expect(await services.api.invoke('getCapabilities', {})).toEqual({ transport: 'web', folderPicker: false })
    await expect(services.api.invoke('pickFolder', { purpose: 'export' })).rejects.toBeInstanceOf(ApiError)
    await services.close()
    await services.close()
    expect(services.store.db.open).toBe(false)
  })

  it('puts thumbnails and versions in the cache folder the settings name', async () => {
    const cacheDir = join(dir, 'elsewhere')
    await writeFile(dataPaths(dir).settings, JSON.stringify({ cacheDir }))
    const services = createAppServices({ dataDir: dir, bundledModelsDir: join(dir, 'none') })
    try {
      expect(services.thumbnails.dir).toBe(join(cacheDir, 'thumbnails'))
      expect(dataPaths(dir, cacheDir).versions).toBe(join(cacheDir, 'versions'))
    } finally {
      await services.close()
    }
  })

  it('hands the host folder picker to the API', async () => {
    const asked: string[] = []
    const services = createAppServices({
      dataDir: dir,
      bundledModelsDir: join(dir, 'none'),
      host: {
        transport: 'electron',
        pickFolder: async (purpose) => {
          asked.push(purpose)
          return purpose === 'archive' ? '/photos' : null
        }
      }
    })
    try {
      expect(await services.api.invoke('getCapabilities', {})).toEqual({ transport: 'electron', folderPicker: true })
      expect(await services.api.invoke('pickFolder', { purpose: 'archive' })).toEqual({ folder: '/photos' })
      expect(await services.api.invoke('pickFolder', { purpose: 'export' })).toEqual({ folder: null })
      expect(asked).toEqual(['archive', 'export'])
    } finally {
      await services.close()
    }
  })
})
