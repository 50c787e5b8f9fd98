/**
 * Photo-grid benchmark: makes N tiny photos (default 10,000), opens them as a project through the
 * API (scan + thumbnails, timed), serves the built UI with the web host, opens it in Chromium
 * (1280×800) and measures the virtual grid: jumps to uncached pages (time until the cells and their
 * thumbnails show), then real wheel scrolling from top to bottom while an in-page
 * requestAnimationFrame loop records frame intervals; DOM size and JS heap before and after.
 *   npm run build && npx tsx bench/gridScroll.ts [count] [--steps 120] [--keep]
 * A benchmark, not a test: it only checks that the grid did what was asked (reached the end, no cell
 * left blank), and says so.
 */
import sharp from 'sharp'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { createAppServices, type AppServices } from '../src/main/app/createAppServices'
import { startWebHost, type WebHost } from '../src/main/webhost/webHost'
import { launchChromium } from '../e2e/browser'

const RENDERER_DIR = resolve(import.meta.dirname, '../out/renderer')
const WIDTH = 64
const HEIGHT = 48
const PER_FOLDER = 500
const VIEWPORT = { width: 1280, height: 800 }

const args = process.argv.slice(2)
const count = Number(args.find((a) => /^\d+$/.test(a)) ?? 10_000)
const stepsArg = args.indexOf('--steps')
const STEPS = stepsArg >= 0 ? Number(args[stepsArg + 1]) : 120
const keep = args.includes('--keep')

// ---------------------------------------------------------------------------------------------
// Photos: four variants (B&W, sepia, colour, high-contrast B&W), each made unique by its index as a
// bar code along the top (so no two files share a content hash). 64×48 JPEGs, encoded a few at once.

function variant(kind: number): Buffer {
  const rgb = Buffer.alloc(WIDTH * HEIGHT * 3)
  for (let y = 0, i = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++, i += 3) {
      const v = (x * 4 + y * 3) & 255
      if (kind === 0) rgb.fill(v, i, i + 3)
      else if (kind === 1) rgb.set([Math.min(255, v + 20), v, Math.max(0, v - 25)], i)
      else if (kind === 2) rgb.set([v, (x * 7) & 255, (y * 9) & 255], i)
      else rgb.fill(((x >> 3) + (y >> 3)) & 1 ? 230 : 25, i, i + 3)
    }
  }
  return rgb
}
const VARIANTS = [0, 1, 2, 3].map(variant)

async function makePhoto(root: string, index: number): Promise<void> {
  const rgb = Buffer.from(VARIANTS[index % VARIANTS.length]!)
  for (let bit = 0; bit < 16; bit++) {
    const value = (index >> bit) & 1 ? 255 : 0
    for (let y = 0; y < 4; y++) for (let x = bit * 4; x < bit * 4 + 4; x++) rgb.fill(value, (y * WIDTH + x) * 3, (y * WIDTH + x) * 3 + 3)
  }
  const folder = join(root, `roll-${String(Math.floor(index / PER_FOLDER)).padStart(3, '0')}`)
  await sharp(rgb, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } }).jpeg({ quality: 80 }).toFile(join(folder, `photo-${String(index).padStart(5, '0')}.jpg`))
}

async function makePhotos(root: string, n: number): Promise<void> {
  for (let f = 0; f * PER_FOLDER < n; f++) await mkdir(join(root, `roll-${String(f).padStart(3, '0')}`), { recursive: true })
  let next = 0
  const worker = async () => {
    while (next < n) await makePhoto(root, next++)
  }
  await Promise.all(Array.from({ length: 4 }, worker))
}

// ---------------------------------------------------------------------------------------------
// In-page helpers (run with page.evaluate; plain functions so that they serialise). They run in
// Chromium, but this file is type-checked with Node's library only (no DOM): the few browser shapes
// they use are declared here, local to this module.

interface HTMLImageElement { complete: boolean; naturalWidth: number; src: string }
interface HTMLElement {
  scrollTop: number
  scrollHeight: number
  clientHeight: number
  offsetHeight: number
  style: { top: string }
  dataset: Record<string, string | undefined>
  textContent: string | null
  querySelector(selector: string): HTMLImageElement | null
  querySelectorAll<E = HTMLElement>(selector: string): Iterable<E>
}
declare const document: {
  querySelector<E = HTMLElement>(selector: string): E | null
  querySelectorAll<E = HTMLElement>(selector: string): Iterable<E>
  getElementsByTagName(name: string): { length: number }
}
declare const window: Record<string, unknown>
declare function requestAnimationFrame(callback: (time: number) => void): number

interface JumpResult {
  scrollTop: number
  cellsMs: number | null
  imagesMs: number | null
  visibleCells: number
  timedOut: boolean
}

