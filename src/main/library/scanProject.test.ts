import sharp from 'sharp'
import { mkdir, mkdtemp, readFile, rename, rm, stat, unlink, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  writeColourJpeg,
  writeGrey16Tiff,
  writeGreyJpegWithCaptureDate,
  writeGreyJpegWithMetadata,
  writeGreyPng,
  writeNotAnImage,
  writeSeededColourJpeg,
  writeSepiaWebp,
  writeTruncatedJpeg
} from '../../../tests/fixtures/photos'
import { findPhotos } from '../batch/photoFiles'
import { CatalogStore } from '../catalog/catalogStore'
import type { Photo } from '../catalog/types'
import { hashFile } from './photoFacts'
import { scanProject, type ScanProgress } from './scanProject'
import { THUMBNAIL_SIZE, ThumbnailCache, generateThumbnails, type ThumbnailReady } from './thumbnailCache'

let dir: string
let root: string
let store: CatalogStore

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'koalarize-scan-'))
  root = join(dir, 'archive')
  await mkdir(join(root, 'box 1', 'nested'), { recursive: true })
  await writeGreyJpegWithCaptureDate(join(root, 'box 1', 'grandma.jpg'), '1931:07:04 14:05:09')
  await writeGreyJpegWithMetadata(join(root, 'box 1', 'sideways.jpg'), 96, 64)
  await writeSepiaWebp(join(root, 'box 1', 'nested', 'sepia.webp'))
  await writeColourJpeg(join(root, 'holiday.jpg'))
  await writeGrey16Tiff(join(root, 'scan16.tif'), 60, 40, '1955:03:02 10:00:00')
  await writeGreyPng(join(root, 'alpha.png'), 80, 56, true)
  await writeTruncatedJpeg(join(root, 'broken.jpg'))
  await writeNotAnImage(join(root, 'notes.jpg'))
  store = CatalogStore.open(join(dir, 'catalog.sqlite'))
})

afterEach(async () => {
  store.close()
  await rm(dir, { recursive: true, force: true })
})

const byPath = (projectId: number): Map<string, Photo> => new Map(store.photosOfProject(projectId).map((p) => [p.relativePath.split('\\').join('/'), p]))

/** sha256 and mtime of every original, to prove a scan never writes them. */
async function fingerprint(paths: string[]): Promise<string[]> {
  return Promise.all(paths.map(async (p) => `${await hashFile(p)}:${(await stat(p)).mtimeMs}`))
}

