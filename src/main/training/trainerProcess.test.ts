import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { requirePython, type PythonCommand } from './pythonEnvironment'
import { TrainerFailure, TrainerProcess } from './trainerProcess'
import type { TrainerEvent } from './trainerEvents'
import { writeTwoToneCollection } from '../../../tests/fixtures/finetune'

/** A tiny network trained from scratch (width overrides only apply then): seconds, not minutes. */
const TINY = ['model.width=0.25', 'model.extractor_input_size=32', 'model.embedding_width=16', 'data.crop_size=32',
  'train.batch_size=4', 'train.log_every=1', 'train.eval_every=1000', 'train.checkpoint_every=1000', 'train.threads=1']
  .flatMap((o) => ['-o', o])

describe('trainer process (real python -m trainer)', () => {
  let root: string
  let python: PythonCommand
  let data: string[]

  beforeAll(async () => {
    python = await requirePython()
    root = await mkdtemp(join(tmpdir(), 'koalarize-trainer-process-'))
    await writeTwoToneCollection(join(root, 'photos'), 16, 48, 40)
    data = ['-o', `data.train=${JSON.stringify([join(root, 'photos')])}`, '-o', 'data.val=[]']
  }, 60_000) // finding Python imports torch, which takes seconds on a busy machine

  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true })
  })

  it('streams typed events of a tiny run and resolves with its done event', async () => {
    const events: TrainerEvent[] = []
    const trainer = TrainerProcess.start({
      python, args: ['train', '--run-dir', join(root, 'run'), ...TINY, ...data, '-o', 'train.max_steps=3'], onEvent: (e) => events.push(e)
    })
    const result = await trainer.finished
    const kinds = events.map((e) => e.event)
    expect(kinds[0]).toBe('start')
    expect(kinds.filter((k) => k === 'step')).toHaveLength(3)
    expect(kinds).toContain('eval')
    expect(kinds).toContain('checkpoint')
    expect(kinds.at(-1)).toBe('done')
    expect(result.done?.reason).toBe('completed')
    expect(result.done?.step).toBe(3)
    expect(result.stopRequested).toBe(false)
    expect(trainer.running).toBe(false)
    const start = events[0]!
    if (start.event === 'start') expect(start.totalSteps).toBe(3)
  })

  it('stop() checkpoints and ends with done "stopped"', async () => {
    const runDir = join(root, 'stopped-run')
    let trainer: TrainerProcess | null = null
    trainer = TrainerProcess.start({
      python, args: ['train', '--run-dir', runDir, ...TINY, ...data, '-o', 'train.max_steps=100000'],
      onEvent: (e) => { if (e.event === 'step' && e.step === 2) trainer!.stop(30_000) }
    })
    const result = await trainer.finished
    expect(result.stopRequested).toBe(true)
    expect(result.done?.reason).toBe('stopped')
    expect(result.done!.step).toBeLessThan(100)
    expect(existsSync(join(runDir, 'last.pt'))).toBe(true)
  })

  it('turns a trainer error event into a failure with its message', async () => {
    const failure = await TrainerProcess.start({
      python, args: ['train', '--run-dir', join(root, 'bad'), ...TINY, '-o', 'data.train=["/nonexistent/photos"]', '-o', 'data.val=[]']
    }).finished.catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(TrainerFailure)
    expect((failure as TrainerFailure).message).toContain('training source not found: /nonexistent/photos')
    expect((failure as TrainerFailure).exitCode).toBe(1)
    expect((failure as TrainerFailure).errorEvent?.traceback).toContain('FileNotFoundError')
  })

  it('reports a crash with its exit code and the stderr tail', async () => {
    const script = 'import sys\nfor i in range(80): print("noise", i, file=sys.stderr)\nprint("ValueError: the last words", file=sys.stderr)\nsys.exit(3)'
    const failure = await TrainerProcess.start({ python, script: true, args: ['-c', script], stderrLines: 50 }).finished.catch((e: unknown) => e)
    expect(failure).toBeInstanceOf(TrainerFailure)
    const crash = failure as TrainerFailure
    expect(crash.exitCode).toBe(3)
    expect(crash.message).toBe('trainer exited with code 3 before finishing: ValueError: the last words')
    expect(crash.stderrTail).toHaveLength(50)
    expect(crash.stderrTail.at(-1)).toBe('ValueError: the last words')
    expect(crash.details).toContain('noise 79')
  })

  it.skipIf(process.platform === 'win32')('reports a process killed mid-run (no done event) instead of hanging', async () => {
    const script = 'import json, os, signal, sys\nprint(json.dumps({"event": "warning", "time": 1, "message": "about to die"}), flush=True)\n' +
      'print("segfault-ish", file=sys.stderr, flush=True)\nos.kill(os.getpid(), signal.SIGKILL)'
    const events: TrainerEvent[] = []
    const failure = await TrainerProcess.start({ python, script: true, args: ['-c', script], onEvent: (e) => events.push(e) }).finished.catch((e: unknown) => e)
    expect(events.map((e) => e.event)).toEqual(['warning'])
    expect((failure as TrainerFailure).signal).toBe('SIGKILL')
    expect((failure as TrainerFailure).message).toContain('was killed by SIGKILL')
    expect((failure as TrainerFailure).stderrTail).toEqual(['segfault-ish'])
  })

  it('says so when the interpreter cannot be started', async () => {
    const failure = await TrainerProcess.start({ python: { command: '/nonexistent/python3', args: [] }, args: ['train'] }).finished.catch((e: unknown) => e)
    expect((failure as TrainerFailure).message).toBe('could not start the trainer: /nonexistent/python3 not found')
  })

  it('a zero exit without a done event is a failure too', async () => {
    const failure = await TrainerProcess.start({ python, args: ['--help'] }).finished.catch((e: unknown) => e)
    expect((failure as TrainerFailure).message).toContain('without reporting a result')
  })
})
