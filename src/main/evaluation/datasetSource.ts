import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, extname, join, posix, resolve, sep } from 'node:path'
import { extract, list } from 'tar'
import { findPhotos, PHOTO_EXTENSIONS } from '../batch/photoFiles'

/** One colour photo to evaluate on. */
export interface DatasetPhoto {
  /** Tar member name, or the path relative to the folder given (always with '/'). */
  id: string
  /** Where the file is readable now (extracted into a temp folder for tar input). */
  path: string
  /** From the manifest, when there is one and it lists the photo. */
  source?: string
  category?: string
}

/** The manifest columns the evaluation uses (datasets/README.md: member, shard, split, source, …, category). */
export interface ManifestEntry {
  member: string
  split?: string
  source?: string
  category?: string
}

export interface Dataset {
  input: string
  kind: 'folder' | 'tar'
  /** The manifest read, or null when there is none. */
  manifest: string | null
  /** Photos found in the input, before --limit. */
  available: number
  /** The photos chosen: in a stable order (see byId), the first `limit` of them. */
  photos: DatasetPhoto[]
  /** Removes what was extracted. */
  close(): Promise<void>
}

export interface DatasetOptions {
  /** Keep the first N photos (by id). */
  limit?: number
  /** A manifest.tsv; undefined: use manifest.tsv next to a .tar (or inside a folder) when there is one; null: none. */
  manifest?: string | null
}

export class DatasetError extends Error {}

const isPhotoName = (name: string): boolean => PHOTO_EXTENSIONS.has(extname(name).toLowerCase())
const byId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/**
 * Tar members: stable order by file name, then by full name. The corpus names its files by a hash
 * (`<source>/<16 hex>.jpg`), so a `--limit` sample mixes all sources instead of taking the first ones.
 */
const byFileName = (a: string, b: string): number => {
  const nameA = a.slice(a.lastIndexOf('/') + 1)
  const nameB = b.slice(b.lastIndexOf('/') + 1)
  if (nameA !== nameB) return nameA < nameB ? -1 : 1
  return a < b ? -1 : a > b ? 1 : 0
}

/** Parses a tab-separated manifest with a header row that has at least a `member` column. */
export function parseManifest(text: string): Map<string, ManifestEntry> {
  const lines = text.split(/\r?\n/).filter((line) => line.length > 0)
  const header = (lines.shift() ?? '').split('\t')
  const column = (name: string): number => header.indexOf(name)
  const member = column('member')
  if (member < 0) throw new DatasetError('manifest has no "member" column in its header row')
  const [split, source, category] = [column('split'), column('source'), column('category')]
  const cell = (cells: string[], index: number): string | undefined => (index >= 0 && cells[index] ? cells[index] : undefined)
  const entries = new Map<string, ManifestEntry>()
  for (const line of lines) {
    const cells = line.split('\t')
    const name = cells[member]
    if (!name) continue
    entries.set(name, { member: name, split: cell(cells, split), source: cell(cells, source), category: cell(cells, category) })
  }
  return entries
}

/** manifest.tsv beside a tar file, or inside a folder, when it exists. */
export function defaultManifestPath(input: string, kind: Dataset['kind']): string | null {
  const candidate = join(kind === 'tar' ? dirname(input) : input, 'manifest.tsv')
  return existsSync(candidate) ? candidate : null
}

/** Photo members of a tar file (regular files with a photo extension and a safe relative name). */
export async function listTarPhotos(file: string): Promise<string[]> {
  const names: string[] = []
  await list({
    file,
    onReadEntry: (entry) => {
      const name = entry.path
      const safe = !posix.isAbsolute(name) && !name.split('/').includes('..')
      if (entry.type === 'File' && safe && isPhotoName(name)) names.push(name)
    }
  })
  return names
}

async function extractMembers(file: string, members: string[], into: string): Promise<void> {
  const wanted = new Set(members)
  await extract({ file, cwd: into, filter: (path) => wanted.has(path) })
  const missing = members.filter((name) => !existsSync(join(into, ...name.split('/'))))
  if (missing.length) throw new DatasetError(`could not extract ${missing.length} member(s) of ${file}, e.g. ${missing[0]}`)
}

function attachManifest(photos: DatasetPhoto[], manifest: Map<string, ManifestEntry> | null): DatasetPhoto[] {
  if (!manifest) return photos
  return photos.map((photo) => {
    const entry = manifest.get(photo.id)
    return entry ? { ...photo, source: entry.source, category: entry.category } : photo
  })
}

/** Opens a folder (recursively: jpg/png/tif/webp) or a .tar of colour photos, with an optional manifest. */
export async function openDataset(input: string, options: DatasetOptions = {}): Promise<Dataset> {
  const root = resolve(input)
  const info = await stat(root).catch(() => null)
  if (!info) throw new DatasetError(`input not found: ${root}`)
  const kind: Dataset['kind'] = info.isDirectory() ? 'folder' : 'tar'
  if (kind === 'tar' && extname(root).toLowerCase() !== '.tar') throw new DatasetError(`input must be a folder or a .tar file: ${root}`)

  const manifestPath = options.manifest === undefined ? defaultManifestPath(root, kind) : options.manifest && resolve(options.manifest)
  if (manifestPath && !existsSync(manifestPath)) throw new DatasetError(`manifest not found: ${manifestPath}`)
  const manifest = manifestPath ? parseManifest(await readFile(manifestPath, 'utf8')) : null
  const take = <T>(items: T[]): T[] => (options.limit === undefined ? items : items.slice(0, options.limit))

  if (kind === 'folder') {
    const found = (await findPhotos(root)).map((photo) => ({ id: photo.relative.split(sep).join('/'), path: photo.path }))
    const chosen = take(found.sort((a, b) => byId(a.id, b.id)))
    return { input: root, kind, manifest: manifestPath, available: found.length, photos: attachManifest(chosen, manifest), close: async () => {} }
  }

  const members = (await listTarPhotos(root)).sort(byFileName)
  const chosen = take(members)
  const scratch = await mkdtemp(join(tmpdir(), 'koalarize-eval-data-'))
  const close = (): Promise<void> => rm(scratch, { recursive: true, force: true })
  try {
    await extractMembers(root, chosen, scratch)
  } catch (error) {
    await close()
    throw error
  }
  const photos = chosen.map((id) => ({ id, path: join(scratch, ...id.split('/')) }))
  return { input: root, kind, manifest: manifestPath, available: members.length, photos: attachManifest(photos, manifest), close }
}
