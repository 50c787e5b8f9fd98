import sharp, { type OutputInfo, type Sharp } from 'sharp'
import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { basename, extname, isAbsolute, join, resolve } from 'node:path'
import type { ExportRequest, ExportResultDto } from '../../shared/api/schemas'
import type { CatalogStore } from '../catalog/catalogStore'
import type { Photo, Project, Result } from '../catalog/types'
import { encodeAs, FORMAT_EXTENSIONS } from '../imaging/encoders'
import { MAX_MEGAPIXELS } from '../imaging/photoReader'
import { isWithin } from '../files/pathContainment'
import { applyNamingPattern } from './namingPattern'
import { FileExistsError, ProtectedFileError, writeExportFile } from './exportFile'
import { realFolder } from '../files/fileIdentity'
import { withTimeLimit } from '../files/timeLimit'
import { keepBothNames } from './conflictChoice'
import { firstReplaceProblem } from './replaceGuard'

/** The export cannot be done as asked (the API answers bad_request); nothing was written. */
export class ExportRefusedError extends Error {}

export interface ExportProgress {
  done: number
  total: number
}

interface PlannedExport {
  photo: Photo
  project: Project
  version: Result
  /** File names inside the target folder: the export, then the before|after image if asked for. */
  files: string[]
}

/** The version a photo exports: its preferred one, else its latest finished one. */
export function versionToExport(store: CatalogStore, photoId: number): Result | undefined {
  const finished = store.resultsOfPhoto(photoId).filter((r) => r.status === 'done' && r.outputPath !== null)
  return finished.find((r) => r.preferred) ?? finished.at(-1)
}

/**
 * Exports the chosen version of each photo into a folder the user chose, as JPEG, PNG, TIFF (8- or
 * 16-bit) or WebP, named by a pattern, with the version's metadata (the original's EXIF / IPTC / XMP,
 * its ICC profile, and our provenance note) — and optionally a before|after image beside it.
 *
 * Safe by default: a target inside any project's archive folder is refused unless
 * `allowArchiveFolder`; when any file would be replaced and `overwrite` is not set, nothing is written
 * and the conflicts are returned; every file appears atomically (temporary name, then rename — and a
 * hard link instead of the rename when not overwriting, so that a file appearing meanwhile is not
 * replaced either). Whatever the flags, an export replaces nothing but an earlier export of ours
 * (replaceGuard: never an original, a version, or any other file of the user's): a replace that would is
 * refused as a whole, naming the file, before anything is written.
 *
 * Limits: TIFF carries XMP, IPTC and ICC but not EXIF (libvips' TIFF writer); the provenance note is in
 * the XMP, so it survives. 16-bit TIFF is written by sharp (rgb16): versions of 16-bit originals are 16-bit
 * PNGs, so it carries their precision; from an 8-bit version it is padding. Other formats get 8 bits.
 */
