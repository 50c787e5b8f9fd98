/**
 * Studio queue benchmark: the same folder of synthetic 12-MP grey scans colorized by the studio's colorize
 * queue (its worker process, versions as PNG) and by the CLI batch writing PNG too (`koalarize colorize
 * --format png`, a fresh process), beside the batch benchmark's reference process, all in the same run.
 * The queue runs twice: as before (one photo at a time, onnxruntime's own thread count) and as now (the
 * CLI's two photos in flight, threads split between them). Its worker is started and its model loaded by
 * a one-photo job first, so the figures are the queue's steady pace; the CLI's include its start (~0.5 s).
 *
 * Each run measures all four side by side; the ratios are taken within a run, then their median is given.
 *
 *   npm run bench:queue -- [--photos 8] [--megapixels 12] [--runs 3]
 */
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { cpus, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
// @ts-expect-error: a plain JavaScript module without types
import { buildCli } from '../bin/buildCli.mjs'
import { ApiService } from '../src/main/api/apiService'
import { CatalogStore } from '../src/main/catalog/catalogStore'
import { ThumbnailCache } from '../src/main/library/thumbnailCache'
import { ModelRegistry } from '../src/main/models/modelRegistry'
import { BUNDLED_MODELS_DIR } from '../src/main/models/paths'
import { SettingsStore } from '../src/main/settings/settingsStore'
import { measureNode, median } from './measureProcess'
import { writeSyntheticScan } from './syntheticScan'

const { values } = parseArgs({
  options: {
    photos: { type: 'string', default: '8' },
    megapixels: { type: 'string', default: '12' },
    runs: { type: 'string', default: '3' }
  }
})

const REPO = resolve(import.meta.dirname, '..')
const CLI = join(REPO, 'bin', 'koalarize.mjs')
const REFERENCE = `import sharp from 'sharp'
await sharp(process.argv[1]).toColourspace('srgb').jpeg({ quality: 92, chromaSubsampling: '4:4:4' }).toFile(process.argv[2])`

interface Studio {
  api: ApiService
  store: CatalogStore
  projectId: number
  photoIds: number[]
  finished: Set<number>
}

/** A studio (catalog, queue, worker) over the scans folder, with `concurrency` photos in flight. */
async function openStudio(dir: string, scans: string, concurrency: number): Promise<Studio> {
  const store = CatalogStore.open(join(dir, 'catalog.sqlite'))
  const settings = SettingsStore.open(null)
  settings.update({ threads: 0, executionProvider: 'cpu' })
  const api = new ApiService({
    store,
    thumbnails: new ThumbnailCache(join(dir, 'cache', 'thumbnails')),
    models: new ModelRegistry([{ dir: BUNDLED_MODELS_DIR, origin: 'bundled' }]),
    progressIntervalMs: 0,
    settings,
    colorizeWorker: { tickMs: 0, concurrency, idleMs: 600_000 }
  })
  const finished = new Set<number>()
  api.on((event) => {
    if (event.name === 'jobFinished') finished.add((event.payload as { id: number }).id)
  })
  const project = await api.invoke('openProject', { folder: scans })
  await api.idle()
  const photoIds = (await api.invoke('listPhotos', { projectId: project.id })).items.map((p) => p.id)
  return { api, store, projectId: project.id, photoIds, finished }
}

/** CPU seconds used so far by this process's colorize workers (Linux /proc; 0 elsewhere). */
async function workersCpuSeconds(): Promise<number> {
  let ticks = 0
  for (const pid of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(pid)) continue
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ') // after "pid (name) ": state, ppid, …
    if (Number(fields[1]) !== process.pid) continue
    if (!(await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).includes('colorizeWorker')) continue
    ticks += Number(fields[11]) + Number(fields[12]) // utime, stime
  }
  return ticks / 100 // USER_HZ
}

