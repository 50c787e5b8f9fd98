/**
 * Pipeline benchmark: one 12-MP black-and-white JPEG through the real pipeline (decode, extractor,
 * colorizer at the working size, a*b* upsampling, Lab→sRGB, metadata, encode), median of N runs.
 *
 *   npm run bench:pipeline -- [--runs 5] [--size 256] [--model default] [--megapixels 12] [--threads 0]
 *                          [--provider auto|cuda|dml|coreml|cpu]   (with a GPU: --provider cuda; bench:batch takes --cli="--provider cuda")
 *                          [--scan jpeg|tiff16] [--format jpeg|png|tiff|webp]
 *
 * `--scan tiff16 --format png` measures what the studio does with a 16-bit scan: its version is a 16-bit PNG.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir, cpus } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { ColorizerModel } from '../src/main/inference/colorizerModel'
import { colorizePhoto, type ColorizeReport } from '../src/main/pipeline/colorizePhoto'
import { modelRegistry } from '../src/cli/services'
import type { ProviderName } from '../src/main/inference/executionProviders'
import { writeSyntheticScan, writeSyntheticScan16 } from './syntheticScan'
import type { OutputFormat } from '../src/main/imaging/photoWriter'

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    size: { type: 'string', default: '256' },
    model: { type: 'string', default: 'default' },
    megapixels: { type: 'string', default: '12' },
    threads: { type: 'string', default: '0' },
    provider: { type: 'string', default: 'auto' },
    scan: { type: 'string', default: 'jpeg' },
    format: { type: 'string', default: 'jpeg' }
  }
})

const median = (numbers: number[]): number => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)]!

const dir = await mkdtemp(join(tmpdir(), 'koalarize-bench-'))
try {
  const wide = values.scan === 'tiff16'
  const input = join(dir, wide ? 'scan.tif' : 'scan.jpg')
  const size = await (wide ? writeSyntheticScan16 : writeSyntheticScan)(input, Number(values.megapixels))
  const format = values.format as OutputFormat
  const model = await ColorizerModel.load(await modelRegistry().resolve(values.model), {
    threads: Number(values.threads),
    provider: values.provider as ProviderName | 'auto'
  })
  const reports: ColorizeReport[] = []
  let peakRss = 0
  for (let run = 0; run < Number(values.runs) + 1; run++) {
    const report = await colorizePhoto(model, input, join(dir, `out-${run}.${format}`), { format, workingSize: Number(values.size) })
    peakRss = Math.max(peakRss, process.memoryUsage().rss)
    if (run > 0) reports.push(report) // the first run warms up caches and the session
  }
  const stage = (key: keyof ColorizeReport['millis']): string => `${median(reports.map((r) => r.millis[key])).toFixed(0)} ms`
  const output = await stat(reports[0]!.output)
  console.log(`pipeline benchmark: ${size.width}x${size.height} (${values.megapixels} MP) ${wide ? '16-bit TIFF' : 'JPEG'} → ${format}, model ${model.card.id}, provider ${model.provider}, ` +
    `working ${reports[0]!.working.width}x${reports[0]!.working.height}, ${cpus().length} CPUs, median of ${reports.length} runs`)
  console.log(`  decode+analyse ${stage('decode')}, inference ${stage('inference')}, upsample+encode ${stage('encode')}`)
  console.log(`  total ${stage('total')} per photo; output ${(output.size / 1e6).toFixed(1)} MB; peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB`)
  await model.release()
} finally {
  await rm(dir, { recursive: true, force: true })
}
