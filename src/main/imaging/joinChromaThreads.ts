import type { ChromaPlanes, LightnessImage } from './joinChroma'
import type { JoinAnswer, JoinRequest } from './joinChromaWorker'
import { startThreadWorker, ThreadRequests } from './threadWorker'

/**
 * joinChroma in a worker thread, one thread per photo in flight: the main thread stays free for the other
 * photo's decode, inference and encode calls while a 12-MP conversion (~0.2 s of CPU) runs on another
 * core. Threads are started on first need (a photo in flight that finds none idle) and kept for the next
 * photo; an idle one does not keep the process alive.
 *
 * The lightness goes to the thread through shared memory, copied there once (sharp's buffers are memory
 * of its own, which Node copies instead of transferring them; for a 12-MP grey scan that is 12 MB, ~3 ms);
 * the sRGB pixels come back by transfer. A thread that fails to start or stops makes this photo fail with
 * an error and is replaced for the next one.
 */
export async function joinChromaInThread(image: LightnessImage, chroma: ChromaPlanes, intensity: number, depth: 8 | 16): Promise<Uint8Array | Uint16Array> {
  const thread = idle.pop() ?? startThread()
  try {
    const answer = await thread.request({ image: { ...image, data: inSharedMemory(image.data) } as LightnessImage, chroma, intensity, depth })
    if ('error' in answer) throw new Error(`colour conversion failed: ${answer.error}`)
    return answer.pixels
  } finally {
    if (thread.broken) void thread.terminate()
    else idle.push(thread)
  }
}

type ConversionThread = ThreadRequests<JoinRequest, JoinAnswer>

const idle: ConversionThread[] = []

function startThread(): ConversionThread {
  return new ThreadRequests(startThreadWorker('joinChromaWorker', new URL('./joinChromaWorker.ts', import.meta.url)), 'the colour conversion thread')
}

function inSharedMemory<T extends Uint8Array | Uint16Array | Float32Array>(data: T): T {
  const copy = new (data.constructor as new (buffer: SharedArrayBuffer) => T)(new SharedArrayBuffer(data.byteLength))
  copy.set(data)
  return copy
}

/** Ends the idle threads (tests; a process that exits needs not). */
export async function endConversionThreads(): Promise<void> {
  await Promise.all(idle.splice(0).map((thread) => thread.terminate()))
}
