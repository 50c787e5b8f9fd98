import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAppServices, type AppServices } from '../src/main/app/createAppServices'
import { datedModelName } from '../src/shared/api/modelNames'
import { startWebHost, type WebHost } from '../src/main/webhost/webHost'
import { corpusCategory, finetunableBase } from '../tests/fixtures/finetune'
import { writeGreyJpegWithMetadata, writeGreyPng } from '../tests/fixtures/photos'
import { launchChromium } from './browser'

/**
 * Fine-tuning from the studio in the browser: check a small collection made from the shared corpus,
 * start a short fine-tune (2 steps at 64 px) under the suggested name (the folder's and the month), watch
 * its progress, see the new model by that name in the library's model list and colorize a selected scan
 * with it; then cancel a second fine-tune while it trains. Screenshots: e2e/artifacts/finetune-*.png.
 * Skipped (with the reason) without the shared corpus or a fine-tunable base model.
 */

const RENDERER_DIR = resolve(import.meta.dirname, '../out/renderer')
const ARTIFACTS = resolve(import.meta.dirname, 'artifacts')

const dir = await mkdtemp(join(tmpdir(), 'koalarize-finetune-ui-'))
const collection = join(dir, 'flowers in colour')
const photos = await corpusCategory(collection, 'plant', 30)
const base = 'skip' in photos ? photos : await finetunableBase()
const skip = 'skip' in photos ? photos.skip : 'skip' in base ? base.skip : null
if (skip) console.warn(`skipping the fine-tune UI spec: ${skip}`)

let services: AppServices
let host: WebHost
let browser: Browser
let page: Page
let modelId: string
/** The name the form suggests: the folder's name and the month ("flowers in colour, Nov 2026"). */
const suggestedName = datedModelName('flowers in colour', new Date())

const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `finetune-${name}.png`), fullPage: true })
const job = () => page.getByTestId('finetune-job').first()

afterAll(async () => {
  await browser?.close()
  await host?.close()
  await services?.close()
  await rm(dir, { recursive: true, force: true })
})

