import { parentPort } from 'node:worker_threads'
import { joinChroma, type ChromaPlanes, type LightnessImage } from './joinChroma'

/**
 * The colour conversion thread (joinChromaThreads.ts): joins each photo's chroma to its lightness
 * (joinChroma) and hands the sRGB pixels back by transfer, without a copy.
 *
 * Bundling: a build entry of its own, in electron-vite (electron.vite.config.mts) and in the CLI bundle
 * (bin/buildCli.mjs); from source it runs through tsx (threadWorker.ts).
 */

export interface JoinRequest {
  image: LightnessImage
  chroma: ChromaPlanes
  intensity: number
  depth: 8 | 16
}

export type JoinAnswer = { pixels: Uint8Array | Uint16Array } | { error: string }

parentPort!.on('message', ({ image, chroma, intensity, depth }: JoinRequest) => {
  let pixels: Uint8Array | Uint16Array
  try {
    pixels = joinChroma(image, chroma, intensity, depth)
  } catch (error) {
    parentPort!.postMessage({ error: (error as Error)?.message ?? String(error) } satisfies JoinAnswer)
    return
  }
  parentPort!.postMessage({ pixels } satisfies JoinAnswer, [pixels.buffer as ArrayBuffer])
})
