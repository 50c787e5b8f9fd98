import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { dirname, extname, resolve } from 'node:path'
import type { ColorizerModel } from '../inference/colorizerModel'
import { colorizePhoto, AlreadyInColourError, type ColorizeOptions, type ColorizeReport } from '../pipeline/colorizePhoto'
import { defaultOutputFormat, FORMAT_EXTENSIONS, type OutputFormat } from '../imaging/photoWriter'
import { PhotoError } from '../imaging/photoErrors'
import { carriesOurProvenance } from '../imaging/provenance'
import { FileSet } from '../files/fileIdentity'
import { BATCH_CONCURRENCY_DEFAULT } from '../../shared/api/bounds'
import { findPhotos, type FoundPhoto } from './photoFiles'

export interface BatchOptions extends Omit<ColorizeOptions, 'format' | 'convertHere'> {
  /** Output format for every photo; by default each keeps its own (PNG where we cannot write it). */
  format?: OutputFormat
  /** Replace outputs that already exist (never inputs). */
  overwrite?: boolean
  /** Photos in flight at once (default BATCH_CONCURRENCY_DEFAULT). */
  concurrency?: number
}

/**
 * Intra-op threads for the onnxruntime session a batch shares: the cores divided among the photos in
 * flight (1 on 2 cores). Measured on 2 busy cores, 344×256: 1 thread ran as fast as onnxruntime's
 * default (all cores) for half the CPU time; the other photo in flight needs that core.
 */
export function inferenceThreads(concurrency: number, cores = availableParallelism()): number {
  return Math.max(1, Math.floor(cores / concurrency))
}

export interface BatchProgress {
  done: number
  total: number
  current: string
  etaSeconds: number | null
}

export interface BatchProblem {
  path: string
  reason: string
}

export interface BatchResult {
  written: ColorizeReport[]
  /** Not colorized on purpose (already in colour, output exists). */
  skipped: BatchProblem[]
  /** Could not be colorized (damaged, not an image…). */
  failed: BatchProblem[]
}

interface PlannedPhoto extends FoundPhoto {
  output: string
  format: OutputFormat
}

/** Where each photo's result goes: the same relative path under the output folder, with the format's extension. */
function planOutputs(photos: FoundPhoto[], outputDir: string, format: OutputFormat | undefined): PlannedPhoto[] {
  const taken = new Set<string>()
  return photos.map((photo) => {
    const ext = extname(photo.relative)
    const chosen = format ?? defaultOutputFormat(formatOfExtension(ext))
    const stem = photo.relative.slice(0, photo.relative.length - ext.length)
    let output = resolve(outputDir, stem + FORMAT_EXTENSIONS[chosen])
    if (taken.has(output)) output = resolve(outputDir, `${stem}-${ext.slice(1).toLowerCase()}${FORMAT_EXTENSIONS[chosen]}`)
    taken.add(output)
    return { ...photo, output, format: chosen }
  })
}

function formatOfExtension(ext: string): string {
  const lower = ext.toLowerCase()
  if (lower === '.jpg' || lower === '.jpeg') return 'jpeg'
  if (lower === '.tif' || lower === '.tiff') return 'tiff'
  return lower.slice(1)
}

/** --overwrite replaces only files Koalarize made (they carry its provenance note), never another file of the user's. */
export const NOT_OURS = (output: string): string =>
  `${output} exists and was not made by Koalarize (no Koalarize provenance note in it); it is never replaced, even with --overwrite`

export const OVERWRITES_INPUT = 'its output would overwrite an input photo; choose another output folder'

/**
 * Colorizes a photo or a folder of photos into `outputDir`, mirroring sub-folders; one bad file never
 * stops the rest. An input is never written, whatever the options: outputs are compared with the inputs
 * by real path (the output folder may be a symbolic link to the input) and by device and inode.
 */
export async function colorizeBatch(
  model: ColorizerModel,
  input: string,
  outputDir: string,
  options: BatchOptions,
  onProgress: (progress: BatchProgress) => void = () => {}
): Promise<BatchResult> {
  const photos = planOutputs(await findPhotos(input, outputDir), outputDir, options.format)
  const inputs = await FileSet.of(photos.map((photo) => photo.path))
  const workers = Math.max(1, Math.min(options.concurrency ?? BATCH_CONCURRENCY_DEFAULT, photos.length))
  // A photo alone in flight (one photo, or --jobs 1) converts on this thread: no other photo needs it.
  const photoOptions = { ...options, convertHere: workers === 1 }
  const outcomes: Outcome[] = []
  const started = performance.now()
  let next = 0
  let done = 0
  const worker = async (): Promise<void> => {
    while (next < photos.length) {
      const index = next++
      const photo = photos[index]!
      onProgress({ done, total: photos.length, current: photo.relative, etaSeconds: eta(started, done, photos.length) })
      outcomes[index] = await colorizeOne(model, photo, inputs, photoOptions)
      done++
    }
  }
  await Promise.all(Array.from({ length: workers }, worker))
  onProgress({ done: photos.length, total: photos.length, current: '', etaSeconds: 0 })
  return collect(outcomes)
}

type Outcome = { written: ColorizeReport } | { skipped: BatchProblem } | { failed: BatchProblem }

/** One photo of the batch; never throws: a problem becomes the outcome. */
async function colorizeOne(model: ColorizerModel, photo: PlannedPhoto, inputs: FileSet, options: BatchOptions & Pick<ColorizeOptions, 'convertHere'>): Promise<Outcome> {
  if (await inputs.holds(photo.output)) return { failed: { path: photo.path, reason: OVERWRITES_INPUT } }
  if (existsSync(photo.output)) {
    if (!options.overwrite) return { skipped: { path: photo.path, reason: `output exists: ${photo.output}` } }
    if (!(await carriesOurProvenance(photo.output))) return { skipped: { path: photo.path, reason: NOT_OURS(photo.output) } }
  }
  try {
    await mkdir(dirname(photo.output), { recursive: true })
    // Checked again once its folder exists (a link made meanwhile inside the output folder counts too).
    if (await inputs.holds(photo.output)) throw new Error(OVERWRITES_INPUT)
    return { written: await colorizePhoto(model, photo.path, photo.output, { ...options, format: photo.format }) }
  } catch (error) {
    const problem = { path: photo.path, reason: error instanceof PhotoError ? error.reason : (error as Error).message }
    return error instanceof AlreadyInColourError ? { skipped: problem } : { failed: problem }
  }
}

/** The outcomes in the photos' order, whichever finished first. */
function collect(outcomes: Outcome[]): BatchResult {
  const result: BatchResult = { written: [], skipped: [], failed: [] }
  for (const outcome of outcomes) {
    if ('written' in outcome) result.written.push(outcome.written)
    else if ('skipped' in outcome) result.skipped.push(outcome.skipped)
    else result.failed.push(outcome.failed)
  }
  return result
}

function eta(started: number, done: number, total: number): number | null {
  if (done === 0) return null
  return (((performance.now() - started) / done) * (total - done)) / 1000
}

