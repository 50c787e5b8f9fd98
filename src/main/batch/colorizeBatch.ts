import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { dirname, extname, resolve } from 'node:path'
import type { ColorizerModel } from '../inference/colorizerModel'
import { colorizePhoto, AlreadyInColourError, type ColorizeOptions, type ColorizeReport } from '../pipeline/colorizePhoto'
import { defaultOutputFormat, FORMAT_EXTENSIONS, type OutputFormat } from '../imaging/photoWriter'
import { PhotoError } from '../imaging/photoErrors'
import { FileSet } from '../files/fileIdentity'
import { findPhotos, type FoundPhoto } from './photoFiles'

export interface BatchOptions extends Omit<ColorizeOptions, 'format'> {
  /** Output format for every photo; by default each keeps its own (PNG where we cannot write it). */
  format?: OutputFormat
  /** Replace outputs that already exist (never inputs). */
  overwrite?: boolean
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
  const result: BatchResult = { written: [], skipped: [], failed: [] }
  const started = performance.now()
  for (const [index, photo] of photos.entries()) {
    onProgress({ done: index, total: photos.length, current: photo.relative, etaSeconds: eta(started, index, photos.length) })
    if (await inputs.holds(photo.output)) {
      result.failed.push({ path: photo.path, reason: OVERWRITES_INPUT })
      continue
    }
    if (existsSync(photo.output) && !options.overwrite) {
      result.skipped.push({ path: photo.path, reason: `output exists: ${photo.output}` })
      continue
    }
    try {
      await mkdir(dirname(photo.output), { recursive: true })
      // Checked again once its folder exists (a link made meanwhile inside the output folder counts too).
      if (await inputs.holds(photo.output)) throw new Error(OVERWRITES_INPUT)
      result.written.push(await colorizePhoto(model, photo.path, photo.output, { ...options, format: photo.format }))
    } catch (error) {
      const problem = { path: photo.path, reason: error instanceof PhotoError ? error.reason : (error as Error).message }
      if (error instanceof AlreadyInColourError) result.skipped.push(problem)
      else result.failed.push(problem)
    }
  }
  onProgress({ done: photos.length, total: photos.length, current: '', etaSeconds: 0 })
  return result
}

function eta(started: number, done: number, total: number): number | null {
  if (done === 0) return null
  return (((performance.now() - started) / done) * (total - done)) / 1000
}

