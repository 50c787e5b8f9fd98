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
  const loading = new Set<number>()
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

  async function selectProject(id: number): Promise<void> {
    projectId.value = id
    selection.value = new Set()
    await reload()
  }

  /** Drops the cached pages and fetches the first one again (after a scan, a filter change…). */
  async function reload(): Promise<void> {
    generation++
    pages.value = new Map()
    loading.clear()
    if (projectId.value !== null) await loadPage(0)
  }

  async function loadPage(index: number): Promise<void> {
    if (projectId.value === null || loading.has(index) || pages.value.has(index)) return
    loading.add(index)
    const asked = generation
    try {
      const page = await api.listPhotos({ projectId: projectId.value, filter: filter.value, sort: sort.value, offset: index * PAGE_SIZE, limit: PAGE_SIZE })
      if (asked !== generation) return
      total.value = page.total
      pages.value = new Map(pages.value).set(index, page.items)
    } catch (e) {
      error.value = (e as Error).message
    } finally {
      loading.delete(index)
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

  function toggleSelected(photoId: number): void {
    const next = new Set(selection.value)
    if (next.has(photoId)) next.delete(photoId)
    else next.add(photoId)
    selection.value = next
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
    // Pages are a shallow ref (10,000 photos need no deep reactivity): replace the changed page.
    for (const [index, page] of pages.value) {
      const at = page.findIndex((p) => p.id === photoId)
      if (at < 0) continue
      const updated = page.slice()
      updated[at] = { ...page[at]!, hasThumbnail: true }
      pages.value = new Map(pages.value).set(index, updated)
    }
    touchImages(photoId)
  })

  return {
    projects, projectId, project, filter, sort, total, pages, selection, scan, error, imageEpoch,
    loadProjects, openFolder, selectProject, reload, loadPage, photoAt, setFilter, setSort, toggleSelected, clearSelection, touchImages
  }
})
