import { mkdir } from 'node:fs/promises'
import { basename, dirname } from 'node:path'
import { ColorizerModel } from '../inference/colorizerModel'
import { PhotoError } from '../imaging/photoErrors'
import { AlreadyInColourError, colorizePhoto } from '../pipeline/colorizePhoto'
import type { FromWorker, ToWorker } from './workerProtocol'

/**
 * The colorize worker: a child process (see colorizeWorkerClient.ts for why a process) that loads a
 * model once and colorizes the photos the app sends over the IPC channel (a few at once).
 *
 * Bundling: electron-vite must build this file as a second main-process entry next to index.js
 * (`rolldownOptions.input: { index: …, colorizeWorker: 'src/main/jobs/colorizeWorker.ts' }`), so
 * that out/main/colorizeWorker.js exists; in development and tests it runs from source through tsx.
 */

let model: ColorizerModel | undefined

const send = (message: FromWorker): void => {
  process.send?.(message)
}

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'load': {
      try {
        await model?.release()
        model = undefined
        model = await ColorizerModel.load(message.model, { provider: message.inference.provider, threads: message.inference.threads })
        send({ type: 'loaded', provider: model.provider, fallbacks: model.fallbacks })
      } catch (error) {
        send({ type: 'loadFailed', message: (error as Error)?.message ?? String(error) })
      }
      return
    }
    case 'colorize': {
      const { requestId, input, output, options } = message
      // Test-only hook: simulates a native crash (as a segfault in onnxruntime or libvips would) on
      // the photo whose file name is given. Nothing sets this variable outside the tests.
      if (process.env.KOALARIZE_TEST_CRASH_ON_FILE && basename(input) === process.env.KOALARIZE_TEST_CRASH_ON_FILE) {
        process.kill(process.pid, 'SIGKILL')
      }
      if (!model) {
        send({ type: 'failed', requestId, reason: 'no model loaded', skipped: false })
        return
      }
      const started = performance.now()
      try {
        await mkdir(dirname(output), { recursive: true })
        await colorizePhoto(model, input, output, { format: 'png', ...options })
        send({ type: 'done', requestId, millis: performance.now() - started, provider: model.provider })
      } catch (error) {
        const reason = error instanceof PhotoError ? error.reason : ((error as Error)?.message ?? String(error))
        send({ type: 'failed', requestId, reason, skipped: error instanceof AlreadyInColourError })
      }
      return
    }
  }
}

// Loads one at a time, in order; photos concurrently (the app keeps a few in flight, as the CLI batch
// does: while one is in a JavaScript pixel loop, another's decode, inference or encode uses the other
// cores), each after the loads sent before it. The app loads a model only while no photo is in flight.
let loads: Promise<void> = Promise.resolve()
process.on('message', (message: ToWorker) => {
  if (message.type === 'colorize') void loads.then(() => handle(message))
  else loads = loads.then(() => handle(message))
})
// The app went away (quit or crashed): do not linger as an orphan.
process.on('disconnect', () => process.exit(0))
