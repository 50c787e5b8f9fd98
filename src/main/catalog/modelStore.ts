import type Database from 'better-sqlite3'
import type { InstalledModel } from '../../shared/modelCard'
import { ModelCardSchema } from '../../shared/modelCard'
import { now } from './catalogClock'
import type { CatalogModel } from './types'

/** A row of `models`, as SQLite returns it; it never leaves this file. */
interface ModelRow { id: string; name: string; dir: string; origin: 'bundled' | 'user'; card_json: string; updated_at: string }

const toModel = (r: ModelRow): CatalogModel => ({
  id: r.id,
  name: r.name,
  dir: r.dir,
  origin: r.origin,
  card: ModelCardSchema.parse(JSON.parse(r.card_json)),
  updatedAt: r.updated_at
})

/** The models the app has seen installed (`models`), with their cards. */
export class ModelStore {
  constructor(private readonly db: Database.Database) {}

  /** Records the installed models (inserting or refreshing each). Models no longer installed are kept. */
  upsertModels(models: InstalledModel[]): void {
    const statement = this.db.prepare(
      `INSERT INTO models (id, name, dir, origin, card_json, updated_at) VALUES (@id, @name, @dir, @origin, @card_json, @at)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, dir = excluded.dir, origin = excluded.origin,
         card_json = excluded.card_json, updated_at = excluded.updated_at`
    )
    const at = now()
    this.db.transaction(() => {
      for (const model of models) {
        statement.run({ id: model.card.id, name: model.card.name, dir: model.dir, origin: model.origin, card_json: JSON.stringify(model.card), at })
      }
    })()
  }

  listModels(): CatalogModel[] {
    return this.db.prepare<[], ModelRow>('SELECT * FROM models ORDER BY origin, id').all().map(toModel)
  }
}