/** Wall seconds from creating a colorize job for these photos to its end, and its worker's CPU seconds. */
async function timeJob(studio: Studio, photoIds: number[]): Promise<{ wall: number; cpu: number }> {
  const cpuBefore = await workersCpuSeconds()
  const started = performance.now()
  const job = await studio.api.invoke('createColorizeJob', { projectId: studio.projectId, photoIds, recolor: true })
  while (!studio.finished.has(job.id)) await new Promise((r) => setTimeout(r, 20))
  const counts = studio.store.jobCounts(job.id)
  if (counts.done !== photoIds.length) throw new Error(`job ${job.id}: ${JSON.stringify(counts)}`)
  const wall = (performance.now() - started) / 1000
  return { wall, cpu: (await workersCpuSeconds()) - cpuBefore }
}

async function closeStudio(studio: Studio): Promise<void> {
  await studio.api.close()
  await studio.api.idle()
  studio.store.close()
}

async function main(dir: string): Promise<void> {
  const photos = Number(values.photos)
  const scans = join(dir, 'scans')
  await mkdir(scans)
  const size = await writeSyntheticScan(join(scans, 'scan-1.jpg'), Number(values.megapixels))
  for (let i = 2; i <= photos; i++) await writeSyntheticScan(join(scans, `scan-${i}.jpg`), Number(values.megapixels))
  await buildCli()
  const before = await openStudio(join(dir, 'before'), scans, 1)
  const now = await openStudio(join(dir, 'now'), scans, 2)
  await timeJob(before, before.photoIds.slice(0, 1)) // starts the worker and loads the model
  await timeJob(now, now.photoIds.slice(0, 1))

  const figures = { reference: [] as number[], cli: [] as number[], before: [] as number[], now: [] as number[] }
  const cpu = { cli: [] as number[], before: [] as number[], now: [] as number[] }
  for (let run = 0; run < Number(values.runs); run++) {
    figures.reference.push((await measureNode(['--input-type=module', '-e', REFERENCE, join(scans, 'scan-1.jpg'), join(dir, 'ref.jpg')], REPO)).cpuSeconds)
    const batch = await measureNode([CLI, 'colorize', scans, join(dir, 'cli-out'), '--format', 'png', '--overwrite'], REPO)
    figures.cli.push(batch.wallSeconds / photos)
    cpu.cli.push(batch.cpuSeconds / photos)
    for (const [name, studio] of [['now', now], ['before', before]] as const) {
      const job = await timeJob(studio, studio.photoIds)
      figures[name].push(job.wall / photos)
      cpu[name].push(job.cpu / photos)
    }
  }
  await closeStudio(before)
  await closeStudio(now)

  const ratios = (of: number[], to: number[]): number => median(of.map((value, run) => value / to[run]!))
  const line = (name: string, perPhoto: number[]): string =>
    `  ${name}: ${median(perPhoto).toFixed(2)} s per photo = ${ratios(perPhoto, figures.reference).toFixed(2)}× the reference's CPU, ` +
    `${ratios(perPhoto, figures.cli).toFixed(2)}× the CLI batch (per run: ${perPhoto.map((v, run) => (v / figures.cli[run]!).toFixed(2)).join(', ')})`
  const cpuLine = (name: keyof typeof cpu): string =>
    `    CPU per photo ${median(cpu[name]).toFixed(2)} s = ${ratios(cpu[name], figures.reference).toFixed(2)}× the reference's; ` +
    `cores busy ${median(cpu[name].map((value, run) => value / figures[name][run]!)).toFixed(2)}`
  console.log(`queue benchmark: ${photos} × ${size.width}x${size.height} (${values.megapixels} MP) grey JPEG scans → PNG, ` +
    `${cpus().length} CPUs; wall time per photo, medians of ${values.runs} run(s)`)
  console.log(`  reference (fresh node: sharp decode → sRGB JPEG q92 4:4:4): CPU ${median(figures.reference).toFixed(2)} s`)
  console.log(line('CLI batch (--format png, whole process)', figures.cli))
  console.log(cpuLine('cli'))
  console.log(line('studio queue, 2 in flight (now)', figures.now))
  console.log(cpuLine('now'))
  console.log(line('studio queue, 1 at a time (before)', figures.before))
  console.log(cpuLine('before'))
}

const dir = await mkdtemp(join(tmpdir(), 'koalarize-bench-queue-'))
try {
  await main(dir)
} finally {
  await rm(dir, { recursive: true, force: true })
}
