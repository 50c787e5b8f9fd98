import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import sharp from 'sharp'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeGreyJpegWithMetadata, writeGreyPng, writeSepiaWebp } from '../tests/fixtures/photos'
import { launchStudio, STUDIO_TARGET, type Studio } from './launchStudio'

/**
 * The studio end to end, as a user drives it in the browser-hosted UI: open a folder → thumbnails →
 * colorize two photos → progress reaches 100% → compare versions → export → files on disk.
 * Screenshots of each step are kept in e2e/artifacts/. Runs in the browser-hosted UI, or in Electron
 * with KOALARIZE_E2E_TARGET=electron where its binary is installed (see launchStudio.ts).
 */

const ARTIFACTS = resolve(import.meta.dirname, 'artifacts')

let dir: string
let archive: string
let exportDir: string
let studio: Studio
let page: Page

const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `studio-${STUDIO_TARGET}-${name}.png`) })
const cells = () => page.getByTestId('photo-cell')

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true })
  dir = await mkdtemp(join(tmpdir(), 'koalarize-studio-'))
  archive = join(dir, 'family archive')
  exportDir = join(dir, 'exported')
  await mkdir(join(archive, '1930s'), { recursive: true })
  await writeGreyJpegWithMetadata(join(archive, '1930s', 'grandma.jpg'), 120, 90)
  await writeGreyPng(join(archive, 'house.png'), 100, 72)
  await writeSepiaWebp(join(archive, 'wedding.webp'), 96, 64)
  studio = await launchStudio(join(dir, 'data'))
  page = studio.page
})

afterAll(async () => {
  await studio?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('the studio in the browser', () => {
  it('opens an archive folder and shows its thumbnails', async () => {
    await page.getByTestId('open-folder-input').fill(archive)
    await page.getByTestId('open-folder').click()
    await expect.poll(() => page.locator('[data-testid="photo-cell"][data-has-thumbnail="true"]').count(), { timeout: 60_000 }).toBe(3)
    await expect.poll(() => page.getByTestId('photo-count').textContent()).toContain('3 photos')
    await shot('1-library')
  })

  it('colorizes two photos, with progress reaching 100%', async () => {
    await cells().nth(0).click()
    await cells().nth(1).click()
    await page.getByTestId('detail').fill('64')
    await page.getByTestId('colorize-selected').click()
    const job = page.getByTestId('job').first()
    await expect.poll(() => job.getAttribute('data-status'), { timeout: 120_000 }).toBe('done')
    expect(await job.getByTestId('job-progress').getAttribute('data-fraction')).toBe('1')
    await expect.poll(() => job.textContent()).toContain('2 done')
    await shot('2-colorized')
  })

  it('shows the original and every version in the compare view, and marks a preferred one', async () => {
    // A second version of the first photo, more intense, to compare with the first.
    await page.getByRole('button', { name: 'Clear selection' }).click()
    await cells().nth(0).click()
    await page.locator('input[type="range"]').first().fill('1.6')
    await page.getByTestId('colorize-selected').click()
    await expect.poll(() => page.getByTestId('job').first().getAttribute('data-status'), { timeout: 120_000 }).toBe('done')
    await page.getByTestId('compare-selected').click()
    await expect.poll(() => page.getByTestId('version-item').count(), { timeout: 20_000 }).toBe(2)
    await page.getByTestId('compare-mode-grid').check()
    await expect.poll(() => page.getByTestId('compare-pane').count()).toBe(3)
    await expect.poll(() => page.locator('[data-testid="compare-pane"] img').evaluateAll((imgs) => imgs.every((i) => (i as unknown as { naturalWidth: number }).naturalWidth > 0))).toBe(true)
    await shot('3-compare-grid')
    await page.getByTestId('compare-mode-slider').check()
    // Two layers: the version underneath, the original on top clipped to the slider's position.
    await expect.poll(() => page.getByTestId('compare-pane').count()).toBe(2)
    const overlay = page.locator('[data-testid="compare-pane"].overlay')
    expect(await overlay.evaluate((el) => (el as unknown as { style: { clipPath: string } }).style.clipPath)).toBe('inset(0px 50% 0px 0px)')
    await shot('4-compare-slider')
    const first = page.getByTestId('version-item').first()
    await first.getByRole('button', { name: /prefer/ }).click()
    await expect.poll(() => first.textContent()).toContain('★ preferred')
    await page.getByRole('button', { name: '← Library' }).click()
  })

  it('exports the selected photos with their size, format and metadata', async () => {
    await cells().nth(1).click() // the first photo is still selected: now both colorized ones are
    await page.getByTestId('export-selected').click()
    await page.getByTestId('export-folder').fill(exportDir)
    await page.getByTestId('export-format').selectOption('png')
    await page.getByTestId('export-naming').fill('{name}-colorized')
    await page.getByTestId('export-submit').click()
    await expect.poll(() => page.getByTestId('export-result').textContent(), { timeout: 60_000 }).toContain('Wrote 2 file(s)')
    await shot('5-exported')
    const files = (await readdir(exportDir)).sort()
    expect(files).toEqual(['grandma-colorized.png', 'house-colorized.png'])
    const grandma = await sharp(join(exportDir, 'grandma-colorized.png')).metadata()
    expect([grandma.format, grandma.width, grandma.height]).toEqual(['png', 90, 120]) // written upright
    expect(grandma.exif?.toString('latin1')).toContain('Zeiss Ikon')
    expect(grandma.xmp?.toString()).toContain('koalarize:Colorized="True"')
    const house = await sharp(join(exportDir, 'house-colorized.png')).metadata()
    expect([house.format, house.width, house.height]).toEqual(['png', 100, 72])
  })
})
