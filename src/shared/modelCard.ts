import { z } from 'zod'

/** model.json as written by `python3 -m trainer export`; validated whenever a model folder is read. */
export const ModelCardSchema = z.looseObject({
  formatVersion: z.literal(1),
  id: z.string().min(1),
  name: z.string().min(1),
  created: z.string().optional(),
  architecture: z.looseObject({
    name: z.string(),
    width: z.number().positive().optional(),
    head: z.enum(['regression', 'bins']).optional(),
    temperature: z.number().positive().optional(),
    /** Semantic features from the frozen backbone: '' none, 'global' its pooled vector, 'spatial' + its stride-8 map. */
    semantics: z.enum(['', 'global', 'spatial']).optional(),
    parameters: z.number().int().optional()
  }),
  /** The frozen, third-party backbone the colorizer needs (built on each machine, never bundled with our weights). */
  backbone: z
    .looseObject({
      id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
      /** The backbone's outputs the colorizer takes, by ONNX name, after `l` and `embedding`. */
      inputs: z.array(z.string().min(1)).min(1),
      source: z.string().optional(),
      license: z.string().optional()
    })
    .optional(),
  extractor: z.object({
    kind: z.string(),
    file: z.string(),
    inputSize: z.number().int().positive(),
    embeddingWidth: z.number().int().positive()
  }),
  colorizer: z.looseObject({
    file: z.string(),
    spatialMultiple: z.number().int().positive(),
    trainedSize: z.number().int().positive().nullish(),
    /** Largest shorter side the graph may run at (heads whose memory grows steeply with size set one). */
    maxWorkingSize: z.number().int().positive().optional()
  }),
  /** PyTorch weights for fine-tuning (absent on models that can only be run). */
  weights: z.object({ file: z.string(), format: z.string() }).optional(),
  scaling: z.looseObject({
    colorSpace: z.literal('CIELAB-D65'),
    l: z.looseObject({ scale: z.number().positive(), offset: z.number() }),
    ab: z.looseObject({ scale: z.number().positive() })
  }),
  training: z.looseObject({ recipe: z.string().nullish() }).optional(),
  metrics: z.record(z.string(), z.unknown()).optional(),
  description: z.string().optional(),
  limitations: z.array(z.string()).optional()
})

export type ModelCard = z.infer<typeof ModelCardSchema>

/** backbone.json, written by scripts/build-backbone beside backbone.onnx. */
export const BackboneCardSchema = z.looseObject({
  id: z.string().min(1),
  file: z.string().min(1),
  input: z.looseObject({ name: z.string(), spatialMultiple: z.number().int().positive() }),
  outputs: z.record(z.string(), z.looseObject({ width: z.number().int().positive() })),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  source: z.looseObject({ package: z.string(), version: z.string(), license: z.string(), network: z.string() }),
  notice: z.string()
})

export type BackboneCard = z.infer<typeof BackboneCardSchema>

/** Where a model's backbone was found on this machine, or why it is unusable. */
export type ResolvedBackbone = { id: string; dir: string; card: BackboneCard } | { id: string; problem: string }

export interface InstalledModel {
  card: ModelCard
  /** Folder holding model.json and the two ONNX files. */
  dir: string
  /** 'bundled' ships with the app (resources/models); 'user' was trained or added by the user. */
  origin: 'bundled' | 'user'
  /** Present when the card names a backbone. */
  backbone?: ResolvedBackbone
}
