import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { execFile } from 'node:child_process'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { existsSync } from 'node:fs'
import { BUNDLED_MODELS_DIR } from '../../src/main/models/paths'
import { datedModelName } from '../../src/shared/api/modelNames'
import { finetunableBase, skipUnlessRequired, writeTwoToneCollection } from '../fixtures/finetune'
import { writeGreyPng } from '../fixtures/photos'

const run = promisify(execFile)
const REPO = resolve(import.meta.dirname, '../..')
const CLI = join(REPO, 'bin', 'koalarize.mjs')

async function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { cwd: REPO, env: { ...process.env, ...env } })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

describe('koalarize finetune / doctor (CLI)', () => {
  let root: string
  let env: NodeJS.ProcessEnv

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'koalarize-finetune-cli-'))
    env = { KOALARIZE_HOME: join(root, 'home') }
  })

  afterAll(async () => {
    await rm(root, { recursive: true, force: true })
  })

  it('doctor reports the Python environment', async () => {
    const ok = await cli(['doctor'], env)
    expect(ok.code).toBe(0)
    expect(ok.stdout).toMatch(/^ok: Python 3\.\d+\.\d+ at .*: torch /)
    const bad = await cli(['finetune', '--check', '--python', join(root, 'no-python')], env)
    expect(bad.code).toBe(1)
    expect(bad.stdout).toContain(`${join(root, 'no-python')}: not found`)
  })

  it('explains a collection that is too small, keeps the job listed, and prints usage without arguments', async () => {
    const photos = join(root, 'few')
    await writeTwoToneCollection(photos, 5)
    await writeGreyPng(join(photos, 'grandpa.png'), 120, 90)
    if (!existsSync(join(BUNDLED_MODELS_DIR, 'default', 'weights.pt'))) {
      const noWeights = await cli(['finetune', photos, '--name', 'No weights'], env)
      expect(noWeights.code).toBe(1)
      expect(noWeights.stdout).toContain("model 'default' has no PyTorch weights")
      await rm(join(root, 'home'), { recursive: true, force: true })
    }
    const base = await finetunableBase()
    if ('skip' in base) return void skipUnlessRequired('the CLI fine-tune of a small collection', base.skip)
    const result = await cli(['finetune', photos, '--base', base.dir], env) // no --name: the folder's and the month
    expect(result.code).toBe(1)
    expect(result.stdout).toContain('failed during preparing:')
    expect(result.stdout).toContain('has 5 usable colour photos (6 found; skipped: 1 black-and-white or near-grey)')
    expect(result.stdout).toContain('needs at least 20 colour photos')
    const jobs = await readdir(join(root, 'home', 'finetune'))
    expect(jobs).toHaveLength(1)
    const list = await cli(['finetune', '--list'], env)
    expect(list.stdout).toContain(`${jobs[0]}  failed     "${datedModelName('few', new Date())}"`)
    const usage = await cli(['finetune'], env)
    expect(usage.code).toBe(2)
    expect(usage.stderr).toContain('koalarize finetune <folder of colour photos> [--name <model name>]')
  })
})
