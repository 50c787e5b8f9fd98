import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * Scratch folders in the system's temporary folder, named for the process that made them
 * (`koalarize-scratch-<pid>-XXXXXX`), so that the next start can tell which ones a killed process
 * left behind (a colorize leaves a `colorized.v` of tens of MB) without touching a running one's.
 */

const SCRATCH = /^koalarize-scratch-(\d+)-[A-Za-z0-9]{6}$/

export function makeScratchDir(parent = tmpdir()): Promise<string> {
  return mkdtemp(join(parent, `koalarize-scratch-${process.pid}-`))
}

/** True when a process with this id is running (possibly another user's). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Removes our scratch folders whose process is gone; returns their paths. */
export async function removeAbandonedScratch(parent = tmpdir()): Promise<string[]> {
  const removed: string[] = []
  for (const name of await readdir(parent).catch(() => [])) {
    const pid = Number(SCRATCH.exec(name)?.[1] ?? NaN)
    if (!Number.isInteger(pid) || pid === process.pid || isProcessAlive(pid)) continue
    await rm(join(parent, name), { recursive: true, force: true })
    removed.push(join(parent, name))
  }
  return removed
}
