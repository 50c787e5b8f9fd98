import { spawn, type ChildProcess } from 'node:child_process'
import { appendFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { APP_ROOT } from '../models/paths'
import type { PythonCommand } from './pythonEnvironment'
import { parseTrainerLine, type DoneEvent, type ErrorEvent, type ExportedEvent, type TrainerEvent } from './trainerEvents'

export interface TrainerProcessOptions {
  python: PythonCommand
  /** Arguments after `python -m trainer` (train … / export …). */
  args: string[]
  /** Run `python <args>` instead of `python -m trainer <args>` (tests, tools). */
  script?: boolean
  /** Default: the app root, where the `trainer` package lives. */
  cwd?: string
  env?: NodeJS.ProcessEnv
  onEvent?: (event: TrainerEvent) => void
  /** Stdout lines that are not protocol events, and stderr lines. */
  onOutput?: (line: string, stream: 'stdout' | 'stderr') => void
  /** Every stdout and stderr line is appended here too (the job's trainer.log). */
  logFile?: string
  /** Lines of stderr kept for the failure report (default 50). */
  stderrLines?: number
  /** After stop(), how long to wait for the checkpoint before SIGKILL (default 60 s). */
  killGraceMs?: number
}

/** How a finished trainer ended (exit code 0 and a `done` or `exported` event). */
export interface TrainerResult {
  done: DoneEvent | null
  exported: ExportedEvent | null
  /** True when stop() was called (the run then ends with done.reason "stopped"). */
  stopRequested: boolean
  stderrTail: string[]
  warnings: string[]
}

/** A trainer that crashed, failed or exited without finishing its protocol. */
export class TrainerFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number | null,
    readonly signal: NodeJS.Signals | null,
    readonly stderrTail: string[],
    readonly errorEvent: ErrorEvent | null,
    readonly stopRequested: boolean
  ) {
    super(message)
  }

  /** The message with the last stderr lines, for logs and terminals. */
  get details(): string {
    const tail = this.errorEvent?.traceback?.trim() || this.stderrTail.join('\n').trim()
    return tail ? `${this.message}\n${tail}` : this.message
  }
}

/**
 * `python -m trainer …` as a supervised child process: stdout JSON lines become typed events, the
 * end of stderr is kept, stop() asks for a checkpoint (SIGTERM) and kills after a grace period.
 * `finished` always settles: with a TrainerResult, or rejected with a TrainerFailure.
 */
export class TrainerProcess {
  readonly finished: Promise<TrainerResult>
  private readonly child: ChildProcess
  private readonly stderrTail: string[] = []
  private readonly warnings: string[] = []
  private done: DoneEvent | null = null
  private exported: ExportedEvent | null = null
  private errorEvent: ErrorEvent | null = null
  private stopRequested = false
  private killTimer: NodeJS.Timeout | null = null
  private exited = false

  private constructor(private readonly options: TrainerProcessOptions) {
    const { python } = options
    const args = [...python.args, ...(options.script ? [] : ['-m', 'trainer']), ...options.args]
    this.child = spawn(python.command, args, {
      cwd: options.cwd ?? APP_ROOT,
      env: { ...(options.env ?? process.env), PYTHONUNBUFFERED: '1', PYTHONIOENCODING: 'utf-8' },
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true
    })
    this.finished = this.supervise()
    // A failure is always delivered through `finished`; never let it become an unhandled rejection here.
    this.finished.catch(() => {})
  }

  static start(options: TrainerProcessOptions): TrainerProcess {
    return new TrainerProcess(options)
  }

  get pid(): number | undefined {
    return this.child.pid
  }

  get running(): boolean {
    return !this.exited
  }

  /** Asks the trainer to checkpoint and stop (SIGTERM); SIGKILL if it has not exited after the grace period. */
  stop(graceMs = this.options.killGraceMs ?? 60_000): void {
    if (this.exited) return
    this.stopRequested = true
    this.child.kill('SIGTERM')
    if (!this.killTimer) {
      this.killTimer = setTimeout(() => this.kill(), graceMs)
      this.killTimer.unref()
    }
  }

