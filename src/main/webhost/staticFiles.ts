import { realpath, stat } from 'node:fs/promises'
import { extname, join } from 'node:path'
import { isWithin } from '../files/pathContainment'

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm'
}

export const contentTypeFor = (path: string): string => CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream'

/**
 * Splits a URL path (still percent-encoded) into decoded segments, refusing anything that could
 * leave the folder it is resolved in: `.`/`..` segments, encoded slashes or backslashes, NUL,
 * malformed escapes. Undefined when refused.
 */
export function safeSegments(pathname: string): string[] | undefined {
  if (!pathname.startsWith('/')) return undefined
  const segments: string[] = []
  for (const raw of pathname.slice(1).split('/')) {
    let segment: string
    try {
      segment = decodeURIComponent(raw)
    } catch {
      return undefined
    }
    if (segment === '' ) continue
    if (segment === '.' || segment === '..' || /[/\\\0:]/.test(segment)) return undefined
    segments.push(segment)
  }
  return segments
}

export interface StaticFile {
  path: string
  size: number
  contentType: string
}

/**
 * The built renderer's file for a URL path (`/` → index.html), or undefined (not found / refused).
 * The file must lie inside `rootDir`, also after resolving symbolic links.
 */
export async function resolveStaticFile(rootDir: string, pathname: string): Promise<StaticFile | undefined> {
  const segments = safeSegments(pathname)
  if (!segments) return undefined
  const path = join(rootDir, ...(segments.length ? segments : ['index.html']))
  if (!isWithin(rootDir, path)) return undefined
  try {
    const [realRoot, realPath] = await Promise.all([realpath(rootDir), realpath(path)])
    if (!isWithin(realRoot, realPath)) return undefined
    const info = await stat(realPath)
    if (!info.isFile()) return undefined
    return { path: realPath, size: info.size, contentType: contentTypeFor(realPath) }
  } catch {
    return undefined
  }
}
