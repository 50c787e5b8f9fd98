import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { writeGrey16Tiff, writeGreyJpegWithMetadata, writeSeededColourJpeg } from '../../../tests/fixtures/photos'
import { decodePhoto, greyLightness, probePhoto, readLab } from './photoReader'
import { joinChroma, type ChromaPlanes, type LightnessImage } from './joinChroma'
import { endConversionThreads, joinChromaInThread } from './joinChromaThreads'

/** Chroma at working size, as the network gives it: the a and b planes of a colour photo, resized small. */
async function chromaOf(path: string, width: number, height: number): Promise<ChromaPlanes> {
  const lab = await sharp(path).resize(width, height, { fit: 'fill' }).toColourspace('lab').raw({ depth: 'float' }).toBuffer()
  const pixels = new Float32Array(lab.buffer, lab.byteOffset, lab.byteLength / 4)
  const data = new Float32Array(2 * width * height)
  for (let p = 0; p < width * height; p++) {
    data[p] = pixels[p * 3 + 1]!
    data[width * height + p] = pixels[p * 3 + 2]!
  }
  return { width, height, data }
}

async function greyImage(path: string): Promise<LightnessImage> {
  const info = await probePhoto(path)
  const { width, height, data } = await decodePhoto(info)
  return { kind: 'grey', width, height, data, lightness: await greyLightness(info.depth === 'ushort') }
}

const same = (a: Uint8Array | Uint16Array, b: Uint8Array | Uint16Array): boolean =>
  a.constructor === b.constructor && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))

describe('joinChromaInThread', () => {
  let dir: string
  let chroma: ChromaPlanes
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'koalarize-threads-'))
    await writeSeededColourJpeg(join(dir, 'colour.jpg'), 7, 640, 480)
    await writeGreyJpegWithMetadata(join(dir, 'grey.jpg'), 1200, 900)
    await writeGrey16Tiff(join(dir, 'grey16.tif'), 600, 400)
    chroma = await chromaOf(join(dir, 'colour.jpg'), 48, 36)
  })
  afterAll(async () => {
    await endConversionThreads()
    await rm(dir, { recursive: true, force: true })
  })

  it('gives the same pixels as joinChroma on this thread: grey levels to 8 bits, 16-bit levels to 16, Lab with its own L', async () => {
    const grey = await greyImage(join(dir, 'grey.jpg'))
    const wide = await greyImage(join(dir, 'grey16.tif'))
    const lab = { kind: 'lab' as const, ...(await readLab(join(dir, 'colour.jpg'))) }
    for (const [image, depth] of [[grey, 8], [wide, 16], [lab, 8], [lab, 16]] as const) {
      const expected = joinChroma(image, chroma, 1.3, depth)
      expect(same(await joinChromaInThread(image, chroma, 1.3, depth), expected), `${image.kind} to ${depth} bits`).toBe(true)
    }
  })

  it('leaves the caller its lightness, and converts two photos at once on two threads', async () => {
    const grey = await greyImage(join(dir, 'grey.jpg'))
    const before = Buffer.from(grey.data).toString('base64')
    const [first, second] = await Promise.all([joinChromaInThread(grey, chroma, 1, 8), joinChromaInThread(grey, chroma, 0.5, 8)])
    expect(Buffer.from(grey.data).toString('base64')).toBe(before)
    expect(same(first, joinChroma(grey, chroma, 1, 8))).toBe(true)
    expect(same(second, joinChroma(grey, chroma, 0.5, 8))).toBe(true)
  })

  it('a conversion that fails in the thread is an error for that photo; the next one converts', async () => {
    const grey = await greyImage(join(dir, 'grey.jpg'))
    const broken = { ...grey, lightness: undefined } as unknown as LightnessImage
    await expect(joinChromaInThread(broken, chroma, 1, 8)).rejects.toThrow(/colour conversion failed/)
    expect(same(await joinChromaInThread(grey, chroma, 1, 8), joinChroma(grey, chroma, 1, 8))).toBe(true)
  })
})
