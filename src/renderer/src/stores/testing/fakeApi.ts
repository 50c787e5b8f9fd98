import { vi } from 'vitest'
import type { ApiEventName, ApiEventPayload } from '../../../../shared/api/contract'
import type { DoubtfulPhotoDto, JobDto, PhotoDto, PhotoWorkDto } from '../../../../shared/api/schemas'

/** A stand-in for the API client in store tests: methods are vi.fn()s, events are sent by hand. */
export function createFakeApi() {
  const handlers = new Map<string, ((payload: unknown) => void)[]>()
  return {
    listProjects: vi.fn(async () => []),
    listPhotos: vi.fn(),
    getPhoto: vi.fn(),
    getJob: vi.fn(),
    listJobs: vi.fn(async () => []),
    listModels: vi.fn(async () => []),
    createColorizeJob: vi.fn(),
    listDoubtfulPhotos: vi.fn(async () => [] as DoubtfulPhotoDto[]),
    getSettings: vi.fn(async () => ({ lastProjectId: null as number | null })),
    updateSettings: vi.fn(async () => ({})),
    onEvent: (name: string, handler: (payload: unknown) => void) => {
      handlers.set(name, [...(handlers.get(name) ?? []), handler])
      return () => undefined
    },
    onConnection: () => () => undefined,
    emit<E extends ApiEventName>(name: E, payload: ApiEventPayload<E>): void {
      for (const handler of handlers.get(name) ?? []) handler(payload)
    }
  }
}

export const NO_WORK: PhotoWorkDto = { versions: 0, shownVersionId: null, preferredVersionId: null, failure: null, activity: null }

export const photo = (id: number, work: Partial<PhotoWorkDto> = {}): PhotoDto => ({
  id, projectId: 1, relativePath: `p${id}.jpg`, size: 1, mtimeMs: 1, contentHash: null, width: 10, height: 10, format: 'jpeg',
  depth: 'uchar', capturedAt: null, colourClass: 'bw', colourDoubtful: false, meanChroma: 0, status: 'present', scanError: null, hasThumbnail: true,
  work: { ...NO_WORK, ...work }
})

export const job = (over: Partial<Omit<JobDto, 'counts'>> & { counts?: Partial<JobDto['counts']> } = {}): JobDto => ({
  id: 7, projectId: 1, kind: 'colorize', status: 'running', options: { modelId: 'default', workingSize: 256, intensity: 1, recolor: false, recolorPhotoIds: [] },
  createdAt: '', updatedAt: '', error: null, ...over,
  counts: { total: 55, queued: 55, running: 0, done: 0, failed: 0, skipped: 0, cancelled: 0, ...over.counts }
})
