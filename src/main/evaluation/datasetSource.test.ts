import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { create } from 'tar'
import { openDataset, parseManifest } from './datasetSource'

const MANIFEST = [
  'member\tshard\tsplit\tsource\trepo\torig_path\torig_w\torig_h\tw\th\tmean_chroma\tcategory',
  'zeta/0001.jpg\tphotos/val-000.tar\tval\tzeta\to/r\ta.jpg\t10\t10\t10\t10\t5.0\tface',
  'alpha/0002.jpg\tphotos/val-000.tar\tval\talpha\to/r\tb.jpg\t10\t10\t10\t10\t5.0\tfood',
  'alpha/0001.png\tphotos/val-000.tar\tval\talpha\to/r\tc.png\t10\t10\t10\t10\t5.0\tplant'
].join('\n') + '\n'

describe('parseManifest', () => {
  it('reads member, split, source and category by header name', () => {
    const entries = parseManifest(MANIFEST)
    expect(entries.size).toBe(3)
    expect(entries.get('alpha/0002.jpg')).toEqual({ member: 'alpha/0002.jpg', split: 'val', source: 'alpha', category: 'food' })
  })

  it('needs a member column', () => {
    expect(() => parseManifest('name\tsource\nx\ty\n')).toThrow(/member/)
  })
})

describe('openDataset', () => {
  let root: string
  let folder: string
  let tarFile: string

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'koalarize-ds-test-'))
    folder = join(root, 'photos')
    for (const name of ['zeta/0001.jpg', 'alpha/0002.jpg', 'alpha/0001.png', 'alpha/notes.txt', 'alpha/.hidden.jpg']) {
      await mkdir(join(folder, name, '..'), { recursive: true })
      await writeFile(join(folder, name), `content of ${name}`)
    }
    tarFile = join(root, 'val-000.tar')
    await create({ file: tarFile, cwd: folder, portable: true }, ['zeta/0001.jpg', 'alpha/0002.jpg', 'alpha/notes.txt', 'alpha/0001.png'])
    await writeFile(join(root, 'manifest.tsv'), MANIFEST)
  })

  afterAll(async () => {
    await rm(root, { recursive: true, force: true })
  })

  it('lists a folder recursively (photos only, hidden skipped), sorted by relative name', async () => {
    const dataset = await openDataset(folder)
    expect(dataset.kind).toBe('folder')
    expect(dataset.manifest).toBeNull()
    expect(dataset.photos.map((p) => p.id)).toEqual(['alpha/0001.png', 'alpha/0002.jpg', 'zeta/0001.jpg'])
    expect(dataset.photos[0]!.source).toBeUndefined()
  })

  it('extracts the first N tar members in file-name order (mixing sources) and attaches the manifest beside the tar', async () => {
    const dataset = await openDataset(tarFile, { limit: 2 })
    try {
      expect(dataset.kind).toBe('tar')
      expect(dataset.available).toBe(3)
      expect(dataset.manifest).toBe(join(root, 'manifest.tsv'))
      expect(dataset.photos.map((p) => [p.id, p.source, p.category])).toEqual([
        ['zeta/0001.jpg', 'zeta', 'face'],
        ['alpha/0001.png', 'alpha', 'plant']
      ])
      expect(await readFile(dataset.photos[1]!.path, 'utf8')).toBe('content of alpha/0001.png')
    } finally {
      await dataset.close()
    }
    expect(existsSync(dataset.photos[0]!.path)).toBe(false)
  })

  it('reads no manifest when told so, and rejects a missing one', async () => {
    const dataset = await openDataset(tarFile, { manifest: null })
    await dataset.close()
    expect(dataset.manifest).toBeNull()
    expect(dataset.photos.every((p) => p.source === undefined)).toBe(true)
    await expect(openDataset(tarFile, { manifest: join(root, 'nope.tsv') })).rejects.toThrow(/manifest not found/)
  })

  it('rejects inputs that are neither folders nor tars', async () => {
    await expect(openDataset(join(folder, 'zeta', '0001.jpg'))).rejects.toThrow(/folder or a \.tar/)
    await expect(openDataset(join(root, 'missing'))).rejects.toThrow(/not found/)
  })
})
