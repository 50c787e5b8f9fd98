import { readdir, stat } from 'node:fs/promises'
import { extname, join, relative, resolve, sep } from 'node:path'
import { isSpecialPath } from '../files/specialFileSystems'

/** File extensions scanned for photos. */
export const PHOTO_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.tif', '.tiff', '.webp'])

export interface FoundPhoto {
  path: string
  /** Path relative to the folder given (its own name for a single file), used to mirror folders. */
  relative: string
}

export interface FindOptions {
  /**
   * A sub-folder that cannot be read (or a special system folder such as /proc, met when scanning /):
   * with this handler it is reported and skipped and the rest is listed; without it, the listing fails.
   */
  onSkippedFolder?: (folder: string, reason: string) => void
}

/** A file, or every photo under a folder (recursively, hidden entries skipped), in a stable order. */
export async function findPhotos(input: string, exclude?: string, options: FindOptions = {}): Promise<FoundPhoto[]> {
  const root = resolve(input)
  const info = await stat(root)
  if (info.isFile()) return [{ path: root, relative: root.split(sep).pop()! }]
  const found: FoundPhoto[] = []
  const excluded = exclude ? resolve(exclude) : undefined
  const skip = options.onSkippedFolder
  async function walk(dir: string): Promise<void> {
    let listed
    try {
      listed = await readdir(dir, { withFileTypes: true })
    } catch (error) {
      if (dir === root || !skip) throw error
      return skip(dir, (error as Error)?.message ?? String(error))
    }
    const entries = listed.sort((a, b) => a.name.localeCompare(b.name))
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue
      const full = join(dir, entry.name)
      if (excluded && (full === excluded || full.startsWith(excluded + sep))) continue
      if (entry.isDirectory() && skip && isSpecialPath(full)) skip(full, 'a special system folder, not photos')
      else if (entry.isDirectory()) await walk(full)
      else if (entry.isFile() && PHOTO_EXTENSIONS.has(extname(entry.name).toLowerCase())) {
        found.push({ path: full, relative: relative(root, full) })
      }
    }
  }
  await walk(root)
  return found
}
