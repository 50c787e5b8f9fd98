import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { InstalledModel } from '../../shared/modelCard'
import { ModelRegistry } from '../models/modelRegistry'
import { BUNDLED_MODELS_DIR } from '../models/paths'
import { writeSeededColourJpeg } from '../../../tests/fixtures/photos'
import type { HeldoutComparison } from './heldoutComparison'
import { ScoreWorkerCrash, scoreInWorker, type ScoreWorkerProcess } from './scoreWorkerClient'
import type { FromScoreWorker, ToScoreWorker } from './scoreWorkerProtocol'

/** A scoring process in memory: records what it is sent; the test answers or crashes for it. */
function fakeWorker() {
  const sent: ToScoreWorker[] = []
  let listener: (message: FromScoreWorker) => void = () => {}
  let exit: (reason: string) => void = () => {}
  let killed = 0
  const process: ScoreWorkerProcess = {
    send: (message) => void sent.push(message),
    onMessage: (l) => void (listener = l),
    onExit: (l) => void (exit = l),
    kill: () => {
      killed++
      exit('killed by SIGKILL')
    }
  }
  return { process, sent, answer: (message: FromScoreWorker) => listener(message), crash: (reason: string) => exit(reason), killed: () => killed }
}

const model = (id: string) => ({ dir: `/models/${id}`, card: { id } }) as unknown as InstalledModel
const scores = (deltaE2000: number) => ({ psnr: Infinity, deltaE2000, abAuc: 0.9, colourfulness: 20, deltaColourfulness: 1 })
const comparison: HeldoutComparison = { photos: 2, base: scores(10), fineTuned: scores(9), grey: scores(12), failed: [] }
const request = { base: model('base'), fineTuned: model('new'), photos: [{ id: 'a.jpg', path: '/h/a.jpg' }] }

describe('scoreInWorker (held-out scoring in a child process)', () => {
  it('sends the models and photos, forwards progress, resolves with the figures and ends the process', async () => {
    const worker = fakeWorker()
    const progress: unknown[] = []
    const scored = scoreInWorker({ ...request, onProgress: (...p) => progress.push(p) }, () => worker.process)
    expect(worker.sent).toEqual([{ type: 'score', ...request }])
    worker.answer({ type: 'progress', model: 'base', done: 1, total: 1 })
    worker.answer({ type: 'progress', model: 'fine-tuned', done: 1, total: 1 })
    worker.answer({ type: 'scored', comparison })
    expect(await scored).toEqual(comparison)
    expect(progress).toEqual([['base', 1, 1], ['fine-tuned', 1, 1]])
    expect(worker.killed()).toBe(1)
  })

  it('a worker that dies rejects with a plain error naming why; a failure inside it with its message', async () => {
    const dying = fakeWorker()
    const crashed = scoreInWorker(request, () => dying.process)
    dying.crash('killed by SIGSEGV')
    const error = await crashed.then(() => null, (e: unknown) => e)
    expect(error).toBeInstanceOf(ScoreWorkerCrash)
    expect((error as Error).message).toMatch(/^the scoring process stopped .*\(killed by SIGSEGV\); resume the job to try again$/)
    const failing = fakeWorker()
    const failed = scoreInWorker(request, () => failing.process)
    failing.answer({ type: 'failed', message: 'model new could not be loaded' })
    await expect(failed).rejects.toThrow('scoring on the held-out photos failed: model new could not be loaded')
  })

  it('aborting (pause or cancel) ends the process and rejects with the reason', async () => {
    const worker = fakeWorker()
    const abort = new AbortController()
    const scored = scoreInWorker({ ...request, signal: abort.signal }, () => worker.process)
    abort.abort(new Error('cancelled'))
    await expect(scored).rejects.toThrow('cancelled')
    expect(worker.killed()).toBe(1)
  })
})

describe('scoreInWorker with the real worker process', () => {
  let root: string
  let installed: InstalledModel

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'koalarize-score-worker-'))
    for (const seed of [1, 2]) await writeSeededColourJpeg(join(root, `photo${seed}.jpg`), seed, 64, 48)
    await writeSeededColourJpeg(join(root, 'crash-here.jpg'), 3, 64, 48)
    installed = await new ModelRegistry([{ dir: BUNDLED_MODELS_DIR, origin: 'bundled' }]).resolve('learned-extractor')
  })

  afterAll(async () => {
    delete process.env.KOALARIZE_TEST_CRASH_ON_FILE
    await rm(root, { recursive: true, force: true })
  })

  it('scores two models on held-out photos through the real pipeline', async () => {
    const photos = [1, 2].map((seed) => ({ id: `photo${seed}.jpg`, path: join(root, `photo${seed}.jpg`) }))
    const progress: string[] = []
    const result = await scoreInWorker({ base: installed, fineTuned: installed, photos, onProgress: (which, done, total) => progress.push(`${which} ${done}/${total}`) })
    expect(result.photos).toBe(2)
    expect(result.failed).toEqual([])
    expect(result.fineTuned).toEqual(result.base) // the same model twice: the same figures
    expect(result.base.deltaE2000).toBeGreaterThan(0)
    expect(result.grey.deltaE2000).toBeGreaterThan(0)
    expect(progress.at(-1)).toBe('fine-tuned 2/2')
  }, 120_000)

  it('a native crash in the worker (SIGKILL, test hook) becomes a plain error; this process goes on', async () => {
    process.env.KOALARIZE_TEST_CRASH_ON_FILE = 'crash-here.jpg' // test-only hook in scoreWorker.ts
    const photos = [{ id: 'crash-here.jpg', path: join(root, 'crash-here.jpg') }]
    await expect(scoreInWorker({ base: installed, fineTuned: installed, photos })).rejects.toThrow(/the scoring process stopped .*killed by SIGKILL/)
  }, 120_000)
})
