import { stat } from 'node:fs/promises'
import { isAbsolute, join, resolve, sep } from 'node:path'
import { ApiError } from '../../shared/api/errors'

/**
 * File-system failures (Node's `ENOENT`, `ENOTDIR`…) as sentences that name the file and say what to
 * do, for errors that would otherwise reach people as "ENOTDIR: not a directory, mkdir '…'".
 */

const FILE_PROBLEMS: Record<string, (path: string) => string> = {
  ENOENT: (path) => `${path} does not exist. Check the path and try again.`,
  ENOTDIR: (path) => `Part of ${path} is a file, not a folder. Choose a folder instead.`,
  EISDIR: (path) => `${path} is a folder, where a file was expected.`,
  EACCES: (path) => `Koalarize is not allowed to use ${path}. Check its permissions, or choose another folder.`,
  EPERM: (path) => `Koalarize is not allowed to use ${path}. Check its permissions, or choose another folder.`,
  EEXIST: (path) => `${path} exists already. Choose another name or folder.`,
  ENOSPC: (path) => `The disk is full (writing ${path}). Free some space and try again.`,
  EROFS: (path) => `${path} is on a read-only disk. Choose another folder.`,
  ENAMETOOLONG: (path) => `The path ${path} is too long. Choose a shorter folder or file name.`
}

/** Node's own message shape: "ENOTDIR: not a directory, mkdir '/a/b'". */
const NODE_MESSAGE = /^(E[A-Z]+): [^,]*, \w+ '([^']*)'/

/** The plain sentence for a file-system error, or undefined when `error` is not one. */
export function describeFileError(error: unknown): string | undefined {
  const { code, path, message } = (error ?? {}) as { code?: unknown; path?: unknown; message?: unknown }
  const parsed = typeof message === 'string' ? NODE_MESSAGE.exec(message) : null
  const errno = typeof code === 'string' ? code : parsed?.[1]
  const file = typeof path === 'string' ? path : parsed?.[2]
  const describe = errno ? FILE_PROBLEMS[errno] : undefined
  return describe && file ? describe(file) : undefined
}

/**
 * The folder a person typed or chose, resolved, or an ApiError that says what is wrong with it in
 * their words: not a full path, nothing there, a file rather than a folder.
 */
export async function requireFolder(folder: string): Promise<string> {
  if (!isAbsolute(folder)) {
    throw new ApiError('bad_request', `Type the folder's full path, starting from the top of the disk (like ${join(sep, 'home', 'you', 'Pictures')}), not "${folder}".`)
  }
  const root = resolve(folder)
  const info = await stat(root).catch((error: unknown) => error as NodeJS.ErrnoException)
  if (info instanceof Error) {
    if (info.code === 'ENOENT') throw new ApiError('bad_request', `There is no folder at ${root}. Check the path for typing mistakes, or whether its disk is connected.`)
    throw new ApiError('bad_request', describeFileError({ code: info.code, path: root }) ?? `${root} cannot be opened (${info.code ?? info.message}).`)
  }
  if (!info.isDirectory()) throw new ApiError('bad_request', `${root} is a file, not a folder. Choose the folder that holds it.`)
  return root
}
