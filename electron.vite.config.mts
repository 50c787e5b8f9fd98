import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'

// Native / heavy runtime deps that must stay in node_modules (never bundled).
const nativeDeps = ['sharp', 'onnxruntime-node', 'better-sqlite3']

export default defineConfig({
  main: {
    build: {
      // externalizeDeps (default true) already externalizes every package.json
      // dependency; the explicit list below documents/guarantees the native ones.
      externalizeDeps: true,
      rolldownOptions: {
        input: {
          index: resolve(import.meta.dirname, 'src/main/index.ts'),
          // The colorize child process (forked per job queue; see src/main/jobs/colorizeWorkerClient.ts).
          colorizeWorker: resolve(import.meta.dirname, 'src/main/jobs/colorizeWorker.ts'),
          // The fine-tune's held-out scoring child process (see src/main/training/scoreWorkerClient.ts).
          scoreWorker: resolve(import.meta.dirname, 'src/main/training/scoreWorker.ts'),
          // The colour conversion thread (a worker thread; see src/main/imaging/joinChromaThreads.ts).
          joinChromaWorker: resolve(import.meta.dirname, 'src/main/imaging/joinChromaWorker.ts')
        },
        external: nativeDeps
      }
    }
  },
  preload: {
    build: {
      // Sandboxed preloads cannot be ESM: emit CommonJS as out/preload/index.cjs.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(import.meta.dirname, 'src/preload/index.ts') },
        output: {
          format: 'cjs',
          entryFileNames: '[name].cjs'
        }
      }
    }
  },
  renderer: {
    root: resolve(import.meta.dirname, 'src/renderer'),
    resolve: {
      alias: {
        '@': resolve(import.meta.dirname, 'src/renderer/src')
      }
    },
    build: {
      rolldownOptions: {
        input: { index: resolve(import.meta.dirname, 'src/renderer/index.html') }
      }
    },
    plugins: [vue()]
  }
})
