import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { createApiClient, type ConnectionStatus, type KoalarizeClient } from '@/api'

let client: KoalarizeClient | undefined
/** The one API client of this page (Electron bridge or WebSocket to the web host). */
export const apiClient = (): KoalarizeClient => (client ??= createApiClient())

/** The shell's state: which host the UI runs in and whether the API is connected. */
export const useAppStore = defineStore('app', () => {
  const api = apiClient()
  const electronVersion = ref<string | null>(typeof window !== 'undefined' && window.koalarize ? window.koalarize.version : null)
  const connection = ref<ConnectionStatus>('connecting')
  /** True once the first connection opened (the library's figures are meaningful from then on). */
  const ready = ref(false)

  api.onConnection((status) => {
    connection.value = status
    if (status === 'open') ready.value = true
  })

  const subtitle = computed(() => (electronVersion.value ? `Electron ${electronVersion.value}` : 'in the browser (local web host)'))
  return { electronVersion, subtitle, connection, ready }
})
