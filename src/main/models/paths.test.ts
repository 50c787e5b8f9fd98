import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { APP_ROOT, BUNDLED_MODELS_DIR, findAppRoot } from './paths'

let dir: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'koalarize-paths-'))
})

afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('the app root', () => {
  it('is the repository in source: its package.json and bundled models', () => {
    expect(existsSync(join(APP_ROOT, 'package.json'))).toBe(true)
    expect(existsSync(join(APP_ROOT, 'src', 'main', 'models', 'paths.ts'))).toBe(true)
    if (!process.env.KOALARIZE_BUNDLED_MODELS) expect(BUNDLED_MODELS_DIR).toBe(join(APP_ROOT, 'resources', 'models'))
  })

  it('is found from any depth a bundler puts the code at, past other packages', async () => {
    const app = join(dir, 'app')
    await mkdir(join(app, 'out', 'main', 'chunks'), { recursive: true })
    await mkdir(join(app, 'node_modules', 'dep', 'dist'), { recursive: true })
    await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'koalarize' }))
    await writeFile(join(app, 'node_modules', 'dep', 'package.json'), JSON.stringify({ name: 'dep' }))
    expect(findAppRoot(join(app, 'out', 'main', 'chunks'))).toBe(app)
    expect(findAppRoot(join(app, 'out', 'main'))).toBe(app)
    expect(findAppRoot(join(app, 'node_modules', 'dep', 'dist'))).toBe(app)
  })

  it('says so when there is none', () => {
    expect(() => findAppRoot(dir)).toThrow(/no koalarize package.json/)
  })
})
