import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import sharp from 'sharp'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeAutochromePng, writeGreyJpegWithMetadata, writeGreyPng, writeSepiaWebp, writeTruncatedJpeg } from '../tests/fixtures/photos'
import { launchStudio, STUDIO_TARGET, type Studio } from './launchStudio'
import { checkSliderOnPortrait } from './sliderChecks'

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

/** An <img> as the page sees it (the e2e code is typed without the DOM library). */
type Img = { src: string; naturalWidth: number }

/**
 * Records, in the page, every value the queue's counts take and the most spinners shown at once while
 * a job runs (a MutationObserver, so nothing between two polls is missed): `window.seen`.
 */
const WATCH_JOB_SCRIPT = `(() => {
  const seen = { counts: [], activity: 0 }
  window.seen = seen
  new MutationObserver(() => {
    const counts = document.querySelector('[data-testid="job-counts"]')?.textContent ?? ''
    if (counts && seen.counts.at(-1) !== counts) seen.counts.push(counts)
    seen.activity = Math.max(seen.activity, document.querySelectorAll('[data-testid="badge-activity"]').length)
  }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true })
})()`

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

/** How many rows each library toolbar takes (its controls' tops, 12 px apart or more). */
const TOOLBAR_ROWS_SCRIPT = `[...document.querySelectorAll('.library .toolbar')].map((bar) => {
  const tops = [...bar.querySelectorAll('button, select, input')].filter((el) => el.offsetParent !== null)
    .map((el) => el.getBoundingClientRect().top).sort((a, b) => a - b)
  return 1 + tops.filter((top, i) => i > 0 && top - tops[i - 1] > 12).length
})`

/** The grid's width and its cells' pitch (a cell and a gap: the first cell starts half a gap in). */
const GRID_PITCH_SCRIPT = `(() => {
  const grid = document.querySelector('[data-testid="photo-grid"]')
  const slot = grid.querySelector('.slot').getBoundingClientRect()
  const inset = slot.left - grid.getBoundingClientRect().left
  return { width: grid.clientWidth, pitch: slot.width + 2 * inset }
})()`

