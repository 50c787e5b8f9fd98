import sharp from 'sharp'
import { copyFile, mkdir, mkdtemp, readdir, rm, stat, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { writeGreyJpegWithMetadata, writeGreyJpegWithP3Profile } from '../../../tests/fixtures/photos'
import { type ApiEvent } from '../../shared/api/contract'
import { ApiService } from '../api/apiService'
import { CatalogStore } from '../catalog/catalogStore'
import { ColorizerModel } from '../inference/colorizerModel'
import { ThumbnailCache } from '../library/thumbnailCache'
import { ModelRegistry } from '../models/modelRegistry'
import { BUNDLED_MODELS_DIR } from '../models/paths'
import { colorizePhoto } from '../pipeline/colorizePhoto'
import { versionPath } from '../jobs/colorizeQueue'
import { applyNamingPattern } from './namingPattern'
import { rejection } from '../../../tests/fixtures/apiErrors'

// Versions are made in-process with the real pipeline and the bundled model (they carry the
// original's metadata and the provenance note, as the queue's versions do); export is then driven
// through the API contract.

let dir: string
let root: string
let store: CatalogStore
let api: ApiService
let model: ColorizerModel
let events: ApiEvent[]
let ids: { grandma: number; p3: number; twin: number; plain: number }
let projectId: number
const versions = new Map<number, number[]>()

async function makeVersion(photoId: number, intensity: number): Promise<number> {
  const photo = store.getPhoto(photoId)!
  const result = store.addResult({ photoId, modelId: 'default', options: { workingSize: 64, intensity }, status: 'pending' })
  const out = versionPath(join(dir, 'cache', 'versions'), projectId, photoId, result.id)
  await mkdir(join(out, '..'), { recursive: true })
  await colorizePhoto(model, join(root, photo.relativePath), out, { format: 'png', workingSize: 64, intensity })
  store.setResultOutput(result.id, out)
  store.updateResult(result.id, { status: 'done' })
  return result.id
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'koalarize-export-'))
  root = join(dir, 'archive')
  await mkdir(join(root, 'sub'), { recursive: true })
  await writeGreyJpegWithMetadata(join(root, 'grandma.jpg')) // 96 x 64 stored, orientation 6: 64 x 96 upright; EXIF + XMP title
  await writeGreyJpegWithP3Profile(join(root, 'p3.jpg'), 80, 48)
  await copyFile(join(root, 'grandma.jpg'), join(root, 'sub', 'grandma.jpg'))
  await writeGreyJpegWithP3Profile(join(root, 'plain.jpg'), 40, 40)
  store = CatalogStore.open(join(dir, 'catalog.sqlite'))
  api = new ApiService({
    store,
    thumbnails: new ThumbnailCache(join(dir, 'cache', 'thumbnails')),
    models: new ModelRegistry([{ dir: BUNDLED_MODELS_DIR, origin: 'bundled' }]),
    progressIntervalMs: 0
  })
  api.on((event) => events.push(event))
  projectId = (await api.invoke('openProject', { folder: root })).id
  await api.idle()
  const byPath = new Map(store.photosOfProject(projectId).map((p) => [p.relativePath, p.id]))
  ids = { grandma: byPath.get('grandma.jpg')!, p3: byPath.get('p3.jpg')!, twin: byPath.get(join('sub', 'grandma.jpg'))!, plain: byPath.get('plain.jpg')! }
  model = await ColorizerModel.load(await new ModelRegistry([{ dir: BUNDLED_MODELS_DIR, origin: 'bundled' }]).resolve('default'), { provider: 'cpu', threads: 1 })
  versions.set(ids.grandma, [await makeVersion(ids.grandma, 1), await makeVersion(ids.grandma, 2)])
  versions.set(ids.p3, [await makeVersion(ids.p3, 1)])
  versions.set(ids.twin, [await makeVersion(ids.twin, 1)])
  // ids.plain has no version.
}, 120_000)

afterAll(async () => {
  await model?.release()
  await api?.close()
  await api?.idle()
  store?.close()
  await rm(dir, { recursive: true, force: true })
})

beforeEach(() => {
  events = []
})

const outDir = async (name: string) => {
  const folder = join(dir, 'exports', name)
  await rm(folder, { recursive: true, force: true })
  return folder
}

