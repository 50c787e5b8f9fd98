/**
 * How well colour detection tells toned prints from real colour (issue 16): corpus colour photos, and
 * versions of them made toned (sepia, selenium, cyanotype: one hue following the density, unevenly
 * toned, with grain), faded colour (an autochrome: a third of the chroma and a yellow cast) and
 * hand-coloured (grey with a few coloured areas). Every version is written as a JPEG and classified by
 * the scan's own code (classifyColour), beside B&W versions (plain, and with a faint tint and grain).
 * Prints the confusion, the photos the studio asks about before colorizing (B&W or toned, in doubt),
 * and the precision / recall of "toned".
 *
 *   npx tsx bench/colourClass.ts [--photos 400] [--shard val-000.tar]
 */
import { parseArgs } from 'node:util'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { extract } from 'tar'
import { classifyColour } from '../src/main/library/photoFacts'
import { CORPUS_DIR } from '../tests/fixtures/finetune'

const { values } = parseArgs({ options: { photos: { type: 'string', default: '400' }, shard: { type: 'string', default: 'val-000.tar' } } })

type Truth = 'colour' | 'toned' | 'bw'
interface Variant { name: string; truth: Truth; make: (lab: Float32Array, w: number, h: number, seed: number) => Float32Array }

const rand = (seed: number) => { const x = Math.sin(seed * 12.9898) * 43758.5453; return x - Math.floor(x) - 0.5 }

/** One hue angle, chroma peaking in the mid-tones (the silver's density), uneven toning, grain. */
const tone = (hueDeg: number, maxChroma: number, hueDrift: number) => (lab: Float32Array, w: number, h: number, seed: number) => {
  const out = new Float32Array(lab.length)
  const phase = rand(seed) * 6
  for (let i = 0; i < w * h; i++) {
    const L = lab[i * 3]!, x = (i % w) / w, y = Math.floor(i / w) / h
    const density = 1 - L / 100
    const uneven = 1 + 0.12 * Math.sin(6 * x + phase) * Math.cos(5 * y + phase)
    const c = maxChroma * 4 * density * (1 - density) * uneven
    const hue = ((hueDeg + hueDrift * (density - 0.5)) * Math.PI) / 180
    out[i * 3] = L
    out[i * 3 + 1] = c * Math.cos(hue) + 1.2 * rand(seed + i)
    out[i * 3 + 2] = c * Math.sin(hue) + 1.2 * rand(seed + i + 7)
  }
  return out
}

const faded = (lab: Float32Array) => lab.map((v, i) => (i % 3 === 0 ? v : v * 0.33 + (i % 3 === 1 ? 1.5 : 6)))
const handColoured = (lab: Float32Array, w: number, h: number) => lab.map((v, i) => {
  if (i % 3 === 0) return v
  const p = Math.floor(i / 3), x = (p % w) / w, y = Math.floor(p / w) / h
  const inPatch = (x - 0.5) ** 2 + (y - 0.4) ** 2 < 0.03 || (x < 0.3 && y > 0.7)
  return inPatch ? v * 0.8 : 0
})

/** A B&W print: its lightness alone, or with a scanner's faint warm tint and grain. */
const grey = (lab: Float32Array) => lab.map((v, i) => (i % 3 === 0 ? v : 0))
const tintedGrey = (lab: Float32Array, _w: number, _h: number, seed: number) =>
  lab.map((v, i) => (i % 3 === 0 ? v : (i % 3 === 1 ? 0.5 : 2) + 1.2 * rand(seed + i)))

const VARIANTS: Variant[] = [
  { name: 'B&W', truth: 'bw', make: grey },
  { name: 'B&W, faint tint and grain', truth: 'bw', make: tintedGrey },
  { name: 'original colour', truth: 'colour', make: (lab) => lab },
  { name: 'faded colour (autochrome)', truth: 'colour', make: faded },
  { name: 'hand-coloured', truth: 'colour', make: handColoured },
  { name: 'sepia', truth: 'toned', make: tone(70, 30, -20) },
  { name: 'selenium', truth: 'toned', make: tone(30, 10, 10) },
  { name: 'cyanotype', truth: 'toned', make: tone(-95, 40, 0) }
]

