import type { Page } from 'playwright-core'
import { expect } from 'vitest'

/** The compare view's before/after slider and zoom, checked in the page (studio.spec.ts). */

/** Where the (upright, portrait) image lies on screen, and where the divider and the original's clip are. */
const SLIDER_SCRIPT = `(() => {
  const img = document.querySelector('[data-testid="compare-pane"]:not(.overlay) img')
  const frame = img.parentElement.getBoundingClientRect()
  const t = new DOMMatrix(getComputedStyle(img).transform)
  const fit = Math.min(frame.width / img.naturalWidth, frame.height / img.naturalHeight) * t.a
  const width = img.naturalWidth * fit
  const left = frame.left + frame.width / 2 + t.e - width / 2
  const handle = document.querySelector('[data-testid="compare-slider"]').getBoundingClientRect()
  const overlay = document.querySelector('[data-testid="compare-pane"].overlay')
  const clipRight = parseFloat(overlay.style.clipPath.split(' ')[1])
  return { left, width, frameLeft: frame.left, frameWidth: frame.width, divider: handle.left + handle.width / 2, clipEdge: frame.left + frame.width - clipRight }
})()`
type SliderGeometry = { left: number; width: number; frameLeft: number; frameWidth: number; divider: number; clipEdge: number }

/**
 * The slider on a portrait photo: its range spans the image, not the stage, so at 25 % a before part
 * shows; its handle is dragged on the image; the wheel zooms towards the pointer; Z and the readout.
 */
export async function checkSliderOnPortrait(page: Page, shot: (name: string) => Promise<unknown>): Promise<void> {
  const slider = () => page.evaluate<SliderGeometry>(SLIDER_SCRIPT)
  await expect.poll(() => page.getByTestId('zoom-readout').textContent()).toMatch(/^\d+ %$/)
  let g = await slider()
  expect(g.width).toBeLessThan(g.frameWidth / 2) // a portrait in a landscape stage
  expect(Math.abs(g.divider - (g.left + g.width / 2))).toBeLessThan(1.5)
  // Drag the handle to a quarter of the image's width.
  const handle = page.getByTestId('compare-handle')
  const box = (await handle.boundingBox())!
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
  await page.mouse.down()
  await page.mouse.move(g.left + g.width * 0.25, box.y + box.height / 2, { steps: 5 })
  await page.mouse.up()
  expect(await page.getByTestId('compare-slider').getAttribute('aria-valuenow')).toBe('25')
  g = await slider()
  expect(g.divider).toBeGreaterThan(g.left + 1) // on the image: the original shows left of it
  expect(Math.abs(g.clipEdge - (g.divider))).toBeLessThan(1.5)
  await shot('6a-slider-25')
  // The keys: End and Home are the image's edges, an arrow moves 2 %.
  await page.getByTestId('compare-slider').press('End')
  expect(Math.abs((await slider()).divider - (g.left + g.width))).toBeLessThan(1.5)
  await page.getByTestId('compare-slider').press('Home')
  await page.getByTestId('compare-slider').press('ArrowRight')
  expect(await page.getByTestId('compare-slider').getAttribute('aria-valuenow')).toBe('2')

  // Zoom towards the pointer: the image point under it stays under it.
  const at = { x: g.left + g.width * 0.3, y: box.y + box.height / 2 - 20 }
  const u = (at.x - g.left) / g.width
  const fitPercent = parseInt((await page.getByTestId('zoom-readout').textContent())!)
  await page.mouse.move(at.x, at.y)
  await page.mouse.wheel(0, -100)
  await page.mouse.wheel(0, -100)
  await expect.poll(async () => parseInt((await page.getByTestId('zoom-readout').textContent())!)).toBeGreaterThan(fitPercent * 1.5) // two notches of ×1.25
  g = await slider()
  expect(Math.abs(g.left + u * g.width - (at.x))).toBeLessThan(1.5)
  await page.keyboard.press('z')
  await expect.poll(() => page.getByTestId('zoom-readout').textContent()).toBe('100 %')
  await page.keyboard.press('z')
  await expect.poll(() => page.getByTestId('zoom-readout').textContent()).toBe(`${fitPercent} %`)
  await page.getByTestId('zoom-100').click()
  await expect.poll(() => page.getByTestId('zoom-readout').textContent()).toBe('100 %')
  await page.getByTestId('zoom-fit').click()
}
