import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'

/** Files and bytes under a folder, recursively (0 when it does not exist). */
export async function folderSize(dir: string): Promise<{ files: number; bytes: number }> {
  const total = { files: 0, bytes: 0 }
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => [])
  for (const entry of entries) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) {
      const inner = await folderSize(path)
      total.files += inner.files
      total.bytes += inner.bytes
    } else if (entry.isFile()) {
      total.files++
      total.bytes += (await stat(path)).size
    }
  }
  return total
}
