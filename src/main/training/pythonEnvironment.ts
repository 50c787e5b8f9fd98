import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { platform as osPlatform } from 'node:os'
import { z } from 'zod'

/** A way to start Python: the executable and the arguments before the script (e.g. `py -3`). */
export interface PythonCommand {
  command: string
  args: string[]
}

/** What the check script found in one interpreter. */
export interface PythonModules {
  python: string
  executable: string
  torch: string | null
  onnx: string | null
  PIL: string | null
  yaml: string | null
  numpy: string | null
  cuda: boolean
  cudaDevice: string | null
  /** Import errors by module, for the ones that failed. */
  errors: Record<string, string>
}

export type PythonModuleName = 'torch' | 'onnx' | 'PIL' | 'yaml' | 'numpy'

/** Modules the trainer needs: torch, PIL, yaml and numpy to train, onnx to export. */
export const REQUIRED_MODULES: readonly PythonModuleName[] = ['torch', 'onnx', 'PIL', 'yaml', 'numpy']

export interface CandidateResult {
  /** As shown to the user, e.g. `/usr/bin/python3` or `py -3`. */
  label: string
  python: PythonCommand
  /** The modules found, or null when the interpreter could not be run. */
  modules: PythonModules | null
  missing: PythonModuleName[]
  error?: string
}

export interface PythonReport {
  /** True when an interpreter with every required module was found. */
  ok: boolean
  /** The interpreter to use: the first complete candidate, else the most complete one (null: none ran). */
  chosen: CandidateResult | null
  /** Where the search started: an explicit path, KOALARIZE_PYTHON, or the platform's candidates. */
  source: 'option' | 'env' | 'auto'
  tried: CandidateResult[]
  /** One paragraph for the user: what was found, what is missing and how to install it. */
  message: string
}

export class PythonEnvironmentError extends Error {
  constructor(readonly report: PythonReport) {
    super(report.message)
  }
}

/** Prints JSON with the versions of the trainer's modules; never fails on a missing one. */
export const CHECK_SCRIPT = `
import json, sys
report = {"python": sys.version.split()[0], "executable": sys.executable, "cuda": False, "cudaDevice": None, "errors": {}}
for name in ("torch", "onnx", "PIL", "yaml", "numpy"):
    try:
        module = __import__(name)
        report[name] = str(getattr(module, "__version__", "unknown"))
    except Exception as error:
        report[name] = None
        report["errors"][name] = "%s: %s" % (type(error).__name__, error)
if report["torch"]:
    try:
        import torch
        report["cuda"] = bool(torch.cuda.is_available())
        report["cudaDevice"] = torch.cuda.get_device_name(0) if report["cuda"] else None
    except Exception as error:
        report["errors"]["cuda"] = str(error)
print("KOALARIZE-PYTHON-CHECK " + json.dumps(report))
`

const MARKER = 'KOALARIZE-PYTHON-CHECK '

const ModulesSchema = z.object({
  python: z.string(),
  executable: z.string(),
  torch: z.string().nullable(),
  onnx: z.string().nullable(),
  PIL: z.string().nullable(),
  yaml: z.string().nullable(),
  numpy: z.string().nullable(),
  cuda: z.boolean(),
  cudaDevice: z.string().nullable(),
  errors: z.record(z.string(), z.string())
})

/** Interpreters tried, in order, when no path is configured. */
export function pythonCandidates(platform: NodeJS.Platform = osPlatform()): PythonCommand[] {
  switch (platform) {
    case 'win32':
      return [{ command: 'py', args: ['-3'] }, { command: 'python', args: [] }]
    case 'darwin':
      return ['python3', '/opt/homebrew/bin/python3', '/usr/local/bin/python3'].map((command) => ({ command, args: [] }))
    default:
      // Debian's python3-torch belongs to /usr/bin/python3, which a pyenv or venv python3 may shadow on PATH.
      return ['/usr/bin/python3', 'python3', 'python'].map((command) => ({ command, args: [] }))
  }
}

