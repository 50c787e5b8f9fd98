import type { ApiEvent } from '../../shared/api/contract'
import type { QueueEmitter, QueueEventName, QueueEvents } from '../jobs/colorizeQueue'
import { jobDto, jobItemDto, jobProgressDto, versionDto } from './dto'

/** One event of the colorize queue, tagged with its name. */
export type QueueEvent = { [E in QueueEventName]: { name: E; payload: QueueEvents[E] } }[QueueEventName]

/** The contract's event for one of the queue's (catalog records → API records). */
export function queueEventToApi(event: QueueEvent): ApiEvent {
  switch (event.name) {
    case 'jobUpdated':
    case 'jobFinished':
      return { name: event.name, payload: jobDto(event.payload.job, event.payload.counts) }
    case 'jobItemFinished':
      return { name: event.name, payload: jobItemDto(event.payload.item, event.payload.photoName) }
    case 'jobProgress':
      return { name: event.name, payload: jobProgressDto(event.payload) }
    case 'versionCreated':
      return { name: event.name, payload: versionDto(event.payload) }
  }
}

/** The queue's emitter: maps each event to the contract's and hands it to `emit`. */
export function forwardQueueEvents(emit: (event: ApiEvent) => void): QueueEmitter {
  return (name, payload) => emit(queueEventToApi({ name, payload } as QueueEvent))
}
