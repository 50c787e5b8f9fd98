import { defineStore } from 'pinia'
import { computed, reactive, ref, shallowRef } from 'vue'
import type { PhotoDto, ProjectDto } from '../../../shared/api/schemas'
import { apiClient } from './app'

export type PhotoFilter = 'all' | 'bw' | 'colour' | 'toned' | 'done' | 'failed'
export type PhotoSort = 'name' | 'date'

/** Photos are fetched in pages of this many, as the grid scrolls to them. */
export const PAGE_SIZE = 200

/** The library: projects, the open project's photos (paged for the virtual grid), filter, sort, selection. */
export const useLibraryStore = defineStore('library', () => {
  const api = apiClient()
  const projects = ref<ProjectDto[]>([])
  const projectId = ref<number | null>(null)
  const filter = ref<PhotoFilter>('all')
  const sort = ref<PhotoSort>('name')
  const total = ref(0)
  const pages = shallowRef(new Map<number, PhotoDto[]>())
  /** Pages being fetched, so that callers can wait for one already on its way. */
  const loading = new Map<number, Promise<void>>()
  const selection = ref(new Set<number>())
  const scan = reactive({ running: false, done: 0, total: 0, thumbnailsDone: 0, thumbnailsTotal: 0 })
  const error = ref<string | null>(null)
  /** Bumped when a photo's images change, to reload them. */
  const imageEpoch = reactive(new Map<number, number>())
  let generation = 0

  const project = computed(() => projects.value.find((p) => p.id === projectId.value) ?? null)

  async function loadProjects(): Promise<void> {
    projects.value = await api.listProjects()
  }

  async function openFolder(folder: string): Promise<void> {
    error.value = null
    try {
      const opened = await api.openProject({ folder })
      scan.running = true
      await loadProjects()
      await selectProject(opened.id)
    } catch (e) {
      error.value = (e as Error).message
    }
  }

  /** Removes a project from the library (the catalog only: the files in its folder stay as they are). */
  async function removeProject(id: number): Promise<void> {
    error.value = null
    try {
      projects.value = await api.removeProject({ projectId: id })
      if (projectId.value === id) {
        projectId.value = null
        void rememberProject(null)
        selection.value = new Set()
        total.value = 0
        await reload()
      }
    } catch (e) {
      error.value = (e as Error).message
    }
  }

  async function selectProject(id: number): Promise<void> {
    projectId.value = id
    selection.value = new Set()
    void rememberProject(id)
    await reload()
  }

  /** Kept in the settings, so the next start opens the same project. */
  async function rememberProject(id: number | null): Promise<void> {
    try {
      await api.updateSettings({ lastProjectId: id })
    } catch {
      // not worth an error on screen: the next start just opens no project
    }
  }

  /** At start: the project open last, when it is still in the library and none is open yet. */
  async function reopenLastProject(): Promise<void> {
    if (projectId.value !== null) return
    const { lastProjectId } = await api.getSettings()
    if (lastProjectId !== null && projects.value.some((p) => p.id === lastProjectId)) await selectProject(lastProjectId)
  }

  /** Drops the cached pages and fetches the first one again (after a scan, a filter change…). */
  async function reload(): Promise<void> {
    generation++
    pages.value = new Map()
    loading.clear()
    if (projectId.value !== null) await loadPage(0)
  }

  function loadPage(index: number): Promise<void> {
    if (projectId.value === null || pages.value.has(index)) return Promise.resolve()
    const pending = loading.get(index)
    if (pending) return pending
    const work = fetchPage(index).finally(() => loading.delete(index))
    loading.set(index, work)
    return work
  }

  async function fetchPage(index: number): Promise<void> {
    const asked = generation
    try {
      const page = await api.listPhotos({ projectId: projectId.value!, filter: filter.value, sort: sort.value, offset: index * PAGE_SIZE, limit: PAGE_SIZE })
      if (asked !== generation) return
      total.value = page.total
      pages.value = new Map(pages.value).set(index, page.items)
    } catch (e) {
      error.value = (e as Error).message
    }
  }

  /** Fetches the pages in view again, keeping them on screen meanwhile (a job changed some photos). */
  async function refreshLoaded(): Promise<void> {
    const asked = generation
    const indexes = [...pages.value.keys()]
    if (projectId.value === null) return
    if (indexes.length === 0) return loadPage(0)
    await Promise.all(indexes.map((index) => fetchPage(index)))
    if (asked !== generation) return
    // Pages past the (new) end are dropped.
    const last = Math.floor(Math.max(0, total.value - 1) / PAGE_SIZE)
    if (indexes.some((index) => index > last)) pages.value = new Map([...pages.value].filter(([index]) => index <= last))
  }

  /** Replaces a photo wherever a loaded page has it (pages are a shallow ref: the changed page is replaced). */
  function patchPhoto(photo: PhotoDto): void {
    for (const [index, page] of pages.value) {
      const at = page.findIndex((p) => p.id === photo.id)
      if (at < 0) continue
      const updated = page.slice()
      updated[at] = photo
      pages.value = new Map(pages.value).set(index, updated)
    }
  }

  /** Fetches one photo again (its version finished, failed, or was preferred) and shows it. */
  async function refreshPhoto(photoId: number): Promise<void> {
    try {
      patchPhoto((await api.getPhoto({ photoId })).photo)
    } catch {
      // Gone from the library meanwhile: the next reload drops it.
    }
  }

  /** The photo at a grid position, or undefined while its page loads (which this starts). */
  function photoAt(position: number): PhotoDto | undefined {
    const index = Math.floor(position / PAGE_SIZE)
    const page = pages.value.get(index)
    if (!page) void loadPage(index)
    return page?.[position % PAGE_SIZE]
  }

  function setFilter(value: PhotoFilter): void {
    filter.value = value
    void reload()
  }

  function setSort(value: PhotoSort): void {
    sort.value = value
    void reload()
  }

  /** A loaded photo by id. */
  function findPhoto(photoId: number): PhotoDto | undefined {
    for (const page of pages.value.values()) {
      const photo = page.find((p) => p.id === photoId)
      if (photo) return photo
    }
    return undefined
  }

  /** Ids of the photos from one grid position to another (inclusive, either order), loading their pages. */
  async function idsBetween(from: number, to: number): Promise<number[]> {
    const [first, last] = [Math.max(0, Math.min(from, to)), Math.min(total.value - 1, Math.max(from, to))]
    for (let index = Math.floor(first / PAGE_SIZE); index <= Math.floor(last / PAGE_SIZE); index++) await loadPage(index)
    const ids: number[] = []
    for (let position = first; position <= last; position++) {
      const photo = pages.value.get(Math.floor(position / PAGE_SIZE))?.[position % PAGE_SIZE]
      if (photo) ids.push(photo.id)
    }
    return ids
  }

  /** Selects the photos between two grid positions (Shift-click); `add` keeps the rest (Ctrl+Shift-click). */
  async function selectRange(from: number, to: number, add = false): Promise<void> {
    const ids = await idsBetween(from, to)
    selection.value = new Set(add ? [...selection.value, ...ids] : ids)
  }

  /** Selects every photo the filter shows (Ctrl/Cmd+A), not only those loaded. */
  async function selectAll(): Promise<void> {
    selection.value = new Set(await idsBetween(0, total.value - 1))
  }

  function toggleSelected(photoId: number): void {
    const next = new Set(selection.value)
    if (next.has(photoId)) next.delete(photoId)
    else next.add(photoId)
    selection.value = next
  }

  /** A plain click: this photo and no other. */
  function selectOnly(photoId: number): void {
    selection.value = new Set([photoId])
  }

  function clearSelection(): void {
    selection.value = new Set()
  }

  function touchImages(photoId: number): void {
    imageEpoch.set(photoId, (imageEpoch.get(photoId) ?? 0) + 1)
  }

  api.onEvent('scanProgress', (p) => {
    if (p.projectId !== projectId.value) return
    Object.assign(scan, { running: true, done: p.done, total: p.total })
  })
  api.onEvent('scanFinished', (s) => {
    if (s.projectId !== projectId.value) return
    scan.running = false
    void loadProjects()
    void reload()
  })
  api.onEvent('thumbnailProgress', (p) => {
    if (p.projectId !== projectId.value) return
    Object.assign(scan, { thumbnailsDone: p.done, thumbnailsTotal: p.total })
  })
  api.onEvent('thumbnailReady', ({ projectId: id, photoId }) => {
    if (id !== projectId.value) return
    const photo = findPhoto(photoId)
    if (photo) patchPhoto({ ...photo, hasThumbnail: true })
    touchImages(photoId)
  })

  return {
    projects, projectId, project, filter, sort, total, pages, selection, scan, error, imageEpoch,
    loadProjects, reopenLastProject, openFolder, removeProject, selectProject, reload, refreshLoaded, refreshPhoto, patchPhoto, loadPage, photoAt, setFilter, setSort,
    toggleSelected, selectOnly, selectRange, selectAll, clearSelection, touchImages
  }
})
