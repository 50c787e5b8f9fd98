import type { Database } from 'better-sqlite3'

/**
 * The catalog's schema, as an ordered list of migrations. Migration i takes a database at schema
 * version i to version i + 1 (kept in `PRAGMA user_version`). Never edit a released migration:
 * append a new one. Each runs in its own transaction, so a failure leaves the previous version.
 */
export type Migration = (db: Database) => void

export const MIGRATIONS: readonly Migration[] = [
  // 1: the library — projects, photos, results (versions) and models.
  (db) => {
    db.exec(`
      CREATE TABLE projects (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        root TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        scanned_at TEXT
      );

      CREATE TABLE photos (
        id INTEGER PRIMARY KEY,
        project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        relative_path TEXT NOT NULL,
        size INTEGER NOT NULL,
        mtime_ms INTEGER NOT NULL,
        content_hash TEXT,
        width INTEGER,
        height INTEGER,
        format TEXT,
        depth TEXT,
        captured_at TEXT,
        colour_class TEXT CHECK (colour_class IN ('bw', 'toned', 'colour')),
        mean_chroma REAL,
        thumbnail_path TEXT,
        status TEXT NOT NULL DEFAULT 'present' CHECK (status IN ('present', 'missing')),
        scan_error TEXT,
        added_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (project_id, relative_path)
      );
      CREATE INDEX photos_by_hash ON photos (project_id, content_hash);
      CREATE INDEX photos_by_class ON photos (project_id, colour_class);
      CREATE INDEX photos_by_date ON photos (project_id, captured_at);

      CREATE TABLE models (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        dir TEXT NOT NULL,
        origin TEXT NOT NULL CHECK (origin IN ('bundled', 'user')),
        card_json TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );

      -- results.model_id is not a foreign key: a version outlives the model that made it.
      CREATE TABLE results (
        id INTEGER PRIMARY KEY,
        photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        model_id TEXT NOT NULL,
        options_json TEXT NOT NULL,
        output_path TEXT,
        created_at TEXT NOT NULL,
        preferred INTEGER NOT NULL DEFAULT 0 CHECK (preferred IN (0, 1)),
        status TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
        error TEXT
      );
      CREATE INDEX results_by_photo ON results (photo_id, created_at);
      CREATE UNIQUE INDEX results_one_preferred ON results (photo_id) WHERE preferred = 1;
    `)
  },
  // 2: the persistent job queue.
  (db) => {
    db.exec(`
      CREATE TABLE jobs (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'paused', 'done', 'failed', 'cancelled')),
        options_json TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE job_items (
        job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
        error TEXT,
        PRIMARY KEY (job_id, photo_id)
      );
      CREATE INDEX job_items_by_status ON job_items (job_id, status);
    `)
  },
  // 3: the colorize queue — jobs know their project and why they stopped; items keep their order,
  // the version they made and their duration, and may be 'skipped' (already in colour). SQLite cannot
  // change a CHECK constraint in place, so job_items is rebuilt (nothing references it).
  (db) => {
    db.exec(`
      ALTER TABLE jobs ADD COLUMN project_id INTEGER REFERENCES projects(id) ON DELETE CASCADE;
      ALTER TABLE jobs ADD COLUMN error TEXT;
      CREATE INDEX jobs_by_project ON jobs (project_id, id);
      CREATE INDEX jobs_by_status ON jobs (kind, status, id);
      CREATE TABLE job_items_v3 (
        job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'skipped', 'cancelled')),
        error TEXT,
        result_id INTEGER REFERENCES results(id) ON DELETE SET NULL,
        millis REAL,
        PRIMARY KEY (job_id, photo_id)
      );
      INSERT INTO job_items_v3 (job_id, photo_id, position, status, error)
        SELECT job_id, photo_id, rowid, status, error FROM job_items;
      DROP TABLE job_items;
      ALTER TABLE job_items_v3 RENAME TO job_items;
      CREATE INDEX job_items_by_status ON job_items (job_id, status, position);
      CREATE INDEX job_items_by_result ON job_items (result_id);
    `)
  },
  // 4: files Koalarize writes outside its own folders. exported_files: every export written (real path,
  // device, inode, size and modification time), so that an export may replace an earlier export of
  // ours, unchanged since, and nothing else.
  // pending_files: a journal of temporary files being written, removed by the next start if a crash
  // left them behind.
  (db) => {
    db.exec(`
      CREATE TABLE exported_files (
        path TEXT PRIMARY KEY,
        dev TEXT NOT NULL,
        ino TEXT NOT NULL,
        size INTEGER NOT NULL,
        mtime_ns TEXT NOT NULL,
        photo_id INTEGER,
        result_id INTEGER,
        exported_at TEXT NOT NULL
      );
      CREATE TABLE pending_files (
        path TEXT PRIMARY KEY,
        created_at TEXT NOT NULL
      );
    `)
  },
  // 5: ids are never reused (AUTOINCREMENT): a deleted version's id must not come back, or an old
  // media URL would show another image. SQLite cannot add AUTOINCREMENT in place: each table is rebuilt
  // from its own definition (migrate turns foreign keys off meanwhile, so nothing cascades).
  (db) => {
    for (const table of ['projects', 'photos', 'results', 'jobs']) rebuildWithAutoincrement(db, table)
  },
  // 6: whether a photo's colour class is in doubt (B&W or toned, but it may be colour). NULL: facts read
  // before doubt was measured; the next scan reads them again.
  (db) => {
    db.exec('ALTER TABLE photos ADD COLUMN colour_doubtful INTEGER')
  },
  // 7: the working size has one name end to end: colorize options saved as `detail` become `workingSize`.
  renameWorkingSize
]

