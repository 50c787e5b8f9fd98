import type { ApiEventName, ApiMethod } from '../../../shared/api/contract'
import { ApiError } from '../../../shared/api/errors'
import type { KoalarizeBridge } from '../../../preload/index.d'
import type { ApiTransport, ConnectionStatus } from './transport'

/** The transport inside the Electron window: the preload's one-function-per-method bridge. */
export function createElectronTransport(bridge: KoalarizeBridge): ApiTransport {
  return {
    kind: 'electron',
    async call(method: ApiMethod, params: unknown) {
      const send = bridge.api[method] as ((params?: unknown) => ReturnType<KoalarizeBridge['api'][ApiMethod]>) | undefined
      if (!send) throw new ApiError('unknown_method', `unknown method ${method}`)
      const reply = await send(params)
      if (reply.ok) return reply.result
      throw ApiError.fromData(reply.error)
    },
    subscribe: (name: ApiEventName, handler: (payload: unknown) => void) => bridge.onEvent(name, handler),
    onStatus(listener: (status: ConnectionStatus) => void) {
      listener('open')
      return () => undefined
    },
    close: () => undefined
  }
}
