import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export interface ProcessFigures {
  wallSeconds: number
  cpuSeconds: number
  peakRssMiB: number
  stdout: string
}

const REPORTER = resolve(import.meta.dirname, 'reportUsage.mjs')

/** Runs `node <args>` as a fresh process; its wall time, and the CPU time and peak RSS it reports at exit. */
export async function measureNode(args: string[], cwd: string): Promise<ProcessFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'koalarize-usage-'))
  const usageFile = join(dir, 'usage.json')
  try {
    const started = performance.now()
    const child = spawn(process.execPath, ['--import', REPORTER, ...args], {
      cwd,
      env: { ...process.env, BENCH_USAGE_FILE: usageFile },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk))
    const code = await new Promise<number | null>((done) => child.on('close', done))
    const wallSeconds = (performance.now() - started) / 1000
    if (code !== 0) throw new Error(`node ${args.join(' ')} exited with ${code}:\n${stderr}`)
    const usage = JSON.parse(await readFile(usageFile, 'utf8')) as { cpuSeconds: number; peakRssMiB: number }
    return { wallSeconds, ...usage, stdout }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

export const median = (numbers: number[]): number => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)]!
