import { lstat, realpath, stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

/** Files compared as the file system knows them (real path, device, inode), never by the text of a path. */

/** A file as the file system knows it: real path (symbolic links resolved), device and inode. */
export interface FileIdentity {
  real: string
  dev: string
  ino: string
}

/** A file as it is now: its identity, size and modification time (nanoseconds, as text). */
export interface FileState extends FileIdentity {
  size: number
  mtimeNs: string
}

export interface ExistingFile extends FileState {
  links: number
}

const isMissing = (error: unknown): boolean => ['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException)?.code ?? '')

/** The file at `path` (a symbolic link followed; a dangling one is itself the file), or undefined when there is none. */
export async function existingFile(path: string): Promise<ExistingFile | undefined> {
  let info
  let real
  try {
    info = await stat(path, { bigint: true })
    real = await realpath(path)
  } catch (error) {
    if (!isMissing(error)) throw error
    info = await lstat(path, { bigint: true }).catch((inner: unknown) => {
      if (isMissing(inner)) return undefined
      throw inner
    })
    if (!info) return undefined
    real = join(await realFolder(dirname(path)), basename(path))
  }
  const { dev, ino, size, mtimeNs, nlink } = info
  return { real, dev: String(dev), ino: String(ino), size: Number(size), mtimeNs: String(mtimeNs), links: Number(nlink) }
}

/** The real path of a folder; for one that does not exist yet, through its nearest existing parent. */
export async function realFolder(path: string): Promise<string> {
  try {
    return await realpath(path)
  } catch {
    const parent = dirname(path)
    return parent === path ? path : join(await realFolder(parent), basename(path))
  }
}

/**
 * A set of files that must never be written (a command's inputs): an output is refused when its real
 * location is one of them, or when the file already there is one of them (same device and inode: a
 * hard link, or a symbolic link to it).
 */
export class FileSet {
  private constructor(
    private readonly reals: Set<string>,
    private readonly identities: Set<string>
  ) {}

  static async of(paths: string[]): Promise<FileSet> {
    const reals = new Set<string>()
    const identities = new Set<string>()
    for (const path of paths) {
      const file = await existingFile(path)
      if (!file) continue
      reals.add(file.real)
      identities.add(`${file.dev}:${file.ino}`)
    }
    return new FileSet(reals, identities)
  }

  /** True when writing `path` (a temporary file, then a rename onto it) would replace one of the files. */
  async holds(path: string): Promise<boolean> {
    const location = join(await realFolder(dirname(path)), basename(path))
    if (this.reals.has(location)) return true
    const file = await existingFile(path)
    return file !== undefined && (this.reals.has(file.real) || this.identities.has(`${file.dev}:${file.ino}`))
  }
}
