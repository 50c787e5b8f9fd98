import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import type { InstalledModel, ModelCard } from '../../shared/modelCard'
import { createSession, type SessionOptions } from './onnxSession'
import type { ProviderName } from './executionProviders'
import { requireBackbone } from '../models/backbones'

/** A plane of scaled luminance (network units, [-1, 1]). */
export interface LumaPlane {
  width: number
  height: number
  data: Float32Array
}

/** A model's ONNX graphs (extractor, colorizer, and the frozen backbone where the card names one), loaded once
 * and reused for every photo. The backbone is a separate file: third-party weights never mix with ours. */
export class ColorizerModel {
  private constructor(
    readonly model: InstalledModel,
    private readonly extractor: ort.InferenceSession,
    private readonly colorizer: ort.InferenceSession,
    private readonly backbone: ort.InferenceSession | undefined,
    readonly provider: ProviderName,
    readonly fallbacks: string[]
  ) {}

  static async load(model: InstalledModel, options: SessionOptions = {}): Promise<ColorizerModel> {
    const backboneFile = model.card.backbone ? requireBackbone(model.backbone, model.card.id).file : undefined
    const colorizer = await createSession(join(model.dir, model.card.colorizer.file), options)
    const same = { ...options, provider: colorizer.provider }
    const extractor = await createSession(join(model.dir, model.card.extractor.file), same)
    const backbone = backboneFile ? await createSession(backboneFile, same) : undefined
    return new ColorizerModel(model, extractor.session, colorizer.session, backbone?.session, colorizer.provider, colorizer.fallbacks)
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
    const lTensor = new ort.Tensor('float32', l.data, [1, 1, l.height, l.width])
    const result = await this.colorizer.run({
      l: lTensor,
      embedding: new ort.Tensor('float32', embedding, [1, embedding.length]),
      ...(await this.semanticFeatures(lTensor))
    })
    return result.ab.data as Float32Array
  }

  /** The backbone's outputs that the colorizer takes, computed from the same working-size luminance. */
  private async semanticFeatures(l: ort.Tensor): Promise<Record<string, ort.Tensor>> {
    const wanted = this.card.backbone?.inputs
    if (!this.backbone || !wanted) return {}
    const outputs = await this.backbone.run({ l }, wanted)
    return Object.fromEntries(wanted.map((name) => [name, outputs[name]!]))
  }

  async release(): Promise<void> {
    await Promise.all([this.extractor.release(), this.colorizer.release(), this.backbone?.release()])
  }
}