export async function exportPhotos(
  store: CatalogStore,
  request: ExportRequest,
  onProgress: (progress: ExportProgress) => void = () => {}
): Promise<ExportResultDto> {
  if (!isAbsolute(request.folder)) throw new ExportRefusedError('the export folder must be an absolute path')
  const folder = resolve(request.folder)
  if (!request.allowArchiveFolder) await refuseArchiveFolder(store, folder)

  const result: ExportResultDto = { folder, written: [], conflicts: [], skipped: [] }
  const ext = FORMAT_EXTENSIONS[request.format]
  let planned: PlannedExport[] = []
  const owners = new Map<string, number>()
  const count = request.photoIds.length
  for (const [position, photoId] of request.photoIds.entries()) {
    const photo = store.getPhoto(photoId)
    const project = photo && store.getProject(photo.projectId)
    if (!photo || !project) {
      result.skipped.push({ photoId, reason: 'no such photo in the library' })
      continue
    }
    const version = versionToExport(store, photoId)
    if (!version) {
      result.skipped.push({ photoId, reason: 'not colorized yet' })
      continue
    }
    const stem = applyNamingPattern(request.naming, {
      name: basename(photo.relativePath, extname(photo.relativePath)),
      model: version.modelId,
      date: version.createdAt.slice(0, 10),
      index: position + 1,
      count
    })
    const files = [stem + ext, ...(request.sideBySide ? [`${stem}-before-after${ext}`] : [])]
    for (const file of files) {
      // Case-insensitive: two names differing only in case are one file on Windows and macOS.
      const key = file.toLowerCase()
      const other = owners.get(key)
      if (other !== undefined) {
        throw new ExportRefusedError(
          `the naming pattern gives photos ${other} and ${photoId} the same file name "${file}"; add {index} or {name} to it`
        )
      }
      owners.set(key, photoId)
    }
    planned.push({ photo, project, version, files })
  }

  // The choice for files that exist: skipping or renaming comes first, so that nothing of theirs is replaced.
  const choice = request.overwrite ? 'replace' : request.onConflict
  const existing = (item: PlannedExport) => item.files.filter((file) => existsSync(join(folder, file)))
  if (choice === 'skip') {
    for (const item of planned.filter((item) => existing(item).length > 0)) {
      result.skipped.push({ photoId: item.photo.id, reason: `${existing(item).join(', ')} is already in the folder (skipped, as chosen)` })
    }
    planned = planned.filter((item) => existing(item).length === 0)
  } else if (choice === 'keep-both') {
    for (const item of planned.filter((item) => existing(item).length > 0)) {
      item.files = keepBothNames(folder, item.files, new Set(owners.keys()))
      for (const file of item.files) owners.set(file.toLowerCase(), item.photo.id)
    }
  }
  const overwrite = choice === 'replace'
  if (overwrite) {
    // Only files we created may be replaced (replaceGuard); asking first lists conflicts and writes nothing.
    const problem = await firstReplaceProblem(store, planned.flatMap((item) => item.files.map((file) => join(folder, file))))
    if (problem) throw new ExportRefusedError(problem)
  }
  for (const item of planned) for (const file of existing(item)) result.conflicts.push({ photoId: item.photo.id, file })
  if (result.conflicts.length > 0 && !overwrite) return result
  result.conflicts = []

  await withTimeLimit(mkdir(folder, { recursive: true }), `Making the folder ${folder}`)
  let done = 0
  for (const item of planned) {
    const versionFile = item.version.outputPath!
    try {
      if (!existsSync(versionFile)) throw new Error('the version file is missing from the cache (colorize the photo again)')
      const from = { photoId: item.photo.id, resultId: item.version.id }
      await writeExportFile(store, join(folder, item.files[0]!), from, overwrite, (partial) =>
        encode(exportImage(versionFile, request.format), request).toFile(partial)
      )
      if (request.sideBySide) {
        const image = await beforeAfterImage(join(item.project.root, item.photo.relativePath), versionFile)
        await writeExportFile(store, join(folder, item.files[1]!), from, overwrite, (partial) => encode(image, request).toFile(partial))
      }
      result.written.push({ photoId: item.photo.id, versionId: item.version.id, files: item.files })
    } catch (error) {
      if (error instanceof FileExistsError) result.conflicts.push({ photoId: item.photo.id, file: basename(error.message) })
      else if (error instanceof ProtectedFileError) result.skipped.push({ photoId: item.photo.id, reason: error.message })
      else result.skipped.push({ photoId: item.photo.id, reason: (error as Error)?.message ?? String(error) })
    }
    onProgress({ done: ++done, total: planned.length })
  }
  return result
}

/** Refuses a target folder that is, or is inside, a project's archive folder (symbolic links resolved). */
async function refuseArchiveFolder(store: CatalogStore, folder: string): Promise<void> {
  const target = await realFolder(folder)
  for (const project of store.listProjects()) {
    const root = await realFolder(project.root)
    if (isWithin(root, target)) {
      throw new ExportRefusedError(
        `${folder} is inside the archive folder of project "${project.name}"; choose another folder (or allow writing into the archive explicitly)`
      )
    }
  }
}

/** The version as it will be encoded: all its metadata kept (EXIF, IPTC, XMP with provenance, ICC). */
function exportImage(versionFile: string, format: ExportRequest['format']): Sharp {
  const image = sharp(versionFile, { limitInputPixels: false }).keepMetadata()
  // JPEG has no alpha: composite transparent areas on white rather than black.
  return format === 'jpeg' ? image.flatten({ background: '#ffffff' }) : image
}

function encode(image: Sharp, { format, quality, tiffBitDepth }: ExportRequest): Sharp {
  const sixteenBits = format === 'tiff' && tiffBitDepth === 16
  return encodeAs(sixteenBits ? image.toColourspace('rgb16') : image, { format, quality })
}

/**
 * The original (left) and the colorized version (right) side by side at the version's height, in
 * sRGB, carrying the version's XMP (so the provenance note goes along).
 */
async function beforeAfterImage(originalFile: string, versionFile: string): Promise<Sharp> {
  const after = await sharp(versionFile, { limitInputPixels: false })
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true })
  const height = after.info.height
  let before
  try {
    before = await sharp(originalFile, { limitInputPixels: MAX_MEGAPIXELS * 1_000_000, failOn: 'error' })
      .autoOrient()
      .flatten({ background: '#ffffff' })
      .resize({ height })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true })
  } catch (error) {
    throw new Error(`the original could not be read for the before|after image (${(error as Error).message.split('\n')[0]})`)
  }
  const raw = (info: OutputInfo) => ({ width: info.width, height: info.height, channels: info.channels as 3 })
  const { xmp } = await sharp(versionFile).metadata()
  let image = sharp({ create: { width: before.info.width + after.info.width, height, channels: 3, background: '#ffffff' } })
    .composite([
      { input: before.data, raw: raw(before.info), left: 0, top: 0 },
      { input: after.data, raw: raw(after.info), left: before.info.width, top: 0 }
    ])
    .withIccProfile('srgb')
  if (xmp) image = image.withXmp(xmp.toString('utf8'))
  // Composite first, so that the encoder (and rgb16 for 16-bit TIFF) sees the whole canvas.
  const { data, info } = await image.png().toBuffer({ resolveWithObject: true })
  let composed = sharp(data).keepMetadata()
  if (info.channels === 4) composed = composed.removeAlpha()
  return composed
}
