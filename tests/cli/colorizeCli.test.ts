import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtemp, mkdir, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve, sep } from 'node:path'
import { promisify } from 'node:util'
import sharp from 'sharp'
import * as fixtures from '../fixtures/photos'

const run = promisify(execFile)
const REPO = resolve(import.meta.dirname, '../..')
const CLI = join(REPO, 'bin', 'koalarize.mjs')

async function hashTree(dir: string): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {}
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const path = join(entry.parentPath, entry.name)
    hashes[path] = createHash('sha256').update(await readFile(path)).digest('hex')
  }
  return hashes
}

async function lightness(path: string): Promise<{ data: Float32Array; width: number; height: number }> {
  const { data, info } = await sharp(path).autoOrient().toColourspace('lab').raw({ depth: 'float' }).toBuffer({ resolveWithObject: true })
  const lab = new Float32Array(data.buffer, data.byteOffset, data.length / 4)
  const l = new Float32Array(info.width * info.height)
  for (let i = 0; i < l.length; i++) l[i] = lab[i * info.channels]!
  return { data: l, width: info.width, height: info.height }
}

describe('koalarize colorize (end to end, real model, real files)', () => {
  let root: string
  let input: string
  let output: string
  let before: Record<string, string>
  let result: { code: number; stdout: string; stderr: string }
  let env: NodeJS.ProcessEnv

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'koalarize-cli-'))
    // A home of its own: the CLI writes its caches there (optimised model copies), never in the user's.
    env = { ...process.env, KOALARIZE_HOME: join(root, 'home') }
    input = join(root, 'scans')
    output = join(root, 'colorized')
    await mkdir(join(input, '1931', 'lake'), { recursive: true })
    await fixtures.writeGreyJpegWithMetadata(join(input, '1931', 'lake', 'grandma.jpg'))
    await fixtures.writeGreyPng(join(input, '1931', 'house.png'), 80, 56, true)
    await fixtures.writeGrey16Tiff(join(input, 'negative-16bit.tif'))
    await fixtures.writeGreyJpegWithP3Profile(join(input, 'scan-p3.jpg'))
    await fixtures.writeSepiaWebp(join(input, 'sepia.webp'))
    await fixtures.writeCmykJpeg(join(input, 'printed-cmyk.jpg'))
    await fixtures.writeColourJpeg(join(input, 'holiday-colour.jpg'))
    await fixtures.writeTruncatedJpeg(join(input, 'damaged.jpg'))
    await fixtures.writeNotAnImage(join(input, 'notes.jpg'))
    await fixtures.writeDecompressionBomb(join(input, 'bomb.png'))
    before = await hashTree(input)
    try {
      const { stdout, stderr } = await run(process.execPath, [CLI, 'colorize', input, output, '--size', '64'], { cwd: REPO, env })
      result = { code: 0, stdout, stderr }
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string }
      result = { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
    }
  }, 180_000)

  afterAll(async () => {
    await rm(root, { recursive: true, force: true })
  })

  it('exits non-zero because some files failed, and lists each with a reason', () => {
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/failed 3:/)
    expect(result.stdout).toMatch(/bomb\.png: image is too large \(over the 200-megapixel limit\)/)
    expect(result.stdout).toMatch(/damaged\.jpg: damaged or truncated/)
    expect(result.stdout).toMatch(/notes\.jpg: not an image/)
  })

  it('skips photos already in colour and says why', () => {
    expect(result.stdout).toMatch(/skipped 1:/)
    expect(result.stdout).toMatch(/holiday-colour\.jpg: already in colour/)
  })

  it('writes the others, mirroring the folder structure, in their own formats', async () => {
    expect(result.stdout).toMatch(/colorized 6 photo/)
    const written = (await readdir(output, { recursive: true })).filter((name) => /\.\w+$/.test(name)).sort()
    expect(written).toEqual(
      ['1931/house.png', '1931/lake/grandma.jpg', 'negative-16bit.tif', 'printed-cmyk.jpg', 'scan-p3.jpg', 'sepia.webp'].map((p) => p.split('/').join(sep))
    )
    expect(written.some((name) => name.includes('.partial'))).toBe(false)
  })

  it('keeps its optimised model copies in its home (KOALARIZE_HOME), not the user\'s', async () => {
    const copies = await readdir(join(root, 'home', 'cache', 'optimized-models'))
    expect(copies.filter((name) => name.endsWith('.onnx')).length).toBeGreaterThanOrEqual(2)
  })

  it('never modifies the input files', async () => {
    expect(await hashTree(input)).toEqual(before)
  })

  it('keeps the displayed size and the original luminance, and adds colour', async () => {
    for (const [source, result] of [
      ['1931/lake/grandma.jpg', '1931/lake/grandma.jpg'],
      ['1931/house.png', '1931/house.png'],
      ['negative-16bit.tif', 'negative-16bit.tif'],
      ['printed-cmyk.jpg', 'printed-cmyk.jpg']
    ]) {
      const original = await lightness(join(input, source))
      const colorized = await lightness(join(output, result))
      expect([colorized.width, colorized.height], source).toEqual([original.width, original.height])
      let diff = 0
      for (let i = 0; i < original.data.length; i++) diff += Math.abs(original.data[i]! - colorized.data[i]!)
      expect(diff / original.data.length, `mean |ΔL| for ${source}`).toBeLessThan(2.0)
      const meta = await sharp(join(output, result)).metadata()
      // A 16-bit scan written as TIFF (or PNG) keeps 16 bits.
      expect([meta.space, meta.depth]).toEqual(source.endsWith('16bit.tif') ? ['rgb16', 'ushort'] : ['srgb', 'uchar'])
    }
  })

  it('keeps orientation, EXIF and XMP, and records provenance', async () => {
    const meta = await sharp(join(output, '1931', 'lake', 'grandma.jpg')).metadata()
    expect([meta.width, meta.height]).toEqual([64, 96]) // stored sideways, written upright
    expect(meta.orientation ?? 1).toBe(1)
    const exif = meta.exif!.toString('latin1')
    expect(exif).toContain('Zeiss Ikon')
    expect(exif).toContain('Family archive')
    expect(exif).toMatch(/Koalarize [^,]+, colorized with model default/)
    const xmp = meta.xmp!.toString('utf8')
    expect(xmp).toContain('Grandma at the lake, 1931')
    expect(xmp).toContain('koalarize:Colorized="True"')
    expect(xmp).toContain('koalarize:ModelId="default"')
  })

  it('adds no alpha channel to opaque photos', async () => {
    for (const name of ['sepia.webp', 'negative-16bit.tif']) {
      expect((await sharp(join(output, name)).metadata()).hasAlpha, name).toBe(false)
    }
  })

  it('keeps an RGB ICC profile, and gives grey and CMYK scans an sRGB one', async () => {
    const originalIcc = (await sharp(join(input, 'scan-p3.jpg')).metadata()).icc!
    expect((await sharp(join(output, 'scan-p3.jpg')).metadata()).icc).toEqual(originalIcc)
    const cmykOut = (await sharp(join(output, 'printed-cmyk.jpg')).metadata()).icc!
    expect(cmykOut.toString('latin1', 16, 20)).toBe('RGB ')
  })

  it('keeps transparency', async () => {
    const meta = await sharp(join(output, '1931', 'house.png')).metadata()
    expect(meta.hasAlpha).toBe(true)
    const { data } = await sharp(join(output, '1931', 'house.png')).raw().toBuffer({ resolveWithObject: true })
    expect(data[3]).toBe(255)
    expect(data[(80 - 1) * 4 + 3]).toBe(128)
  })

  it('recolours a colour photo from its luminance on request', async () => {
    const again = await run(process.execPath, [CLI, 'colorize', join(input, 'holiday-colour.jpg'), output, '--recolor', '--size', '64'], { cwd: REPO, env })
    expect(again.stdout).toMatch(/colorized 1 photo/)
    expect((await sharp(join(output, 'holiday-colour.jpg')).metadata()).width).toBe(64)
  }, 60_000)

  it('refuses to overwrite existing outputs unless asked', async () => {
    const again = await run(process.execPath, [CLI, 'colorize', join(input, 'sepia.webp'), output, '--size', '64'], { cwd: REPO, env })
    expect(again.stdout).toMatch(/skipped 1:[\s\S]*output exists/)
  }, 60_000)

  it('checks --size with the studio\'s working-size bounds (whole pixels, 64 to 2048)', async () => {
    for (const size of ['32', '96.5', '4096']) {
      const refused = await run(process.execPath, [CLI, 'colorize', join(input, 'sepia.webp'), output, '--size', size], { cwd: REPO, env }).catch((e) => e)
      expect(refused.code).toBe(2)
      expect(refused.stderr).toContain('--size must be a whole number from 64 to 2048')
    }
  }, 60_000)
})
