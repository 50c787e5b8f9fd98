import { fork, type Serializable } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { builtMainEntry } from '../models/paths'

/**
 * A worker child process, whatever started it: where native code (onnxruntime, libvips) runs, so that a
 * native crash (segfault, abort, out-of-memory kill) ends only the child, which the app notices (`onExit`)
 * and reports, instead of ending the app. See colorizeWorkerClient.ts for the full reasoning.
 */
export interface WorkerChild<In, Out> {
  send(message: In): void
  onMessage(listener: (message: Out) => void): void
  /** Called once, when the process has gone (crashed, killed, or exited); `reason` is for logs and errors. */
  onExit(listener: (reason: string) => void): void
  /** Ends it now (SIGKILL). */
  kill(): void
}

export interface ForkWorkerOptions<Out> {
  /**
   * 'json' (the default) or 'advanced' (structured clone: keeps Infinity and NaN, which JSON turns into null).
   */
  serialization?: 'json' | 'advanced'
  /**
   * Whether a message answers what was sent (default: every message does). The channel keeps the app's
   * process alive from a `send` until an answer, not after: progress reports are not answers.
   */
  isAnswer?: (message: Out) => boolean
}

/**
 * Forks the worker module `name` in a Node child process. From source (tsx in development, vitest in
 * tests, and the CLI bundle, whose modules keep their sources' URLs) the child loads `sourceUrl`, its
 * TypeScript file, through tsx's loader; from an electron-vite build it runs `out/main/<name>.js` under
 * the app root, which must be a main-process entry of its own (electron.vite.config.mts).
 */
export function forkWorker<In extends Serializable, Out>(name: string, sourceUrl: URL, options: ForkWorkerOptions<Out> = {}): WorkerChild<In, Out> {
  const fromSource = import.meta.url.endsWith('.ts')
  const entry = fromSource ? fileURLToPath(sourceUrl) : builtMainEntry(name)
  // An absolute URL for tsx, so the child finds it whatever the current directory is.
  const execArgv = fromSource ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href] : []
  const child = fork(entry, [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: options.serialization ?? 'json' })
  let exitListener: ((reason: string) => void) | undefined
  let exited = false
  const exit = (reason: string): void => {
    if (exited) return
    exited = true
    exitListener?.(reason)
  }
  child.on('exit', (code, signal) => exit(signal ? `killed by ${signal}` : `exited with code ${code}`))
  // 'error': the process could not be started, or a message could not be sent (it is going away).
  child.on('error', (error) => {
    if (child.pid === undefined) exit(`could not start: ${error.message}`)
  })
  // An idle worker must not keep the app's process alive (a script that is done should exit): the IPC
  // channel holds the event loop only while a request waits for its answer (see isAnswer).
  child.unref()
  child.channel?.unref()
  return {
    send: (message) => {
      if (!child.connected) return
      child.channel?.ref()
      child.send(message)
    },
    onMessage: (listener) =>
      child.on('message', (message) => {
        if (options.isAnswer?.(message as Out) ?? true) child.channel?.unref()
        listener(message as Out)
      }),
    onExit: (listener) => {
      exitListener = listener
    },
    kill: () => {
      child.kill('SIGKILL')
    }
  }
}