describe('the studio in the browser', () => {
  it('opens an archive folder and shows its thumbnails', async () => {
    // A mistyped path is answered in plain words, naming it.
    await page.getByTestId('open-folder-input').fill(join(dir, 'no such archive'))
    await page.getByTestId('open-folder').click()
    await expect.poll(() => page.getByTestId('library-error').textContent()).toBe(
      `There is no folder at ${join(dir, 'no such archive')}. Check the path for typing mistakes, or whether its disk is connected.`
    )
    // A folder dropped onto the page: the browser does not say where it is, and the page says so.
    await page.evaluate(`(() => { const dt = new DataTransfer(); dt.items.add(new File(['x'], 'scans')); document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true })) })()`)
    await expect.poll(() => page.getByTestId('drop-note').textContent()).toContain('in the browser type the folder’s path in the box')
    await page.getByTestId('open-folder-input').fill(archive)
    await page.getByTestId('open-folder').click()
    await expect.poll(() => page.locator('[data-testid="photo-cell"][data-has-thumbnail="true"]').count(), { timeout: 60_000 }).toBe(3)
    await expect.poll(() => page.getByTestId('photo-count').textContent()).toContain('3 photos')
    await shot('1-library')
  })

  it('fits a 1024×700 window: no toolbar wraps to three rows, the sidebar folds away, the grid fills the width', async () => {
    await page.setViewportSize({ width: 1024, height: 700 })
    try {
      const rows = () => page.evaluate<number[]>(TOOLBAR_ROWS_SCRIPT)
      await expect.poll(rows).toEqual([1, 2]) // filters and sort; the colorize options, then the actions
      await shot('1a-1024')
      await page.getByTestId('sidebar-toggle').click()
      expect(await page.getByTestId('sidebar').count()).toBe(0)
      expect((await rows()).every((n) => n <= 2)).toBe(true)
      // The columns share the grid's whole width: no strip is left on the right (once the grid has re-laid out).
      const strip = async (): Promise<number> => {
        const { width, pitch } = await page.evaluate<{ width: number; pitch: number }>(GRID_PITCH_SCRIPT)
        return Math.abs(width - Math.round(width / pitch) * pitch)
      }
      await expect.poll(strip).toBeLessThan(1.5)
      await shot('1b-sidebar-folded')
    } finally {
      if ((await page.getByTestId('sidebar').count()) === 0) await page.getByTestId('sidebar-toggle').click()
      await page.setViewportSize({ width: 1280, height: 800 })
    }
    await expect.poll(() => page.getByTestId('sidebar').count()).toBe(1)
  })

  it('colorizes two photos: progress reaches 100%, counts and thumbnails change as each photo finishes', async () => {
    await cells().nth(0).click()
    await cells().nth(1).click({ modifiers: ['ControlOrMeta'] }) // adds it, as in a file manager
    await page.getByTestId('working-size').fill('64')
    // Everything the queue and the grid show while the job runs, as it changes.
    await page.evaluate(WATCH_JOB_SCRIPT)
    await page.getByTestId('colorize-selected').click()
    const job = page.getByTestId('job').first()
    await expect.poll(() => job.getAttribute('data-status'), { timeout: 120_000 }).toBe('done')
    expect(await job.getByTestId('job-progress').getAttribute('data-fraction')).toBe('1')
    await expect.poll(() => job.textContent()).toContain('2 done')
    const seen = await page.evaluate<{ counts: string[]; activity: number }>('window.seen')
    expect(seen.counts).toContain('1 done / 2') // live, before the job ended
    expect(seen.counts.indexOf('1 done / 2')).toBeLessThan(seen.counts.indexOf('2 done / 2'))
    expect(seen.activity).toBeGreaterThan(0) // queued / running spinners on the photos

    // The thumbnails turn into the versions, with a badge; the third photo still shows its original.
    for (const n of [0, 1]) {
      await expect.poll(() => cells().nth(n).getAttribute('data-shows')).toBe('version')
      expect(await cells().nth(n).getByTestId('badge-colorized').count()).toBe(1)
    }
    expect(await cells().nth(2).getAttribute('data-shows')).toBe('original')
    await expect.poll(() => cells().nth(0).locator('img').evaluate((img) => [(img as unknown as Img).src.includes('/version-thumbnail/'), (img as unknown as Img).naturalWidth > 0])).toEqual([true, true])
    await expect.poll(() => page.getByTestId('badge-activity').count()).toBe(0)

    // A notice says what was done and offers to review it.
    await expect.poll(() => page.getByTestId('job-notice').textContent()).toContain('Colorized 2 photos.')
    await shot('2-colorized')
    await page.getByTestId('job-notice-review').click()
    await expect.poll(() => page.getByTestId('photo-count').textContent()).toContain('2 photos')
    expect(await page.getByTestId('filter-done').getAttribute('class')).toContain('on')
    await page.getByTestId('filter-all').click()
    await expect.poll(() => cells().count()).toBe(3)
  })

  it('walks the grid with the keyboard and opens the loupe', async () => {
    const focusedName = () => page.evaluate<string | undefined>("document.activeElement?.getAttribute('aria-label')?.split(' · ')[0]")
    const selectedCount = async () => /(\d+) selected/.exec((await page.getByTestId('photo-count').textContent()) ?? '')?.[1]
    await page.locator('body').click({ position: { x: 5, y: 5 } })
    await page.keyboard.press('Control+a') // every photo, not the page's text
    await expect.poll(selectedCount).toBe('3')
    expect(await page.evaluate<string>("window.getSelection()?.toString() ?? ''")).toBe('')
    expect(await page.getByTestId('compare-why').getAttribute('title')).toBe('Select exactly one photo to compare its versions (3 selected)')

    await cells().nth(0).focus()
    await page.keyboard.press('Escape')
    await expect.poll(selectedCount).toBe('0')
    await page.keyboard.press('ArrowRight')
    expect(await focusedName()).toBe('house.png')
    await page.keyboard.press('Space')
    await expect.poll(selectedCount).toBe('1')
    await cells().nth(2).click({ modifiers: ['Shift'] })
    await expect.poll(selectedCount).toBe('2')
    await shot('3-keyboard')

    await page.keyboard.press('Enter') // the loupe, on the photo clicked last
    const loupe = page.getByTestId('loupe')
    await expect.poll(() => page.getByTestId('loupe-name').textContent()).toBe('wedding.webp')
    // No version yet: the original, not an empty page.
    expect(await page.getByTestId('loupe-image').getAttribute('data-shows')).toBe('original')
    await expect.poll(() => page.getByTestId('loupe-image').evaluate((img) => (img as unknown as Img).naturalWidth)).toBe(96)
    await shot('4-loupe-original')
    await page.keyboard.press('ArrowLeft')
    await expect.poll(() => page.getByTestId('loupe-name').textContent()).toBe('house.png')
    expect(await page.getByTestId('loupe-image').getAttribute('data-shows')).toBe('latest version')
    await page.keyboard.press('ArrowLeft')
    await expect.poll(() => page.getByTestId('loupe-name').textContent()).toBe(join('1930s', 'grandma.jpg'))
    await page.keyboard.press('ArrowLeft') // the first photo: stays
    expect(await page.getByTestId('loupe-name').textContent()).toBe(join('1930s', 'grandma.jpg'))
    await page.keyboard.press('Escape')
    await expect.poll(() => loupe.count()).toBe(0)
    await expect.poll(focusedName).toBe(join('1930s', 'grandma.jpg')) // back on the grid, where the loupe was

    await cells().nth(2).dblclick()
    await expect.poll(() => page.getByTestId('loupe-name').textContent()).toBe('wedding.webp')
    await page.keyboard.press('Escape')
    await expect.poll(() => cells().count()).toBe(3)
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
    await shot('5-compare-grid')
    await page.getByTestId('compare-mode-slider').check()
    // Two layers: the version underneath, the original on top clipped to the slider's position.
    await expect.poll(() => page.getByTestId('compare-pane').count()).toBe(2)
    await checkSliderOnPortrait(page, shot)
    await shot('6-compare-slider')
    const first = page.getByTestId('version-item').first()
    await first.getByRole('button', { name: /prefer/ }).click()
    await expect.poll(() => first.textContent()).toContain('★ preferred')
    await page.keyboard.press('Escape') // back to the library
    // The library shows the star, and the preferred version as the thumbnail.
    await expect.poll(() => cells().nth(0).getByTestId('badge-preferred').count()).toBe(1)
  })

  it('exports the selected photos with their size, format and metadata', async () => {
    await cells().nth(1).click({ modifiers: ['ControlOrMeta'] }) // the first photo is still selected: Ctrl-click adds, so both colorized ones are
    await page.getByTestId('export-selected').click()
    await page.getByTestId('export-folder').fill(exportDir)
    await page.getByTestId('export-format').selectOption('png')
    await page.getByTestId('export-naming').fill('{name}-colorized')
    await page.getByTestId('export-submit').click()
    await expect.poll(() => page.getByTestId('export-result').textContent(), { timeout: 60_000 }).toContain('Wrote 2 file(s)')
    await shot('7-exported')
    const files = (await readdir(exportDir)).sort()
    expect(files).toEqual(['grandma-colorized.png', 'house-colorized.png'])
    const grandma = await sharp(join(exportDir, 'grandma-colorized.png')).metadata()
    expect([grandma.format, grandma.width, grandma.height]).toEqual(['png', 90, 120]) // written upright
    expect(grandma.exif?.toString('latin1')).toContain('Zeiss Ikon')
    expect(grandma.xmp?.toString()).toContain('koalarize:Colorized="True"')
    const house = await sharp(join(exportDir, 'house-colorized.png')).metadata()
    expect([house.format, house.width, house.height]).toEqual(['png', 100, 72])

    // Again into the same folder: the dialog asks, and "Keep both" writes "name (2)".
    await page.getByTestId('export-submit').click()
    await expect.poll(() => page.getByTestId('export-conflict').textContent()).toContain('2 file(s) already exist')
    await shot('7b-export-conflict')
    await page.getByTestId('export-keep-both').click()
    await expect.poll(() => page.getByTestId('export-result').textContent(), { timeout: 60_000 }).toContain('grandma-colorized (2).png')
    expect((await readdir(exportDir)).sort()).toEqual(['grandma-colorized (2).png', 'grandma-colorized.png', 'house-colorized (2).png', 'house-colorized.png'])
  })

  it('shows why a photo failed, on the photo and in the queue', async () => {
    await page.getByTestId('export-dialog').press('Escape') // dialogs close on Esc
    await expect.poll(() => page.getByTestId('export-dialog').count()).toBe(0)
    // A photo that was fine when scanned, and damaged on disk by the time it is colorized.
    await writeGreyPng(join(archive, 'late.png'), 80, 60)
    await page.getByTestId('open-folder-input').fill(archive)
    await page.getByTestId('open-folder').click() // opening it again rescans it
    await expect.poll(() => cells().count(), { timeout: 60_000 }).toBe(4)
    await writeTruncatedJpeg(join(archive, 'late.png'))
    await page.keyboard.press('Escape')
    await cells().nth(2).click()
    await page.getByTestId('colorize-selected').click()
    await expect.poll(() => page.getByTestId('job-notice').textContent(), { timeout: 120_000 }).toContain('Colorized 0 of 1 photo · 1 failed.')
    const reason = (await page.getByTestId('job-failure').first().textContent()) ?? ''
    expect(reason).toMatch(/^late\.png: .*(damaged|truncated|premature|corrupt|unsupported)/i)
    await expect.poll(() => cells().nth(2).getByTestId('badge-failed').textContent()).toBe(`Failed: ${reason.slice('late.png: '.length)}`)
    await shot('8-failed')
    await page.getByTestId('job-notice-review').click() // no results: the failures are shown
    await expect.poll(() => page.getByTestId('photo-count').textContent()).toContain('1 photos')
  })

  it('keeps an autochrome\'s colours: faded colour in several hues is colour, not toned, and is not recoloured', async () => {
    await writeAutochromePng(join(archive, 'autochrome.png'))
    await page.getByTestId('open-folder-input').fill(archive)
    await page.getByTestId('open-folder').click() // rescans
    await page.getByTestId('filter-all').click()
    await expect.poll(() => cells().count(), { timeout: 60_000 }).toBe(5)
    await page.getByTestId('filter-colour').click()
    await expect.poll(() => page.getByTestId('photo-count').textContent()).toContain('1 photos')
    const autochrome = cells().first()
    expect(await autochrome.locator('.name').textContent()).toBe('autochrome.png')
    expect(await autochrome.locator('.kind').textContent()).toBe('colour')
    await page.keyboard.press('Escape')
    await autochrome.click()
    await page.getByTestId('colorize-selected').click()
    await expect.poll(() => page.getByTestId('job-notice').textContent(), { timeout: 120_000 }).toContain('Nothing colorized: the photo is already in colour.')
    expect(await autochrome.getAttribute('data-shows')).toBe('original')
    await shot('9-autochrome-kept')
    await page.getByTestId('filter-all').click()
  })

  it('removes the project from the library after saying in plain words that its folder stays as it is', async () => {
    const before = (await readdir(archive, { recursive: true })).sort()
    let question = ''
    page.once('dialog', (dialog) => {
      question = dialog.message()
      void dialog.accept()
    })
    await page.getByTestId('remove-project').click()
    await expect.poll(() => page.getByTestId('project').count()).toBe(0)
    expect(question).toContain(`Your photos in ${archive} stay exactly as they are`)
    expect((await readdir(archive, { recursive: true })).sort()).toEqual(before)
  })
})
