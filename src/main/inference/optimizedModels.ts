import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, rename, rm, stat, utimes } from 'node:fs/promises'
import { arch, cpus } from 'node:os'
import { basename, extname, join, resolve } from 'node:path'
import * as ort from 'onnxruntime-node'
import { copyWritten, removeCopy } from './optimizedModelsCache'

/**
 * onnxruntime's optimised copies of ONNX models, kept in a cache folder for the CPU provider. A session
 * made from a model file optimises its graph at level 'all' at every load (for the default model's three
 * graphs ~0.03 s of CPU, a third of their load); one made from the optimised copy with optimisation off
 * loads the same graph, and gives the same outputs to the bit (tested).
 *
 * The copy carries layouts chosen for this CPU (onnxruntime warns so when it writes one), so its name holds
 * a hash of what it was made from: the model file (path, size, modification time, inode), the onnxruntime
 * version and the CPU. Another model file, version or machine makes another copy, which replaces the older
 * copies of that path. A copy that does not load is removed and made again; where none can be written the
 * model is optimised at each load, as without a cache. Beside each copy a small record names its model file;
 * when a copy is written the cache is pruned (optimizedModelsCache.ts): copies of model files that are gone,
 * then the least recently used beyond OPTIMIZED_MODELS_CACHE_BYTES (a load marks a copy used).
 */
export async function optimizedCopy(modelPath: string, cacheDir: string): Promise<string> {
  const path = resolve(modelPath)
  const { size, mtimeMs, ino } = await stat(path)
  const made = [size, mtimeMs, ino, ort.env.versions, cpus()[0]?.model, arch()]
  return join(cacheDir, `${copyPrefix(path)}${hash(JSON.stringify(made)).slice(0, 16)}.onnx`)
}

/** A CPU session of `modelPath` from its optimised copy in `cacheDir`, making the copy first where there is none. */
export async function cachedCpuSession(modelPath: string, options: ort.InferenceSession.SessionOptions, cacheDir: string): Promise<ort.InferenceSession> {
  const copy = await optimizedCopy(modelPath, cacheDir)
  if (existsSync(copy)) {
    try {
      const session = await ort.InferenceSession.create(copy, { ...options, graphOptimizationLevel: 'disabled' })
      const now = new Date()
      await utimes(copy, now, now).catch(() => {}) // used now: the last the cap removes
      return session
    } catch {
      await removeCopy(copy) // unreadable: made again below
    }
  }
  const partial = `${copy}.${process.pid}.partial`
  let session: ort.InferenceSession
  try {
    await mkdir(cacheDir, { recursive: true })
    // Errors only: onnxruntime warns that the copy is for this machine, which is why its name holds the CPU.
    session = await ort.InferenceSession.create(modelPath, { ...options, graphOptimizationLevel: 'all', optimizedModelFilePath: partial, logSeverityLevel: 3 })
  } catch {
    await rm(partial, { force: true }).catch(() => {})
    return ort.InferenceSession.create(modelPath, { ...options, graphOptimizationLevel: 'all' })
  }
  await rename(partial, copy).then(
    () => copyWritten(copy, resolve(modelPath)),
    () => rm(partial, { force: true }).catch(() => {})
  )
  return session
}

const hash = (text: string): string => createHash('sha256').update(text).digest('hex')

/** `<model name>-<hash of its path>-`: every copy of one model file starts so. */
const copyPrefix = (path: string): string => `${basename(path, extname(path))}-${hash(path).slice(0, 8)}-`
