import { existsSync } from 'node:fs'
import { lstat, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

/**
 * The most the optimised copies of the models may take on disk together (the default model's three: ~25 MB).
 * When a copy is written, the least recently used beyond it are removed; the copy just written never is.
 */
export const OPTIMIZED_MODELS_CACHE_BYTES = 256 * 1024 * 1024

/** A `.partial` copy this old was left by a process that stopped while writing it (writing one takes seconds). */
const STALE_PARTIAL_MS = 60 * 60 * 1000

// The only names the cache removes, those optimizedModels.ts gives: `<model name>-<8 hex>-<16 hex>` then
// `.onnx` (a copy), `.json` (the record of its model file) or `.onnx.<pid>.partial` (a copy being written).
const STEM = String.raw`.+-[0-9a-f]{8}-[0-9a-f]{16}`
const COPY = new RegExp(`^${STEM}\\.onnx$`)
const RECORD = new RegExp(`^${STEM}\\.json$`)
const PARTIAL = new RegExp(`^${STEM}\\.onnx\\.\\d+\\.partial$`)

/** The record beside a copy: `{ "model": <absolute path of the model file it was made from> }`. */
export const sourceRecordOf = (copy: string): string => copy.replace(/\.onnx$/, '.json')

/**
 * After `copy` of the model file `model` was written: its record beside it, the other copies of that file
 * removed, the cache pruned (pruneOptimizedCopies). Each step that fails is skipped: the copy loads without them.
 */
export async function copyWritten(copy: string, model: string): Promise<void> {
  await writeFile(sourceRecordOf(copy), JSON.stringify({ model })).catch(() => {})
  await removeOlderCopies(copy).catch(() => {})
  await pruneOptimizedCopies(dirname(copy), copy).catch(() => {})
}

/** Removes a copy and its record. */
export async function removeCopy(copy: string): Promise<void> {
  await rm(copy, { force: true })
  await rm(sourceRecordOf(copy), { force: true })
}

/** Removes the other copies of `current`'s model file (same name and path hash, another file, version or CPU). */
export async function removeOlderCopies(current: string): Promise<void> {
  const dir = dirname(current)
  const prefix = basename(current).slice(0, basename(current).lastIndexOf('-') + 1)
  for (const name of await readdir(dir)) {
    if (name.startsWith(prefix) && COPY.test(name) && name !== basename(current)) await removeCopy(join(dir, name))
  }
}

/**
 * Bounds the cache folder `dir` after `current` was written there: removes the copies whose model file is gone
 * (a removed model, a `--model` folder deleted since), records left without their copy, `.partial` files a
 * stopped process left, then the least recently used copies (by modification time: a load updates it) until
 * the rest fit in `capBytes`. Only plain files in `dir` named as the cache names them are ever removed; a copy
 * with no readable record is kept until the cap removes it.
 */
export async function pruneOptimizedCopies(dir: string, current: string, capBytes = OPTIMIZED_MODELS_CACHE_BYTES): Promise<void> {
  const copies: { path: string; size: number; used: number }[] = []
  for (const name of await readdir(dir)) {
    const kind = COPY.test(name) ? 'copy' : RECORD.test(name) ? 'record' : PARTIAL.test(name) ? 'partial' : undefined
    if (!kind) continue
    const path = join(dir, name)
    const info = await lstat(path).catch(() => undefined)
    if (!info?.isFile()) continue
    if (kind === 'partial') {
      if (Date.now() - info.mtimeMs > STALE_PARTIAL_MS) await rm(path, { force: true })
    } else if (kind === 'record') {
      if (!existsSync(path.replace(/\.json$/, '.onnx'))) await rm(path, { force: true })
    } else if (path !== current && (await modelIsGone(path))) {
      await removeCopy(path)
    } else {
      copies.push({ path, size: info.size, used: path === current ? Infinity : info.mtimeMs })
    }
  }
  let total = 0
  for (const copy of copies.sort((a, b) => b.used - a.used)) {
    if (copy.path !== current && total + copy.size > capBytes) await removeCopy(copy.path)
    else total += copy.size
  }
}

async function modelIsGone(copy: string): Promise<boolean> {
  try {
    const { model } = JSON.parse(await readFile(sourceRecordOf(copy), 'utf8')) as { model?: unknown }
    return typeof model === 'string' && !existsSync(model)
  } catch {
    return false // no record (or an unreadable one): its model is unknown
  }
}
