import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { FinetuneService, type FinetuneEvent } from '../../src/main/training/finetuneService'
import { ModelRegistry } from '../../src/main/models/modelRegistry'
import { ColorizerModel } from '../../src/main/inference/colorizerModel'
import { colorizePhoto } from '../../src/main/pipeline/colorizePhoto'
import { finetunableBase, finetuneCollection, skipUnlessRequired } from '../fixtures/finetune'
import { writeGreyJpegWithMetadata } from '../fixtures/photos'
import { MIN_RELATIVE_GAIN } from '../../src/main/training/finetuneResult'

/**
 * A real fine-tune of the default model on 40 flower photos of the shared corpus (generated photos
 * without it): a few steps at a
 * small crop size, paused after its first step, resumed by a second service (an app restart), exported,
 * scored on the held-out photos, installed, then loaded and used to colorize a scan.
 */
const root = await mkdtemp(join(tmpdir(), 'koalarize-finetune-e2e-'))
await finetuneCollection(join(root, 'flowers'), 'plant', 40)
const base = await finetunableBase()
const skip = skipUnlessRequired('the end-to-end fine-tune', 'skip' in base ? base.skip : null)

describe.skipIf(skip !== null)('fine-tuning service (end to end, real trainer)', () => {
  const home = join(root, 'home')
  const events: FinetuneEvent[] = []
  let jobId: string

  beforeAll(async () => {
    const first = new FinetuneService({ home })
    first.on((event) => events.push(event))
    const job = await first.start({
      collection: join(root, 'flowers'),
      name: 'Flowers (test)',
      options: { baseModel: (base as { dir: string }).dir, size: 64, maxSteps: 3, batchSize: 4, minutes: 2, threads: 1 }
    })
    jobId = job.id
    // Pause as soon as training makes progress, like Ctrl-C or the studio's pause button.
    const off = first.on((event) => {
      if (event.type === 'progress') {
        off()
        void first.pause(jobId)
      }
    })
    const paused = await first.wait(jobId)
    expect(paused.state).toBe('paused')
    expect(paused.message).toMatch(/^paused at step \d+ of 3 \(checkpoint saved\)/)
    expect(JSON.parse(await readFile(join(home, 'finetune', jobId, 'job.json'), 'utf8')).state).toBe('paused')

    // A new service over the same folder: the app was restarted.
    const second = new FinetuneService({ home })
    second.on((event) => events.push(event))
    expect((await second.list()).map((j) => [j.id, j.state])).toEqual([[jobId, 'paused']])
    await second.resume(jobId)
    const done = await second.wait(jobId)
    expect(done.state, `${done.message}\n${done.error?.stderrTail.join('\n')}`).toBe('done')
  }, 600_000)

  afterAll(async () => {
    await rm(root, { recursive: true, force: true })
  })

  it('went through the lifecycle and streamed progress, held-out figures and previews', async () => {
    const states = events.filter((e) => e.type === 'state').map((e) => (e as { state: string }).state)
    expect(states.slice(0, 3)).toEqual(['queued', 'preparing', 'preparing'])
    expect(states).toContain('paused')
    expect(states.slice(-4)).toEqual(['preparing', 'training', 'exporting', 'done'])
    expect(states.filter((s) => s === 'preparing').length).toBe(3) // prepared once; the resumed run only re-checks Python
    const progress = events.filter((e) => e.type === 'progress')
    expect(progress.length).toBeGreaterThanOrEqual(3)
    expect(progress.at(-1)).toMatchObject({ step: 3, totalSteps: 3 })
    const previews = events.filter((e) => e.type === 'preview')
    expect(previews.length).toBeGreaterThanOrEqual(2)
    for (const preview of previews) expect(existsSync((preview as { path: string }).path)).toBe(true)
    expect(events.some((e) => e.type === 'eval')).toBe(true)
    expect(events.some((e) => e.type === 'evaluating' && e.model === 'fine-tuned')).toBe(true)
    const log = await readFile(join(home, 'finetune', jobId, 'trainer.log'), 'utf8')
    expect(log).toMatch(/"event": "start".*"resumed": true/)
  })

  it('recorded the data split and the result with before/after figures', async () => {
    const job = await new FinetuneService({ home }).get(jobId)
    expect(job.data).toMatchObject({ found: 40, heldout: 4 })
    expect(job.data!.usable + job.data!.skipped.length).toBe(40)
    const result = job.result!
    expect(result.modelId).toBe('flowers-test')
    expect(result.modelDir).toBe(join(home, 'models', 'flowers-test'))
    expect(result.heldout.photos).toBe(4)
    expect(result.heldout.base.deltaE2000).toBeGreaterThan(0)
    expect(result.heldout.fineTuned.deltaE2000).toBeGreaterThan(0)
    expect(result.verdict).toMatch(/held-out CIEDE2000 [\d.]+ → [\d.]+/)
    expect(result.recommended).toBe(result.heldout.fineTuned.deltaE2000 <= result.heldout.base.deltaE2000 * (1 - MIN_RELATIVE_GAIN))
  })

  it('installed a model whose card records its lineage, and it loads and colorizes a scan', async () => {
    const registry = new ModelRegistry([{ dir: join(home, 'models'), origin: 'user' }])
    const installed = await registry.resolve('flowers-test')
    const card = installed.card as Record<string, any>
    expect(card.name).toBe('Flowers (test)')
    expect(card.lineage.baseModel.id).toBeTruthy()
    expect(card.lineage.collection).toBe(join(root, 'flowers'))
    expect(card.lineage.photos).toMatchObject({ found: 40, heldout: 4 })
    expect(card.lineage.options).toMatchObject({ size: 64, trainParts: 'decoder', learningRate: 1e-4 })
    expect(typeof card.recommended).toBe('boolean')
    expect(card.finetune.heldout.base.deltaE2000).toBeGreaterThan(0)
    expect(existsSync(join(installed.dir, 'weights.pt'))).toBe(true)

    const model = await ColorizerModel.load(installed, { provider: 'cpu', threads: 1 })
    try {
      const scan = join(root, 'scan.jpg')
      await writeGreyJpegWithMetadata(scan, 96, 64)
      const out = join(root, 'scan-colorized.png')
      await colorizePhoto(model, scan, out, { format: 'png' })
      const meta = await sharp(out).metadata()
      expect([meta.width, meta.height]).toEqual([64, 96]) // upright (orientation 6)
    } finally {
      await model.release()
    }
  })
})
