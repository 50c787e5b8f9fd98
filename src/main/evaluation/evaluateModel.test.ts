import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { ColorizerModel } from '../inference/colorizerModel'
import { ModelRegistry } from '../models/modelRegistry'
import { BUNDLED_MODELS_DIR } from '../models/paths'
import { abAccuracyAuc } from './metrics'
import { evaluateModel, evaluationDimensions, type EvaluationResult } from './evaluateModel'
import type { DatasetPhoto } from './datasetSource'

/** A colourful test photo: red-to-blue across, green rising down, with a yellow disc. */
function colourPixels(width: number, height: number, channels: 3 | 4 = 3): Buffer {
  const pixels = Buffer.alloc(width * height * channels)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const disc = Math.hypot(x - width / 2, y - height / 2) < Math.min(width, height) / 4
      const i = (y * width + x) * channels
      pixels[i] = disc ? 230 : Math.round(220 * (1 - x / width)) + 20
      pixels[i + 1] = disc ? 200 : Math.round(180 * (y / height)) + 20
      pixels[i + 2] = disc ? 30 : Math.round(220 * (x / width)) + 20
      if (channels === 4) pixels[i + 3] = x < width / 2 ? 255 : 128
    }
  }
  return pixels
}

const EVAL_SIZE = 64