/** CIE Lab (D65) → 8-bit sRGB. */
function labToSrgb(lab: Float32Array): Buffer {
  const out = Buffer.alloc(lab.length)
  const finv = (t: number) => (t > 6 / 29 ? t ** 3 : 3 * (6 / 29) ** 2 * (t - 4 / 29))
  const gamma = (u: number) => 255 * (u <= 0.0031308 ? 12.92 * u : 1.055 * u ** (1 / 2.4) - 0.055)
  for (let i = 0; i < lab.length; i += 3) {
    const fy = (lab[i]! + 16) / 116
    const X = 0.95047 * finv(fy + lab[i + 1]! / 500), Y = finv(fy), Z = 1.08883 * finv(fy - lab[i + 2]! / 200)
    const rgb = [3.2406 * X - 1.5372 * Y - 0.4986 * Z, -0.9689 * X + 1.8758 * Y + 0.0415 * Z, 0.0557 * X - 0.204 * Y + 1.057 * Z]
    for (let c = 0; c < 3; c++) out[i + c] = Math.max(0, Math.min(255, Math.round(gamma(Math.max(0, rgb[c]!)))))
  }
  return out
}

async function readLab(path: string): Promise<{ lab: Float32Array; w: number; h: number }> {
  const { data, info } = await sharp(path).removeAlpha().toColourspace('lab').raw({ depth: 'float' }).toBuffer({ resolveWithObject: true })
  return { lab: new Float32Array(data.buffer, data.byteOffset, data.length / 4), w: info.width, h: info.height }
}

const dir = await mkdtemp(join(tmpdir(), 'koalarize-colourclass-'))
try {
  await extract({ file: join(CORPUS_DIR, values.shard!), cwd: dir })
  const photos = (await readdir(dir, { recursive: true })).filter((p) => p.endsWith('.jpg')).sort().slice(0, Number(values.photos))
  const table = new Map(VARIANTS.map((v) => [v.name, { bw: 0, toned: 0, colour: 0, doubtful: 0 }]))
  const out = join(dir, 'variant.jpg')
  for (const [n, photo] of photos.entries()) {
    const { lab, w, h } = await readLab(join(dir, photo))
    for (const variant of VARIANTS) {
      await sharp(labToSrgb(variant.make(lab, w, h, n)), { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 85 }).toFile(out)
      const stats = await classifyColour(out)
      const row = table.get(variant.name)!
      row[stats.kind]++
      if (stats.doubtful) row.doubtful++
    }
  }
  console.log(`${photos.length} corpus photos (${values.shard}), each in ${VARIANTS.length} versions, classified as:`)
  console.log('version'.padEnd(28) + 'bw'.padStart(6) + 'toned'.padStart(7) + 'colour'.padStart(8) + '  asked (B&W or toned, in doubt)')
  for (const [name, c] of table) console.log(name.padEnd(28) + String(c.bw).padStart(6) + String(c.toned).padStart(7) + String(c.colour).padStart(8) + String(c.doubtful).padStart(8))
  const truth = (t: Truth) => VARIANTS.filter((v) => v.truth === t).map((v) => table.get(v.name)!)
  const tonedRight = truth('toned').reduce((s, c) => s + c.toned, 0)
  const tonedAll = truth('toned').reduce((s, c) => s + c.bw + c.toned + c.colour, 0)
  const colourAsToned = truth('colour').reduce((s, c) => s + c.toned, 0)
  const colourAll = truth('colour').reduce((s, c) => s + c.bw + c.toned + c.colour, 0)
  const pct = (a: number, b: number) => `${((100 * a) / Math.max(1, b)).toFixed(1)} %`
  const colourColorized = truth('colour').reduce((s, c) => s + c.bw + c.toned, 0)
  const colourAsked = truth('colour').reduce((s, c) => s + c.doubtful, 0)
  const printsAsked = [...truth('toned'), ...truth('bw')].reduce((s, c) => s + c.doubtful, 0)
  const printsAll = [...truth('toned'), ...truth('bw')].reduce((s, c) => s + c.bw + c.toned + c.colour, 0)
  console.log(`colour called B&W or toned: ${colourColorized}, of which the studio asks about ${colourAsked}; B&W and toned prints it asks about: ${pct(printsAsked, printsAll)}`)
  console.log(`"toned": recall ${pct(tonedRight, tonedAll)}, precision ${pct(tonedRight, tonedRight + colourAsToned)}; real colour called toned: ${pct(colourAsToned, colourAll)}`)
} finally {
  await rm(dir, { recursive: true, force: true })
}
