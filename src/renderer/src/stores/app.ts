import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { createApiClient, type ConnectionStatus, type KoalarizeClient } from '@/api'

let client: KoalarizeClient | undefined
/** The one API client of this page (Electron bridge or WebSocket to the web host). */
export const apiClient = (): KoalarizeClient => (client ??= createApiClient())

export const useAppStore = defineStore('app', () => {
  const api = apiClient()
  const title = ref('Koalarize')
  const electronVersion = ref<string | null>(typeof window !== 'undefined' && window.koalarize ? window.koalarize.version : null)
  const connection = ref<ConnectionStatus>('connecting')
  const projectCount = ref<number | null>(null)
  const error = ref<string | null>(null)

  async function refresh(): Promise<void> {
    try {
      projectCount.value = (await api.listProjects()).length
      error.value = null
    } catch (e) {
      error.value = (e as Error).message
    }
  }

  api.onConnection((status) => {
    connection.value = status
    if (status === 'open') void refresh()
  })

  const subtitle = computed(() => (electronVersion.value ? `Electron ${electronVersion.value}` : 'in the browser (local web host)'))
  return { title, electronVersion, subtitle, connection, projectCount, error, refresh }
})
