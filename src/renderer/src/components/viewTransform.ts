import { reactive } from 'vue'

export interface ViewTransform {
  scale: number
  x: number
  y: number
}

const MIN_SCALE = 1
const MAX_SCALE = 16

/** Zoom (wheel) and pan (drag) shared by all panes of a compare view. */
export function useViewTransform() {
  const view = reactive<ViewTransform>({ scale: 1, x: 0, y: 0 })
  let dragging: { x: number; y: number } | null = null

  function onWheel(event: WheelEvent): void {
    event.preventDefault()
    const next = Math.min(MAX_SCALE, Math.max(MIN_SCALE, view.scale * (event.deltaY < 0 ? 1.25 : 0.8)))
    const ratio = next / view.scale
    view.x *= ratio
    view.y *= ratio
    view.scale = next
    if (next === MIN_SCALE) reset()
  }

  function onPointerDown(event: PointerEvent): void {
    dragging = { x: event.clientX - view.x, y: event.clientY - view.y }
    ;(event.currentTarget as HTMLElement).setPointerCapture(event.pointerId)
  }

  function onPointerMove(event: PointerEvent): void {
    if (!dragging || view.scale === MIN_SCALE) return
    view.x = event.clientX - dragging.x
    view.y = event.clientY - dragging.y
  }

  function onPointerUp(): void {
    dragging = null
  }

  function reset(): void {
    Object.assign(view, { scale: 1, x: 0, y: 0 })
  }

  return { view, onWheel, onPointerDown, onPointerMove, onPointerUp, reset }
}
