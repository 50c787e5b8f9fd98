import { statfs } from 'node:fs/promises'
import { dirname, sep } from 'node:path'
import { realFolder } from './fileIdentity'

/**
 * Pseudo file systems hold no photos, and file calls on them can misbehave (Node's recursive mkdir
 * under /proc loops for ever; listing /proc or /sys fails on entries that vanish or refuse reading).
 * They are refused up front, by real path (/proc, /sys, /dev) and, on Linux, by file-system type.
 */

export const SPECIAL_ROOTS = process.platform === 'win32' ? [] : ['/proc', '/sys', '/dev']

/** statfs magic numbers of Linux pseudo file systems (proc, sysfs, devpts, debugfs, tracefs, cgroup…). */
const PSEUDO_TYPES = new Set([
  0x9fa0, 0x62656572, 0x1cd1, 0x64626720, 0x74726163, 0x27e0eb, 0x63677270, 0x73636673, 0xcafe4a11, 0x6e736673,
  0x42494e4d, 0x50495045, 0x534f434b, 0x62646576, 0xf97cff8c, 0x43415d53, 0x6165676c, 0x19800202, 0xde5e81e4,
  0x65735543, 0x62656570
])

/** True when `path` (already resolved) is a special system folder or inside one. */
export const isSpecialPath = (path: string): boolean => SPECIAL_ROOTS.some((root) => path === root || path.startsWith(root + sep))

/** Why `folder` cannot be used for photos (a special system folder), or null when it can. */
export async function specialFolderProblem(folder: string): Promise<string | null> {
  const real = await realFolder(folder)
  const refuse = (what: string) => `${folder} is ${what}, not a folder of photos; choose a folder of your own`
  if (isSpecialPath(real)) return refuse(`in the system folder ${SPECIAL_ROOTS.find((root) => real === root || real.startsWith(root + sep))}`)
  const type = await fileSystemType(real)
  return type !== undefined && PSEUDO_TYPES.has(type) ? refuse('on a special system file system') : null
}

/** The statfs type of the nearest existing folder at or above `path` (undefined where unknown). */
async function fileSystemType(path: string): Promise<number | undefined> {
  for (let at = path; ; at = dirname(at)) {
    const info = await statfs(at).catch(() => undefined)
    if (info) return Number(info.type)
    if (dirname(at) === at) return undefined
  }
}
