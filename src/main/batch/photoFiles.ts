import { readdir, stat } from 'node:fs/promises'
import { extname, join, relative, resolve, sep } from 'node:path'

/** File extensions scanned for photos. */
export const PHOTO_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.tif', '.tiff', '.webp'])

export interface FoundPhoto {
  path: string
  /** Path relative to the folder given (its own name for a single file), used to mirror folders. */
  relative: string
}

/** A file, or every photo under a folder (recursively, hidden entries skipped), in a stable order. */
export async function findPhotos(input: string, exclude?: string): Promise<FoundPhoto[]> {
  const root = resolve(input)
  const info = await stat(root)
  if (info.isFile()) return [{ path: root, relative: root.split(sep).pop()! }]
  const found: FoundPhoto[] = []
  const excluded = exclude ? resolve(exclude) : undefined
  async function walk(dir: string): Promise<void> {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue
      const full = join(dir, entry.name)
      if (excluded && (full === excluded || full.startsWith(excluded + sep))) continue
      if (entry.isDirectory()) await walk(full)
      else if (entry.isFile() && PHOTO_EXTENSIONS.has(extname(entry.name).toLowerCase())) {
        found.push({ path: full, relative: relative(root, full) })
      }
    }
  }
  await walk(root)
  return found
}
