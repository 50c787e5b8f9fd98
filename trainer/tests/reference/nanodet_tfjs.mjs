// Runs NanoDet's original TF.js graph (models/nanodet.json + .bin) on one input with TF.js's pure-JS CPU backend and
// writes the requested intermediate tensors, for trainer/tests/test_nanodet.py's parity check.
//   node nanodet_tfjs.mjs <nanodet.json> <input.f32> <height> <width> <out dir> <node name>...
// The input is float32, NCHW [1, 3, height, width], already normalised (BGR, NanoDet's mean/std).
import { readFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { loadGraphModel } from '@tensorflow/tfjs-converter'

const [graphPath, inputPath, height, width, outDir, ...nodes] = process.argv.slice(2)

async function fileHandler(path) {
  const graph = JSON.parse(await readFile(path, 'utf8'))
  const manifest = graph.weightsManifest
  const buffers = []
  for (const group of manifest) for (const file of group.paths) buffers.push(await readFile(join(dirname(path), file)))
  const data = Buffer.concat(buffers)
  return {
    load: async () => ({
      modelTopology: graph.modelTopology,
      format: graph.format,
      generatedBy: graph.generatedBy,
      convertedBy: graph.convertedBy,
      signature: graph.signature,
      weightSpecs: manifest.flatMap((group) => group.weights),
      weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)
    })
  }
}

await tf.setBackend('cpu')
const model = await loadGraphModel(await fileHandler(graphPath))
const raw = await readFile(inputPath)
const input = tf.tensor(new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4), [1, 3, Number(height), Number(width)])
const outputs = model.execute({ 'input_1:0': input }, nodes)
for (const [index, tensor] of (Array.isArray(outputs) ? outputs : [outputs]).entries()) {
  await writeFile(join(outDir, `${index}.f32`), Buffer.from((await tensor.data()).buffer))
  await writeFile(join(outDir, `${index}.json`), JSON.stringify(tensor.shape))
}
