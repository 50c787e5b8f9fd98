import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { probePhoto, readLab } from './photoReader'
import { writeColorizedPhoto } from './photoWriter'

// sRGB (D65) → CIELAB reference values (Bruce Lindbloom's calculator).
const REFERENCES: [rgb: [number, number, number], lab: [number, number, number]][] = [
  [[255, 0, 0], [53.24, 80.09, 67.2]],
  [[0, 255, 0], [87.73, -86.18, 83.18]],
  [[0, 0, 255], [32.3, 79.19, -107.86]],
  [[255, 255, 255], [100, 0, 0]],
  [[128, 128, 128], [53.59, 0, 0]],
  [[200, 150, 100], [65.76, 12.76, 33.56]] // from the CIE formulas, as the primaries above
]

const provenance = { software: 'test', modelId: 'm', modelName: 'M', workingSize: 64, intensity: 1, date: new Date(0) }

describe('Lab conversion through libvips', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'koalarize-lab-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('decodes sRGB to CIELAB matching reference values', async () => {
    for (const [rgb, expected] of REFERENCES) {
      const path = join(dir, `solid-${rgb.join('-')}.png`)
      await sharp({ create: { width: 4, height: 4, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } }).png().toFile(path)
      const lab = await readLab(path)
      expect(lab.channels).toBe(3)
      for (let band = 0; band < 3; band++) expect(lab.data[band]!, `${rgb} band ${band}`).toBeCloseTo(expected[band]!, 1)
    }
  })

  it('encodes CIELAB back to the same sRGB (round trip through the writer)', async () => {
    const base = join(dir, 'base.png')
    await sharp({ create: { width: REFERENCES.length, height: 1, channels: 3, background: '#000' } }).png().toFile(base)
    const lab = new Float32Array(REFERENCES.flatMap(([, value]) => value))
    const out = join(dir, 'out.png')
    await writeColorizedPhoto(await probePhoto(base), { width: REFERENCES.length, height: 1, channels: 3, data: lab }, out, { format: 'png' }, provenance)
    const { data } = await sharp(out).raw().toBuffer({ resolveWithObject: true })
    REFERENCES.forEach(([rgb], i) => {
      for (let c = 0; c < 3; c++) expect(Math.abs(data[i * 3 + c]! - rgb[c]!), `${rgb}`).toBeLessThanOrEqual(1)
    })
  })
})
