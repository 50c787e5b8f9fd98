/** Where an image sits in a pane: pure geometry for the compare view (zoom, pan, slider). */

export interface ViewTransform {
  /** Zoom relative to "fit" (1 = the whole image fits the pane). */
  scale: number
  /** Pan, in CSS pixels, of the image's centre from the pane's centre. */
  x: number
  y: number
}

export interface PaneSize {
  frameWidth: number
  frameHeight: number
  naturalWidth: number
  naturalHeight: number
}

export interface ImageRect {
  left: number
  top: number
  width: number
  height: number
}

export const MIN_SCALE = 1
export const MAX_SCALE = 16
/** One wheel notch zooms by this factor. */
export const WHEEL_STEP = 1.25

/** CSS pixels per image pixel when the image fits the pane (object-fit: contain). */
export function fitScale(size: PaneSize): number {
  if (!size.naturalWidth || !size.naturalHeight) return 1
  return Math.min(size.frameWidth / size.naturalWidth, size.frameHeight / size.naturalHeight)
}

/** Displayed size as a percentage of the image's own pixels (100 % = one image pixel per CSS pixel). */
export function zoomPercent(view: ViewTransform, size: PaneSize): number {
  return Math.round(fitScale(size) * view.scale * 100)
}

/** The image's rectangle inside its pane, in the pane's CSS pixels. */
export function imageRect(view: ViewTransform, size: PaneSize): ImageRect {
  const f = fitScale(size) * view.scale
  const width = size.naturalWidth * f
  const height = size.naturalHeight * f
  return { left: size.frameWidth / 2 + view.x - width / 2, top: size.frameHeight / 2 + view.y - height / 2, width, height }
}

/**
 * Zooms to `scale`, keeping the image point under (px, py) — pane coordinates from its centre — where
 * it is on screen: zoom towards the cursor.
 */
export function zoomAt(view: ViewTransform, scale: number, px: number, py: number): ViewTransform {
  const ratio = scale / view.scale
  return { scale, x: px - (px - view.x) * ratio, y: py - (py - view.y) * ratio }
}

/** One wheel notch in (deltaY < 0) or out, bounded; back at "fit" the image is centred again. */
export function wheelZoom(view: ViewTransform, deltaY: number, px: number, py: number): ViewTransform {
  const scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, view.scale * (deltaY < 0 ? WHEEL_STEP : 1 / WHEEL_STEP)))
  return scale === MIN_SCALE ? { scale, x: 0, y: 0 } : zoomAt(view, scale, px, py)
}

/** The scale at which one image pixel is one CSS pixel, around (px, py). */
export function actualSize(view: ViewTransform, size: PaneSize, px = 0, py = 0): ViewTransform {
  return zoomAt(view, 1 / fitScale(size), px, py)
}

/** The divider's x in the pane for a position `at` (0 = image's left edge, 1 = its right edge), kept on screen. */
export function dividerX(at: number, rect: ImageRect, frameWidth: number): number {
  return Math.min(frameWidth, Math.max(0, rect.left + at * rect.width))
}

/** The slider position (0–1 across the image) for a pointer at pane x. */
export function positionAt(x: number, rect: ImageRect): number {
  return rect.width > 0 ? Math.min(1, Math.max(0, (x - rect.left) / rect.width)) : 0.5
}
