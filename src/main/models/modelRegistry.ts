import { readdir, readFile, stat } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { ModelCardSchema, type InstalledModel } from '../../shared/modelCard'
import { DEFAULT_MODEL_ID } from '../../shared/api/schemas'
import { locateBackbone } from './backbones'

export { DEFAULT_MODEL_ID }

export class ModelNotFoundError extends Error {}

/** Reads a model folder (model.json + ONNX files) and validates its card. */
export async function readModelFolder(dir: string, origin: InstalledModel['origin']): Promise<InstalledModel> {
  const cardPath = join(dir, 'model.json')
  let raw: unknown
  try {
    raw = JSON.parse(await readFile(cardPath, 'utf8'))
  } catch (error) {
    throw new ModelNotFoundError(`no readable model.json in ${dir}: ${(error as Error).message}`)
  }
  const parsed = ModelCardSchema.safeParse(raw)
  if (!parsed.success) {
    throw new Error(`invalid model card ${cardPath}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`)
  }
  for (const file of [parsed.data.extractor.file, parsed.data.colorizer.file]) {
    if (!existsSync(join(dir, file))) throw new Error(`model ${parsed.data.id} is missing ${file} in ${dir}`)
  }
  const backbone = parsed.data.backbone ? await locateBackbone(parsed.data.backbone.id) : undefined
  return { card: parsed.data, dir: resolve(dir), origin, ...(backbone ? { backbone } : {}) }
}

/** Model folders live in `<root>/<id>/`; bundled ones first, user ones after. */
export class ModelRegistry {
  constructor(private readonly roots: { dir: string; origin: InstalledModel['origin'] }[]) {}

  async list(): Promise<InstalledModel[]> {
    const models: InstalledModel[] = []
    for (const root of this.roots) {
      if (!existsSync(root.dir)) continue
      for (const entry of (await readdir(root.dir)).sort()) {
        const dir = join(root.dir, entry)
        if (!(await stat(dir)).isDirectory() || !existsSync(join(dir, 'model.json'))) continue
        models.push(await readModelFolder(dir, root.origin))
      }
    }
    return models
  }

  /** An installed model by id, or a path to a model folder. */
  async resolve(idOrPath: string = DEFAULT_MODEL_ID): Promise<InstalledModel> {
    if (existsSync(join(idOrPath, 'model.json'))) return readModelFolder(idOrPath, 'user')
    const match = (await this.list()).find((model) => model.card.id === idOrPath)
    if (!match) {
      const known = (await this.list()).map((model) => model.card.id).join(', ') || 'none'
      throw new ModelNotFoundError(`model '${idOrPath}' not found (installed: ${known})`)
    }
    return match
  }
}
