import { isAbsolute, relative, sep } from 'node:path'

/** The path from `parent` to `child`, when `child` is `parent` or lies below it (lexically); else null. */
function pathBelow(parent: string, child: string): string | null {
  const rel = relative(parent, child)
  return rel === '..' || rel.startsWith('..' + sep) || isAbsolute(rel) ? null : rel
}

/** True when `child` is `parent` itself or lies below it (lexically: links are not followed). */
export function isWithin(parent: string, child: string): boolean {
  return pathBelow(parent, child) !== null
}

/** True when `child` lies below `parent`, never `parent` itself (lexically: links are not followed). */
export function isBelow(parent: string, child: string): boolean {
  const rel = pathBelow(parent, child)
  return rel !== null && rel !== ''
}
