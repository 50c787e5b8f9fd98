import { describe, it, expect } from 'vitest'
import { Worker } from 'node:worker_threads'
import { startThreadWorker, ThreadRequests } from './threadWorker'

const evaluated = (code: string): Worker => new Worker(code, { eval: true })
const echo = "require('node:worker_threads').parentPort.on('message', (m) => require('node:worker_threads').parentPort.postMessage(m * 2))"

describe('ThreadRequests', () => {
  it('answers one request after another', async () => {
    const thread = new ThreadRequests<number, number>(evaluated(echo), 'echo')
    expect(await thread.request(2)).toBe(4)
    expect(await thread.request(5)).toBe(10)
    await thread.terminate()
  })

  it('a thread that throws at start fails the request in flight and every later one, without a hang', async () => {
    const thread = new ThreadRequests<number, number>(evaluated("throw new Error('no start')"), 'the test thread')
    await expect(thread.request(1)).rejects.toThrow('the test thread failed: no start')
    expect(thread.broken).toBe(true)
    await expect(thread.request(2)).rejects.toThrow('no start')
  })

  it('a thread that exits while converting fails the request', async () => {
    const thread = new ThreadRequests<number, number>(evaluated("require('node:worker_threads').parentPort.on('message', () => process.exit(3))"), 'the test thread')
    await expect(thread.request(1)).rejects.toThrow('the test thread stopped (exit code 3)')
  })

  it('a worker entry that is not there fails the request', async () => {
    const missing = startThreadWorker('noSuchWorker', new URL('./noSuchWorker.ts', import.meta.url))
    await expect(new ThreadRequests<number, number>(missing, 'the missing thread').request(1)).rejects.toThrow(/the missing thread (failed|stopped)/)
  })

  it('a message that cannot be sent fails the request, and the thread takes the next', async () => {
    const thread = new ThreadRequests<unknown, unknown>(evaluated(echo), 'echo')
    await expect(thread.request(() => 1)).rejects.toThrow(/could not be cloned/)
    expect(await thread.request(3)).toBe(6)
    await thread.terminate()
  })
})
