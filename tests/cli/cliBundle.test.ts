import { describe, it, expect, beforeAll } from 'vitest'
import { readFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
// @ts-expect-error: a plain JavaScript module without types
import { buildCli } from '../../bin/buildCli.mjs'
// @ts-expect-error: a plain JavaScript module without types
import { freshBundle } from '../../bin/cliBundle.mjs'

const NATIVE = ['sharp', 'onnxruntime-node', 'better-sqlite3']

/** Every module the entry loads before it runs (its static imports, transitively), by specifier. */
async function staticImports(url: string, seen = new Set<string>()): Promise<Set<string>> {
  const code = await readFile(fileURLToPath(url), 'utf8')
  for (const [, specifier] of code.matchAll(/^(?:import|export)\s[^;]*?from\s+"([^"]+)";?$/gms)) {
    if (seen.has(specifier!)) continue
    seen.add(specifier!)
    if (specifier!.startsWith('./')) await staticImports(new URL(specifier!, url).href, seen)
  }
  return seen
}

/** Every file of the bundle the entry can load, through static and dynamic imports: its code, by URL. */
async function reachableFiles(url: string, files = new Map<string, string>()): Promise<Map<string, string>> {
  if (files.has(url)) return files
  const code = await readFile(fileURLToPath(url), 'utf8')
  files.set(url, code)
  for (const [, specifier] of code.matchAll(/(?:from\s+|import\()"(\.\/[^"]+)"/g)) await reachableFiles(new URL(specifier!, url).href, files)
  return files
}

describe('the CLI bundle (out/cli)', () => {
  let entry: string

  beforeAll(async () => {
    entry = await buildCli()
  })

  it('is fresh right after a build, and lists its sources', async () => {
    expect(freshBundle()).toBe(entry)
    const manifest = JSON.parse(await readFile(new URL('manifest.json', entry), 'utf8')) as { inputs: string[] }
    expect(manifest.inputs).toContain('src/cli/main.ts')
    expect(manifest.inputs).toContain('src/main/models/paths.ts')
  })

  it('starts without loading a native module: each command loads its own', async () => {
    const loaded = await staticImports(entry)
    expect([...loaded].some((specifier) => specifier.startsWith('./chunk-'))).toBe(true)
    for (const name of NATIVE) expect(loaded).not.toContain(name)
    expect(await readFile(fileURLToPath(entry), 'utf8')).toMatch(/await import\("\.\/chunk-/)
  })

  it('bundles zod in (no file of the bundle imports it), and a new zod rebuilds the bundle', async () => {
    const manifest = JSON.parse(await readFile(new URL('manifest.json', entry), 'utf8')) as { inputs: string[] }
    expect(manifest.inputs).toContain('node_modules/zod/package.json')
    const files = await reachableFiles(entry)
    const bare = [...files.values()].flatMap((code) => [...code.matchAll(/(?:from\s+|import\()"([^".][^"]*)"/g)].map((match) => match[1]))
    expect(bare).toContain('sharp')
    expect(bare).not.toContain('zod')
    expect([...files.values()].some((code) => code.includes('ZodError'))).toBe(true)
  })

  it('builds each worker-thread entry as a file of its own, which the bundle starts (not its source through tsx)', async () => {
    const manifest = JSON.parse(await readFile(new URL('manifest.json', entry), 'utf8')) as { inputs: string[] }
    expect(manifest.inputs).toContain('src/main/imaging/joinChromaWorker.ts')
    const listed = [...(await reachableFiles(entry)).values()].map((code) => code.match(/^var files = (\{.*\});$/m)).find(Boolean)
    const files = JSON.parse(listed![1]!) as Record<string, string>
    expect(Object.keys(files)).toEqual(['joinChromaWorker'])
    expect(existsSync(new URL(files.joinChromaWorker!, entry))).toBe(true)
  })
})