describe('exportPhotos', () => {
  it.each([
    ['jpeg', '.jpg', 'jpeg', 'uchar', 8],
    ['png', '.png', 'png', 'uchar', 8],
    ['tiff', '.tif', 'tiff', 'uchar', 8],
    ['tiff', '.tif', 'tiff', 'ushort', 16],
    ['webp', '.webp', 'webp', 'uchar', 8]
  ] as const)('writes %s%s (%s, %s) with the size, metadata, ICC and provenance of the version', async (format, ext, sharpFormat, depth, bits) => {
    const folder = await outDir(`${format}-${bits}`)
    const result = await api.invoke('exportPhotos', { photoIds: [ids.grandma, ids.p3], folder, format, quality: 80, tiffBitDepth: bits, naming: '{name}' })
    expect(result.conflicts).toEqual([])
    expect(result.skipped).toEqual([])
    expect(result.written.map((w) => w.files)).toEqual([[`grandma${ext}`], [`p3${ext}`]])
    expect(result.folder).toBe(folder)

    const grandma = await sharp(join(folder, `grandma${ext}`)).metadata()
    expect([grandma.format, grandma.depth, grandma.width, grandma.height, grandma.orientation ?? 1]).toEqual([sharpFormat, depth, 64, 96, 1])
    expect(grandma.xmp?.toString()).toContain('Grandma at the lake, 1931') // the original's XMP
    expect(grandma.xmp?.toString()).toContain('koalarize:ModelId="default"') // provenance
    if (format !== 'tiff') {
      // libvips writes no EXIF into TIFF; elsewhere the original's EXIF and our Software tag travel.
      expect(grandma.exif?.toString('latin1')).toContain('Zeiss Ikon')
      expect(grandma.exif?.toString('latin1')).toContain('Koalarize')
    }
    const p3 = await sharp(join(folder, `p3${ext}`)).metadata()
    expect(p3.icc?.toString('latin1')).toContain('P\u00003') // the original's RGB profile (Display P3), kept
    expect(p3.icc!.equals((await sharp(store.getResult(versions.get(ids.p3)![0]!)!.outputPath!).metadata()).icc!)).toBe(true)
    if (format === 'jpeg') expect(p3.chromaSubsampling).toBe('4:2:0')

    if (bits === 16) {
      // Same pixel values as the 8-bit version, widened to 16 bits. Both are read as stored (ignoreIcc): sharp
      // would otherwise convert only the 8-bit read to sRGB, which moves saturated colours a long way.
      const wide = await sharp(join(folder, 'grandma.tif'), { ignoreIcc: true }).toColourspace('rgb16').raw({ depth: 'ushort' }).toBuffer()
      const narrow = await sharp(store.getResult(versions.get(ids.grandma)!.at(-1)!)!.outputPath!, { ignoreIcc: true }).removeAlpha().raw().toBuffer()
      const wideMean = new Uint16Array(wide.buffer, wide.byteOffset, wide.length / 2).reduce((s, v) => s + v, 0) / (wide.length / 2) / 256
      const narrowMean = narrow.reduce((s, v) => s + v, 0) / narrow.length
      expect(Math.abs(wideMean - narrowMean)).toBeLessThan(2) // libvips widens by x256 (not x257), through its colour pipeline
    }
    expect(events.filter((e) => e.name === 'exportProgress').at(-1)!.payload).toEqual({ done: 2, total: 2 })
    expect((await readdir(folder)).filter((f) => f.includes('partial'))).toEqual([])
  })

  it('exports the preferred version, else the latest; photos without a version are skipped', async () => {
    const [v1, v2] = versions.get(ids.grandma)!
    const pixels = async (file: string) => sharp(file).removeAlpha().raw().toBuffer()
    let folder = await outDir('latest')
    let result = await api.invoke('exportPhotos', { photoIds: [ids.grandma, ids.plain], folder, format: 'png', naming: '{name}' })
    expect(result.written).toEqual([{ photoId: ids.grandma, versionId: v2, files: ['grandma.png'] }])
    expect(result.skipped).toEqual([{ photoId: ids.plain, reason: 'not colorized yet', name: 'plain.jpg' }])
    expect((await pixels(join(folder, 'grandma.png'))).equals(await pixels(store.getResult(v2!)!.outputPath!))).toBe(true)

    await api.invoke('setPreferredVersion', { photoId: ids.grandma, versionId: v1! })
    folder = await outDir('preferred')
    result = await api.invoke('exportPhotos', { photoIds: [ids.grandma], folder, format: 'png', naming: '{name}' })
    expect(result.written[0]!.versionId).toBe(v1)
    expect((await pixels(join(folder, 'grandma.png'))).equals(await pixels(store.getResult(v1!)!.outputPath!))).toBe(true)
    await api.invoke('setPreferredVersion', { photoId: ids.grandma, versionId: null })
  })

  it('names files by pattern tokens and refuses invalid patterns and clashing names', async () => {
    const folder = await outDir('names')
    const result = await api.invoke('exportPhotos', { photoIds: [ids.p3, ids.grandma], folder, format: 'webp', naming: '{index}_{name}_{model}_{date}' })
    const date = store.getResult(versions.get(ids.p3)![0]!)!.createdAt.slice(0, 10)
    expect(result.written.map((w) => w.files[0])).toEqual([`1_p3_default_${date}.webp`, `2_grandma_default_${date}.webp`])
    expect((await readdir(folder)).sort()).toEqual([`1_p3_default_${date}.webp`, `2_grandma_default_${date}.webp`])

    expect(applyNamingPattern('{index}-{name}', { name: 'a:b', model: 'm', date: 'd', index: 7, count: 120 })).toBe('007-a_b')
    expect(applyNamingPattern('{name}.', { name: 'x', model: 'm', date: 'd', index: 1, count: 1 })).toBe('x')
    for (const naming of ['{foo}', 'a/{name}', '..\\{name}', '', ' {name}', '{model}', '{name', 'x}{name}', '.{name}']) {
      const error = await rejection(api.call('exportPhotos', { photoIds: [ids.p3], folder, format: 'png', naming }))
      expect(error.code).toBe('invalid_params')
    }
    // grandma.jpg and sub/grandma.jpg would both be "grandma.png".
    const clash = await rejection(api.invoke('exportPhotos', { photoIds: [ids.grandma, ids.twin], folder: await outDir('clash'), format: 'png', naming: '{name}' }))
    expect(clash.code).toBe('bad_request')
    expect(clash.message).toMatch(/same file name "grandma.png"/)
    const ok = await api.invoke('exportPhotos', { photoIds: [ids.grandma, ids.twin], folder: await outDir('clash'), format: 'png', naming: '{name}-{index}' })
    expect(ok.written.map((w) => w.files[0])).toEqual(['grandma-1.png', 'grandma-2.png'])
  })

  it('never overwrites without being asked: conflicts are listed and nothing is written', async () => {
    const folder = await outDir('conflicts')
    await api.invoke('exportPhotos', { photoIds: [ids.grandma], folder, format: 'jpeg', naming: '{name}' })
    const before = await stat(join(folder, 'grandma.jpg'))
    await new Promise((r) => setTimeout(r, 20))
    const again = await api.invoke('exportPhotos', { photoIds: [ids.grandma, ids.p3], folder, format: 'jpeg', naming: '{name}' })
    expect(again.conflicts).toEqual([{ photoId: ids.grandma, file: 'grandma.jpg' }])
    expect(again.written).toEqual([])
    expect((await readdir(folder)).sort()).toEqual(['grandma.jpg']) // p3 not written either: the UI asks first
    expect((await stat(join(folder, 'grandma.jpg'))).mtimeMs).toBe(before.mtimeMs)

    const forced = await api.invoke('exportPhotos', { photoIds: [ids.grandma, ids.p3], folder, format: 'jpeg', naming: '{name}', overwrite: true })
    expect(forced.conflicts).toEqual([])
    expect(forced.written).toHaveLength(2)
    expect((await stat(join(folder, 'grandma.jpg'))).mtimeMs).toBeGreaterThan(before.mtimeMs)
  })

  it('a conflict is settled as chosen: keep both (a " (2)" name), skip, or replace an earlier export', async () => {
    const folder = await outDir('choice')
    const base = { folder, format: 'jpeg' as const, naming: '{name}' }
    await api.invoke('exportPhotos', { ...base, photoIds: [ids.grandma] })
    const both = await api.invoke('exportPhotos', { ...base, photoIds: [ids.grandma, ids.p3], onConflict: 'keep-both' })
    expect(both.conflicts).toEqual([])
    expect(both.written.map((w) => w.files[0]).sort()).toEqual(['grandma (2).jpg', 'p3.jpg'])
    const again = await api.invoke('exportPhotos', { ...base, photoIds: [ids.grandma], onConflict: 'keep-both', sideBySide: true })
    expect(again.written[0]!.files).toEqual(['grandma (3).jpg', 'grandma-before-after (3).jpg']) // one suffix for the pair
    const before = await stat(join(folder, 'grandma.jpg'))
    const skipped = await api.invoke('exportPhotos', { ...base, photoIds: [ids.grandma], onConflict: 'skip' })
    expect([skipped.written, skipped.conflicts, skipped.skipped.map((s) => s.reason)]).toEqual([[], [], ['grandma.jpg is already in the folder (skipped, as chosen)']])
    expect((await stat(join(folder, 'grandma.jpg'))).mtimeMs).toBe(before.mtimeMs)
    await new Promise((r) => setTimeout(r, 20))
    const replaced = await api.invoke('exportPhotos', { ...base, photoIds: [ids.grandma], onConflict: 'replace' })
    expect(replaced.written).toHaveLength(1)
    expect((await stat(join(folder, 'grandma.jpg'))).mtimeMs).toBeGreaterThan(before.mtimeMs)
    expect((await readdir(folder)).sort()).toEqual(['grandma (2).jpg', 'grandma (3).jpg', 'grandma-before-after (3).jpg', 'grandma.jpg', 'p3.jpg'])
  })

  it('refuses the archive folder (also through a symbolic link) unless explicitly allowed, and relative folders', async () => {
    for (const folder of [root, join(root, 'exports'), join(root, 'sub')]) {
      const error = await rejection(api.invoke('exportPhotos', { photoIds: [ids.grandma], folder, format: 'png' }))
      expect(error.code).toBe('bad_request')
      expect(error.message).toMatch(/archive folder/)
    }
    const link = join(dir, 'link-to-archive')
    await symlink(root, link)
    expect((await rejection(api.invoke('exportPhotos', { photoIds: [ids.grandma], folder: join(link, 'out'), format: 'png' }))).message).toMatch(/archive folder/)
    expect((await rejection(api.invoke('exportPhotos', { photoIds: [ids.grandma], folder: 'relative/out', format: 'png' }))).code).toBe('bad_request')
    expect(await readdir(root)).not.toContain('exports')

    const allowed = await api.invoke('exportPhotos', { photoIds: [ids.grandma], folder: join(root, 'colorized'), format: 'png', allowArchiveFolder: true })
    expect(allowed.written).toHaveLength(1)
    await rm(join(root, 'colorized'), { recursive: true })
  })

  it('writes a before|after image: original left, colorized right, same height', async () => {
    const folder = await outDir('side-by-side')
    const result = await api.invoke('exportPhotos', { photoIds: [ids.grandma, ids.p3], folder, format: 'jpeg', naming: '{name}', sideBySide: true })
    expect(result.written.map((w) => w.files)).toEqual([
      ['grandma.jpg', 'grandma-before-after.jpg'],
      ['p3.jpg', 'p3-before-after.jpg']
    ])
    const pair = await sharp(join(folder, 'grandma-before-after.jpg')).metadata()
    expect([pair.width, pair.height]).toEqual([128, 96])
    expect(pair.xmp?.toString()).toContain('koalarize:ModelId="default"')
    expect((await sharp(join(folder, 'p3-before-after.jpg')).metadata()).width).toBe(160)
    // Left half grey (the original), right half in colour.
    const { data, info } = await sharp(join(folder, 'grandma-before-after.jpg')).raw().toBuffer({ resolveWithObject: true })
    const chroma = (x0: number, x1: number) => {
      let sum = 0
      for (let y = 0; y < info.height; y++) {
        for (let x = x0; x < x1; x++) {
          const i = (y * info.width + x) * 3
          sum += Math.max(data[i]!, data[i + 1]!, data[i + 2]!) - Math.min(data[i]!, data[i + 1]!, data[i + 2]!)
        }
      }
      return sum / ((x1 - x0) * info.height)
    }
    expect(chroma(2, 62)).toBeLessThan(3)
    expect(chroma(66, 126)).toBeGreaterThan(chroma(2, 62) + 1)
  })
})
