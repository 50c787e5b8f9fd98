import { describe, expect, it } from 'vitest'
import { API_METHODS } from '../../../shared/api/contract'
import { ApiError } from '../../../shared/api/errors'
import { createApiClient } from './client'
import type { ConnectionStatus } from './transport'
import { createWebSocketTransport } from './webSocketTransport'

/** A stand-in for the browser's WebSocket that the test opens, feeds and drops by hand. */
class FakeSocket {
  static readonly CONNECTING = 0
  static readonly OPEN = 1
  static readonly CLOSED = 3
  static instances: FakeSocket[] = []
  readyState = FakeSocket.CONNECTING
  readonly sent: { id: number; method: string; params: unknown }[] = []
  onopen: (() => void) | null = null
  onmessage: ((event: { data: unknown }) => void) | null = null
  onclose: (() => void) | null = null
  onerror: (() => void) | null = null

  constructor(readonly url: string) {
    FakeSocket.instances.push(this)
  }
  send(text: string) {
    this.sent.push(JSON.parse(text) as FakeSocket['sent'][number])
  }
  close() {
    this.drop()
  }
  open() {
    this.readyState = FakeSocket.OPEN
    this.onopen?.()
  }
  receive(message: unknown) {
    this.onmessage?.({ data: JSON.stringify(message) })
  }
  drop() {
    if (this.readyState === FakeSocket.CLOSED) return
    this.readyState = FakeSocket.CLOSED
    this.onclose?.()
  }
}

const latest = () => FakeSocket.instances.at(-1)!
const tick = (ms = 0) => new Promise((done) => setTimeout(done, ms))

function transport() {
  FakeSocket.instances = []
  const statuses: ConnectionStatus[] = []
  const t = createWebSocketTransport({
    url: 'ws://127.0.0.1:1/api',
    initialDelayMs: 5,
    maxDelayMs: 20,
    WebSocketImpl: FakeSocket as unknown as typeof WebSocket
  })
  t.onStatus((status) => statuses.push(status))
  return { t, statuses }
}

describe('WebSocket transport', () => {
  it('sends calls made while connecting once open, and settles them by id', async () => {
    const { t } = transport()
    const first = t.call('listProjects', {})
    const second = t.call('getPhoto', { photoId: 3 })
    expect(latest().sent).toEqual([])
    latest().open()
    expect(latest().sent.map((m) => m.method)).toEqual(['listProjects', 'getPhoto'])
    const [a, b] = latest().sent
    latest().receive({ id: b!.id, error: { code: 'not_found', message: 'no photo 3' } })
    latest().receive({ id: a!.id, result: [] })
    expect(await first).toEqual([])
    const error = await second.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ code: 'not_found', message: 'no photo 3' })
    t.close()
  })

  it('delivers events to the subscribers of that stream only', () => {
    const { t } = transport()
    latest().open()
    const got: unknown[] = []
    const off = t.subscribe('scanFinished', (payload) => got.push(payload))
    t.subscribe('thumbnailReady', () => got.push('wrong stream'))
    latest().receive({ event: 'scanFinished', payload: { projectId: 1 } })
    latest().receive({ event: 'noSuchStream', payload: {} })
    off()
    latest().receive({ event: 'scanFinished', payload: { projectId: 2 } })
    expect(got).toEqual([{ projectId: 1 }])
    t.close()
  })

  it('reads server messages with the contract: a malformed reply settles its call, other garbage is ignored', async () => {
    const { t } = transport()
    latest().open()
    const got: unknown[] = []
    t.subscribe('scanFinished', (payload) => got.push(payload))
    const call = t.call('listProjects', {})
    const { id } = latest().sent[0]!
    latest().receive({ event: 'scanFinished', payload: { projectId: 1 }, extra: true })
    latest().receive({ id, result: [], error: { code: 'internal', message: 'both' } })
    const error = await call.catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'internal', message: 'malformed reply' })
    latest().receive({ id: 'x', error: { code: 'no such code', message: 'm' } })
    latest().receive(['not', 'a', 'message'])
    expect(got).toEqual([])
    t.close()
  })

  it('rejects calls in flight when the connection drops, then reconnects with backoff', async () => {
    const { t, statuses } = transport()
    latest().open()
    const inFlight = t.call('listProjects', {})
    latest().drop()
    await expect(inFlight).rejects.toMatchObject({ code: 'disconnected' })
    expect(statuses.at(-1)).toBe('reconnecting')

    // A failed attempt rejects the calls that were waiting for it; the next one succeeds.
    await tick(15)
    expect(FakeSocket.instances).toHaveLength(2)
    const waiting = t.call('listProjects', {})
    latest().drop()
    await expect(waiting).rejects.toMatchObject({ code: 'disconnected' })
    await tick(40)
    expect(FakeSocket.instances).toHaveLength(3)
    latest().open()
    expect(statuses.at(-1)).toBe('open')
    const after = t.call('listProjects', {})
    latest().receive({ id: latest().sent[0]!.id, result: ['ok'] })
    expect(await after).toEqual(['ok'])

    t.close()
    expect(statuses.at(-1)).toBe('closed')
    await tick(40)
    expect(FakeSocket.instances).toHaveLength(3)
    await expect(t.call('listProjects', {})).rejects.toMatchObject({ code: 'disconnected' })
  })
})

describe('createApiClient', () => {
  it('has one function per contract method, carried by name with params defaulting to {}', async () => {
    const calls: [string, unknown][] = []
    const client = createApiClient({
      kind: 'web',
      call: async (method, params) => (calls.push([method, params]), method),
      subscribe: () => () => undefined,
      onStatus: () => () => undefined,
      close: () => undefined
    })
    for (const method of Object.keys(API_METHODS)) expect(typeof Reflect.get(client, method), method).toBe('function')
    expect(await client.listProjects()).toBe('listProjects')
    await client.listPhotos({ projectId: 4 })
    expect(calls).toEqual([
      ['listProjects', {}],
      ['listPhotos', { projectId: 4 }]
    ])
    expect(client.transport).toBe('web')
  })
})
