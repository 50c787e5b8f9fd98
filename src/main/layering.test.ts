import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

/**
 * Dependencies point down: the domain (everything the API is built on) never imports src/main/api
 * or Electron, so it runs the same under the CLI, the web host and a worker process. Tests may.
 */
const MAIN = import.meta.dirname
const DOMAIN = ['batch', 'catalog', 'color', 'evaluation', 'export', 'files', 'imaging', 'inference', 'jobs', 'library', 'models', 'pipeline', 'settings', 'training', 'versions']
const API = join(MAIN, 'api')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return /\.ts$/.test(entry.name) && !/\.test\.ts$/.test(entry.name) ? [path] : []
  })
}

/** Every module a file imports or re-exports, statically or dynamically. */
function importsOf(source: string): string[] {
  const found = source.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm)
  return [...found].map((match) => match[1]!)
}

function forbiddenImports(file: string): string[] {
  return importsOf(readFileSync(file, 'utf8')).filter((specifier) => {
    if (specifier === 'electron' || specifier.startsWith('electron/')) return true
    if (!specifier.startsWith('.')) return false
    const target = resolve(dirname(file), specifier)
    return target === API || target.startsWith(API + '/')
  })
}

/** Imports that stay in the built code (`import type` is erased). */
const runtimeImportsOf = (file: string): string[] =>
  importsOf(readFileSync(file, 'utf8').replace(/^import type [^;]*?from\s*['"][^'"]+['"]/gm, ''))

describe('layering', () => {
  it('finds imports of every form', () => {
    const source = "import a from '../api/x'\nimport type { B } from \"electron\"\nexport { c } from './c'\nconst d = await import('../api')\nimport './side'"
    expect(importsOf(source)).toEqual(['../api/x', 'electron', './c', '../api', './side'])
  })

  it('no domain file imports src/main/api or electron', () => {
    const files = DOMAIN.flatMap((folder) => sourceFiles(join(MAIN, folder)))
    expect(files.length).toBeGreaterThan(50)
    const offending = files.flatMap((file) => forbiddenImports(file).map((specifier) => `${relative(MAIN, file)} imports ${specifier}`))
    expect(offending).toEqual([])
  })

  it('the preload takes names, not schemas, from the contract (no zod in its bundle)', () => {
    const shared = join(MAIN, '..', 'shared', 'api')
    expect(runtimeImportsOf(join(MAIN, '..', 'preload', 'index.ts')).sort()).toEqual(['../shared/api/ipc', '../shared/api/names', 'electron'])
    expect(runtimeImportsOf(join(shared, 'ipc.ts'))).toEqual([])
    expect(runtimeImportsOf(join(shared, 'names.ts'))).toEqual([])
  })
})
