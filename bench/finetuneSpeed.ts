/**
 * Fine-tuning speed: training images per second at 224×224 (the default crop), decoder-only and all
 * layers, with the real trainer started the way the fine-tuning service starts it.
 *
 *   npx tsx bench/finetuneSpeed.ts [--steps 5] [--size 224] [--batch 16] [--parts decoder,all] [--base <model>]
 *
 * Prints the median rate over the steps after the first (warm-up) and what it means for the issue's
 * yardstick, 200 photos × 5 epochs.
 */
import { parseArgs } from 'node:util'
import { cpus, loadavg, tmpdir } from 'node:os'
import { mkdtemp, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { ModelRegistry } from '../src/main/models/modelRegistry'
import { BUNDLED_MODELS_DIR, userModelsDir } from '../src/main/models/paths'
import { findPython } from '../src/main/training/pythonEnvironment'
import { TrainerProcess } from '../src/main/training/trainerProcess'
import { architectureOf, resolveFinetuneOptions, trainerArgs } from '../src/main/training/finetuneOptions'
import { prepareCollection } from '../src/main/training/prepareCollection'
import { corpusCategory, finetunableBase, writeTwoToneCollection } from '../tests/fixtures/finetune'
import { formatDuration } from '../src/cli/progressBar'

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '5' },
    size: { type: 'string', default: '224' },
    batch: { type: 'string', default: '16' },
    parts: { type: 'string', default: 'decoder,all' },
    base: { type: 'string' },
    threads: { type: 'string', default: '0' }
  }
})
const steps = Number(values.steps), size = Number(values.size), batch = Number(values.batch)

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN

const report = await findPython()
if (!report.ok) throw new Error(report.message)
const python = report.chosen!.python
const baseDir = values.base ?? (await (async () => {
  const found = await finetunableBase()
  if ('skip' in found) throw new Error(`no base model with weights.pt: ${found.skip}`)
  return found.dir
})())
const registry = new ModelRegistry([{ dir: BUNDLED_MODELS_DIR, origin: 'bundled' }, { dir: userModelsDir(), origin: 'user' }])
const base = await registry.resolve(baseDir)

const root = await mkdtemp(join(tmpdir(), 'koalarize-bench-speed-'))
try {
  const photos = join(root, 'photos')
  const fromCorpus = await corpusCategory(photos, 'scene-outdoor', batch * 3)
  if ('skip' in fromCorpus) await writeTwoToneCollection(photos, batch * 3, 320, 256)
  const prepared = await prepareCollection(photos, join(root, 'data'), { minUsable: batch + 4, shortSide: Math.max(256, size) })
  process.stdout.write(`fine-tuning speed: base ${base.card.id}, ${size}×${size} crops, batch ${batch}, ${steps} steps, ` +
    `${prepared.train.length} photos (${'skip' in fromCorpus ? 'generated' : 'corpus'}), ${report.chosen!.modules!.cuda ? 'CUDA available' : 'CPU'}: ` +
    `${cpus().length} cores ${cpus()[0]?.model ?? ''}, load average ${loadavg()[0]!.toFixed(2)} before start\n`)
  for (const parts of values.parts.split(',')) {
    const options = resolveFinetuneOptions({
      trainParts: parts as 'decoder' | 'all', size, batchSize: batch, maxSteps: steps, threads: Number(values.threads), patience: 0
    })
    const rates: number[] = []
    const started = performance.now()
    const args = trainerArgs(options, {
      runDir: join(root, `run-${parts}`), initFrom: join(base.dir, base.card.weights?.file ?? 'weights.pt'), trainDir: prepared.trainDir,
      heldoutDir: prepared.heldoutDir, trainCount: prepared.train.length, previewPhoto: null, previewDir: join(root, 'previews'),
      architecture: architectureOf(base.card),
      name: 'bench-speed'
    }, false)
    await TrainerProcess.start({ python, args, onEvent: (e) => { if (e.event === 'step') rates.push(e.imagesPerSec) } }).finished
    const rate = median(rates.slice(1))
    const yardstick = (200 * 0.9 * 5) / rate // 200 photos, 10 % held out, 5 epochs
    process.stdout.write(`  ${parts.padEnd(8)} ${rate.toFixed(2)} img/s (median of steps 2–${rates.length}; per step: ${rates.map((r) => r.toFixed(2)).join(', ')}); ` +
      `200 photos × 5 epochs ≈ ${formatDuration(yardstick)} of training; this run took ${formatDuration((performance.now() - started) / 1000)} in all\n`)
  }
  process.stdout.write(`load average after: ${loadavg()[0]!.toFixed(2)} (another training process on the same cores slows these figures)\n`)
} finally {
  await rm(root, { recursive: true, force: true })
}
