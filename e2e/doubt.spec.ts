import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeFaintlyHandColouredPng, writeGreyPng } from '../tests/fixtures/photos'
import { launchStudio, STUDIO_TARGET, type Studio } from './launchStudio'

/**
 * When in doubt, the studio asks instead of recolouring: a hand-coloured print with faint colours (called
 * B&W, in doubt) is not colorized until the user answers, in a batch ("Colorize all": skip it) and
 * alone (the loupe's "Colorize this photo": Esc cancels, "Recolour anyway" colorizes it).
 * Screenshot: e2e/artifacts/doubt-<target>-question.png.
 */

const ARTIFACTS = resolve(import.meta.dirname, 'artifacts')
let dir: string
let studio: Studio
let page: Page

const cells = () => page.getByTestId('photo-cell')
const cell = (name: string) => page.locator('[data-testid="photo-cell"]', { has: page.locator('.name', { hasText: name }) })
const question = () => page.getByTestId('doubt-dialog')
const jobCount = () => page.getByTestId('job').count()

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true })
  dir = await mkdtemp(join(tmpdir(), 'koalarize-doubt-ui-'))
  await mkdir(join(dir, 'archive'), { recursive: true })
  await writeGreyPng(join(dir, 'archive', 'barn.png'), 96, 64)
  await writeFaintlyHandColouredPng(join(dir, 'archive', 'cheeks.png'))
  studio = await launchStudio(join(dir, 'data'))
  page = studio.page
})

afterAll(async () => {
  await studio?.close()
  await rm(dir, { recursive: true, force: true })
})

describe('photos whose colour is in doubt (browser)', () => {
  it('asks before a batch colorizes them, and "Skip" colorizes only the others', async () => {
    await page.getByTestId('open-folder-input').fill(join(dir, 'archive'))
    await page.getByTestId('open-folder').click()
    await expect.poll(() => cells().count(), { timeout: 60_000 }).toBe(2)
    await page.getByTestId('colorize-all').click()
    await expect.poll(() => question().getAttribute('data-count')).toBe('1')
    expect(await question().getByRole('heading').textContent()).toBe('1 photo may already be in colour')
    expect(await page.getByTestId('doubt-photos').textContent()).toContain('cheeks.png (looks black-and-white)')
    expect(await jobCount()).toBe(0) // nothing queued before the answer
    await page.screenshot({ path: join(ARTIFACTS, `doubt-${STUDIO_TARGET}-question.png`) })
    await page.getByTestId('doubt-skip').click()
    await expect.poll(() => question().count()).toBe(0)
    await expect.poll(() => page.getByTestId('job-notice').textContent(), { timeout: 120_000 }).toContain('Colorized 1 photo.')
    expect(await cell('barn.png').getAttribute('data-shows')).not.toBe('original')
    expect(await cell('cheeks.png').getAttribute('data-shows')).toBe('original')
  })

  it('asks before colorizing it alone in the loupe: Esc cancels, "Recolour anyway" colorizes it', async () => {
    await cell('cheeks.png').dblclick()
    await expect.poll(() => page.getByTestId('loupe-name').textContent()).toBe('cheeks.png')
    await page.getByTestId('loupe-colorize').click()
    await expect.poll(() => question().count()).toBe(1)
    await page.keyboard.press('ArrowLeft') // the question keeps the keys: the loupe behind it stays on the photo
    expect(await page.getByTestId('loupe-name').textContent()).toBe('cheeks.png')
    await page.keyboard.press('Escape') // closes the question, not the loupe
    await expect.poll(() => question().count()).toBe(0)
    expect(await page.getByTestId('loupe').count()).toBe(1)
    expect(await jobCount()).toBe(1)

    await page.getByTestId('loupe-colorize').click()
    await page.getByTestId('doubt-recolor').click()
    await expect.poll(() => jobCount()).toBe(2)
    await expect.poll(() => page.getByTestId('job').first().getAttribute('data-status'), { timeout: 120_000 }).toBe('done')
    await expect.poll(() => page.getByTestId('loupe-image').getAttribute('data-shows'), { timeout: 20_000 }).toBe('latest version')
  })
})
