import { defineConfig } from 'vitest/config'

// Browser end-to-end tests: Debian's Chromium (/usr/bin/chromium) driven by playwright-core against
// the web host serving the built renderer (run `npm run build` first). Screenshots go to e2e/artifacts/.
export default defineConfig({
  test: {
    include: ['e2e/**/*.spec.ts'],
    environment: 'node',
    testTimeout: 120000,
    hookTimeout: 120000,
    pool: 'forks',
    fileParallelism: false
  }
})
