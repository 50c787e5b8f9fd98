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
    parameters: z.number().int().optional()
  }),
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

export interface InstalledModel {
  card: ModelCard
  /** Folder holding model.json and the two ONNX files. */
  dir: string
  /** 'bundled' ships with the app (resources/models); 'user' was trained or added by the user. */
  origin: 'bundled' | 'user'
}
