import { stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { CatalogStore } from '../catalog/catalogStore'
import { isRecordedExport, originalsOfSize } from '../catalog/fileRecords'
import { existingFile, realFolder, type ExistingFile } from '../files/fileIdentity'
import type { Project } from '../catalog/types'
import { isWithin } from '../files/pathContainment'

/**
 * Which existing files an export may replace: only an earlier export of ours (recorded with the same real
 * path, device and inode, and unchanged since: same size and modification time), wherever it is. So never
 * an original photo of any project (the same file by device and inode: a hard link or a symbolic link to
 * it counts), never a version in the cache, and never any other file of the user's, inside a project's
 * folder or not: Koalarize replaces only what it created. Paths are compared after resolving symbolic links.
 */

/** Why `target` must not be replaced by an export, in words that name it; null when it may be (or does not exist). */
export async function replaceProblem(store: CatalogStore, target: string): Promise<string | null> {
  const file = await existingFile(target)
  if (!file) return null
  const original = await sameOriginal(store, file)
  if (original) {
    return `${target} is the original photo "${original.relativePath}" of project "${original.projectName}"; an export never replaces an original`
  }
  if (isVersionFile(store, [target, file.real])) return `${target} is a colorized version in Koalarize's cache; an export never replaces it`
  if (isRecordedExport(store, file)) return null
  const project = await projectHolding(store, file.real)
  if (project) {
    return `${target} is a file in the folder of project "${project.name}" that Koalarize did not export; an export never replaces it`
  }
  return `${target} is a file that Koalarize did not export (or that changed since); an export never replaces it`
}

/** The first problem among these targets (naming the file, and how many more there are), or null. */
export async function firstReplaceProblem(store: CatalogStore, targets: string[]): Promise<string | null> {
  const problems: string[] = []
  for (const target of targets) {
    const problem = await replaceProblem(store, target)
    if (problem) problems.push(problem)
  }
  if (problems.length === 0) return null
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more file(s) like it)` : ''
  return `${problems[0]}${more}; nothing was exported: choose another folder or another naming pattern`
}

/** The original this file is (same device and inode), if any. Candidates are found by size, or all when it has other hard links. */
async function sameOriginal(store: CatalogStore, file: ExistingFile) {
  for (const original of originalsOfSize(store, file.links > 1 ? null : file.size)) {
    const info = await stat(join(original.root, original.relativePath), { bigint: true }).catch(() => undefined)
    if (info && String(info.dev) === file.dev && String(info.ino) === file.ino) return original
  }
  return undefined
}

function isVersionFile(store: CatalogStore, paths: string[]): boolean {
  const statement = store.db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM results WHERE output_path = ?')
  return paths.some((path) => (statement.get(resolve(path))?.n ?? 0) > 0)
}

/** The project whose folder (real path) holds this real path, if any. */
async function projectHolding(store: CatalogStore, real: string): Promise<Project | undefined> {
  for (const project of store.listProjects()) {
    const root = await realFolder(project.root)
    if (isWithin(root, real)) return project
  }
  return undefined
}
