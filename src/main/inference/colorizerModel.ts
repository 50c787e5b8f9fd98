import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import type { InstalledModel, ModelCard } from '../../shared/modelCard'
import { createSession, type SessionOptions } from './onnxSession'
import type { ProviderName } from './executionProviders'

/** A plane of scaled luminance (network units, [-1, 1]). */
export interface LumaPlane {
  width: number
  height: number
  data: Float32Array
}

/** The two ONNX graphs of a model, loaded once and reused for every photo. */
export class ColorizerModel {
  private constructor(
    readonly model: InstalledModel,
    private readonly extractor: ort.InferenceSession,
    private readonly colorizer: ort.InferenceSession,
    readonly provider: ProviderName,
    readonly fallbacks: string[]
  ) {}

  static async load(model: InstalledModel, options: SessionOptions = {}): Promise<ColorizerModel> {
    const colorizer = await createSession(join(model.dir, model.card.colorizer.file), options)
    const extractor = await createSession(join(model.dir, model.card.extractor.file), {
      ...options,
      provider: colorizer.provider
    })
    return new ColorizerModel(model, extractor.session, colorizer.session, colorizer.provider, colorizer.fallbacks)
  }

  get card(): ModelCard {
    return this.model.card
  }

  /** Global embedding from luminance already resized to the extractor's square input size. */
  async embed(l: LumaPlane): Promise<Float32Array> {
    const size = this.card.extractor.inputSize
    if (l.width !== size || l.height !== size) throw new Error(`extractor expects ${size}x${size}, got ${l.width}x${l.height}`)
    const result = await this.extractor.run({ l: new ort.Tensor('float32', l.data, [1, 1, size, size]) })
    return result.embedding.data as Float32Array
  }

  /** Predicted ab (network units) for luminance at working size, planar [2, H, W]. */
  async predictAb(l: LumaPlane, embedding: Float32Array): Promise<Float32Array> {
    const multiple = this.card.colorizer.spatialMultiple
    if (l.width % multiple || l.height % multiple) throw new Error(`working size must be a multiple of ${multiple}`)
    const result = await this.colorizer.run({
      l: new ort.Tensor('float32', l.data, [1, 1, l.height, l.width]),
      embedding: new ort.Tensor('float32', embedding, [1, embedding.length])
    })
    return result.ab.data as Float32Array
  }

  async release(): Promise<void> {
    await Promise.all([this.extractor.release(), this.colorizer.release()])
  }
}
