import { describe, expect, it } from 'vitest'
import { actualSize, dividerX, imageRect, positionAt, wheelZoom, zoomAt, zoomPercent, type PaneSize } from './viewGeometry'

// A portrait (900 × 1200) in a landscape pane (1000 × 600): it fits at 0.5, 450 px wide, centred.
const portrait: PaneSize = { frameWidth: 1000, frameHeight: 600, naturalWidth: 900, naturalHeight: 1200 }
const fit = { scale: 1, x: 0, y: 0 }

describe('compare view geometry', () => {
  it('places the image in the pane and reads its zoom in image pixels', () => {
    expect(imageRect(fit, portrait)).toEqual({ left: 275, top: 0, width: 450, height: 600 })
    expect(zoomPercent(fit, portrait)).toBe(50)
    expect(zoomPercent(actualSize(fit, portrait), portrait)).toBe(100)
  })

  it('maps the slider to the image, not the pane: 25 % shows a before part on a portrait', () => {
    const rect = imageRect(fit, portrait)
    expect(dividerX(0.25, rect, 1000)).toBe(275 + 0.25 * 450) // inside the image (a stage-wide range put it at 250, off the image)
    expect(positionAt(275 + 0.25 * 450, rect)).toBeCloseTo(0.25)
    expect(positionAt(0, rect)).toBe(0)
    expect(positionAt(2000, rect)).toBe(1)
    // Zoomed in far, the divider stays on screen.
    expect(dividerX(0.9, imageRect({ scale: 8, x: 0, y: 0 }, portrait), 1000)).toBe(1000)
  })

  it('zooms towards the pointer: the image point under it stays put', () => {
    const px = -200, py = 100 // from the pane's centre
    const before = imageRect(fit, portrait)
    const u = (500 + px - before.left) / before.width
    const zoomed = zoomAt(fit, 3, px, py)
    const after = imageRect(zoomed, portrait)
    expect(after.left + u * after.width).toBeCloseTo(500 + px)
    expect(wheelZoom(fit, -1, px, py).scale).toBeCloseTo(1.25)
    expect(wheelZoom({ scale: 1.25, x: 40, y: 9 }, 1, px, py)).toEqual({ scale: 1, x: 0, y: 0 }) // back at fit: centred
  })
})
