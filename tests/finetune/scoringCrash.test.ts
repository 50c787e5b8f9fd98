import { describe, it, expect, afterAll } from 'vitest'
import { readdirSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FinetuneService, type FinetuneEvent } from '../../src/main/training/finetuneService'
import { finetunableBase, skipUnlessRequired, writeTwoToneCollection } from '../fixtures/finetune'

/**
 * Held-out scoring runs in a worker process: when it dies (here the worker's test hook SIGKILLs it, as a
 * segfault in onnxruntime would), the job fails with a plain error, this process goes on, and resuming
 * the job scores it again (training is not redone) and installs the model.
 */
const root = await mkdtemp(join(tmpdir(), 'koalarize-score-crash-'))
const base = await finetunableBase()
const skip = skipUnlessRequired('the scoring-crash fine-tune', 'skip' in base ? base.skip : null)

afterAll(async () => {
  delete process.env.KOALARIZE_TEST_CRASH_ON_FILE
  await rm(root, { recursive: true, force: true })
})

describe.skipIf(skip !== null)('a fine-tune whose scoring worker crashes (real trainer, tiny run)', () => {
  it('fails with a plain error while exporting; resumed, it is scored and installed', async () => {
    await writeTwoToneCollection(join(root, 'colours'), 12)
    const service = new FinetuneService({ home: join(root, 'home') })
    const events: FinetuneEvent[] = []
    let crashOnce = true
    service.on((event) => {
      events.push(event)
      // The worker starts after this state; it inherits the hook, set on a held-out photo's name.
      if (crashOnce && event.type === 'state' && event.state === 'exporting') {
        crashOnce = false
        process.env.KOALARIZE_TEST_CRASH_ON_FILE = readdirSync(event.job.data!.heldoutDir).filter((name) => name.endsWith('.jpg')).sort()[0]
      }
    })
    const job = await service.start({
      collection: join(root, 'colours'),
      name: 'Crash test',
      options: { baseModel: (base as { dir: string }).dir, size: 64, maxSteps: 2, batchSize: 4, epochs: 1, minutes: 2, threads: 1, minPhotos: 8 }
    })
    const failed = await service.wait(job.id)
    expect(failed.state, `${failed.message}`).toBe('failed')
    expect(failed.error).toMatchObject({ phase: 'exporting', stderrTail: [] })
    expect(failed.message).toMatch(/^the scoring process stopped while scoring the models on the held-out photos \(killed by SIGKILL\); resume the job to try again$/)
    expect(failed.result).toBeNull()
    expect(failed.training).toMatchObject({ finished: true, step: 2 })

    delete process.env.KOALARIZE_TEST_CRASH_ON_FILE
    const statesBefore = events.length
    await service.resume(job.id)
    const done = await service.wait(job.id)
    expect(done.state, `${done.message}`).toBe('done')
    expect(done.result).toMatchObject({ modelId: 'crash-test', heldout: { photos: 4 } })
    const resumedStates = events.slice(statesBefore).filter((e) => e.type === 'state').map((e) => (e as { state: string }).state)
    expect(resumedStates).toEqual(['queued', 'preparing', 'exporting', 'done']) // not trained again
  }, 600_000)
})