  /** Ends the process at once (no checkpoint). */
  kill(): void {
    if (!this.exited) {
      this.stopRequested = true
      this.child.kill('SIGKILL')
    }
  }

  private log(line: string): void {
    if (this.options.logFile) {
      try {
        appendFileSync(this.options.logFile, line + '\n')
      } catch {
        // the log is a convenience
      }
    }
  }

  private onStdout(line: string): void {
    this.log(line)
    const parsed = parseTrainerLine(line)
    if (parsed.kind === 'text') return this.options.onOutput?.(line, 'stdout')
    if (parsed.kind === 'invalid') {
      this.warnings.push(`unexpected trainer output (${parsed.problem}): ${line.slice(0, 200)}`)
      return
    }
    const event = parsed.event
    if (event.event === 'done') this.done = event
    else if (event.event === 'exported') this.exported = event
    else if (event.event === 'error') this.errorEvent = event
    else if (event.event === 'warning') this.warnings.push(event.message)
    this.options.onEvent?.(event)
  }

  private onStderr(line: string): void {
    this.log(line)
    this.stderrTail.push(line)
    if (this.stderrTail.length > (this.options.stderrLines ?? 50)) this.stderrTail.shift()
    this.options.onOutput?.(line, 'stderr')
  }

  private supervise(): Promise<TrainerResult> {
    const stdout = createInterface({ input: this.child.stdout!, crlfDelay: Infinity })
    const stderr = createInterface({ input: this.child.stderr!, crlfDelay: Infinity })
    stdout.on('line', (line) => {
      try {
        this.onStdout(line)
      } catch (error) {
        // A listener's bug must not leave the child unsupervised.
        this.warnings.push(`event handler failed: ${(error as Error).message}`)
      }
    })
    stderr.on('line', (line) => this.onStderr(line))
    const streamsClosed = Promise.all([
      new Promise<void>((resolve) => stdout.once('close', resolve)),
      new Promise<void>((resolve) => stderr.once('close', resolve))
    ])
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; spawnError?: Error }>((resolve) => {
      this.child.once('error', (error) => resolve({ code: null, signal: null, spawnError: error }))
      this.child.once('exit', (code, signal) => resolve({ code, signal }))
    })
    return exited.then(async (exit) => {
      this.exited = true
      if (this.killTimer) clearTimeout(this.killTimer)
      if (!exit.spawnError) await streamsClosed
      return this.outcome(exit)
    })
  }

  private outcome(exit: { code: number | null; signal: NodeJS.Signals | null; spawnError?: Error }): TrainerResult {
    const tail = [...this.stderrTail]
    const fail = (message: string): never => {
      throw new TrainerFailure(message, exit.code, exit.signal, tail, this.errorEvent, this.stopRequested)
    }
    const command = [this.options.python.command, ...this.options.python.args].join(' ')
    if (exit.spawnError) {
      const code = (exit.spawnError as NodeJS.ErrnoException).code
      fail(code === 'ENOENT' ? `could not start the trainer: ${command} not found` : `could not start the trainer: ${exit.spawnError.message}`)
    }
    if (this.errorEvent) fail(`trainer error: ${this.errorEvent.message}`)
    if (exit.code !== 0) {
      const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`
      const last = tail.filter((line) => line.trim()).pop()
      fail(`trainer ${how}${this.stopRequested ? ' after a stop request' : ''} before finishing${last ? `: ${last.trim()}` : ''}`)
    }
    if (!this.done && !this.exported && !this.options.script) fail('trainer exited without reporting a result (no done event)')
    return { done: this.done, exported: this.exported, stopRequested: this.stopRequested, stderrTail: tail, warnings: [...this.warnings] }
  }
}
