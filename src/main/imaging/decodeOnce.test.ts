import sharp from 'sharp'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeGrey16Tiff, writeGreyJpegWithMetadata, writeGreyPng } from '../../../tests/fixtures/photos'
import { decodePhoto, decodesOnce, probePhoto, readLab, readLightness } from './photoReader'

let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'koalarize-decode-'))
  await writeGrey16Tiff(join(dir, 'scan16.tif'), 60, 40)
  await writeGreyPng(join(dir, 'alpha.png'), 61, 43, true)
  await sharp(join(dir, 'alpha.png')).removeAlpha().toColourspace('rgb16').withIccProfile('p3').png().toFile(join(dir, 'p3-16.png'))
  await writeGreyJpegWithMetadata(join(dir, 'grandma.jpg'))
})

afterAll(() => rm(dir, { recursive: true, force: true }))

const largestDifference = (a: Float32Array, b: Float32Array): number => a.reduce((most, value, i) => Math.max(most, Math.abs(value - b[i]!)), 0)

describe('decoding a photo once', () => {
  it.each(['scan16.tif', 'alpha.png', 'p3-16.png'])('%s: the Lab image and the small luminance reads are those of the file', async (name) => {
    const info = await probePhoto(join(dir, name))
    expect(decodesOnce(info)).toBe(true)
    const decoded = await decodePhoto(info)
    const [fromFile, fromMemory] = [await readLab(info.path), await readLab(decoded)]
    expect([fromMemory.width, fromMemory.height, fromMemory.channels]).toEqual([fromFile.width, fromFile.height, fromFile.channels])
    expect(largestDifference(fromFile.data, fromMemory.data)).toBe(0)
    for (const [width, height] of [[32, 32], [64, 48]] as const) {
      expect(largestDifference(await readLightness(info.path, width, height), await readLightness(decoded, width, height))).toBe(0)
    }
  })

  it('leaves JPEG to its reduced reads (shrink-on-load)', async () => {
    expect(decodesOnce(await probePhoto(join(dir, 'grandma.jpg')))).toBe(false)
  })
})
