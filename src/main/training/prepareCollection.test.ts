import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { CollectionTooSmallError, prepareCollection, splitHoldout } from './prepareCollection'
import { writeGreyPng, writeSepiaWebp } from '../../../tests/fixtures/photos'
import { writeTwoToneCollection, writeTwoTonePhoto } from '../../../tests/fixtures/finetune'

async function hashes(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  const walk = async (at: string, prefix: string): Promise<void> => {
    for (const entry of await readdir(at, { withFileTypes: true })) {
      if (entry.isDirectory()) await walk(join(at, entry.name), `${prefix}${entry.name}/`)
      else out[prefix + entry.name] = createHash('sha256').update(await readFile(join(at, entry.name))).digest('hex')
    }
  }
  await walk(dir, '')
  return out
}

describe('preparing a collection for fine-tuning', () => {
  let root: string
  let collection: string

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'koalarize-prepare-'))
    collection = join(root, 'family photos')
    await writeTwoToneCollection(join(collection, 'summer'), 14, 400, 300)
    await writeTwoToneCollection(join(collection, 'winter'), 8, 200, 320)
    await mkdir(join(collection, 'scans'))
    for (let i = 0; i < 3; i++) await writeGreyPng(join(collection, 'scans', `grey${i}.png`), 120, 90)
    for (let i = 0; i < 2; i++) await writeSepiaWebp(join(collection, 'scans', `sepia${i}.webp`), 120, 90)
    await writeTwoTonePhoto(join(collection, 'thumb.jpg'), 1, 30, 20)
    await writeFile(join(collection, 'broken.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]))
  })

  afterAll(async () => {
    await rm(root, { recursive: true, force: true })
  })

  it('keeps colour photos, lists the others with the reason, splits off a held-out set and never touches the originals', async () => {
    const before = await hashes(collection)
    const dataDir = join(root, 'job', 'data')
    const prepared = await prepareCollection(collection, dataDir)
    expect(await hashes(collection)).toEqual(before)

    expect(prepared.found).toBe(29)
    expect(prepared.train.length + prepared.heldout.length).toBe(22)
    expect(prepared.heldout).toHaveLength(4) // 10 % of 22 rounds to 2: the minimum of 4 applies
    const skipped = Object.fromEntries(prepared.skipped.map((s) => [s.photo, s]))
    for (let i = 0; i < 3; i++) expect(skipped[`scans/grey${i}.png`]?.kind).toBe('bw')
    for (let i = 0; i < 2; i++) {
      expect(skipped[`scans/sepia${i}.webp`]?.kind).toBe('toned')
      expect(skipped[`scans/sepia${i}.webp`]?.reason).toMatch(/^toned: one tint/)
    }
    expect(skipped['thumb.jpg']?.reason).toMatch(/^too small \(30×20/)
    expect(skipped['broken.jpg']?.kind).toBe('unreadable')

    const trainFiles = (await readdir(prepared.trainDir)).sort()
    expect(trainFiles).toEqual(prepared.train.map((p) => p.file.replace('train/', '')).sort())
    expect(await readdir(prepared.heldoutDir)).toHaveLength(4)
    const summer = prepared.train.find((p) => p.source.startsWith('summer/'))!
    const meta = await sharp(join(dataDir, summer.file)).metadata()
    expect(meta.format).toBe('jpeg')
    expect([meta.width, meta.height]).toEqual([341, 256]) // shorter side 256
    const winter = [...prepared.train, ...prepared.heldout].find((p) => p.source.startsWith('winter/'))!
    const small = await sharp(join(dataDir, winter.file)).metadata()
    expect([small.width, small.height]).toEqual([200, 320]) // never enlarged
  })

  it('splits the same way every time, by name', async () => {
    const photos = Array.from({ length: 50 }, (_, i) => ({ source: `p${i}.jpg` }))
    const a = splitHoldout(photos)
    const b = splitHoldout([...photos].reverse())
    expect(a.heldout).toEqual(b.heldout)
    expect(a.heldout).toHaveLength(5)
    expect(a.train).toHaveLength(45)
  })

  it('refuses a collection with too few colour photos, saying what it found', async () => {
    const small = join(root, 'small')
    await writeTwoToneCollection(small, 6, 120, 90)
    for (let i = 0; i < 2; i++) await writeGreyPng(join(small, `grey${i}.png`), 120, 90)
    const error = await prepareCollection(small, join(root, 'small-job')).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CollectionTooSmallError)
    expect((error as Error).message).toContain('has 6 usable colour photos (8 found; skipped: 2 black-and-white or near-grey)')
    expect((error as Error).message).toContain('needs at least 20 colour photos')
  })
})
