import sharp from 'sharp'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { greyPixels, writeGrey16Tiff, writeGreyJpegWithMetadata, writeGreyJpegWithP3Profile, writeGreyPng } from '../../../tests/fixtures/photos'
import { decodePhoto, decodesOnce, greyLightness, isPlainGrey, probePhoto, readLab, readLightness } from './photoReader'

let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'koalarize-decode-'))
  await writeGrey16Tiff(join(dir, 'scan16.tif'), 60, 40)
  await writeGreyPng(join(dir, 'alpha.png'), 61, 43, true)
  await sharp(join(dir, 'alpha.png')).removeAlpha().toColourspace('rgb16').withIccProfile('p3').png().toFile(join(dir, 'p3-16.png'))
  await writeGreyJpegWithMetadata(join(dir, 'grandma.jpg'))
  await writeGreyJpegWithP3Profile(join(dir, 'p3.jpg'))
  await sharp(greyPixels(96, 64), { raw: { width: 96, height: 64, channels: 1 } }).toColourspace('b-w').jpeg({ quality: 95 }).toFile(join(dir, 'grey.jpg'))
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

describe('plain grey photos', () => {
  it('are one band of 8 or 16 bits without a profile step', async () => {
    // grandma.jpg is grey too, but written as sRGB with a profile
    const kinds = await Promise.all(['grey.jpg', 'scan16.tif', 'grandma.jpg', 'alpha.png', 'p3.jpg', 'p3-16.png'].map(async (name) => isPlainGrey(await probePhoto(join(dir, name)))))
    expect(kinds).toEqual([true, true, false, false, false, false])
  })

  it.each(['grey.jpg', 'scan16.tif'])('%s: its levels through greyLightness are the lightness readLab gives', async (name) => {
    const info = await probePhoto(join(dir, name))
    const [decoded, lab, table] = [await decodePhoto(info), await readLab(info.path), await greyLightness(info.depth === 'ushort')]
    expect(table.length).toBe(info.depth === 'ushort' ? 65536 : 256)
    expect([decoded.width, decoded.height, decoded.channels]).toEqual([lab.width, lab.height, 1])
    let largest = 0
    for (let p = 0; p < decoded.data.length; p++) largest = Math.max(largest, Math.abs(table[decoded.data[p]!]! - lab.data[p * lab.channels]!))
    expect(largest).toBe(0)
  })
})
