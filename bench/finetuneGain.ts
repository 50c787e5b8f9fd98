/**
 * Does fine-tuning help? Fine-tunes the default model on a collection with a distinct colour world and
 * prints held-out CIEDE2000 (and PSNR, AuC, colourfulness) of the base and the fine-tuned model,
 * computed by the fine-tuning service itself (evaluateModel through the real pipeline).
 *
 *   npx tsx bench/finetuneGain.ts [--world tint|category] [--category plant] [--photos 120]
 *                                 [--epochs 3] [--minutes M] [--size 128] [--lr 1e-4] [--base <model>] [--keep]
 *
 * --world tint: corpus photos of every kind, colour-graded toward a warm orange (R up, B down), like
 *   a family archive of faded Kodachrome prints — a colour world the base model has never seen.
 * --world category: one scene class of the corpus (e.g. plant = flowers), untouched.
 * The held-out photos are never trained on. Exit code 1 when the held-out CIEDE2000 did not improve.
 */
import { parseArgs } from 'node:util'
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { FinetuneService } from '../src/main/training/finetuneService'
import type { HeldoutScores } from '../src/main/training/jobStore'
import { corpusCategory, CORPUS_DIR, finetunableBase } from '../tests/fixtures/finetune'
import { listTarPhotos } from '../src/main/evaluation/datasetSource'
import { extract } from 'tar'
import { ProgressBar, formatDuration } from '../src/cli/progressBar'

const { values } = parseArgs({
  options: {
    world: { type: 'string', default: 'tint' },
    category: { type: 'string', default: 'plant' },
    photos: { type: 'string', default: '120' },
    epochs: { type: 'string', default: '3' },
    minutes: { type: 'string' },
    size: { type: 'string', default: '128' },
    lr: { type: 'string', default: '1e-4' },
    train: { type: 'string', default: 'decoder' },
    base: { type: 'string' },
    keep: { type: 'boolean', default: false }
  }
})
const count = Number(values.photos)

async function tintedCollection(dir: string): Promise<void> {
  const tar = join(CORPUS_DIR, 'val-000.tar')
  // Every 7th photo by name: a spread over all sources and scene classes.
  const members = (await listTarPhotos(tar)).sort().filter((_, i) => i % 7 === 0).slice(0, count)
  const raw = join(dir, '..', 'raw')
  await mkdir(raw, { recursive: true })
  const wanted = new Set(members)
  await extract({ file: tar, cwd: raw, filter: (path) => wanted.has(path) })
  await mkdir(dir, { recursive: true })
  for (const [i, member] of members.entries()) {
    await sharp(join(raw, ...member.split('/')))
      .linear([1.05, 0.92, 0.62], [28, 8, -6]) // warm, orange-brown grade; L changes a little, colours stay colours
      .jpeg({ quality: 92 })
      .toFile(join(dir, `tinted-${String(i).padStart(4, '0')}.jpg`))
  }
  await rm(raw, { recursive: true, force: true })
}

const root = await mkdtemp(join(tmpdir(), 'koalarize-bench-gain-'))
try {
  const collection = join(root, 'collection')
  if (values.world === 'tint') await tintedCollection(collection)
  else {
    const found = await corpusCategory(collection, values.category, count)
    if ('skip' in found) throw new Error(found.skip)
  }
  const base = values.base ?? (await (async () => {
    const found = await finetunableBase()
    if ('skip' in found) throw new Error(found.skip)
    return found.dir
  })())
  process.stdout.write(`collection: ${(await readdir(collection, { recursive: true })).length} photos, world ${values.world === 'tint' ? 'tint (warm orange grade)' : `category ${values.category}`}\n`)

  const service = new FinetuneService({ home: join(root, 'home') })
  const bar = new ProgressBar()
  service.on((event) => {
    if (event.type === 'progress') bar.update(event.step, event.totalSteps, `epoch ${event.epoch + 1}/${event.epochs} loss ${event.loss?.toFixed(4)} ${event.imagesPerSec?.toFixed(1)} img/s`, event.etaSeconds)
    else if (event.type === 'eval') process.stderr.write(`\nheld-out loss at step ${event.step}: ${event.valLoss?.toFixed(5)} (grey ${event.baselineLoss?.toFixed(5)})\n`)
    else if (event.type === 'state') process.stderr.write(`\n${event.state}${event.message ? `: ${event.message}` : ''}\n`)
  })
  const started = performance.now()
  const job = await service.start({
    collection,
    name: `Gain bench (${values.world})`,
    options: {
      baseModel: base, epochs: Number(values.epochs), minutes: values.minutes ? Number(values.minutes) : null, size: Number(values.size),
      learningRate: Number(values.lr), trainParts: values.train as 'decoder' | 'all', patience: 0
    }
  })
  const final = await service.wait(job.id)
  bar.finish()
  if (final.state !== 'done') throw new Error(`job ${final.state}: ${final.message}\n${final.error?.stderrTail.join('\n') ?? ''}`)
  const result = final.result!
  const row = (label: string, s: HeldoutScores): string =>
    `${label.padEnd(12)} ${String(typeof s.psnr === 'number' ? s.psnr.toFixed(2) : s.psnr).padStart(7)}  ${s.deltaE2000.toFixed(2).padStart(6)}  ${s.abAuc.toFixed(4)}  ${s.colourfulness.toFixed(2).padStart(9)}\n`
  process.stdout.write(`\nheld-out: ${result.heldout.photos} photos; trained on ${final.data!.train} for ${final.training!.step} steps ` +
    `(${final.training!.stopReason}) in ${formatDuration(final.training!.seconds)}, ${final.training!.imagesPerSec?.toFixed(2)} img/s; whole job ${formatDuration((performance.now() - started) / 1000)}\n`)
  process.stdout.write(`${''.padEnd(12)} PSNR dB    ΔE00  AuC ab  colourful\n`)
  process.stdout.write(row('base', result.heldout.base) + row('fine-tuned', result.heldout.fineTuned) + row('grey', result.heldout.grey))
  process.stdout.write(`${result.recommended ? 'GAIN' : 'NO GAIN'}: ${result.verdict}\n`)
  if (values.keep) process.stdout.write(`kept: ${root}\n`)
  process.exitCode = result.recommended ? 0 : 1
} finally {
  if (!values.keep) await rm(root, { recursive: true, force: true })
}
