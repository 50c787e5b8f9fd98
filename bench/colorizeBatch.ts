/**
 * Batch benchmark: a folder of synthetic 12-MP grey scans colorized by the real CLI (`koalarize colorize`,
 * a fresh process), beside a reference measured in the same run: a fresh Node process that decodes one
 * of the scans with sharp and writes it as a 12-MP sRGB JPEG with the CLI's own JPEG settings (quality
 * 92, no chroma subsampling). Every figure is also given as a ratio to the reference's CPU time, so that
 * a busy machine cancels out.
 *
 *   npm run bench:batch -- [--photos 8] [--megapixels 12] [--runs 3] [--cli="--jobs 2 --threads 2"]
 */
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises'
import { cpus, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
// @ts-expect-error: a plain JavaScript module without types
import { buildCli } from '../bin/buildCli.mjs'
import { measureNode, median, type ProcessFigures } from './measureProcess'
import { writeSyntheticScan } from './syntheticScan'

const { values } = parseArgs({
  options: {
    photos: { type: 'string', default: '8' },
    megapixels: { type: 'string', default: '12' },
    runs: { type: 'string', default: '3' },
    cli: { type: 'string', default: '' }
  }
})

const REPO = resolve(import.meta.dirname, '..')
const CLI = join(REPO, 'bin', 'koalarize.mjs')
const cliArgs = values.cli.split(' ').filter(Boolean)
const REFERENCE = `import sharp from 'sharp'
await sharp(process.argv[1]).toColourspace('srgb').jpeg({ quality: 92, chromaSubsampling: '4:4:4' }).toFile(process.argv[2])`

const reference = (scan: string, out: string): Promise<ProcessFigures> =>
  measureNode(['--input-type=module', '-e', REFERENCE, scan, out], REPO)
const colorize = (input: string, out: string): Promise<ProcessFigures> =>
  measureNode([CLI, 'colorize', input, out, '--overwrite', ...cliArgs], REPO)

const seconds = (value: number): string => `${value.toFixed(2)} s`
const ratio = (value: number, to: number): string => `${(value / to).toFixed(2)}×`

async function main(dir: string): Promise<void> {
  const photos = Number(values.photos)
  const runs = Number(values.runs)
  const scans = join(dir, 'scans')
  await mkdir(scans)
  const size = await writeSyntheticScan(join(scans, 'scan-1.jpg'), Number(values.megapixels))
  for (let i = 2; i <= photos; i++) await writeSyntheticScan(join(scans, `scan-${i}.jpg`), Number(values.megapixels))
  const single = join(dir, 'single')
  await mkdir(single)
  await copyFile(join(scans, 'scan-1.jpg'), join(single, 'scan.jpg'))
  await buildCli() // so that no run below pays for a build
  await colorize(single, join(dir, 'warm-up'))

  // Reference and single-scan runs interleaved, the batch in the middle: both see the same machine.
  const references: ProcessFigures[] = []
  const singles: ProcessFigures[] = []
  let batch: ProcessFigures | undefined
  for (let run = 0; run < runs; run++) {
    references.push(await reference(join(scans, 'scan-1.jpg'), join(dir, 'reference.jpg')))
    singles.push(await colorize(single, join(dir, 'single-out')))
    if (run === Math.floor(runs / 2)) batch = await colorize(scans, join(dir, 'batch-out'))
  }
  const refCpu = median(references.map((r) => r.cpuSeconds))
  const singleCpu = median(singles.map((r) => r.cpuSeconds))
  const refWall = median(references.map((r) => r.wallSeconds))
  const perPhoto = batch!.wallSeconds / photos

  console.log(`batch benchmark: ${photos} × ${size.width}x${size.height} (${values.megapixels} MP) grey JPEG scans, ` +
    `${cpus().length} CPUs, CLI args: ${cliArgs.join(' ') || '(defaults)'}; medians of ${runs} runs`)
  console.log(`  reference (fresh node: sharp decode → 12-MP sRGB JPEG q92 4:4:4): CPU ${seconds(refCpu)}, ` +
    `wall ${seconds(refWall)}, peak RSS ${median(references.map((r) => r.peakRssMiB)).toFixed(0)} MiB`)
  console.log(`  one scan, whole CLI process: CPU ${seconds(singleCpu)} = ${ratio(singleCpu, refCpu)} the reference's CPU, ` +
    `wall ${seconds(median(singles.map((r) => r.wallSeconds)))}, peak RSS ${median(singles.map((r) => r.peakRssMiB)).toFixed(0)} MiB`)
  console.log(`  folder of ${photos}, whole CLI process: wall ${seconds(batch!.wallSeconds)}, ${seconds(perPhoto)} per photo = ` +
    `${ratio(perPhoto, refCpu)} the reference's CPU (${ratio(perPhoto, refWall)} its wall); CPU ${seconds(batch!.cpuSeconds / photos)} per photo ` +
    `(${ratio(batch!.cpuSeconds / photos, refCpu)}); ${(batch!.cpuSeconds / batch!.wallSeconds).toFixed(2)} cores busy; ` +
    `peak RSS ${batch!.peakRssMiB.toFixed(0)} MiB`)
}

const dir = await mkdtemp(join(tmpdir(), 'koalarize-bench-batch-'))
try {
  await main(dir)
} finally {
  await rm(dir, { recursive: true, force: true })
}
