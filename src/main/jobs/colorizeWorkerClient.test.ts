import { describe, expect, it } from 'vitest'
import type { InstalledModel } from '../../shared/modelCard'
import { ColorizeWorkerClient, type WorkerProcess } from './colorizeWorkerClient'
import type { FromWorker, ToWorker } from './workerProtocol'

/** A worker process in memory: records what it is sent; the test answers for it. */
function fakeWorker() {
  const sent: ToWorker[] = []
  let listener: (message: FromWorker) => void = () => {}
  let exit: (reason: string) => void = () => {}
  const process: WorkerProcess = {
    send: (message) => void sent.push(message),
    onMessage: (l) => void (listener = l),
    onExit: (l) => void (exit = l),
    kill: () => exit('killed by SIGKILL')
  }
  return { process, sent, answer: (message: FromWorker) => listener(message), crash: () => exit('killed by SIGSEGV') }
}

const model = { dir: '/models/default', card: { id: 'default' } } as unknown as InstalledModel
const inference = { provider: 'cpu' as const, threads: 1 }
const request = (photoId: number) => ({ photoId, input: `/a/${photoId}.png`, output: `/v/${photoId}.png`, options: { workingSize: 64, intensity: 1, recolor: false } })
const tick = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('ColorizeWorkerClient', () => {
  it('loads once for callers at the same time, keeps several photos in flight, answers each by its request id', async () => {
    const worker = fakeWorker()
    const client = new ColorizeWorkerClient(() => worker.process, 60_000)
    const loads = [client.load(model, inference), client.load(model, inference)]
    expect(worker.sent.map((m) => m.type)).toEqual(['load'])
    worker.answer({ type: 'loaded', provider: 'cpu', fallbacks: [] })
    await Promise.all(loads)
    const first = client.colorize(request(1))
    const second = client.colorize(request(2))
    expect(client.busy).toBe(true)
    const [one, two] = worker.sent.slice(1) as Extract<ToWorker, { type: 'colorize' }>[]
    worker.answer({ type: 'failed', requestId: two!.requestId, reason: 'damaged', skipped: false })
    worker.answer({ type: 'done', requestId: one!.requestId, millis: 5, provider: 'cpu' })
    expect(await first).toMatchObject({ kind: 'done', millis: 5 })
    expect(await second).toEqual({ kind: 'failed', reason: 'damaged' })
    expect(client.busy).toBe(false)
    client.close()
  })

  it('a crash answers every photo in flight, saying how many there were; stop answers them as stopped', async () => {
    const workers = [fakeWorker(), fakeWorker()]
    let started = 0
    const client = new ColorizeWorkerClient(() => workers[started++]!.process, 60_000)
    const load = client.load(model, inference)
    workers[0]!.answer({ type: 'loaded', provider: 'cpu', fallbacks: [] })
    await load
    const photos = [client.colorize(request(1)), client.colorize(request(2))]
    workers[0]!.crash()
    expect(await Promise.all(photos)).toEqual([
      { kind: 'crashed', reason: 'killed by SIGSEGV', inFlight: 2 },
      { kind: 'crashed', reason: 'killed by SIGSEGV', inFlight: 2 }
    ])
    const reload = client.load(model, inference) // a fresh worker
    await tick()
    workers[1]!.answer({ type: 'loaded', provider: 'cpu', fallbacks: [] })
    await reload
    const alone = client.colorize(request(3))
    client.stop()
    expect(await alone).toEqual({ kind: 'stopped' })
    expect(started).toBe(2)
  })
})