const DEBIAN_PACKAGES: Record<PythonModuleName, string> = {
  torch: 'python3-torch',
  onnx: 'python3-onnx',
  PIL: 'python3-pil',
  yaml: 'python3-yaml',
  numpy: 'python3-numpy'
}
const PIP_PACKAGES: Record<PythonModuleName, string> = { torch: 'torch', onnx: 'onnx', PIL: 'pillow', yaml: 'pyyaml', numpy: 'numpy' }

/**
 * How to install the missing modules: apt for Debian's own /usr/bin/python3 (python3-torch & co.),
 * pip for any other interpreter (pyenv, venv, Homebrew, Windows).
 */
export function installHint(missing: readonly PythonModuleName[], python: PythonCommand | null, platform: NodeJS.Platform = osPlatform(),
  debian = existsSync('/etc/debian_version'), executable?: string): string {
  const wanted = missing.length ? missing : REQUIRED_MODULES
  const apt = `sudo apt-get install ${wanted.map((name) => DEBIAN_PACKAGES[name]).join(' ')}`
  const systemPython = executable ? executable.startsWith('/usr/bin/') : !python || python.command === '/usr/bin/python3'
  if (platform === 'linux' && debian && systemPython) return apt
  const run = python ? labelOf(python) : platform === 'win32' ? 'py -3' : 'python3'
  const pip = `${run} -m pip install ${wanted.map((name) => PIP_PACKAGES[name]).join(' ')}`
  return platform === 'linux' && debian ? `${pip}  (or use /usr/bin/python3 after: ${apt})` : pip
}