/** Sets the grid's scrollTop and times, frame by frame, until every cell in view is a photo cell, then until their thumbnails have loaded. */
function jumpAndTime({ to, timeoutMs }: { to: number | 'end'; timeoutMs: number }): Promise<JumpResult> {
  const grid = document.querySelector<HTMLElement>('[data-testid="photo-grid"]')!
  const inView = () => {
    const top = grid.scrollTop
    const bottom = top + grid.clientHeight
    return [...grid.querySelectorAll<HTMLElement>('.cell')].filter((c) => {
      const y = parseFloat(c.style.top)
      return y + c.offsetHeight > top && y < bottom
    })
  }
  const t0 = performance.now()
  grid.scrollTop = to === 'end' ? grid.scrollHeight : to
  let cellsMs: number | null = null
  return new Promise((done) => {
    const check = () => {
      const now = performance.now() - t0
      const cells = inView()
      const filled = cells.filter((c) => c.dataset.testid === 'photo-cell')
      if (cellsMs === null && cells.length > 0 && filled.length === cells.length) cellsMs = now
      const imagesLoaded =
        cellsMs !== null &&
        filled.every((c) => {
          if (c.dataset.hasThumbnail !== 'true') return true
          const img = c.querySelector('img')
          return !!img && img.complete && img.naturalWidth > 0
        })
      if (imagesLoaded || now > timeoutMs) {
        done({ scrollTop: grid.scrollTop, cellsMs, imagesMs: imagesLoaded ? now : null, visibleCells: cells.length, timedOut: !imagesLoaded })
        return
      }
      requestAnimationFrame(check)
    }
    requestAnimationFrame(check)
  })
}

/** Starts recording requestAnimationFrame timestamps into window.__frames. */
function startFrameRecorder(): void {
  const w = window as unknown as { __frames: number[]; __recording: boolean }
  w.__frames = []
  w.__recording = true
  const tick = (t: number) => {
    if (!w.__recording) return
    w.__frames.push(t)
    requestAnimationFrame(tick)
  }
  requestAnimationFrame(tick)
}

function stopFrameRecorder(): number[] {
  const w = window as unknown as { __frames: number[]; __recording: boolean }
  w.__recording = false
  return w.__frames
}

/** Grid and DOM state right now. */
function gridState() {
  const grid = document.querySelector<HTMLElement>('[data-testid="photo-grid"]')!
  const top = grid.scrollTop
  const bottom = top + grid.clientHeight
  const cells = [...grid.querySelectorAll<HTMLElement>('.cell')]
  const inView = cells.filter((c) => {
    const y = parseFloat(c.style.top)
    return y + c.offsetHeight > top && y < bottom
  })
  const blankInView = inView.filter((c) => c.dataset.testid !== 'photo-cell').length
  const ids = cells.filter((c) => c.dataset.testid === 'photo-cell').map((c) => Number(c.dataset.photoId))
  const memory = (performance as unknown as { memory?: { usedJSHeapSize: number; totalJSHeapSize: number } }).memory
  return {
    scrollTop: top,
    maxScroll: grid.scrollHeight - grid.clientHeight,
    clientHeight: grid.clientHeight,
    photoCells: ids.length,
    allCells: cells.length,
    inView: inView.length,
    blankInView,
    domNodes: document.getElementsByTagName('*').length,
    heapUsed: memory?.usedJSHeapSize ?? null,
    heapTotal: memory?.totalJSHeapSize ?? null
  }
}

const nextFrames = (page: Page) => page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))))

// ---------------------------------------------------------------------------------------------

const seconds = (ms: number): string => (ms / 1000).toFixed(2)
const ms = (v: number | null): string => (v === null ? 'never' : `${v.toFixed(0)} ms`)
const mb = (bytes: number | null | undefined): string => (bytes == null ? 'n/a' : `${(bytes / 1e6).toFixed(1)} MB`)
const quantile = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN
const row = (label: string, value: string) => console.log(`${label.padEnd(34)} ${value}`)

