import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ColorizerModel } from '../inference/colorizerModel'
import { ModelRegistry } from '../models/modelRegistry'
import { BUNDLED_MODELS_DIR } from '../models/paths'
import { readLab } from '../imaging/photoReader'
import { chromaStats } from '../color/colourClass'
import { colorizePhoto, AlreadyInColourError } from './colorizePhoto'
import { greyPixels, writeColourJpeg, writeGreyPng } from '../../../tests/fixtures/photos'
import sharp from 'sharp'

describe('colorizePhoto with the bundled default model', () => {
  let dir: string
  let model: ColorizerModel
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'koalarize-pipeline-'))
    model = await ColorizerModel.load(await new ModelRegistry([{ dir: BUNDLED_MODELS_DIR, origin: 'bundled' }]).resolve('default'))
    await writeGreyPng(join(dir, 'grey.png'), 96, 72)
    await writeColourJpeg(join(dir, 'colour.jpg'))
  })
  afterAll(async () => {
    await model.release()
    await rm(dir, { recursive: true, force: true })
  })

  const meanChromaOf = async (path: string): Promise<number> => {
    const lab = await readLab(path)
    return chromaStats(lab.data, lab.channels).meanChroma
  }

  it('scales the predicted colour by the intensity factor', async () => {
    const chroma: number[] = []
    for (const intensity of [0, 1, 2]) {
      const out = join(dir, `out-${intensity}.png`)
      const report = await colorizePhoto(model, join(dir, 'grey.png'), out, { format: 'png', intensity, workingSize: 64 })
      expect(report.working).toEqual({ width: 96, height: 64 }) // the default runs a backbone: multiples of 32
      chroma.push(await meanChromaOf(out))
    }
    expect(chroma[0]).toBeLessThan(0.5)
    expect(chroma[1]).toBeGreaterThan(0.5)
    expect(chroma[2]! / chroma[1]!).toBeGreaterThan(1.6)
  })

  it("never runs the graph above the model's largest working size", async () => {
    const installed = await new ModelRegistry([{ dir: BUNDLED_MODELS_DIR, origin: 'bundled' }]).resolve('default')
    const card = { ...installed.card, colorizer: { ...installed.card.colorizer, maxWorkingSize: 64 } }
    const capped = await ColorizerModel.load({ ...installed, card })
    try {
      const report = await colorizePhoto(capped, join(dir, 'grey.png'), join(dir, 'capped.png'), { format: 'png', workingSize: 256 })
      expect(report.working).toEqual({ width: 96, height: 64 }) // the default runs a backbone: multiples of 32
    } finally {
      await capped.release()
    }
  })

  it('refuses a colour photo unless asked to recolour it', async () => {
    await expect(colorizePhoto(model, join(dir, 'colour.jpg'), join(dir, 'c.jpg'), { format: 'jpeg' })).rejects.toBeInstanceOf(AlreadyInColourError)
    const report = await colorizePhoto(model, join(dir, 'colour.jpg'), join(dir, 'c.jpg'), { format: 'jpeg', recolor: true })
    expect(report.stats.kind).toBe('colour')
  })

  it('colorizes a grey JPEG from its decoded pixels, as the same pixels in a PNG', async () => {
    // 1024×768 at working size 64: reduced reads of the JPEG would decode it at 1/8 scale instead.
    await sharp(greyPixels(1024, 768), { raw: { width: 1024, height: 768, channels: 1 } }).toColourspace('b-w').jpeg({ quality: 90 }).toFile(join(dir, 'big.jpg'))
    await sharp(join(dir, 'big.jpg')).toColourspace('b-w').png().toFile(join(dir, 'big.png'))
    const [fromJpeg, fromPng] = [join(dir, 'big-from-jpeg.png'), join(dir, 'big-from-png.png')]
    await colorizePhoto(model, join(dir, 'big.jpg'), fromJpeg, { format: 'png', workingSize: 64 })
    await colorizePhoto(model, join(dir, 'big.png'), fromPng, { format: 'png', workingSize: 64 })
    expect((await sharp(fromJpeg).raw().toBuffer()).equals(await sharp(fromPng).raw().toBuffer())).toBe(true)
  })
})
