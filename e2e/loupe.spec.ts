import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeGreyJpegWithMetadata, writeGreyPng } from '../tests/fixtures/photos'
import { launchStudio, STUDIO_TARGET, type Studio } from './launchStudio'

/**
 * The compare modes inside the loupe: side by side with panes that zoom and pan together, the
 * before/after slider and the grid of versions, on the photo shown, kept from photo to photo; a photo
 * without a version shows itself. Screenshots: e2e/artifacts/loupe-<target>-*.png.
 */

const ARTIFACTS = resolve(import.meta.dirname, 'artifacts')
let dir: string
let studio: Studio
let page: Page

const cells = () => page.getByTestId('photo-cell')
const panes = () => page.getByTestId('compare-pane')
const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `loupe-${STUDIO_TARGET}-${name}.png`) })
/** Every pane image's CSS transform (the panes share one zoom and pan). */
const transforms = () => page.locator('[data-testid="compare-pane"] img').evaluateAll((imgs) => imgs.map((img) => (img as unknown as { style: { transform: string } }).style.transform))

async function colorize(): Promise<void> {
  const before = await page.getByTestId('job').count()
  await page.getByTestId('colorize-selected').click()
  await expect.poll(() => page.getByTestId('job').count()).toBe(before + 1)
  await expect.poll(() => page.getByTestId('job').first().getAttribute('data-status'), { timeout: 120_000 }).toBe('done')
}

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true })
  dir = await mkdtemp(join(tmpdir(), 'koalarize-loupe-'))
  await mkdir(join(dir, 'archive'), { recursive: true })
  await writeGreyJpegWithMetadata(join(dir, 'archive', 'a-grandma.jpg'), 120, 90)
  await writeGreyPng(join(dir, 'archive', 'b-house.png'), 100, 72)
  await writeGreyPng(join(dir, 'archive', 'c-barn.png'), 90, 60)
  studio = await launchStudio(join(dir, 'data'))
  page = studio.page
})

afterAll(async () => {
  await studio?.close()
  await rm(dir, { recursive: true, force: true })
})

describe('compare modes in the loupe (browser)', () => {
  it('colorizes: two versions of the first photo (the second more intense), one of the second, none of the third', async () => {
    await page.getByTestId('open-folder-input').fill(join(dir, 'archive'))
    await page.getByTestId('open-folder').click()
    await expect.poll(() => cells().count(), { timeout: 60_000 }).toBe(3)
    await cells().nth(0).click()
    await cells().nth(1).click({ modifiers: ['ControlOrMeta'] })
    await colorize()
    await cells().nth(0).click()
    await page.locator('input[type="range"]').first().fill('1.6')
    await colorize()
  })

  it('compares side by side in the loupe, the panes zooming and panning together', async () => {
    await cells().nth(0).dblclick()
    await expect.poll(() => page.getByTestId('loupe-name').textContent()).toBe('a-grandma.jpg')
    expect(await page.getByTestId('loupe-image').getAttribute('data-shows')).toBe('latest version')
    await page.getByTestId('loupe-mode-side').check()
    const compare = page.getByTestId('loupe-compare')
    await expect.poll(() => compare.getAttribute('data-mode')).toBe('side')
    await expect.poll(() => panes().count()).toBe(2)
    expect(await page.getByTestId('loupe-image').count()).toBe(0)
    expect(await page.getByTestId('filmstrip-frame').count()).toBe(3) // still the loupe, with its filmstrip
    await expect.poll(() => page.getByTestId('zoom-readout').textContent(), { timeout: 20_000 }).toMatch(/^\d+ %$/)
    const fit = parseInt((await page.getByTestId('zoom-readout').textContent())!)
    const box = (await panes().nth(1).boundingBox())!
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.4)
    await page.mouse.wheel(0, -100)
    await page.mouse.wheel(0, -100)
    await expect.poll(async () => parseInt((await page.getByTestId('zoom-readout').textContent())!)).toBeGreaterThan(fit * 1.5)
    await page.mouse.down()
    await page.mouse.move(box.x + box.width * 0.3 + 25, box.y + box.height * 0.4 + 10, { steps: 4 })
    await page.mouse.up()
    const [left, right] = await transforms()
    expect(left).toMatch(/^translate\(-?[\d.]+px, -?[\d.]+px\) scale\([\d.]+\)$/)
    expect(left).not.toBe('translate(0px, 0px) scale(1)') // zoomed and panned…
    expect(right).toBe(left) // …both panes in step
    await shot('1-side-by-side')
    await page.keyboard.press('z')
    await expect.poll(() => page.getByTestId('zoom-readout').textContent()).toBe('100 %')
    await page.getByTestId('zoom-fit').click()
    await expect.poll(() => page.getByTestId('zoom-readout').textContent()).toBe(`${fit} %`)
  })

  it('shows the slider and the grid of versions in the loupe, keeps the mode from photo to photo, and goes back to the grid with Esc', async () => {
    await page.getByTestId('loupe-mode-slider').check()
    await expect.poll(() => page.getByTestId('compare-slider').count()).toBe(1)
    await page.getByTestId('compare-slider').press('Home') // the slider's own keys do not move the loupe
    expect(await page.getByTestId('compare-slider').getAttribute('aria-valuenow')).toBe('0')
    expect(await page.getByTestId('loupe-name').textContent()).toBe('a-grandma.jpg')
    await shot('2-slider')
    await page.getByTestId('loupe-mode-grid').check()
    await expect.poll(() => panes().count()).toBe(3) // the original and both versions
    expect(await page.getByTestId('version-item').count()).toBe(2)

    await page.getByTestId('loupe-close').focus()
    await page.keyboard.press('ArrowRight') // the next photo, still in the grid mode
    await expect.poll(() => page.getByTestId('loupe-name').textContent()).toBe('b-house.png')
    await expect.poll(() => panes().count()).toBe(2) // its original and its one version
    expect(await page.getByTestId('loupe-compare').getAttribute('data-mode')).toBe('grid')
    await page.keyboard.press('ArrowRight') // no version: the photo itself, the compare modes unavailable
    await expect.poll(() => page.getByTestId('loupe-name').textContent()).toBe('c-barn.png')
    await expect.poll(() => page.getByTestId('loupe-image').getAttribute('data-shows')).toBe('original')
    expect(await page.getByTestId('loupe-mode-side').isDisabled()).toBe(true)
    expect(await page.getByTestId('loupe-modes').getAttribute('title')).toBe('Colorize this photo first: there is no version to compare')
    await page.keyboard.press('ArrowLeft') // back to a photo with a version: the chosen mode again
    await expect.poll(() => page.getByTestId('loupe-compare').getAttribute('data-mode')).toBe('grid')
    await page.keyboard.press('Escape')
    await expect.poll(() => page.getByTestId('loupe').count()).toBe(0)
  })
})
