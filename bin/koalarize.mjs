#!/usr/bin/env node
// Launcher: registers the tsx ESM loader and runs the TypeScript CLI without a build step.
import { register } from 'tsx/esm/api'

register()
await import(new URL('../src/cli/main.ts', import.meta.url).href)
