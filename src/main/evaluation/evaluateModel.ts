import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import type { ColorizerModel } from '../inference/colorizerModel'
import { colorizePhoto } from '../pipeline/colorizePhoto'
import { asFloat32, MAX_MEGAPIXELS } from '../imaging/photoReader'
import { encodeVipsLabFloat } from '../imaging/vipsFile'
import { colourfulness, scoreImage, type ImageScores, type ScoredImage } from './metrics'
import type { DatasetPhoto } from './datasetSource'
import { EVAL_SIZE_DEFAULT } from '../../shared/api/bounds'

export interface EvaluateOptions {
  /** Shorter side cap of the ground truth (default EVAL_SIZE_DEFAULT). */
  evalSize?: number
  /** Working size handed to colorizePhoto (default: the evaluation size, i.e. the whole photo). */
  workingSize?: number
  /** Colour intensity handed to colorizePhoto (default 1: the model's own prediction). */
  intensity?: number
  /** Keep this many (grey, ours, original) PNG triples for a contact sheet (default 0). */
  samples?: number
  onProgress?: (progress: EvaluationProgress) => void
}

export interface EvaluationSettings {
  evalSize: number
  workingSize: number
  intensity: number
  aucMaxThreshold: number
}

export interface EvaluationProgress {
  done: number
  total: number
  current: string
  etaSeconds: number | null
}

/** The model's figures or the grey baseline's, averaged over a group of photos. */
export interface MeanScores extends ImageScores {
  /** Mean colourfulness of the ground truth minus that of the prediction. */
  deltaColourfulness: number
}

export interface GroupSummary {
  photos: number
  truthColourfulness: number
  model: MeanScores
  baseline: MeanScores
}

export interface PhotoRow {
  id: string
  source?: string
  category?: string
  /** Size the figures were computed at. */
  width: number
  height: number
  truthColourfulness: number
  model: ImageScores
  baseline: ImageScores
  millis: number
}

export interface EvaluationReport {
  model: { id: string; name: string; provider: string }
  settings: EvaluationSettings
  overall: GroupSummary
  bySource: Record<string, GroupSummary>
  byCategory: Record<string, GroupSummary>
  photos: PhotoRow[]
  failed: { id: string; reason: string }[]
  seconds: number
}

export interface ContactSample {
  id: string
  grey: Buffer
  ours: Buffer
  original: Buffer
}

export interface EvaluationResult {
  report: EvaluationReport
  samples: ContactSample[]
}

interface PhotoFiles {
  truth: string
  greyLab: string
  grey: string
  ours: string
}

/** Evaluates `model` on colour photos: each is greyed from its own Lab L, colorized by the real pipeline and scored. */
export async function evaluateModel(model: ColorizerModel, photos: DatasetPhoto[], options: EvaluateOptions = {}): Promise<EvaluationResult> {
  const evalSize = options.evalSize ?? EVAL_SIZE_DEFAULT
  const settings: EvaluationSettings = {
    evalSize,
    workingSize: options.workingSize ?? evalSize,
    intensity: options.intensity ?? 1,
    aucMaxThreshold: 150
  }
  const started = performance.now()
  const scratch = await mkdtemp(join(tmpdir(), 'koalarize-eval-'))
  const rows: PhotoRow[] = []
  const failed: EvaluationReport['failed'] = []
  const samples: ContactSample[] = []
  try {
    for (const [index, photo] of photos.entries()) {
      options.onProgress?.(progress(index, photos.length, photo.id, started))
      const files = photoFiles(scratch, index)
      try {
        rows.push(await evaluatePhoto(model, photo, files, settings))
        if (samples.length < (options.samples ?? 0)) samples.push(await readSample(photo.id, files))
      } catch (error) {
        failed.push({ id: photo.id, reason: (error as Error).message })
      } finally {
        await Promise.all(Object.values(files).map((path) => rm(path, { force: true })))
      }
    }
    options.onProgress?.(progress(photos.length, photos.length, '', started))
  } finally {
    await rm(scratch, { recursive: true, force: true })
  }
  const report: EvaluationReport = {
    model: { id: model.card.id, name: model.card.name, provider: model.provider },
    settings,
    overall: summarize(rows),
    bySource: summarizeGroups(rows, (row) => row.source),
    byCategory: summarizeGroups(rows, (row) => row.category),
    photos: rows,
    failed,
    seconds: (performance.now() - started) / 1000
  }
  return { report, samples }
}

/** Fresh names per photo: libvips caches decoded files by name, so a reused name could give stale pixels. */
function photoFiles(scratch: string, index: number): PhotoFiles {
  const name = (suffix: string): string => join(scratch, `${String(index).padStart(6, '0')}-${suffix}`)
  return { truth: name('truth.png'), greyLab: name('grey.v'), grey: name('grey.png'), ours: name('ours.png') }
}

function progress(done: number, total: number, current: string, started: number): EvaluationProgress {
  const elapsed = (performance.now() - started) / 1000
  return { done, total, current, etaSeconds: done ? (elapsed / done) * (total - done) : null }
}

