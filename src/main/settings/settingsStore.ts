import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { randomBytes } from 'node:crypto'
import { defaultSettings, SettingsPatchSchema, SettingsSchema, type Settings, type SettingsPatch } from '../../shared/settings'

/**
 * The user's settings: one JSON file in the user-data folder (`settings.json`), validated with the
 * shared zod schema on every read and write. A file that is damaged or partly invalid (hand-edited,
 * written by another version) never stops the app: each valid top-level setting is kept, the rest fall
 * back to their defaults, and `problems` says what was dropped. Writes are atomic (temporary file +
 * rename). Small and synchronous: read once at start-up, written only when the user changes something.
 */
export class SettingsStore {
  private current: Settings
  readonly problems: string[]

  private constructor(
    private readonly file: string | null,
    initial: Settings,
    problems: string[]
  ) {
    this.current = initial
    this.problems = problems
  }

  /** Opens the settings file (missing: defaults). `null` keeps settings in memory only (tests, previews). */
  static open(file: string | null): SettingsStore {
    if (file === null || !existsSync(file)) return new SettingsStore(file, defaultSettings(), [])
    let raw: unknown
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'))
    } catch (error) {
      return new SettingsStore(file, defaultSettings(), [`${file} is not valid JSON (${(error as Error).message}); using defaults`])
    }
    const whole = SettingsSchema.safeParse(raw)
    if (whole.success) return new SettingsStore(file, whole.data, [])
    // Salvage what is valid, setting by setting.
    const settings = defaultSettings() as Record<string, unknown>
    const problems: string[] = []
    const source = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {}
    for (const [key, schema] of Object.entries(SettingsSchema.shape)) {
      if (!(key in source)) continue
      const field = schema.safeParse(source[key])
      if (field.success) settings[key] = field.data
      else problems.push(`setting '${key}' is invalid (${field.error.issues[0]?.message}); using the default`)
    }
    for (const key of Object.keys(source)) if (!(key in SettingsSchema.shape)) problems.push(`unknown setting '${key}' ignored`)
    return new SettingsStore(file, SettingsSchema.parse(settings), problems)
  }

  get(): Settings {
    return structuredClone(this.current)
  }

  /** Applies a partial change (validated); writes the file; returns the new settings. */
  update(patch: SettingsPatch): Settings {
    const change = SettingsPatchSchema.parse(patch)
    const next = SettingsSchema.parse({
      ...this.current,
      ...Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined)),
      export: { ...this.current.export, ...Object.fromEntries(Object.entries(change.export ?? {}).filter(([, value]) => value !== undefined)) }
    })
    if (this.file) writeAtomically(this.file, JSON.stringify(next, null, 2) + '\n')
    this.current = next
    return this.get()
  }
}

function writeAtomically(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true })
  const partial = `${file}.${randomBytes(4).toString('hex')}.partial`
  try {
    writeFileSync(partial, text)
    renameSync(partial, file)
  } finally {
    rmSync(partial, { force: true })
  }
}
