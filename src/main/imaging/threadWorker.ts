import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { Worker, type Transferable } from 'node:worker_threads'
import { bundledWorker } from './bundledWorkers'
import { builtMainEntry } from '../models/paths'

/**
 * Starts a worker thread running the module `name`, whatever started the app, as forkWorker does for child
 * processes: in the CLI bundle, the entry bin/buildCli.mjs built (bundledWorkers); in an electron-vite
 * build, `out/main/<name>.js` under the app root, a main-process entry of its own (electron.vite.config.mts);
 * from source (tsx, vitest), `sourceUrl`
 * through tsx's loader, registered inside the thread (~0.2 s of CPU per thread).
 * The thread gets none of the parent's Node flags: it needs none, and a preloaded module (`--import`)
 * would run again in it.
 */
export function startThreadWorker(name: string, sourceUrl: URL): Worker {
  const bundled = bundledWorker(name)
  if (bundled) return new Worker(bundled, { execArgv: [] })
  if (!import.meta.url.endsWith('.ts')) return new Worker(builtMainEntry(name), { execArgv: [] })
  return new Worker(throughTsx(sourceUrl), { eval: true, execArgv: [] })
}

/**
 * A CommonJS script for an eval'd thread: registers tsx (its ES module API), then imports the source. Not
 * `execArgv: ['--import', 'tsx']`: on Node 20 the thread then still loads its entry without tsx's hooks.
 */
function throughTsx(sourceUrl: URL): string {
  const require = createRequire(import.meta.url)
  const manifest = require.resolve('tsx/package.json')
  const api = (JSON.parse(readFileSync(manifest, 'utf8')) as { exports: Record<string, { import: { default: string } }> }).exports['./esm/api']!
  const apiUrl = new URL(api.import.default, pathToFileURL(manifest)).href
  return `import(${JSON.stringify(apiUrl)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(sourceUrl.href)}) })`
}

/**
 * One request at a time to a worker thread that answers each message with one message. A thread that fails
 * to start, throws or exits fails the request in flight (and every later one): an error, never a hang.
 * The thread does not keep the process alive while idle.
 */
export class ThreadRequests<In, Out> {
  private pending: { resolve: (answer: Out) => void; reject: (error: Error) => void } | undefined
  private failure: Error | undefined

  constructor(
    private readonly worker: Worker,
    what: string
  ) {
    worker.unref()
    worker.on('message', (answer: Out) => this.settle((request) => request.resolve(answer)))
    worker.on('messageerror', (error) => this.fail(new Error(`${what}: an unreadable answer (${error.message})`)))
    worker.on('error', (error) => this.fail(new Error(`${what} failed: ${error.message}`)))
    worker.on('exit', (code) => this.fail(new Error(`${what} stopped (exit code ${code})`)))
  }

  /** Whether the thread has failed or stopped: it takes no more requests. */
  get broken(): boolean {
    return this.failure !== undefined
  }

  request(message: In, transfer: Transferable[] = []): Promise<Out> {
    if (this.failure) return Promise.reject(this.failure)
    if (this.pending) return Promise.reject(new Error('a thread request is already in flight'))
    return new Promise<Out>((resolve, reject) => {
      this.pending = { resolve, reject }
      this.worker.ref()
      try {
        this.worker.postMessage(message, transfer)
      } catch (error) {
        this.settle((request) => request.reject(error as Error)) // a message that cannot be cloned
      }
    })
  }

  terminate(): Promise<number> {
    return this.worker.terminate()
  }

  private fail(error: Error): void {
    this.failure ??= error
    this.settle((request) => request.reject(error))
  }

  private settle(how: (request: NonNullable<typeof this.pending>) => void): void {
    const request = this.pending
    this.pending = undefined
    this.worker.unref()
    if (request) how(request)
  }
}
