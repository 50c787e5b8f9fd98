import { describe, it, expect } from 'vitest'
import { USAGE_DEFAULTS, usage } from '../../src/cli/usage'
import { WORKING_SIZE_DEFAULT } from '../../src/shared/api/schemas'
import { DEFAULT_BATCH_CONCURRENCY } from '../../src/main/batch/colorizeBatch'
import { OUTPUT_FORMATS } from '../../src/main/imaging/photoWriter'
import { DEFAULT_EVAL_SIZE } from '../../src/main/evaluation/evaluateModel'
import { DEFAULT_FINETUNE_OPTIONS } from '../../src/main/training/finetuneOptions'

describe('CLI usage texts', () => {
  it('print the defaults the commands really use', () => {
    const f = DEFAULT_FINETUNE_OPTIONS
    expect(USAGE_DEFAULTS).toEqual({
      workingSize: WORKING_SIZE_DEFAULT,
      batchConcurrency: DEFAULT_BATCH_CONCURRENCY,
      outputFormats: [...OUTPUT_FORMATS],
      evalSize: DEFAULT_EVAL_SIZE,
      finetune: { baseModel: f.baseModel, epochs: f.epochs, size: f.size, learningRate: f.learningRate, patience: f.patience }
    })
  })

  it('list every command', () => {
    for (const command of ['colorize', 'models', 'eval', 'finetune', 'doctor', 'serve']) expect(usage).toContain(`koalarize ${command} `)
  })
})
