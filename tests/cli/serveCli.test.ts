import { execFile, spawn } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { get } from 'node:http'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)
const REPO = resolve(import.meta.dirname, '../..')
const CLI = join(REPO, 'bin', 'koalarize.mjs')

let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'koalarize-serve-'))
  await mkdir(join(dir, 'renderer'), { recursive: true })
  await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html><div id="app"></div>')
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const status = (url: string, headers: Record<string, string> = {}) =>
  new Promise<number>((done, fail) => get(url, { headers }, (res) => (res.resume(), done(res.statusCode!))).on('error', fail))

describe('koalarize serve', () => {
  it('says to run `npm run build` when the UI is not built', async () => {
    const result = await run(process.execPath, [CLI, 'serve', '--data-dir', join(dir, 'data')], {
      env: { ...process.env, KOALARIZE_HOME: join(dir, 'home'), KOALARIZE_RENDERER_DIR: join(dir, 'missing') },
      timeout: 30_000
    }).catch((error: { code: number; stderr: string }) => error)
    expect((result as { code: number }).code).toBe(1)
    expect((result as { stderr: string }).stderr).toContain('run `npm run build` first')
  })

  it('prints the URL with its token, serves it on 127.0.0.1 and stops on SIGINT', async () => {
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--data-dir', join(dir, 'data')], {
      env: { ...process.env, KOALARIZE_HOME: join(dir, 'home'), KOALARIZE_RENDERER_DIR: join(dir, 'renderer') }
    })
    let stdout = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk))
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)))
    const deadline = Date.now() + 30_000
    let match: RegExpExecArray | null = null
    while (!(match = /http:\/\/127\.0\.0\.1:(\d+)\/\?token=([\w-]{43})/.exec(stdout)) && Date.now() < deadline) {
      await new Promise((done) => setTimeout(done, 100))
    }
    try {
      expect(match, stdout).not.toBeNull()
      const [url, port, token] = match!
      expect(await status(url)).toBe(303)
      expect(await status(`http://127.0.0.1:${port}/`)).toBe(401)
      expect(await status(`http://127.0.0.1:${port}/`, { Authorization: `Bearer ${token}` })).toBe(200)
    } finally {
      child.kill('SIGINT')
    }
    expect(await exited).toBe(0)
  })
})
