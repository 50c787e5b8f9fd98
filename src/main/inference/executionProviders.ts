import * as ort from 'onnxruntime-node'

export type ProviderName = 'cuda' | 'dml' | 'coreml' | 'cpu'

/** Preference order: the fastest that loads wins; CPU always works. */
export const PROVIDER_ORDER: readonly ProviderName[] = ['cuda', 'dml', 'coreml', 'cpu']

/** Providers this build of onnxruntime-node knows; 'bundled: false' ones need extra libraries (e.g. CUDA). */
export function availableProviders(): ProviderName[] {
  const supported = new Set(ort.listSupportedBackends().map((backend) => backend.name))
  return PROVIDER_ORDER.filter((name) => name === 'cpu' || supported.has(name))
}

/** The providers to try, in order, for a user setting ('auto' or one provider). CPU is the last resort. */
export function providerCandidates(preference: ProviderName | 'auto' = 'auto'): ProviderName[] {
  const available = availableProviders()
  if (preference === 'auto') return available
  return available.includes(preference) && preference !== 'cpu' ? [preference, 'cpu'] : ['cpu']
}
