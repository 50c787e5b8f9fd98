import { computed, reactive } from 'vue'
import { actualSize, fitScale, wheelZoom, zoomPercent, type PaneSize, type ViewTransform } from './viewGeometry'

export type { PaneSize, ViewTransform } from './viewGeometry'

/** The pointer's position from the centre of the pane (its `.frame`) under it, if any. */
function fromFrameCentre(event: MouseEvent): { px: number; py: number } {
  const frame = (event.target as HTMLElement | null)?.closest?.('.frame')
  if (!frame) return { px: 0, py: 0 }
  const r = frame.getBoundingClientRect()
  return { px: event.clientX - r.left - r.width / 2, py: event.clientY - r.top - r.height / 2 }
}

/** Zoom (wheel, towards the pointer; 100 %) and pan (drag) shared by all panes of a compare view. */
export function useViewTransform() {
  const view = reactive<ViewTransform>({ scale: 1, x: 0, y: 0 })
  /** The panes' size and the image's own, reported by the panes (all panes show the same size). */
  const size = reactive<PaneSize>({ frameWidth: 0, frameHeight: 0, naturalWidth: 0, naturalHeight: 0 })
  const measured = computed(() => size.naturalWidth > 0 && size.frameWidth > 0)
  const percent = computed(() => (measured.value ? zoomPercent(view, size) : null))
  let dragging: { x: number; y: number } | null = null

  function onWheel(event: WheelEvent): void {
    event.preventDefault()
    const { px, py } = fromFrameCentre(event)
    Object.assign(view, wheelZoom(view, event.deltaY, px, py))
  }

  function onPointerDown(event: PointerEvent): void {
    dragging = { x: event.clientX - view.x, y: event.clientY - view.y }
    ;(event.currentTarget as HTMLElement).setPointerCapture(event.pointerId)
  }

  function onPointerMove(event: PointerEvent): void {
    if (!dragging || view.scale === 1) return
    view.x = event.clientX - dragging.x
    view.y = event.clientY - dragging.y
  }

  function onPointerUp(): void {
    dragging = null
  }

  function reset(): void {
    Object.assign(view, { scale: 1, x: 0, y: 0 })
  }

  /** One image pixel per screen pixel, around the pane's centre. */
  function showActualSize(): void {
    if (measured.value) Object.assign(view, actualSize(view, size))
  }

  /** The Z key: 100 % if not there, else back to fit. */
  function toggleActualSize(): void {
    if (measured.value && Math.abs(view.scale - 1 / fitScale(size)) > 1e-6) showActualSize()
    else reset()
  }

  function measure(next: PaneSize): void {
    Object.assign(size, next)
  }

  return { view, size, percent, onWheel, onPointerDown, onPointerMove, onPointerUp, reset, showActualSize, toggleActualSize, measure }
}
