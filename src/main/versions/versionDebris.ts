import { readdir, rm, rmdir, stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import type { CatalogStore } from '../catalog/catalogStore'
import { isBelow } from '../files/pathContainment'

/**
 * What a crash can leave in the versions folder (`<versions>/<project>/<photo>/<result>.png`): the
 * pipeline's temporary files (`.<name>.<8 hex>.partial`), and version files whose catalog row is gone
 * (deleted just before the crash). Only files named as ours are touched; ids are never reused, so a
 * file without its row is no one's.
 */

const PARTIAL = /^\..+\.[0-9a-f]{8}\.partial$/
const VERSION = /^(\d+)\.png$/
const ID = /^\d+$/

/** Removes the debris; call at start-up, before any job runs. Returns the paths removed. */
export async function removeVersionDebris(store: CatalogStore, versionsDir: string): Promise<string[]> {
  const removed: string[] = []
  const known = store.db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM results WHERE id = ?')
  for (const folder of await photoFolders(versionsDir)) {
    for (const name of await readdir(folder).catch(() => [])) {
      const version = VERSION.exec(name)
      const orphan = version !== null && (known.get(Number(version[1]))?.n ?? 0) === 0
      if (!orphan && !PARTIAL.test(name)) continue
      await rm(join(folder, name), { force: true })
      removed.push(join(folder, name))
    }
  }
  return removed
}

/**
 * Removes a version file and the temporary files it was being written under (a worker killed mid-write
 * leaves its `.partial` behind): for a photo stopped or crashed, whose version is dropped.
 */
export async function removeVersionFile(output: string): Promise<void> {
  const name = basename(output)
  const folder = dirname(output)
  const partials = (await readdir(folder).catch(() => [])).filter((f) => PARTIAL.test(f) && f.startsWith(`.${name}.`))
  for (const file of [name, ...partials]) await rm(join(folder, file), { force: true })
}

/** Size of the versions the catalog knows in this folder (nothing else there is counted). */
export async function versionsSize(store: CatalogStore, versionsDir: string): Promise<{ files: number; bytes: number }> {
  const total = { files: 0, bytes: 0 }
  const paths = store.db
    .prepare<[], { path: string }>("SELECT output_path AS path FROM results WHERE status = 'done' AND output_path IS NOT NULL")
    .all()
  for (const { path } of paths) {
    if (!isBelow(versionsDir, path)) continue
    const info = await stat(path).catch(() => undefined)
    if (!info?.isFile()) continue
    total.files++
    total.bytes += info.size
  }
  return total
}

/** Removes a project's version files (named as ours) and their folders once empty; call after its catalog rows are gone. */
export async function removeProjectVersions(versionsDir: string, projectId: number): Promise<void> {
  const projectDir = join(versionsDir, String(projectId))
  for (const photo of await readdir(projectDir).catch(() => [])) {
    if (!ID.test(photo)) continue
    for (const name of await readdir(join(projectDir, photo)).catch(() => [])) {
      if (VERSION.test(name) || PARTIAL.test(name)) await rm(join(projectDir, photo, name), { force: true })
    }
    await rmdir(join(projectDir, photo)).catch(() => undefined) // only when empty
  }
  await rmdir(projectDir).catch(() => undefined)
}

async function photoFolders(versionsDir: string): Promise<string[]> {
  const folders: string[] = []
  for (const project of await readdir(versionsDir).catch(() => [])) {
    if (!ID.test(project)) continue
    for (const photo of await readdir(join(versionsDir, project)).catch(() => [])) {
      if (ID.test(photo)) folders.push(join(versionsDir, project, photo))
    }
  }
  return folders
}
