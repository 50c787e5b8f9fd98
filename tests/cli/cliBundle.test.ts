import { describe, it, expect, beforeAll } from 'vitest'
import { readFile } from 'node:fs/promises'
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
    // Every file the entry can load, through static and dynamic imports.
    const files = new Map<string, string>()
    const visit = async (url: string): Promise<void> => {
      if (files.has(url)) return
      const code = await readFile(fileURLToPath(url), 'utf8')
      files.set(url, code)
      for (const [, specifier] of code.matchAll(/(?:from\s+|import\()"(\.\/[^"]+)"/g)) await visit(new URL(specifier!, url).href)
    }
    await visit(entry)
    const bare = [...files.values()].flatMap((code) => [...code.matchAll(/(?:from\s+|import\()"([^".][^"]*)"/g)].map((match) => match[1]))
    expect(bare).toContain('sharp')
    expect(bare).not.toContain('zod')
    expect([...files.values()].some((code) => code.includes('ZodError'))).toBe(true)
  })
})
