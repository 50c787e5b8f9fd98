import type { ApiEventName, ApiMethod } from './contract'

/**
 * The contract's method and event names without its schemas (no zod), for code that only needs the
 * names, such as the preload. The compiler checks both lists against the contract in both directions;
 * names.test.ts checks the order too.
 */

export const API_METHOD_NAMES = [
  'listProjects', 'openProject', 'removeProject', 'rescanProject', 'listPhotos', 'getPhoto', 'listModels',
  'getCapabilities', 'pickFolder',
  'createColorizeJob', 'listDoubtfulPhotos', 'listJobs', 'getJob', 'pauseJob', 'resumeJob', 'cancelJob',
  'listVersions', 'setPreferredVersion', 'deleteVersion', 'exportPhotos',
  'getSettings', 'updateSettings', 'listExecutionProviders', 'cacheInfo', 'clearCache',
  'checkFinetuneEnvironment', 'inspectCollection', 'startFinetune', 'listFinetuneJobs', 'getFinetuneJob',
  'pauseFinetune', 'resumeFinetune', 'cancelFinetune'
] as const satisfies readonly ApiMethod[]

export const API_EVENT_NAMES = [
  'scanProgress', 'scanFinished', 'thumbnailProgress', 'thumbnailReady', 'backgroundError',
  'jobUpdated', 'jobProgress', 'jobItemFinished', 'jobFinished', 'versionCreated', 'exportProgress',
  'finetuneUpdated', 'finetuneProgress', 'finetuneEval', 'finetunePreview', 'finetuneFinished', 'finetuneWarning'
] as const satisfies readonly ApiEventName[]

/** A compile error here names a contract entry missing from the lists above. */
type NoneLeftOut<T extends never> = T
export type UnlistedMethods = NoneLeftOut<Exclude<ApiMethod, (typeof API_METHOD_NAMES)[number]>>
export type UnlistedEvents = NoneLeftOut<Exclude<ApiEventName, (typeof API_EVENT_NAMES)[number]>>
