import { describe, it, expect } from 'vitest'
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { findPython, formatPythonReport, installHint, pythonCandidates, requirePython, PythonEnvironmentError } from './pythonEnvironment'

describe('python environment', () => {
  it('reports a bogus explicit path clearly and does not search elsewhere', async () => {
    const report = await findPython({ python: '/nonexistent/bin/python3' })
    expect(report.ok).toBe(false)
    expect(report.source).toBe('option')
    expect(report.tried.map((t) => t.label)).toEqual(['/nonexistent/bin/python3'])
    expect(report.message).toContain('/nonexistent/bin/python3: not found')
    await expect(requirePython({ python: '/nonexistent/bin/python3' })).rejects.toBeInstanceOf(PythonEnvironmentError)
  })

  it('uses KOALARIZE_PYTHON when set', async () => {
    const report = await findPython({ env: { KOALARIZE_PYTHON: '/nonexistent/koalarize-python' } })
    expect(report.source).toBe('env')
    expect(report.message).toContain('KOALARIZE_PYTHON')
  })

  it.skipIf(process.platform === 'win32')('names the missing modules of a Python without torch and how to install them', async () => {
    // A real interpreter whose torch and onnx are shadowed by packages that fail to import.
    const dir = await mkdtemp(join(tmpdir(), 'koalarize-python-'))
    try {
      for (const name of ['torch', 'onnx']) {
        await mkdir(join(dir, 'shadow', name), { recursive: true })
        await writeFile(join(dir, 'shadow', name, '__init__.py'), `raise ImportError("no ${name} here")\n`)
      }
      const wrapper = join(dir, 'python3')
      await writeFile(wrapper, `#!/bin/sh\nPYTHONPATH=${join(dir, 'shadow')} exec /usr/bin/python3 "$@"\n`)
      await chmod(wrapper, 0o755)
      const report = await findPython({ python: wrapper })
      expect(report.ok).toBe(false)
      expect(report.chosen?.missing).toEqual(['torch', 'onnx'])
      expect(report.message).toContain('is missing torch (ImportError: no torch here), onnx')
      // sys.executable is Debian's /usr/bin/python3, so the hint is apt's packages.
      expect(report.message).toContain('Install with: sudo apt-get install python3-torch python3-onnx')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
    expect(installHint(['torch', 'yaml'], { command: '/usr/bin/python3', args: [] }, 'linux', true)).toBe('sudo apt-get install python3-torch python3-yaml')
    expect(installHint(['PIL'], { command: '/home/me/.venv/bin/python', args: [] }, 'linux', false)).toBe('/home/me/.venv/bin/python -m pip install pillow')
    expect(installHint(['onnx'], { command: 'py', args: ['-3'] }, 'win32', false)).toBe('py -3 -m pip install onnx')
    expect(installHint(['torch'], { command: 'python3', args: [] }, 'linux', true, '/root/.pyenv/versions/3.11.7/bin/python3'))
      .toMatch(/^python3 -m pip install torch .*apt-get install python3-torch/)
  })

  it('tries the usual interpreters per platform', () => {
    expect(pythonCandidates('linux').map((c) => c.command)).toEqual(['/usr/bin/python3', 'python3', 'python'])
    expect(pythonCandidates('darwin').map((c) => c.command)).toEqual(['python3', '/opt/homebrew/bin/python3', '/usr/local/bin/python3'])
    expect(pythonCandidates('win32')).toEqual([{ command: 'py', args: ['-3'] }, { command: 'python', args: [] }])
  })

  it('finds the real Python with torch, onnx, Pillow, PyYAML and numpy, and caches the report', async () => {
    const first = findPython()
    const report = await first
    expect(report.ok, report.message).toBe(true)
    const modules = report.chosen!.modules!
    expect(modules.torch).toMatch(/^\d+\.\d+/)
    for (const name of ['onnx', 'PIL', 'yaml', 'numpy'] as const) expect(modules[name]).toBeTruthy()
    expect(typeof modules.cuda).toBe('boolean')
    expect(findPython()).toBe(first)
    expect(formatPythonReport(report)).toMatch(/^ok: Python 3\./)
  })
})