async function evaluatePhoto(model: ColorizerModel, photo: DatasetPhoto, files: PhotoFiles, settings: EvaluationSettings): Promise<PhotoRow> {
  const started = performance.now()
  const truth = await writeGroundTruth(photo.path, files.truth, settings.evalSize)
  const grey = await writeGreyInput(truth, files)
  const { workingSize, intensity } = settings
  await colorizePhoto(model, files.grey, files.ours, { format: 'png', recolor: true, workingSize, intensity })
  const ours = await readScored(files.ours)
  if (ours.width !== truth.width || ours.height !== truth.height) {
    throw new Error(`output is ${ours.width}x${ours.height}, expected ${truth.width}x${truth.height}`)
  }
  return {
    id: photo.id,
    ...(photo.source !== undefined && { source: photo.source }),
    ...(photo.category !== undefined && { category: photo.category }),
    width: truth.width,
    height: truth.height,
    truthColourfulness: colourfulness(truth.rgb),
    model: scoreImage(ours, truth),
    baseline: scoreImage(grey, truth),
    millis: performance.now() - started
  }
}

interface ScoredFile extends ScoredImage {
  width: number
  height: number
}

/** Size of the ground truth: the photo as is, or downscaled so its shorter side is `evalSize`. */
export function evaluationDimensions(width: number, height: number, evalSize: number): { width: number; height: number } {
  const scale = Math.min(1, evalSize / Math.min(width, height))
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) }
}

/** The photo upright, alpha flattened onto white, at evaluation size, as 8-bit sRGB PNG (lossless). */
async function writeGroundTruth(input: string, output: string, evalSize: number): Promise<ScoredFile> {
  const image = sharp(input, { limitInputPixels: MAX_MEGAPIXELS * 1_000_000, failOn: 'error' }).autoOrient()
  const { width = 0, height = 0, autoOrient } = await image.metadata()
  const upright = autoOrient ?? { width, height }
  const size = evaluationDimensions(upright.width, upright.height, evalSize)
  const { data, info } = await image
    .flatten({ background: '#ffffff' })
    .resize(size.width, size.height, { fit: 'fill', kernel: 'lanczos3' })
    .toColourspace('srgb')
    .removeAlpha()
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true })
  await sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } }).png().toFile(output)
  return readScored(output)
}

/** The grey input: the ground truth's own Lab L with a* = b* = 0, through a libvips Lab .v file, as sRGB PNG. */
async function writeGreyInput(truth: ScoredFile, files: PhotoFiles): Promise<ScoredFile> {
  const lab = Float32Array.from(truth.lab)
  for (let i = 0; i < lab.length; i += 3) lab[i + 1] = lab[i + 2] = 0
  await writeFile(files.greyLab, encodeVipsLabFloat(truth.width, truth.height, 3, lab))
  await sharp(files.greyLab).toColourspace('srgb').png().toFile(files.grey)
  return readScored(files.grey)
}

/** 8-bit sRGB and float Lab pixels of a PNG written by this module or the pipeline. */
async function readScored(path: string): Promise<ScoredFile> {
  const rgb = await sharp(path).toColourspace('srgb').removeAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true })
  const lab = await sharp(path).removeAlpha().toColourspace('lab').raw({ depth: 'float' }).toBuffer({ resolveWithObject: true })
  if (rgb.info.channels !== 3 || lab.info.channels !== 3) throw new Error(`${path}: expected 3 channels`)
  return { width: rgb.info.width, height: rgb.info.height, rgb: new Uint8Array(rgb.data), lab: Float32Array.from(asFloat32(lab.data)) }
}

async function readSample(id: string, files: PhotoFiles): Promise<ContactSample> {
  const [grey, ours, original] = await Promise.all([readFile(files.grey), readFile(files.ours), readFile(files.truth)])
  return { id, grey, ours, original }
}

const mean = (values: number[]): number => (values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : NaN)

function meanScores(scores: ImageScores[], truthColourfulness: number): MeanScores {
  const colourfulness = mean(scores.map((s) => s.colourfulness))
  return {
    psnr: mean(scores.map((s) => s.psnr)),
    deltaE2000: mean(scores.map((s) => s.deltaE2000)),
    abAuc: mean(scores.map((s) => s.abAuc)),
    colourfulness,
    deltaColourfulness: truthColourfulness - colourfulness
  }
}

/** Means over photos (PSNR too: the mean of per-photo PSNR, Infinity if any photo was reproduced exactly). */
export function summarize(rows: PhotoRow[]): GroupSummary {
  const truthColourfulness = mean(rows.map((row) => row.truthColourfulness))
  return {
    photos: rows.length,
    truthColourfulness,
    model: meanScores(rows.map((row) => row.model), truthColourfulness),
    baseline: meanScores(rows.map((row) => row.baseline), truthColourfulness)
  }
}

/** Summaries per value of `key` (rows without one are left out), in name order. */
export function summarizeGroups(rows: PhotoRow[], key: (row: PhotoRow) => string | undefined): Record<string, GroupSummary> {
  const groups = new Map<string, PhotoRow[]>()
  for (const row of rows) {
    const name = key(row)
    if (name === undefined) continue
    groups.set(name, [...(groups.get(name) ?? []), row])
  }
  return Object.fromEntries([...groups.keys()].sort().map((name) => [name, summarize(groups.get(name)!)]))
}
