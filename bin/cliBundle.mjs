// The CLI bundle's manifest (out/cli/manifest.json) and its freshness check: plain node:fs, so that the
// launcher decides in a few milliseconds whether the bundle can run as it is.
import { readFileSync, statSync } from 'node:fs'

export const ROOT = new URL('../', import.meta.url)
export const OUT_DIR = new URL('out/cli/', ROOT)
export const MANIFEST = new URL('manifest.json', OUT_DIR)
/** The builder's own files: a change to them rebuilds the bundle too. */
export const BUILDER_FILES = ['bin/buildCli.mjs', 'bin/cliBundle.mjs']

const modifiedSince = (relative, time) => statSync(new URL(relative, ROOT)).mtimeMs >= time

/**
 * The bundle's entry URL when it exists and no file it was built from (nor the builder) changed since;
 * otherwise null. A missing or unreadable file counts as changed.
 */
export function freshBundle() {
  try {
    const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'))
    const sources = [...manifest.inputs, ...BUILDER_FILES]
    if (sources.some((relative) => modifiedSince(relative, manifest.builtAt))) return null
    const entry = new URL(manifest.entry, OUT_DIR)
    statSync(entry)
    return entry.href
  } catch {
    return null
  }
}
