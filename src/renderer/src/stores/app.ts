import { defineStore } from 'pinia'
import { computed, ref } from 'vue'

export const useAppStore = defineStore('app', () => {
  const title = ref('Koalarize')
  const electronVersion = ref<string | null>(
    typeof window !== 'undefined' && window.koalarize ? window.koalarize.version : null
  )
  const subtitle = computed(() =>
    electronVersion.value ? `Electron ${electronVersion.value}` : 'running outside Electron'
  )
  return { title, electronVersion, subtitle }
})
