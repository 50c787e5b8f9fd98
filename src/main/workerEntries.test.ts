import { readFileSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, it, expect } from 'vitest'
import { APP_ROOT, builtMainEntry } from './models/paths'

/** Every `forkWorker(…'name', new URL('./file.ts'…` and `startThreadWorker('name', new URL('./file.ts'…` in src/main. */
function workersStarted(): { name: string; source: string }[] {
  const started: { name: string; source: string }[] = []
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
        const text = readFileSync(path, 'utf8')
        for (const m of text.matchAll(/(?:forkWorker<[^>]*>|startThreadWorker)\('(\w+)', new URL\('\.\/([\w.]+)'/g)) {
          started.push({ name: m[1]!, source: relative(APP_ROOT, join(dir, m[2]!)) })
        }
      }
    }
  }
  walk(join(APP_ROOT, 'src', 'main'))
  return started
}

describe('worker entries', () => {
  const started = workersStarted()

  it('are found in every place that starts one', () => {
    expect(started.map((w) => w.name).sort()).toEqual(['colorizeWorker', 'joinChromaWorker', 'scoreWorker'])
  })

  it('are each an entry of the electron-vite build under the name they are started by', () => {
    const config = readFileSync(join(APP_ROOT, 'electron.vite.config.mts'), 'utf8')
    for (const { name, source } of started) expect(config).toContain(`${name}: resolve(import.meta.dirname, '${source}')`)
  })

  it('are looked for where that build writes them, under the app root', () => {
    expect(builtMainEntry('colorizeWorker')).toBe(join(APP_ROOT, 'out', 'main', 'colorizeWorker.js'))
  })
})