describe('evaluateModel (real model, real pipeline, photos made here)', () => {
  let root: string
  let photos: DatasetPhoto[]
  let result: EvaluationResult
  let noColour: EvaluationResult

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'koalarize-eval-test-'))
    const file = (name: string): string => join(root, name)
    await sharp(colourPixels(80, 64), { raw: { width: 80, height: 64, channels: 3 } }).jpeg({ quality: 95 }).toFile(file('colour.jpg'))
    await sharp(colourPixels(72, 56, 4), { raw: { width: 72, height: 56, channels: 4 } }).png().toFile(file('alpha.png'))
    await sharp(colourPixels(200, 120), { raw: { width: 200, height: 120, channels: 3 } }).png().toFile(file('large.png'))
    const grey = Buffer.alloc(64 * 48)
    for (let i = 0; i < grey.length; i++) grey[i] = 30 + ((i * 7) % 200)
    await sharp(grey, { raw: { width: 64, height: 48, channels: 1 } }).png().toFile(file('grey.png'))
    await writeFile(file('broken.jpg'), 'not a photo')
    photos = [
      { id: 'colour.jpg', path: file('colour.jpg'), source: 'a', category: 'x' },
      { id: 'alpha.png', path: file('alpha.png'), source: 'a', category: 'y' },
      { id: 'large.png', path: file('large.png'), source: 'b', category: 'y' },
      { id: 'grey.png', path: file('grey.png'), source: 'b' },
      { id: 'broken.jpg', path: file('broken.jpg'), source: 'b' }
    ]
    const installed = await new ModelRegistry([{ dir: BUNDLED_MODELS_DIR, origin: 'bundled' }]).resolve('default')
    const model = await ColorizerModel.load(installed, { provider: 'cpu', threads: 1 })
    try {
      result = await evaluateModel(model, photos, { evalSize: EVAL_SIZE, samples: 2 })
      noColour = await evaluateModel(model, photos.slice(0, 1), { evalSize: EVAL_SIZE, intensity: 0 })
    } finally {
      await model.release()
    }
  })

  afterAll(async () => {
    await rm(root, { recursive: true, force: true })
  })

  const row = (id: string) => result.report.photos.find((photo) => photo.id === id)!

  it('scores every readable photo and records the broken one as failed', () => {
    expect(result.report.photos.map((p) => p.id)).toEqual(['colour.jpg', 'alpha.png', 'large.png', 'grey.png'])
    expect(result.report.failed.map((f) => f.id)).toEqual(['broken.jpg'])
    expect(result.report.model.id).toBe('default')
    expect(result.report.settings).toEqual({ evalSize: EVAL_SIZE, workingSize: EVAL_SIZE, intensity: 1, aucMaxThreshold: 150 })
  })

  it('downscales only photos larger than the evaluation size', () => {
    expect([row('colour.jpg').width, row('colour.jpg').height]).toEqual([80, 64])
    expect([row('large.png').width, row('large.png').height]).toEqual([107, 64])
    expect(evaluationDimensions(200, 120, 64)).toEqual({ width: 107, height: 64 })
  })

  it('gives the grey baseline no colour, and an ab error equal to the photo’s own chroma', async () => {
    for (const id of ['colour.jpg', 'alpha.png', 'large.png']) {
      const { baseline, truthColourfulness } = row(id)
      expect(baseline.colourfulness).toBeLessThan(1)
      expect(truthColourfulness).toBeGreaterThan(30)
      expect(baseline.abAuc).toBeLessThan(1)
      expect(baseline.abAuc).toBeGreaterThan(0.5)
      expect(baseline.deltaE2000).toBeGreaterThan(5)
      expect(Number.isFinite(baseline.psnr)).toBe(true)
    }
    // Independently: the JPEG's own Lab against the same Lab with a = b = 0.
    const { data } = await sharp(photos[0]!.path).toColourspace('lab').raw({ depth: 'float' }).toBuffer({ resolveWithObject: true })
    const truth = new Float32Array(data.buffer, data.byteOffset, data.length / 4)
    const grey = Float32Array.from(truth)
    for (let i = 0; i < grey.length; i += 3) grey[i + 1] = grey[i + 2] = 0
    expect(row('colour.jpg').baseline.abAuc).toBeCloseTo(abAccuracyAuc(grey, truth), 2)
  })

  it('makes the grey input from the photo’s own L: a grey photo’s baseline is (nearly) exact', () => {
    const { baseline } = row('grey.png')
    expect(baseline.abAuc).toBeGreaterThan(0.99)
    expect(baseline.deltaE2000).toBeLessThan(1)
    expect(baseline.psnr).toBeGreaterThan(40)
  })

  it('scores the model output within valid ranges', () => {
    for (const { model } of result.report.photos) {
      expect(model.abAuc).toBeGreaterThan(0)
      expect(model.abAuc).toBeLessThanOrEqual(1)
      expect(model.deltaE2000).toBeGreaterThanOrEqual(0)
      expect(model.psnr).toBeGreaterThan(5)
    }
  })

  it('summarises overall and per source / category, with ΔCF = truth − prediction', () => {
    const { overall, bySource, byCategory } = result.report
    expect(overall.photos).toBe(4)
    const meanTruth = result.report.photos.reduce((sum, p) => sum + p.truthColourfulness, 0) / 4
    expect(overall.truthColourfulness).toBeCloseTo(meanTruth, 10)
    expect(overall.baseline.deltaColourfulness).toBeCloseTo(overall.truthColourfulness - overall.baseline.colourfulness, 10)
    expect(overall.model.deltaColourfulness).toBeCloseTo(overall.truthColourfulness - overall.model.colourfulness, 10)
    expect(Object.keys(bySource)).toEqual(['a', 'b'])
    expect(bySource.a!.photos).toBe(2)
    expect(bySource.a!.baseline.abAuc).toBeCloseTo((row('colour.jpg').baseline.abAuc + row('alpha.png').baseline.abAuc) / 2, 10)
    expect(Object.fromEntries(Object.entries(byCategory).map(([k, g]) => [k, g.photos]))).toEqual({ x: 1, y: 2 })
  })

  it('hands the intensity to the pipeline: at 0 the model scores as the grey baseline', () => {
    const [photo] = noColour.report.photos
    expect(noColour.report.settings.intensity).toBe(0)
    expect(photo!.model.colourfulness).toBeLessThan(1)
    expect(photo!.model.deltaE2000).toBeCloseTo(photo!.baseline.deltaE2000, 1)
    expect(row('colour.jpg').model.colourfulness).toBeGreaterThan(photo!.model.colourfulness + 1)
  })

  it('keeps (grey, ours, original) samples at evaluation size for the contact sheet', async () => {
    expect(result.samples.map((s) => s.id)).toEqual(['colour.jpg', 'alpha.png'])
    for (const image of [result.samples[0]!.grey, result.samples[0]!.ours, result.samples[0]!.original]) {
      const meta = await sharp(image).metadata()
      expect([meta.format, meta.width, meta.height]).toEqual(['png', 80, 64])
    }
  })
})
