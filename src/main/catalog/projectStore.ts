import type Database from 'better-sqlite3'
import { now } from './catalogClock'
import type { Project } from './types'

/** A row of `projects`, as SQLite returns it; it never leaves this file. */
interface ProjectRow { id: number; name: string; root: string; created_at: string; scanned_at: string | null }

const toProject = (r: ProjectRow): Project => ({ id: r.id, name: r.name, root: r.root, createdAt: r.created_at, scannedAt: r.scanned_at })

/** The archive folders the user opened (`projects`). */
export class ProjectStore {
  constructor(private readonly db: Database.Database) {}

  createProject(input: { name: string; root: string }): Project {
    const row = this.db
      .prepare<[string, string, string], ProjectRow>('INSERT INTO projects (name, root, created_at) VALUES (?, ?, ?) RETURNING *')
      .get(input.name, input.root, now())!
    return toProject(row)
  }

  getProject(id: number): Project | undefined {
    const row = this.db.prepare<[number], ProjectRow>('SELECT * FROM projects WHERE id = ?').get(id)
    return row && toProject(row)
  }

  findProjectByRoot(root: string): Project | undefined {
    const row = this.db.prepare<[string], ProjectRow>('SELECT * FROM projects WHERE root = ?').get(root)
    return row && toProject(row)
  }

  listProjects(): Project[] {
    return this.db.prepare<[], ProjectRow>('SELECT * FROM projects ORDER BY name COLLATE NOCASE, id').all().map(toProject)
  }

  /**
   * Removes a project from the library: its photos, versions and jobs go with it (ON DELETE CASCADE).
   * Only the catalog: no file is touched here.
   */
  deleteProject(id: number): void {
    this.db.prepare('DELETE FROM projects WHERE id = ?').run(id)
  }

  markProjectScanned(id: number, at = now()): void {
    this.db.prepare('UPDATE projects SET scanned_at = ? WHERE id = ?').run(at, id)
  }
}