describe('scanProject', () => {
  it('records facts, colour class and capture date of each photo; bad files become rows with a scan error', async () => {
    const project = store.createProject({ name: 'archive', root })
    const originals = (await findPhotos(root)).map((f) => f.path)
    const before = await fingerprint(originals)
    const progress: ScanProgress[] = []

    const summary = await scanProject(store, project.id, { onProgress: (p) => progress.push(p) })

    expect(summary).toMatchObject({ found: 8, added: 8, updated: 0, unchanged: 0, moved: 0, missing: 0, errors: 2 })
    expect(progress.at(-1)).toMatchObject({ done: 8, total: 8 })
    const photos = byPath(project.id)
    expect(photos.get('box 1/grandma.jpg')).toMatchObject({
      width: 64, height: 48, format: 'jpeg', depth: 'uchar', colourClass: 'bw', capturedAt: '1931-07-04T14:05:09', scanError: null, status: 'present'
    })
    // Stored 96x64 with EXIF orientation 6: displayed 64x96.
    expect(photos.get('box 1/sideways.jpg')).toMatchObject({ width: 64, height: 96, colourClass: 'bw', capturedAt: null })
    expect(photos.get('box 1/nested/sepia.webp')).toMatchObject({ format: 'webp', colourClass: 'toned' })
    expect(photos.get('holiday.jpg')).toMatchObject({ colourClass: 'colour' })
    expect(photos.get('holiday.jpg')!.meanChroma).toBeGreaterThan(20)
    expect(photos.get('scan16.tif')).toMatchObject({ format: 'tiff', depth: 'ushort', width: 60, height: 40, colourClass: 'bw', capturedAt: '1955-03-02T10:00:00' })
    expect(photos.get('alpha.png')).toMatchObject({ format: 'png', colourClass: 'bw' })
    for (const bad of ['broken.jpg', 'notes.jpg']) {
      const photo = photos.get(bad)!
      expect(photo.scanError).toMatch(bad === 'broken.jpg' ? /damaged or truncated/ : /not an image/)
      expect(photo).toMatchObject({ status: 'present', colourClass: null })
      expect(photo.contentHash).toMatch(/^[0-9a-f]{64}$/)
    }
    expect(photos.get('box 1/grandma.jpg')!.contentHash).toBe(await hashFile(join(root, 'box 1', 'grandma.jpg')))
    expect(store.getProject(project.id)!.scannedAt).not.toBeNull()

    expect(await fingerprint(originals)).toEqual(before)
  })

  it('rescans: skips unchanged files, adds new ones, follows a move by hash and marks removed ones missing', async () => {
    const project = store.createProject({ name: 'archive', root })
    await scanProject(store, project.id)
    const first = byPath(project.id)
    const grandma = first.get('box 1/grandma.jpg')!
    const v1 = store.addResult({ photoId: grandma.id, modelId: 'default', options: { workingSize: 512 }, status: 'done', outputPath: '/cache/v1.png' })
    store.setPreferredResult(v1.id)
    const holiday = first.get('holiday.jpg')!
    store.addResult({ photoId: holiday.id, modelId: 'default', options: {}, status: 'done' })

    const again = await scanProject(store, project.id)
    expect(again).toMatchObject({ found: 8, added: 0, unchanged: 8, moved: 0, missing: 0 })
    expect(byPath(project.id)).toEqual(first) // not even touched

    // Same size and mtime are trusted: the file is not read again (its recorded hash stays the old one).
    const sepiaPath = join(root, 'box 1', 'nested', 'sepia.webp')
    const stamp = new Date(1_600_000_000_000) // whole seconds: exact through utimes
    await utimes(sepiaPath, stamp, stamp)
    expect(await scanProject(store, project.id)).toMatchObject({ unchanged: 7, updated: 1 }) // touched: re-hashed, same content
    const bytes = await readFile(sepiaPath)
    await writeFile(sepiaPath, Buffer.alloc(bytes.length, 7))
    await utimes(sepiaPath, stamp, stamp)
    expect(await scanProject(store, project.id)).toMatchObject({ unchanged: 8, updated: 0 })
    expect(byPath(project.id).get('box 1/nested/sepia.webp')!.contentHash).toBe(first.get('box 1/nested/sepia.webp')!.contentHash)
    await writeFile(sepiaPath, bytes)
    await utimes(sepiaPath, stamp, stamp)

    await mkdir(join(root, 'renamed'))
    await rename(join(root, 'box 1', 'grandma.jpg'), join(root, 'renamed', 'grandma-1931.jpg'))
    await unlink(join(root, 'holiday.jpg'))
    await writeSeededColourJpeg(join(root, 'new.jpg'), 7)
    const progress: ScanProgress[] = []

    const rescan = await scanProject(store, project.id, { onProgress: (p) => progress.push(p) })

    expect(rescan).toMatchObject({ found: 8, added: 1, moved: 1, missing: 1, unchanged: 6, updated: 0 })
    expect(progress.at(-1)).toMatchObject({ done: 8, total: 8 })
    const after = byPath(project.id)
    const moved = after.get('renamed/grandma-1931.jpg')!
    expect(moved.id).toBe(grandma.id)
    expect(moved).toMatchObject({ status: 'present', capturedAt: '1931-07-04T14:05:09', contentHash: grandma.contentHash })
    expect(after.has('box 1/grandma.jpg')).toBe(false)
    expect(store.resultsOfPhoto(grandma.id)).toMatchObject([{ id: v1.id, preferred: true }])
    expect(after.get('holiday.jpg')).toMatchObject({ id: holiday.id, status: 'missing' })
    expect(store.resultsOfPhoto(holiday.id)).toHaveLength(1)
    expect(after.get('new.jpg')).toMatchObject({ status: 'present', colourClass: 'colour' })
    expect(store.queryPhotos({ projectId: project.id }).total).toBe(8)
    expect(store.queryPhotos({ projectId: project.id, includeMissing: true }).total).toBe(9)

    // A missing photo that comes back elsewhere is a move too; a file changed in place is re-read.
    await writeColourJpeg(join(root, 'box 1', 'holiday-restored.jpg'))
    await writeSeededColourJpeg(join(root, 'new.jpg'), 8)
    const third = await scanProject(store, project.id)
    expect(third).toMatchObject({ moved: 1, updated: 1, missing: 0, added: 0 })
    expect(byPath(project.id).get('box 1/holiday-restored.jpg')).toMatchObject({ id: holiday.id, status: 'present' })
  })
})

describe('thumbnails', () => {
  it('makes upright thumbnails keyed by content hash in the background, with progress, size and clear', async () => {
    await writeSeededColourJpeg(join(root, 'large.jpg'), 3, 640, 400)
    const project = store.createProject({ name: 'archive', root })
    await scanProject(store, project.id)
    const cache = new ThumbnailCache(join(dir, 'cache', 'thumbnails'))
    const ready: ThumbnailReady[] = []
    const progress: number[] = []

    const run = await generateThumbnails(store, cache, project.id, { onReady: (r) => ready.push(r), onProgress: (p) => progress.push(p.done) })

    expect(run).toEqual({ made: 7, failed: 0 })
    expect(ready).toHaveLength(7)
    expect(progress).toEqual([1, 2, 3, 4, 5, 6, 7])
    const photos = byPath(project.id)
    const sizeOf = async (photo: Photo) => {
      expect(photo.thumbnailPath).toBe(cache.pathFor(photo.contentHash!))
      const meta = await sharp(photo.thumbnailPath!).metadata()
      expect(meta.format).toBe('jpeg')
      return [meta.width, meta.height]
    }
    expect(await sizeOf(photos.get('large.jpg')!)).toEqual([THUMBNAIL_SIZE, 160])
    expect(await sizeOf(photos.get('box 1/sideways.jpg')!)).toEqual([64, 96]) // auto-oriented, never enlarged
    expect(await sizeOf(photos.get('scan16.tif')!)).toEqual([60, 40])
    expect((await sharp(photos.get('scan16.tif')!.thumbnailPath!).metadata()).depth).toBe('uchar')
    expect(photos.get('broken.jpg')!.thumbnailPath).toBeNull()

    const size = await cache.sizeOnDisk()
    expect(size.files).toBe(7)
    expect(size.bytes).toBeGreaterThan(7 * 100)
    // Nothing left to do on a second run.
    expect(await generateThumbnails(store, cache, project.id)).toEqual({ made: 0, failed: 0 })

    await cache.clear()
    store.clearThumbnails()
    expect(await cache.sizeOnDisk()).toEqual({ files: 0, bytes: 0 })
    expect(await generateThumbnails(store, cache, project.id, { concurrency: 2 })).toEqual({ made: 7, failed: 0 })
  })
})
