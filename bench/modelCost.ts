/**
 * What a model costs in the whole 12-MP pipeline beside another, measured in the same run (interleaved, so machine
 * noise falls on both alike): e.g. the semantic default (backbone.onnx + colorizer.onnx) against the learned-extractor
 * model it replaced.
 *
 *   npm run bench:models -- [--models default,learned-extractor] [--runs 5] [--size 256] [--megapixels 12] [--threads 0]
 *
 * Prints each model's median per-photo time (total and inference) and the ratio of each to the last model listed.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { ColorizerModel } from '../src/main/inference/colorizerModel'
import { colorizePhoto, type ColorizeReport } from '../src/main/pipeline/colorizePhoto'
import { modelRegistry } from '../src/cli/services'
import { writeSyntheticScan } from './syntheticScan'

const { values } = parseArgs({
  options: {
    models: { type: 'string', default: 'default,learned-extractor' },
    runs: { type: 'string', default: '5' },
    size: { type: 'string', default: '256' },
    megapixels: { type: 'string', default: '12' },
    threads: { type: 'string', default: '0' }
  }
})

const median = (numbers: number[]): number => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)]!

const dir = await mkdtemp(join(tmpdir(), 'koalarize-models-bench-'))
const registry = modelRegistry()
const models = await Promise.all(
  values.models.split(',').map(async (id) => ColorizerModel.load(await registry.resolve(id.trim()), { threads: Number(values.threads), provider: 'cpu' }))
)
try {
  const input = join(dir, 'scan.jpg')
  const size = await writeSyntheticScan(input, Number(values.megapixels))
  const reports = models.map((): ColorizeReport[] => [])
  for (let run = 0; run <= Number(values.runs); run++) {
    for (const [index, model] of models.entries()) {
      const report = await colorizePhoto(model, input, join(dir, `out-${index}.jpg`), { format: 'jpeg', workingSize: Number(values.size) })
      if (run > 0) reports[index]!.push(report) // the first round warms up
    }
  }
  const totals = reports.map((list) => median(list.map((r) => r.millis.total)))
  const reference = totals[totals.length - 1]!
  console.log(`model cost: ${size.width}x${size.height} JPEG, working size ${values.size}, median of ${values.runs} interleaved runs`)
  for (const [index, model] of models.entries()) {
    const inference = median(reports[index]!.map((r) => r.millis.inference))
    const working = reports[index]![0]!.working
    console.log(`  ${model.card.id.padEnd(20)} total ${totals[index]!.toFixed(0)} ms (inference ${inference.toFixed(0)} ms at ${working.width}x${working.height})` +
      `  ${(totals[index]! / reference).toFixed(3)}x ${models[models.length - 1]!.card.id}`)
  }
} finally {
  await Promise.all(models.map((model) => model.release()))
  await rm(dir, { recursive: true, force: true })
}
