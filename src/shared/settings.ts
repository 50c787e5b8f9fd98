import { z } from 'zod'
import { UserFolderSchema } from './api/userFolder'
import { EXECUTION_PROVIDER_SETTINGS, EXPORT_FORMATS, QUALITY_DEFAULT, QUALITY_MAX, QUALITY_MIN, THREADS_MAX } from './api/bounds'

export { EXECUTION_PROVIDER_SETTINGS, EXPORT_FORMATS, QUALITY_DEFAULT, QUALITY_MAX, QUALITY_MIN, THREADS_MAX }

/**
 * The user's settings and the export options, shared by main (which stores and applies them) and
 * the renderer (which edits them). Everything here is plain data, validated with zod on both sides.
 */

export const ExecutionProviderSettingSchema = z.enum(EXECUTION_PROVIDER_SETTINGS)

export const ExportFormatSchema = z.enum(EXPORT_FORMATS)
export type ExportFormat = z.infer<typeof ExportFormatSchema>

/** JPEG / WebP quality: its bounds and default, for exports, the CLI and the settings. */
export const QualitySchema = z.number().int().min(QUALITY_MIN).max(QUALITY_MAX)

/** Tokens a naming pattern may use; anything else in braces is refused. */
export const NAMING_TOKENS = ['name', 'model', 'date', 'index'] as const
export type NamingToken = (typeof NAMING_TOKENS)[number]

/** Characters no file name may hold on any of our platforms (Windows is the strictest), plus control characters. */
// eslint-disable-next-line no-control-regex
const FORBIDDEN_NAME_CHARS = /[/\\:*?"<>|\u0000-\u001f]/

/** Why a naming pattern is unusable, or null when it is fine. The renderer can show this as the user types. */
export function namingPatternProblem(pattern: string): string | null {
  if (pattern.trim() !== pattern || pattern.length === 0) return 'the pattern must not be empty or start/end with spaces'
  if (FORBIDDEN_NAME_CHARS.test(pattern)) return 'the pattern must not contain / \\ : * ? " < > | or control characters'
  if (pattern.startsWith('.')) return 'the pattern must not start with a dot'
  const tokens = [...pattern.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]!)
  const unknown = tokens.filter((t) => !(NAMING_TOKENS as readonly string[]).includes(t))
  if (unknown.length > 0) return `unknown token {${unknown[0]}}; use ${NAMING_TOKENS.map((t) => `{${t}}`).join(' ')}`
  if (/[{}]/.test(pattern.replace(/\{[^{}]*\}/g, ''))) return 'unbalanced { or } in the pattern'
  if (!tokens.includes('name') && !tokens.includes('index')) return 'the pattern needs {name} or {index} so that each photo gets its own file'
  return null
}

export const NamingPatternSchema = z
  .string()
  .max(200)
  .superRefine((pattern, ctx) => {
    const problem = namingPatternProblem(pattern)
    if (problem) ctx.addIssue({ code: 'custom', message: problem })
  })

export const TiffBitDepthSchema = z.union([z.literal(8), z.literal(16)])

/** Export options the user may keep as defaults. */
export const ExportDefaultsSchema = z.strictObject({
  format: ExportFormatSchema.default('jpeg'),
  /** JPEG / WebP quality. */
  quality: QualitySchema.default(QUALITY_DEFAULT),
  /** TIFF only: 8 or 16 bits per channel. */
  tiffBitDepth: TiffBitDepthSchema.default(8),
  naming: NamingPatternSchema.default('{name}-{model}'),
  /** Also write a before|after image (original left, colorized right). */
  sideBySide: z.boolean().default(false)
})

/** An absolute path on any of our platforms (POSIX, `C:\…`, `\\server\share`), checked without node:path. */
const isAbsolutePath = (value: string): boolean => /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(value)

export const SettingsSchema = z.strictObject({
  /** Where inference runs: 'auto' picks the fastest that loads (CUDA, DirectML, CoreML), CPU is the fallback. */
  executionProvider: ExecutionProviderSettingSchema.default('auto'),
  /** Intra-op threads for the CPU provider; 0 lets onnxruntime decide. */
  threads: z.number().int().min(0).max(THREADS_MAX).default(0),
  export: ExportDefaultsSchema.default(() => ExportDefaultsSchema.parse({})),
  /** Colorize jobs interrupted by a crash resume by themselves at the next start (otherwise they wait, paused). */
  resumeInterruptedJobs: z.boolean().default(true),
  /**
   * Cache folder (thumbnails and versions); null = `<user data>/cache`. Read at start-up: a change takes
   * effect the next time the app starts, and versions already made stay where they were written. In
   * Electron it must be a folder chosen in the native dialog (a user folder, see UserFolderSchema).
   */
  cacheDir: UserFolderSchema.refine(isAbsolutePath, 'the cache folder must be an absolute path')
    .nullable()
    .default(null),
  /** The project open last: the library opens it again at the next start (null: none). */
  lastProjectId: z.number().int().positive().nullable().default(null)
})
export type Settings = z.infer<typeof SettingsSchema>

/** A partial update: any subset of the fields (export options field by field). */
export const SettingsPatchSchema = z.strictObject({
  executionProvider: SettingsSchema.shape.executionProvider.unwrap().optional(),
  threads: SettingsSchema.shape.threads.unwrap().optional(),
  resumeInterruptedJobs: z.boolean().optional(),
  export: z
    .strictObject({
      format: ExportFormatSchema.optional(),
      quality: QualitySchema.optional(),
      tiffBitDepth: TiffBitDepthSchema.optional(),
      naming: NamingPatternSchema.optional(),
      sideBySide: z.boolean().optional()
    })
    .optional(),
  cacheDir: SettingsSchema.shape.cacheDir.unwrap().optional(),
  lastProjectId: SettingsSchema.shape.lastProjectId.unwrap().optional()
})
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>

export const defaultSettings = (): Settings => SettingsSchema.parse({})