const quoteArg = (text: string): string => (/[\s"']/.test(text) ? JSON.stringify(text) : text)
const labelOf = (python: PythonCommand): string => [python.command, ...python.args].map(quoteArg).join(' ')

function missingModules(modules: PythonModules): PythonModuleName[] {
  return REQUIRED_MODULES.filter((name) => !modules[name])
}

/** Runs the check script with one interpreter. */
export function checkPython(python: PythonCommand, timeoutMs = 120_000): Promise<CandidateResult> {
  const label = labelOf(python)
  return new Promise((resolvePromise) => {
    execFile(python.command, [...python.args, '-c', CHECK_SCRIPT], { timeout: timeoutMs, windowsHide: true, maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        const line = stdout.split(/\r?\n/).find((text) => text.startsWith(MARKER))
        if (!line) {
          const code = (error as NodeJS.ErrnoException | null)?.code
          const reason = code === 'ENOENT' ? 'not found'
            : error?.killed ? `no answer within ${Math.round(timeoutMs / 1000)} s`
            : (stderr.trim().split('\n').pop() || error?.message || 'no output')
          resolvePromise({ label, python, modules: null, missing: [...REQUIRED_MODULES], error: reason })
          return
        }
        const parsed = ModulesSchema.safeParse(JSON.parse(line.slice(MARKER.length)))
        if (!parsed.success) {
          resolvePromise({ label, python, modules: null, missing: [...REQUIRED_MODULES], error: 'unexpected check output' })
          return
        }
        resolvePromise({ label, python, modules: parsed.data, missing: missingModules(parsed.data) })
      })
  })
}

export interface FindPythonOptions {
  /** An explicit interpreter (path or command); only this one is checked. */
  python?: string
  /** Defaults to process.env (KOALARIZE_PYTHON). */
  env?: NodeJS.ProcessEnv
  platform?: NodeJS.Platform
  /** Check again instead of using the cached report. */
  refresh?: boolean
}

const cache = new Map<string, Promise<PythonReport>>()

/**
 * Finds a Python that can run the trainer: the explicit option, else $KOALARIZE_PYTHON, else the
 * platform's usual interpreters in order. The report (cached per configuration) says what is missing
 * and how to install it.
 */
export function findPython(options: FindPythonOptions = {}): Promise<PythonReport> {
  const env = options.env ?? process.env
  const platform = options.platform ?? osPlatform()
  const source: PythonReport['source'] = options.python ? 'option' : env.KOALARIZE_PYTHON ? 'env' : 'auto'
  const configured = options.python ?? env.KOALARIZE_PYTHON
  const candidates = configured ? [{ command: configured, args: [] }] : pythonCandidates(platform)
  const key = JSON.stringify([source, candidates, platform])
  if (options.refresh) cache.delete(key)
  let pending = cache.get(key)
  if (!pending) {
    pending = search(candidates, source, platform)
    cache.set(key, pending)
  }
  return pending
}

/** findPython, throwing PythonEnvironmentError (with the report's message) when it is not usable. */
export async function requirePython(options: FindPythonOptions = {}): Promise<PythonCommand> {
  const report = await findPython(options)
  if (!report.ok || !report.chosen) throw new PythonEnvironmentError(report)
  return report.chosen.python
}

async function search(candidates: PythonCommand[], source: PythonReport['source'], platform: NodeJS.Platform): Promise<PythonReport> {
  const tried: CandidateResult[] = []
  for (const candidate of candidates) {
    const result = await checkPython(candidate)
    tried.push(result)
    if (result.modules && !result.missing.length) return { ok: true, chosen: result, source, tried, message: describeFound(result) }
  }
  const ran = tried.filter((result) => result.modules)
  const chosen = ran.sort((a, b) => a.missing.length - b.missing.length)[0] ?? null
  return { ok: false, chosen, source, tried, message: describeProblem(tried, chosen, source, platform) }
}

function describeFound(result: CandidateResult): string {
  const m = result.modules!
  const device = m.cuda ? `CUDA (${m.cudaDevice ?? 'GPU'})` : 'CPU only (torch sees no CUDA GPU)'
  return `Python ${m.python} at ${m.executable}: torch ${m.torch}, onnx ${m.onnx}, Pillow ${m.PIL}, PyYAML ${m.yaml}, numpy ${m.numpy}; ${device}`
}

function describeProblem(tried: CandidateResult[], chosen: CandidateResult | null, source: PythonReport['source'], platform: NodeJS.Platform): string {
  const where = source === 'option' ? 'the Python given' : source === 'env' ? 'KOALARIZE_PYTHON' : 'the usual places'
  if (!chosen) {
    const lines = tried.map((result) => `  ${result.label}: ${result.error}`).join('\n')
    const hint = source === 'auto'
      ? `Install Python 3 with the trainer's modules (${installHint([], null, platform)}), or point KOALARIZE_PYTHON (or --python) at an interpreter that has them.`
      : `Check the path, or unset it to search ${pythonCandidates(platform).map(labelOf).join(', ')}.`
    return `No usable Python found in ${where}:\n${lines}\n${hint}`
  }
  const m = chosen.modules!
  const missing = chosen.missing.map((name) => `${name}${m.errors[name] ? ` (${m.errors[name]})` : ''}`).join(', ')
  return `Python ${m.python} at ${m.executable} is missing ${missing}.\nInstall with: ${installHint(chosen.missing, chosen.python, platform, undefined, m.executable)}`
}

/** The report as lines for a terminal (koalarize doctor). */
export function formatPythonReport(report: PythonReport): string {
  const lines = [report.ok ? `ok: ${report.message}` : `not ready: ${report.message}`, '', 'checked:']
  for (const result of report.tried) {
    if (!result.modules) {
      lines.push(`  ${result.label}: ${result.error}`)
      continue
    }
    const m = result.modules
    const mod = (name: PythonModuleName): string => `${name} ${m[name] ?? 'MISSING'}`
    lines.push(`  ${result.label}: Python ${m.python} (${m.executable}); ${REQUIRED_MODULES.map(mod).join(', ')}; ` +
      `cuda ${m.cuda ? `yes (${m.cudaDevice})` : 'no'}`)
  }
  return lines.join('\n') + '\n'
}
