// Builds the CLI (src/cli/main.ts) into out/cli/ with esbuild: one ES module per command, split so that a
// command loads only its own dependencies; npm packages stay external but for BUNDLED_PACKAGES.
// `node bin/buildCli.mjs` builds it now; bin/koalarize.mjs calls buildCli() itself when the bundle is
// missing or older than its sources.
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { basename, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { MANIFEST, OUT_DIR, ROOT } from './cliBundle.mjs'

const rootDir = fileURLToPath(ROOT)
const outDir = fileURLToPath(OUT_DIR)
const toPosix = (path) => path.split(sep).join('/')
/** Outputs of earlier builds are removed once they are this old (a running CLI may still import them). */
const PRUNE_AFTER_MS = 60 * 60 * 1000

/**
 * Source modules find files next to themselves through import.meta.url (the models folder, the colorize
 * worker). In the bundle each keeps the URL of its source file, relative to the bundle so that the
 * checkout can move.
 */
const sourceLocations = {
  name: 'source-locations',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, ({ path }) => {
      const code = readFileSync(path, 'utf8')
      if (/import\.meta\.(dirname|filename)/.test(code)) throw new Error(`${path}: use import.meta.url (the CLI bundle rewrites only that)`)
      const url = `new URL(${JSON.stringify(toPosix(relative(outDir, path)))}, import.meta.url).href`
      return { contents: code.replaceAll('import.meta.url', url), loader: 'ts' }
    })
  }
}

/**
 * Pure-JavaScript packages bundled in rather than imported from node_modules: loading zod's ES modules one
 * by one (resolve, read, compile each) took ~55 ms of CPU at every start of a command that validates model
 * cards; bundled, ~25 ms. Every other package stays external (sharp, onnxruntime and SQLite are native).
 */
const BUNDLED_PACKAGES = ['zod']

const packageName = (specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/')

const externalPackages = {
  name: 'external-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, ({ path, kind }) => {
      if (kind === 'entry-point' || BUNDLED_PACKAGES.includes(packageName(path))) return undefined
      return { path, external: true }
    })
  }
}

/** Worker-thread entries, built before the CLI itself: a worker is a module a thread starts by its URL. */
const WORKERS = { joinChromaWorker: 'src/main/imaging/joinChromaWorker.ts' }

/**
 * src/main/imaging/bundledWorkers.ts, replaced by a module that knows where the worker entries were built:
 * next to it in out/cli/ (its import.meta.url is the bundle's own here, not rewritten to the source's).
 */
const bundledWorkers = (files) => ({
  name: 'bundled-workers',
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/]main[\\/]imaging[\\/]bundledWorkers\.ts$/ }, () => ({
      contents: `const files = ${JSON.stringify(files)}\nexport const bundledWorker = (name) => (files[name] ? new URL(files[name], import.meta.url) : undefined)\n`,
      loader: 'js'
    }))
  }
})

/** Writes a file by rename, so that a CLI started meanwhile (or a parallel build) never reads half of it. */
function writeAtomically(path, contents) {
  const temporary = `${path}.${process.pid}.tmp`
  writeFileSync(temporary, contents)
  renameSync(temporary, path)
}

function pruneOldOutputs(keep) {
  for (const name of readdirSync(outDir)) {
    const path = `${outDir}${name}`
    if (keep.has(name) || name === basename(fileURLToPath(MANIFEST))) continue
    try {
      if (Date.now() - statSync(path).mtimeMs > PRUNE_AFTER_MS) rmSync(path, { force: true })
    } catch {
      // Removed by a parallel build.
    }
  }
}

const entryName = (source) => Object.keys(WORKERS).find((name) => WORKERS[name] === source)

/** Builds the bundle; returns its entry's URL. Output names carry content hashes: parallel builds agree. */
export async function buildCli() {
  const { build } = await import('esbuild')
  const builtAt = Date.now()
  const options = {
    absWorkingDir: rootDir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outdir: outDir,
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    outExtension: { '.js': '.mjs' },
    write: false,
    metafile: true,
    logLevel: 'silent'
  }
  // Each worker is one self-contained file (no chunks shared with the CLI's).
  const workers = await build({ ...options, entryPoints: WORKERS, plugins: [externalPackages, sourceLocations] })
  const workerFiles = Object.fromEntries(Object.entries(workers.metafile.outputs).map(([path, output]) => [entryName(output.entryPoint), basename(path)]))
  const result = await build({ ...options, entryPoints: { main: 'src/cli/main.ts' }, splitting: true, plugins: [externalPackages, bundledWorkers(workerFiles), sourceLocations] })
  const outputFiles = [...workers.outputFiles, ...result.outputFiles]
  mkdirSync(outDir, { recursive: true })
  for (const file of outputFiles) writeAtomically(file.path, file.contents)
  const entry = Object.keys(result.metafile.outputs).find((path) => result.metafile.outputs[path].entryPoint)
  // Bundled packages count by their package.json: a new version rebuilds the bundle.
  const inputs = [
    ...new Set([...Object.keys(workers.metafile.inputs), ...Object.keys(result.metafile.inputs)].filter((path) => !path.includes('node_modules'))),
    ...BUNDLED_PACKAGES.map((name) => `node_modules/${name}/package.json`)
  ]
  writeAtomically(fileURLToPath(MANIFEST), JSON.stringify({ entry: basename(entry), builtAt, inputs }, null, 1))
  pruneOldOutputs(new Set(outputFiles.map((file) => basename(file.path))))
  return new URL(basename(entry), OUT_DIR).href
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const entry = await buildCli()
  process.stdout.write(`built ${fileURLToPath(entry)}\n`)
}
