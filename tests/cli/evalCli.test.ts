import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import sharp from 'sharp'

const run = promisify(execFile)
const REPO = resolve(import.meta.dirname, '../..')
const CLI = join(REPO, 'bin', 'koalarize.mjs')

async function colourPhoto(path: string, r: number, g: number, b: number): Promise<void> {
  const width = 48, height = 40
  const pixels = Buffer.alloc(width * height * 3)
  for (let i = 0; i < width * height; i++) pixels.set([(r + i) % 256, g, (b + 3 * i) % 256], i * 3)
  await sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg({ quality: 92 }).toFile(path)
}

describe('koalarize eval (end to end)', () => {
  let root: string
  let stdout: string

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'koalarize-eval-cli-'))
    await mkdir(join(root, 'photos', 'sub'), { recursive: true })
    await colourPhoto(join(root, 'photos', 'b.jpg'), 200, 40, 10)
    await colourPhoto(join(root, 'photos', 'sub', 'a.jpg'), 20, 160, 90)
    await colourPhoto(join(root, 'photos', 'c.jpg'), 90, 90, 220)
    await writeFile(join(root, 'photos', 'manifest.tsv'), 'member\tsource\tcategory\nb.jpg\tsrc1\tfood\nsub/a.jpg\tsrc2\tplant\n')
    const result = await run(process.execPath, [CLI, 'eval', join(root, 'photos'), '--limit', '2', '--size', '64', '--provider', 'cpu', '--threads', '1', '--report', join(root, 'report')], { cwd: REPO, env: { ...process.env, KOALARIZE_HOME: join(root, 'home') } })
    stdout = result.stdout
  })

  afterAll(async () => {
    await rm(root, { recursive: true, force: true })
  })

  it('prints model and baseline figures, overall and per manifest group', () => {
    expect(stdout).toMatch(/ours \(model\)\s+[\d.]+\s+[\d.]+\s+0\.\d{4}/)
    expect(stdout).toMatch(/grey baseline\s+[\d.]+\s+[\d.]+\s+0\.\d{4}\s+0\.\d\d/)
    expect(stdout).toMatch(/^src1\s+1\s/m)
    expect(stdout).toMatch(/^food\s+1\s/m)
    expect(stdout).toContain('evaluated 2 photo(s)')
  })

  it('writes report.json (first two photos by name) and a contact sheet', async () => {
    const report = JSON.parse(await readFile(join(root, 'report', 'report.json'), 'utf8'))
    expect(report.model.id).toBe('default')
    expect(report.settings).toMatchObject({ evalSize: 64, limit: 2 })
    expect(report.photos.map((p: { id: string }) => p.id)).toEqual(['b.jpg', 'c.jpg'])
    expect(Object.keys(report.bySource)).toEqual(['src1'])
    expect(report.overall.baseline.abAuc).toBeLessThan(1)
    expect(existsSync(join(root, 'report', 'contact-sheet.jpg'))).toBe(true)
  })
})
