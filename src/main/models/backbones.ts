import { createHash } from 'node:crypto'
import { createReadStream, existsSync } from 'node:fs'
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { BackboneCardSchema, type ResolvedBackbone } from '../../shared/modelCard'
import { APP_ROOT, userDataDir } from './paths'

/** How a user builds a missing backbone; said wherever one is missing. */
export const BUILD_BACKBONE_HINT = 'build it once with scripts/build-backbone (needs PyTorch: see koalarize doctor)'

/** Backbones are built on each machine: in the app's resources/backbones (setup), or the user's data folder. */
export function backboneRoots(): string[] {
  const bundled = process.env.KOALARIZE_BACKBONES ?? join(APP_ROOT, 'resources', 'backbones')
  return [bundled, join(userDataDir(), 'backbones')]
}

export class BackboneMissingError extends Error {}

/** Finds backbone `id`, reads its card, and checks its ONNX file against the card's sha256. */
export async function locateBackbone(id: string, roots: string[] = backboneRoots()): Promise<ResolvedBackbone> {
  const dir = roots.map((root) => join(root, id)).find((candidate) => existsSync(join(candidate, 'backbone.json')))
  if (!dir) return { id, problem: `the semantic backbone '${id}' is not built on this machine: ${BUILD_BACKBONE_HINT}` }
  const parsed = BackboneCardSchema.safeParse(await readJson(join(dir, 'backbone.json')))
  if (!parsed.success) return { id, problem: `the backbone card in ${dir} is unreadable: rebuild it (scripts/build-backbone --force)` }
  const file = join(dir, parsed.data.file)
  if (!existsSync(file)) return { id, problem: `${file} is missing: ${BUILD_BACKBONE_HINT}` }
  if ((await checkedSha256(file, join(dir, CHECK_STAMP))) !== parsed.data.sha256) {
    return { id, problem: `${file} does not match its recorded sha256 (damaged?): rebuild it (scripts/build-backbone --force)` }
  }
  return { id, dir, card: parsed.data }
}

/** The backbone a model needs, ready to run, or an error that says how to get it. */
export function requireBackbone(backbone: ResolvedBackbone | undefined, modelId: string): { dir: string; file: string } {
  if (!backbone) throw new BackboneMissingError(`model '${modelId}' needs a semantic backbone that was not looked up`)
  if ('problem' in backbone) throw new BackboneMissingError(`model '${modelId}' cannot run: ${backbone.problem}`)
  return { dir: backbone.dir, file: join(backbone.dir, backbone.card.file) }
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'))
  } catch {
    return undefined
  }
}

/**
 * A backbone's check, kept beside it: the sha256 its file had, and the file's size, modification time and
 * inode then. Hashing the 13 MB file took ~27 ms of CPU at every start of the CLI and of each worker.
 */
export const CHECK_STAMP = 'checked.json'

interface CheckStamp {
  size: number
  mtimeMs: number
  ino: number
  sha256: string
}

/**
 * The file's sha256: the one its stamp recorded while the file keeps the size, modification time and inode
 * the stamp names (as git trusts its index), otherwise hashed again and the stamp rewritten. A rebuilt
 * backbone is a new file (a new inode and time), so it is hashed; damage that keeps all three is not seen.
 * Where the stamp cannot be written (a read-only install) every check hashes, as before.
 */
async function checkedSha256(file: string, stampPath: string): Promise<string> {
  const { size, mtimeMs, ino } = await stat(file)
  const stamp = (await readJson(stampPath)) as Partial<CheckStamp> | undefined
  if (stamp?.size === size && stamp.mtimeMs === mtimeMs && stamp.ino === ino && typeof stamp.sha256 === 'string') return stamp.sha256
  const hash = await sha256(file)
  const temporary = `${stampPath}.${process.pid}.tmp`
  try {
    await writeFile(temporary, JSON.stringify({ size, mtimeMs, ino, sha256: hash } satisfies CheckStamp))
    await rename(temporary, stampPath)
  } catch {
    await rm(temporary, { force: true }).catch(() => {}) // no stamp: the next check hashes again
  }
  return hash
}

function sha256(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256')
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')))
  })
}
