import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { ProjectDto } from '../../../shared/api/schemas'

const api = vi.hoisted(() => ({ current: undefined as unknown as ReturnType<typeof import('./testing/fakeApi').createFakeApi> }))
vi.mock('./app', () => ({ apiClient: () => api.current }))

const { createFakeApi } = await import('./testing/fakeApi')
const { useLibraryStore } = await import('./library')

const project = (id: number): ProjectDto => ({ id, name: `p${id}`, root: `/archive/${id}`, createdAt: '', scannedAt: null })

beforeEach(() => {
  api.current = createFakeApi()
  api.current.listPhotos.mockResolvedValue({ items: [], total: 0, offset: 0, limit: 200 })
  setActivePinia(createPinia())
})

describe('the last project', () => {
  it('is remembered when chosen and opened again at the next start', async () => {
    const library = useLibraryStore()
    await library.selectProject(2)
    expect(api.current.updateSettings).toHaveBeenCalledWith({ lastProjectId: 2 })

    setActivePinia(createPinia()) // a restart
    const again = useLibraryStore()
    api.current.listProjects.mockResolvedValue([project(1), project(2)] as never)
    api.current.getSettings.mockResolvedValue({ lastProjectId: 2 })
    await again.loadProjects()
    await again.reopenLastProject()
    expect(again.projectId).toBe(2)
  })

  it('is not reopened when it was removed from the library', async () => {
    const library = useLibraryStore()
    api.current.listProjects.mockResolvedValue([project(1)] as never)
    api.current.getSettings.mockResolvedValue({ lastProjectId: 2 })
    await library.loadProjects()
    await library.reopenLastProject()
    expect(library.projectId).toBeNull()
  })
})