async function main(): Promise<void> {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) throw new Error('out/renderer is missing: run `npm run build` first')
  const dir = await mkdtemp(join(tmpdir(), 'koalarize-grid-'))
  const root = join(dir, 'archive')
  console.log(`grid scroll benchmark: ${count} photos (${WIDTH}x${HEIGHT} JPEG) in ${dir}; ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(2)}`)
  let services: AppServices | undefined
  let host: WebHost | undefined
  let browser: Browser | undefined
  try {
    let t = performance.now()
    await makePhotos(root, count)
    row('made photos', `${seconds(performance.now() - t)} s (not part of the figures)`)

    // --- Library: open the folder as a project, as the UI does, and wait for scan + thumbnails.
    services = createAppServices({ dataDir: join(dir, 'data') })
    let scanDoneAt = 0
    let scanSummary: unknown
    const off = services.api.on((event) => {
      if (event.name === 'scanFinished') {
        scanDoneAt = performance.now()
        scanSummary = event.payload
      }
    })
    t = performance.now()
    const project = await services.api.invoke('openProject', { folder: root })
    await services.api.idle()
    const libraryMs = performance.now() - t
    off()
    const scanMs = scanDoneAt ? scanDoneAt - t : NaN
    const summary = scanSummary as { added?: number; errors?: number } | undefined
    row('scan', `${seconds(scanMs)} s  (added ${summary?.added ?? '?'}, errors ${summary?.errors ?? '?'})`)
    row('thumbnails', `${seconds(libraryMs - scanMs)} s`)
    row('scan + thumbnails', `${seconds(libraryMs)} s  ${(count / (libraryMs / 1000)).toFixed(1)} photos/s`)
    const withThumbs = services.store.queryPhotos({ projectId: project.id, filter: 'all', limit: 0 }).total
    row('photos in the catalog', String(withThumbs))

    // --- UI: web host + Chromium, select the project.
    host = await startWebHost({ services, rendererDir: RENDERER_DIR })
    browser = await launchChromium()
    const page = await (await browser.newContext({ viewport: VIEWPORT })).newPage()
    const cdp = await page.context().newCDPSession(page)
    await cdp.send('Performance.enable')
    const cdpHeap = async () => {
      const { metrics } = await cdp.send('Performance.getMetrics')
      const get = (name: string) => metrics.find((m) => m.name === name)?.value ?? null
      return { used: get('JSHeapUsedSize'), total: get('JSHeapTotalSize'), nodes: get('Nodes') }
    }
    // tsx keeps function names with a `__name` helper that the serialised in-page functions call.
    await page.addInitScript('globalThis.__name = (f) => f; performance.setResourceTimingBufferSize(100000)')
    t = performance.now()
    await page.goto(host.url)
    await page.getByTestId('project').first().click()
    await page.getByTestId('photo-cell').first().waitFor({ timeout: 60_000 })
    await page.waitForFunction((n) => document.querySelector('[data-testid="photo-count"]')?.textContent?.includes(`${n} photos`), count, { timeout: 60_000 })
    const firstPaint = await page.evaluate(jumpAndTime, { to: 0, timeoutMs: 30_000 })
    row('UI: project open → first page', `${(performance.now() - t).toFixed(0)} ms (thumbnails in view ${firstPaint.timedOut ? 'not all loaded' : 'loaded'})`)
    const start = await page.evaluate(gridState)
    const heap0 = await cdpHeap()
    row('grid', `${start.clientHeight} px high, ${start.maxScroll + start.clientHeight} px content, ${start.inView} cells in view`)

    // --- Jumps to pages not loaded yet: the end, then the middle.
    const jumps: [string, JumpResult][] = []
    for (const [label, to] of [['end', 'end'], ['middle', Math.round(start.maxScroll / 2)], ['top', 0]] as const) {
      const r = await page.evaluate(jumpAndTime, { to, timeoutMs: 20_000 })
      jumps.push([label, r])
      row(`jump to ${label}`, `cells in ${ms(r.cellsMs)}, thumbnails in ${ms(r.imagesMs)} (${r.visibleCells} cells in view, scrollTop ${r.scrollTop.toFixed(0)})${r.timedOut ? '  ** NOT FILLED after 20 s **' : ''}`)
    }

    // --- Wheel scrolling from top to bottom, frames recorded in the page.
    const box = (await page.getByTestId('photo-grid').boundingBox())!
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
    await nextFrames(page)
    const delta = Math.ceil(start.maxScroll / STEPS)
    let maxPhotoCells = 0
    let maxAllCells = 0
    let stepsWithBlanks = 0
    let steps = 0
    await page.evaluate(startFrameRecorder)
    const scrollStart = performance.now()
    for (; steps < STEPS * 2; steps++) {
      await page.mouse.wheel(0, delta)
      await nextFrames(page)
      const s = await page.evaluate(gridState)
      maxPhotoCells = Math.max(maxPhotoCells, s.photoCells)
      maxAllCells = Math.max(maxAllCells, s.allCells)
      if (s.blankInView > 0) stepsWithBlanks++
      if (s.scrollTop >= s.maxScroll - 1) {
        steps++
        break
      }
    }
    const scrollMs = performance.now() - scrollStart
    const requests = await page.evaluate(() => {
      const all = performance.getEntriesByType('resource').filter((e) => e.name.includes('/thumbnail/'))
      return { made: all.length, pending: 0 }
    })
    const frames = await page.evaluate(stopFrameRecorder)
    const intervals = frames.slice(1).map((f, i) => f - frames[i]!)
    const sorted = [...intervals].sort((a, b) => a - b)
    const end = await page.evaluate(gridState)

    // Everything in view at the end must fill in (a stuck blank cell is a bug).
    const settle = await page.evaluate(jumpAndTime, { to: end.scrollTop, timeoutMs: 60_000 })
    const last = await page.evaluate(gridState)
    if (settle.timedOut) {
      // Which thumbnails in view did not show, and what became of their requests.
      const stuck = await page.evaluate(() => {
        const grid = document.querySelector<HTMLElement>('[data-testid="photo-grid"]')!
        const top = grid.scrollTop
        const bottom = top + grid.clientHeight
        return [...grid.querySelectorAll<HTMLElement>('[data-testid="photo-cell"]')]
          .filter((c) => parseFloat(c.style.top) + c.offsetHeight > top && parseFloat(c.style.top) < bottom)
          .map((c) => ({ id: c.dataset.photoId, hasThumbnail: c.dataset.hasThumbnail, img: c.querySelector('img') }))
          .filter(({ img, hasThumbnail }) => hasThumbnail === 'true' && !(img && img.complete && img.naturalWidth > 0))
          .map(({ id, img }) => {
            const entry = img ? (performance.getEntriesByName(img.src).at(-1) as unknown as { responseStatus: number; duration: number } | undefined) : undefined
            return `${id}: ${img ? `complete=${img.complete} naturalWidth=${img.naturalWidth} request=${entry ? `${entry.responseStatus} in ${entry.duration.toFixed(0)} ms` : 'none'}` : 'no img'}`
          })
      })
      console.log(`thumbnails in view not shown (${stuck.length}): ${stuck.slice(0, 8).join('; ')}`)
    }
    const lastId = await page.evaluate(() => Math.max(...[...document.querySelectorAll<HTMLElement>('[data-testid="photo-cell"]')].map((c) => Number(c.dataset.photoId))))
    await cdp.send('HeapProfiler.collectGarbage')
    const heap1 = await cdpHeap()
    const memAfter = await page.evaluate(gridState)

    console.log('')
    row('wheel scroll', `${steps} steps of ${delta} px in ${seconds(scrollMs)} s, scrollTop ${end.scrollTop.toFixed(0)}/${end.maxScroll} ${end.scrollTop >= end.maxScroll - 1 ? '(reached the end)' : '** did not reach the end **'}`)
    row('frames', String(frames.length))
    row('frame interval p50 / p95 / max', `${quantile(sorted, 0.5).toFixed(1)} / ${quantile(sorted, 0.95).toFixed(1)} / ${(sorted.at(-1) ?? NaN).toFixed(1)} ms`)
    row('long frames (> 50 ms)', `${intervals.filter((i) => i > 50).length}`)
    row('photo-cell elements in the DOM', `max ${maxPhotoCells} while scrolling (all cells incl. placeholders: max ${maxAllCells}); ${last.photoCells} at the end`)
    row('thumbnail requests', `${requests.made} in Resource Timing by the end of the scroll`)
    row('steps showing placeholder cells', `${stepsWithBlanks}/${steps}`)
    row('at the end: cells in view filled', `${settle.timedOut ? '** NOT FILLED after 60 s **' : `yes (cells ${ms(settle.cellsMs)}, thumbnails ${ms(settle.imagesMs)})`}; last photo id shown ${lastId}, ${last.blankInView} blank`)
    row('DOM nodes', `${start.domNodes} at the top, ${last.domNodes} at the end`)
    row('JS heap (CDP, used)', `${mb(heap0.used)} before scrolling, ${mb(heap1.used)} after (after GC)`)
    row('JS heap (performance.memory)', `${mb(start.heapUsed)} used before, ${mb(memAfter.heapUsed)} after (quantised by Chromium)`)

    const problems: string[] = []
    if (maxAllCells > 400) problems.push(`too many cells in the DOM (${maxAllCells})`)
    if (end.scrollTop < end.maxScroll - 1) problems.push('the wheel did not reach the end')
    if (settle.timedOut || last.blankInView > 0) problems.push('cells in view never filled')
    else if ((settle.imagesMs ?? 0) > 5000) problems.push(`thumbnails in view took ${seconds(settle.imagesMs!)} s to show after the scroll`)
    for (const [label, r] of jumps) if (r.timedOut) problems.push(`jump to ${label} never filled`)
    console.log(problems.length ? `\nSANITY: ${problems.join('; ')}` : '\nsanity: ok')
    if (problems.length) process.exitCode = 1
  } finally {
    await browser?.close()
    await host?.close()
    await services?.close()
    if (!keep) await rm(dir, { recursive: true, force: true })
    else console.log(`kept ${dir}`)
  }
}

await main()
