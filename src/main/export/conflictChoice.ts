import { existsSync } from 'node:fs'
import { extname, join } from 'node:path'

/**
 * "Keep both": new names for one photo's export files, with the same " (n)" suffix on each (so an
 * image and its before|after stay a pair), the lowest n for which none exists in the folder and
 * none is planned for another photo (`taken`, lower case). Nothing is replaced.
 */
export function keepBothNames(folder: string, files: string[], taken: Set<string>): string[] {
  for (let n = 2; ; n++) {
    const names = files.map((file) => {
      const ext = extname(file)
      return `${file.slice(0, file.length - ext.length)} (${n})${ext}`
    })
    if (names.every((name) => !taken.has(name.toLowerCase()) && !existsSync(join(folder, name)))) return names
  }
}