describe.skipIf(skip !== null)('fine-tuning in the studio (browser)', () => {
  beforeAll(async () => {
    if (!existsSync(join(RENDERER_DIR, 'index.html'))) throw new Error('out/renderer is missing: run `npm run build` first')
    await mkdir(ARTIFACTS, { recursive: true })
    await writeGreyPng(join(collection, 'old-scan.png'), 120, 90) // listed as skipped, with the reason
    // The fine-tunable base as the only bundled model.
    const baseDir = (base as { dir: string }).dir
    const card = JSON.parse(await readFile(join(baseDir, 'model.json'), 'utf8')) as { id: string }
    await mkdir(join(dir, 'bundled'), { recursive: true })
    await symlink(baseDir, join(dir, 'bundled', card.id), 'dir')
    const archive = join(dir, 'archive')
    await mkdir(archive, { recursive: true })
    await writeGreyJpegWithMetadata(join(archive, 'grandma.jpg'), 120, 90)
    services = createAppServices({ dataDir: join(dir, 'data'), bundledModelsDir: join(dir, 'bundled') })
    await services.api.invoke('openProject', { folder: archive })
    await services.api.idle()
    host = await startWebHost({ services, rendererDir: RENDERER_DIR })
    browser = await launchChromium()
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage()
    await page.goto(host.url)
  })

  it('checks the folder: usable colour photos, the skipped ones with the reason, and Python', async () => {
    await page.getByTestId('nav-finetune').click()
    await page.getByTestId('finetune-folder').fill(collection)
    await page.getByTestId('finetune-check').click()
    const inspection = page.getByTestId('finetune-inspection')
    await expect.poll(() => inspection.getAttribute('data-enough'), { timeout: 60_000 }).toBe('true')
    expect(Number(await inspection.getAttribute('data-usable'))).toBeGreaterThanOrEqual(20)
    await page.getByTestId('finetune-skipped').locator('summary').click()
    await expect.poll(() => page.getByTestId('finetune-skipped').textContent()).toContain('old-scan.png: black-and-white or near-grey')
    await expect.poll(() => page.getByTestId('finetune-environment').getAttribute('data-ok'), { timeout: 60_000 }).toBe('true')
    expect(await page.getByTestId('finetune-name').inputValue()).toBe(suggestedName)
    // A small collection: the form says what the minimum steps are, and that it will change the model little.
    await expect.poll(() => page.getByTestId('finetune-min-steps').textContent()).toMatch(/at least \d+ training steps for \d+ photos/)
    await expect.poll(() => page.getByTestId('finetune-few-photos').textContent()).toContain('the model will change little')
    await shot('1-check')
  })

  it('starts a short fine-tune and shows its progress, loss chart, preview and result', async () => {
    await page.getByTestId('finetune-epochs').fill('1')
    await page.getByTestId('finetune-size').fill('64')
    await page.getByTestId('finetune-options').locator('summary').click()
    await page.getByTestId('finetune-batch').fill('4')
    await page.getByTestId('finetune-max-steps').fill('2')
    await page.getByTestId('finetune-start').click()
    await expect.poll(async () => Number(await job().getByTestId('finetune-progress').getAttribute('data-fraction')), { timeout: 240_000 }).toBeGreaterThan(0)
    await expect.poll(() => job().getByTestId('finetune-phase').textContent()).toMatch(/training|exporting|evaluating|done/)
    await shot('2-progress')
    await expect.poll(() => job().getAttribute('data-state'), { timeout: 400_000 }).toBe('done')
    const result = job().getByTestId('finetune-result')
    modelId = (await result.getAttribute('data-model-id'))!
    expect(modelId).toMatch(/^flowers-in-colour-[a-z]{3}-\d{4}$/)
    expect(['true', 'false']).toContain(await result.getAttribute('data-recommended'))
    await expect.poll(() => job().getByTestId('finetune-before').textContent()).toMatch(/before.*\d+\.\d\d/)
    await expect.poll(() => job().getByTestId('finetune-after').textContent()).toMatch(/after.*\d+\.\d\d/)
    expect(Number(await job().getByTestId('finetune-chart').getAttribute('data-heldout-points'))).toBeGreaterThanOrEqual(1)
    const preview = job().getByTestId('finetune-preview')
    await expect.poll(() => preview.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth), { timeout: 20_000 }).toBeGreaterThan(0)
    // One final state, the outcome in words, and what the figures mean.
    expect(await job().getByTestId('finetune-phase').textContent()).toMatch(/^done/)
    await expect.poll(() => job().getByTestId('finetune-outcome').textContent()).toMatch(/^Colours .*your photos.* on \d+ photos? of your collection it never saw\.$/)
    await job().getByTestId('finetune-meaning').locator('summary').click()
    expect(await job().getByTestId('finetune-meaning').textContent()).toContain('Colour difference (CIEDE2000, lower is better)')
    await shot('3-done')
    // The loss chart is kept with the job: after a reload it still has its training loss.
    await page.reload()
    await page.getByTestId('nav-finetune').click()
    await expect.poll(async () => Number(await job().getByTestId('finetune-chart').getAttribute('data-train-points')), { timeout: 20_000 }).toBeGreaterThanOrEqual(1)
  }, 600_000)

  it('the new model is in the library\'s model list, and "Colorize selected photos with it" uses it', async () => {
    await page.getByTestId('project').first().click()
    await expect.poll(() => page.getByTestId('model-select').locator(`option[value="${modelId}"]`).count(), { timeout: 20_000 }).toBe(1)
    expect(await page.getByTestId('model-select').locator(`option[value="${modelId}"]`).textContent()).toBe(suggestedName) // listed with its date
    await page.getByTestId('photo-cell').first().click()
    await page.getByTestId('working-size').fill('64')
    await page.getByTestId('nav-finetune').click()
    await job().getByTestId('finetune-use-model').click()
    await expect.poll(() => page.getByTestId('model-select').inputValue(), { timeout: 20_000 }).toBe(modelId)
    const colorizeJob = page.getByTestId('job').first()
    await expect.poll(() => colorizeJob.getAttribute('data-status'), { timeout: 120_000 }).toBe('done')
    expect(await colorizeJob.textContent()).toContain(suggestedName) // the model by its name; its id in the title
    await shot('4-library')
  })

  it('cancels a fine-tune while it trains: one final state ("cancelled"), the loss chart kept, no "early stop"', async () => {
    await page.getByTestId('nav-finetune').click()
    await page.getByTestId('finetune-folder').fill(collection)
    await page.getByTestId('finetune-name').fill('Flowers (to cancel)')
    await page.getByTestId('finetune-size').fill('64')
    await page.getByTestId('finetune-options').locator('summary').click()
    await page.getByTestId('finetune-batch').fill('4')
    await page.getByTestId('finetune-max-steps').fill('300') // far more than it gets to run
    await page.getByTestId('finetune-start').click()
    await expect.poll(() => job().locator('header strong').textContent(), { timeout: 20_000 }).toBe('Flowers (to cancel)')
    const trainPoints = async () => Number(await job().getByTestId('finetune-chart').getAttribute('data-train-points'))
    await expect.poll(trainPoints, { timeout: 240_000 }).toBeGreaterThanOrEqual(3)
    await job().getByTestId('finetune-cancel').click()
    await expect.poll(() => job().getAttribute('data-state'), { timeout: 60_000 }).toBe('cancelled')
    const points = await trainPoints()
    /** The training loss line's horizontal extent, as a share of the chart's plot width. */
    const lineSpan = () => job().getByTestId('chart-train').evaluate((line) => {
      const xs = (line.getAttribute('points') ?? '').trim().split(/\s+/).map((p: string) => Number(p.split(',')[0]))
      return (Math.max(...xs) - Math.min(...xs)) / (320 - 2 * 6)
    })
    /** One final state, said once, and nothing on the card claims an early stop. */
    const checkOneFinalState = async () => {
      expect(await job().getAttribute('data-state')).toBe('cancelled')
      expect(await job().getByTestId('finetune-phase').textContent()).toMatch(/^cancelled at step \d+ of 300$/)
      const text = (await job().textContent()) ?? ''
      expect(text).not.toMatch(/early/i)
      expect(text.match(/cancel/gi)).toHaveLength(2) // its name ("to cancel") and its one state line
      expect(await job().getByTestId('finetune-message').count()).toBe(0)
      expect(await job().getByTestId('finetune-cancel').count()).toBe(0)
      expect(await trainPoints()).toBeGreaterThanOrEqual(points) // the chart survives the cancel…
      expect(await lineSpan()).toBeGreaterThan(0.5) // …as a line over the steps reached, not collapsed
    }
    await checkOneFinalState()
    await shot('5-cancelled')
    await new Promise((settle) => setTimeout(settle, 3000)) // the trainer's last events change nothing
    await checkOneFinalState()
    await page.reload() // and it is kept with the job
    await page.getByTestId('nav-finetune').click()
    await expect.poll(() => job().getAttribute('data-state'), { timeout: 20_000 }).toBe('cancelled')
    await checkOneFinalState()
  }, 400_000)
})
