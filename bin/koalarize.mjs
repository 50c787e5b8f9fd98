#!/usr/bin/env node
// Launcher: runs the CLI as plain JavaScript from out/cli/, so that nothing is transpiled at start.
// The bundle is built from src/ on first use, and again whenever one of its source files changes
// (bin/buildCli.mjs, about a tenth of a second); where it cannot be built (no esbuild, a read-only
// checkout), the TypeScript sources run through the tsx loader instead.
import { freshBundle } from './cliBundle.mjs'

async function rebuilt() {
  try {
    return await (await import('./buildCli.mjs')).buildCli()
  } catch (error) {
    if (process.env.KOALARIZE_DEBUG) process.stderr.write(`koalarize: running from source (${error.message})\n`)
    return null
  }
}

const entry = freshBundle() ?? (await rebuilt())
if (entry) {
  await import(entry)
} else {
  const { register } = await import('tsx/esm/api')
  register()
  await import(new URL('../src/cli/main.ts', import.meta.url).href)
}