/** Renames the key `detail` to `workingSize` in the saved options of colorize jobs and of versions, keeping its value. */
export function renameWorkingSize(db: Database): void {
  const rename = `options_json = json_set(json_remove(options_json, '$.detail'), '$.workingSize', json_extract(options_json, '$.detail'))`
  const saved = `json_type(options_json, '$.detail') IS NOT NULL`
  db.exec(`UPDATE jobs SET ${rename} WHERE kind = 'colorize' AND ${saved}`)
  db.exec(`UPDATE results SET ${rename} WHERE ${saved}`)
}

function rebuildWithAutoincrement(db: Database, table: string): void {
  const definition = db.prepare<[string], { sql: string }>("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").get(table)!.sql
  const indexes = db
    .prepare<[string], { sql: string }>("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL")
    .all(table)
  const rebuilt = definition
    .replace(/^CREATE TABLE\s+("?)\w+\1/, `CREATE TABLE ${table}_rebuilt`)
    .replace(/\bid INTEGER PRIMARY KEY\b(?! AUTOINCREMENT)/, 'id INTEGER PRIMARY KEY AUTOINCREMENT')
  if (!rebuilt.includes('AUTOINCREMENT')) throw new Error(`cannot add AUTOINCREMENT to ${table}`)
  db.exec(rebuilt)
  db.exec(`INSERT INTO ${table}_rebuilt SELECT * FROM ${table}`)
  db.exec(`DROP TABLE ${table}`)
  db.exec(`ALTER TABLE ${table}_rebuilt RENAME TO ${table}`)
  for (const index of indexes) db.exec(index.sql)
}

export const LATEST_SCHEMA_VERSION = MIGRATIONS.length

export class CatalogVersionError extends Error {}

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number
}

/**
 * Brings the database up to the last migration; returns the versions it went from and to. Foreign keys
 * are off while migrating (so that rebuilding a table cascades nothing), and each migration must leave
 * no more broken references than it found (PRAGMA foreign_key_check), or it is rolled back.
 */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): { from: number; to: number } {
  const from = schemaVersion(db)
  if (from > migrations.length) {
    throw new CatalogVersionError(
      `catalog schema version ${from} is newer than this Koalarize understands (${migrations.length}); update Koalarize`
    )
  }
  if (from === migrations.length) return { from, to: from }
  const foreignKeys = db.pragma('foreign_keys', { simple: true }) === 1
  db.pragma('foreign_keys = OFF')
  try {
    for (let version = from; version < migrations.length; version++) {
      db.transaction(() => {
        const broken = brokenReferences(db)
        migrations[version]!(db)
        if (brokenReferences(db) > broken) throw new Error(`catalog migration ${version + 1} would break references between tables`)
        db.pragma(`user_version = ${version + 1}`)
      })()
    }
  } finally {
    if (foreignKeys) db.pragma('foreign_keys = ON')
  }
  return { from, to: migrations.length }
}

const brokenReferences = (db: Database): number => (db.pragma('foreign_key_check') as unknown[]).length
