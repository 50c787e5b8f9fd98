import Database from 'better-sqlite3'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { writeFaintlyHandColouredPng, writeGreyPng, writeSepiaWebp } from '../../../tests/fixtures/photos'
import { CatalogStore } from '../catalog/catalogStore'
import { scanProject } from './scanProject'

let dir: string
let root: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'koalarize-doubt-scan-'))
  root = join(dir, 'archive')
  await mkdir(root, { recursive: true })
  await writeGreyPng(join(root, 'grey.png'))
  await writeFaintlyHandColouredPng(join(root, 'cheeks.png'))
  await writeSepiaWebp(join(root, 'wedding.webp'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const doubts = (store: CatalogStore, projectId: number) =>
  Object.fromEntries(store.photosOfProject(projectId).map((p) => [p.relativePath, [p.colourClass, p.colourDoubtful]]))

describe('colour doubt in the catalog', () => {
  it('is recorded by a scan, and read again for photos a catalog recorded before doubt was measured', async () => {
    const file = join(dir, 'catalog.sqlite')
    let store = CatalogStore.open(file)
    const project = store.createProject({ name: 'archive', root })
    await scanProject(store, project.id)
    const measured = { 'grey.png': ['bw', false], 'cheeks.png': ['bw', true], 'wedding.webp': ['toned', true] }
    expect(doubts(store, project.id)).toEqual(measured)
    expect((await scanProject(store, project.id)).unchanged).toBe(3) // unchanged files are not read again
    store.close()

    // A catalog from before (its rows have no doubt): the next scan reads those photos again.
    const db = new Database(file)
    db.prepare('UPDATE photos SET colour_doubtful = NULL').run()
    db.close()
    store = CatalogStore.open(file)
    expect(doubts(store, project.id)['cheeks.png']).toEqual(['bw', null])
    const summary = await scanProject(store, project.id)
    expect(summary).toMatchObject({ unchanged: 0, updated: 3 })
    expect(doubts(store, project.id)).toEqual(measured)
    store.close()
  })
})
