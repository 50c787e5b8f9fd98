/**
 * Library benchmark: makes N small photos (default 1000) in a temp folder, then times a first scan,
 * background thumbnail generation and an unchanged rescan, as the app runs them.
 *   npx tsx bench/scanLibrary.ts [count] [--keep]
 */
import sharp from 'sharp'
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { CatalogStore } from '../src/main/catalog/catalogStore'
import { scanProject } from '../src/main/library/scanProject'
import { ThumbnailCache, generateThumbnails } from '../src/main/library/thumbnailCache'

const WIDTH = 640
const HEIGHT = 480
const PER_FOLDER = 100

/** A distinct 640x480 photo per index: B&W, sepia or colour in turn, JPEG (every 25th a PNG). */
async function makePhoto(root: string, index: number): Promise<void> {
  const kind = index % 3
  const rgb = Buffer.alloc(WIDTH * HEIGHT * 3)
  for (let y = 0, i = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++, i += 3) {
      const v = (x + y * 2 + index * 7 + ((x * y) >> 7)) & 255
      if (kind === 0) rgb.fill(v, i, i + 3)
      else if (kind === 1) rgb.set([Math.min(255, v + 20), v, Math.max(0, v - 25)], i)
      else rgb.set([v, (x * 3 + index) & 255, (y * 3 + index * 5) & 255], i)
    }
  }
  // The index as a bar code along the top, so that no two photos have the same content (and hash).
  for (let bit = 0; bit < 16; bit++) {
    const value = (index >> bit) & 1 ? 255 : 0
    for (let y = 0; y < 8; y++) for (let x = bit * 8; x < bit * 8 + 8; x++) rgb.fill(value, (y * WIDTH + x) * 3, (y * WIDTH + x) * 3 + 3)
  }
  const folder = join(root, `roll-${String(Math.floor(index / PER_FOLDER)).padStart(3, '0')}`)
  await mkdir(folder, { recursive: true })
  const image = sharp(rgb, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } })
  const name = `photo-${String(index).padStart(5, '0')}`
  if (index % 25 === 24) await image.png({ compressionLevel: 3 }).toFile(join(folder, `${name}.png`))
  else await image.jpeg({ quality: 85 }).toFile(join(folder, `${name}.jpg`))
}

const seconds = (ms: number): string => (ms / 1000).toFixed(2)
const rate = (count: number, ms: number): string => (count / (ms / 1000)).toFixed(1)

async function main(): Promise<void> {
  const count = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 1000)
  const keep = process.argv.includes('--keep')
  const dir = await mkdtemp(join(tmpdir(), 'koalarize-bench-'))
  const root = join(dir, 'archive')
  console.log(`${count} photos (${WIDTH}x${HEIGHT}) in ${dir}; ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(2)}`)
  try {
    let t = performance.now()
    for (let i = 0; i < count; i++) await makePhoto(root, i)
    console.log(`made photos           ${seconds(performance.now() - t)} s (not part of the figures)`)

    const store = CatalogStore.open(join(dir, 'catalog.sqlite'))
    const cache = new ThumbnailCache(join(dir, 'thumbnails'))
    const project = store.createProject({ name: 'bench', root })

    t = performance.now()
    const scan = await scanProject(store, project.id)
    const scanMs = performance.now() - t
    console.log(`scan                  ${seconds(scanMs)} s  ${rate(count, scanMs)} photos/s  (added ${scan.added}, errors ${scan.errors})`)

    t = performance.now()
    const thumbs = await generateThumbnails(store, cache, project.id, { concurrency: 1 })
    const thumbMs = performance.now() - t
    console.log(`thumbnails            ${seconds(thumbMs)} s  ${rate(count, thumbMs)} photos/s  (made ${thumbs.made}, failed ${thumbs.failed})`)
    console.log(`scan + thumbnails     ${seconds(scanMs + thumbMs)} s  ${rate(count, scanMs + thumbMs)} photos/s`)

    t = performance.now()
    const rescan = await scanProject(store, project.id)
    const rescanMs = performance.now() - t
    console.log(`rescan (unchanged)    ${seconds(rescanMs)} s  ${rate(count, rescanMs)} photos/s  (unchanged ${rescan.unchanged})`)

    t = performance.now()
    const page = store.queryPhotos({ projectId: project.id, filter: 'bw', sort: 'date', offset: Math.floor(count / 6), limit: 200 })
    console.log(`listPhotos page       ${(performance.now() - t).toFixed(1)} ms  (bw ${page.total})`)

    const classes = (['bw', 'toned', 'colour'] as const).map((c) => ({ c, n: store.queryPhotos({ projectId: project.id, filter: c, limit: 0 }).total }))
    const size = await cache.sizeOnDisk()
    console.log(`classes               ${classes.map((r) => `${r.c} ${r.n}`).join(', ')}`)
    console.log(`thumbnail cache       ${size.files} files, ${(size.bytes / 1e6).toFixed(1)} MB; catalog ${((await stat(join(dir, 'catalog.sqlite'))).size / 1e6).toFixed(1)} MB`)
    store.close()
  } finally {
    if (!keep) await rm(dir, { recursive: true, force: true })
  }
}

await main()
