import sharp from 'sharp'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeGrey16Tiff, writeGreyPng } from '../../../tests/fixtures/photos'
import type { ApiEvent } from '../../shared/api/contract'
import { ApiService } from '../api/apiService'
import { CatalogStore } from '../catalog/catalogStore'
import { ThumbnailCache } from '../library/thumbnailCache'
import { ModelRegistry } from '../models/modelRegistry'
import { BUNDLED_MODELS_DIR } from '../models/paths'
import { SettingsStore } from '../settings/settingsStore'

// The studio path end to end: scan, colorize in the queue's worker process, export. A 16-bit scan's
// version keeps 16 bits, so that its 16-bit TIFF export carries 16-bit values, not 8-bit ones widened.

let dir: string
let store: CatalogStore
let api: ApiService
const events: ApiEvent[] = []

async function finished(jobId: number): Promise<void> {
  for (let waited = 0; !events.some((e) => e.name === 'jobFinished' && (e.payload as { id: number }).id === jobId); waited += 20) {
    if (waited > 120_000) throw new Error('the job did not finish')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** The 16-bit samples of a file as libvips reads them in RGB16. */
async function samples16(file: string): Promise<Uint16Array> {
  const data = await sharp(file, { ignoreIcc: true }).toColourspace('rgb16').raw({ depth: 'ushort' }).toBuffer()
  return new Uint16Array(data.buffer, data.byteOffset, data.length / 2)
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'koalarize-depth-'))
  const root = join(dir, 'archive')
  await mkdir(root, { recursive: true })
  await writeGrey16Tiff(join(root, 'scan16.tif'), 60, 40)
  await writeGreyPng(join(root, 'print8.png'), 60, 40)
  store = CatalogStore.open(join(dir, 'catalog.sqlite'))
  const settings = SettingsStore.open(null)
  settings.update({ threads: 1, executionProvider: 'cpu' })
  api = new ApiService({
    store,
    thumbnails: new ThumbnailCache(join(dir, 'cache', 'thumbnails')),
    models: new ModelRegistry([{ dir: BUNDLED_MODELS_DIR, origin: 'bundled' }]),
    progressIntervalMs: 0,
    settings,
    colorizeWorker: { tickMs: 0 }
  })
  api.on((event) => events.push(event))
})

afterAll(async () => {
  await api.close()
  await api.idle()
  store.close()
  await rm(dir, { recursive: true, force: true })
})

describe('version bit depth', () => {
  it('a 16-bit scan gets a 16-bit version and a 16-bit TIFF export with 16-bit values; an 8-bit one stays 8-bit', async () => {
    const project = await api.invoke('openProject', { folder: join(dir, 'archive') })
    await api.idle()
    const photos = (await api.invoke('listPhotos', { projectId: project.id })).items
    const id = (name: string): number => photos.find((p) => p.relativePath === name)!.id
    const job = await api.invoke('createColorizeJob', { projectId: project.id, photoIds: [id('scan16.tif'), id('print8.png')], workingSize: 64 })
    await finished(job.id)

    const versionFile = (name: string): string => store.resultsOfPhoto(id(name))[0]!.outputPath!
    expect((await sharp(versionFile('scan16.tif')).metadata()).depth).toBe('ushort')
    expect((await sharp(versionFile('print8.png')).metadata()).depth).toBe('uchar')

    const folder = join(dir, 'export')
    const result = await api.invoke('exportPhotos', { photoIds: [id('scan16.tif')], folder, format: 'tiff', quality: 92, tiffBitDepth: 16, naming: '{name}' })
    expect(result.written).toHaveLength(1)
    const exported = join(folder, 'scan16.tif')
    expect((await sharp(exported).metadata()).depth).toBe('ushort')
    // 8-bit values widened to 16 bits are multiples of 256 (libvips) or 257: real 16-bit values are not.
    const values = await samples16(exported)
    const widened = values.filter((v) => v % 256 === 0 || v % 257 === 0).length
    expect(widened).toBeLessThan(values.length / 10)
    expect(new Set(values).size).toBeGreaterThan(256)
  })
})
