import { basename } from 'node:path'
import { compareOnHeldout } from './heldoutComparison'
import type { FromScoreWorker, ToScoreWorker } from './scoreWorkerProtocol'

/**
 * The scoring worker: a child process (see scoreWorkerClient.ts) that scores the base and the
 * fine-tuned model on a job's held-out photos through the real pipeline, then exits.
 *
 * Bundling: electron-vite builds this file as a main-process entry of its own (electron.vite.config.mts:
 * `scoreWorker`), so out/main/scoreWorker.js exists; in development, tests and the CLI it runs from
 * source through tsx.
 */

const send = (message: FromScoreWorker): void => {
  process.send?.(message)
}

async function score(message: ToScoreWorker): Promise<void> {
  // Test-only hook, as in colorizeWorker.ts: simulates a native crash (a segfault in onnxruntime or libvips)
  // when a photo has the given file name. Nothing sets this variable outside the tests.
  const crashOn = process.env.KOALARIZE_TEST_CRASH_ON_FILE
  if (crashOn && message.photos.some((photo) => basename(photo.path) === crashOn)) process.kill(process.pid, 'SIGKILL')
  try {
    const comparison = await compareOnHeldout(message.base, message.fineTuned, message.photos,
      (model, done, total) => send({ type: 'progress', model, done, total }))
    send({ type: 'scored', comparison })
  } catch (error) {
    send({ type: 'failed', message: (error as Error)?.message ?? String(error) })
  }
}

process.on('message', (message: ToScoreWorker) => {
  if (message.type === 'score') void score(message)
})
// The app went away (quit or crashed): do not linger as an orphan.
process.on('disconnect', () => process.exit(0))
