import { readFileSync } from 'node:fs'
import { describe, it, expect } from 'vitest'
import { colorizeUsage, evalUsage, finetuneUsage, usage } from '../../src/cli/usage'
import { STUDIO_METHODS } from '../../src/shared/api/studioMethods'
import { defaultSettings } from '../../src/shared/settings'
import { DEFAULT_FINETUNE_OPTIONS } from '../../src/main/training/finetuneOptions'

/** The default a usage text prints for one flag: the number or word after "default" in the flag's entry. */
function printedDefault(text: string, flag: string): string {
  const lines = text.split('\n').map((l) => l.trim())
  const start = lines.findIndex((l) => l.startsWith(`${flag} `))
  const end = lines.findIndex((l, i) => i > start && l.startsWith('-'))
  const entry = lines.slice(start, end < 0 ? undefined : end).join(' ')
  const match = start < 0 ? null : entry.match(/\(default:? ([^;):]+)/)
  if (!match) throw new Error(`no default printed for ${flag}`)
  return match[1].trim()
}

describe('CLI usage texts', () => {
  it('print the defaults the studio and the services really use', () => {
    const request = STUDIO_METHODS.createColorizeJob.params.parse({ projectId: 1 })
    expect(printedDefault(colorizeUsage, '--size')).toBe(String(request.workingSize))
    expect(printedDefault(colorizeUsage, '--model')).toBe(request.modelId)
    expect(printedDefault(colorizeUsage, '--intensity')).toBe(String(request.intensity))
    expect(printedDefault(colorizeUsage, '--quality')).toBe(String(defaultSettings().export.quality))
    const f = DEFAULT_FINETUNE_OPTIONS
    expect(printedDefault(finetuneUsage, '--base')).toBe(f.baseModel)
    expect(printedDefault(finetuneUsage, '--epochs')).toBe(String(f.epochs))
    expect(printedDefault(finetuneUsage, '--size')).toBe(String(f.size))
    expect(printedDefault(finetuneUsage, '--lr')).toBe(String(f.learningRate))
    expect(printedDefault(evalUsage, '--size')).toMatch(/^\d+$/)
  })

  it('take them from bounds.ts, which imports nothing, so that --help loads no zod', () => {
    const source = (file: string): string => readFileSync(new URL(`../../src/${file}`, import.meta.url), 'utf8')
    expect(source('shared/api/bounds.ts')).not.toMatch(/^\s*import\b/m)
    const imports = [...source('cli/usage.ts').matchAll(/from '([^']+)'/g)].map((m) => m[1])
    expect(imports).toEqual(['../shared/api/bounds'])
  })

  it('list every command', () => {
    for (const command of ['colorize', 'models', 'eval', 'finetune', 'doctor', 'serve']) expect(usage).toContain(`koalarize ${command} `)
  })
})
