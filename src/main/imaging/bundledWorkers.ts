/**
 * The worker-thread entries built into the CLI bundle, by name: none here. bin/buildCli.mjs builds each
 * worker entry first and replaces this module in the bundle with one that returns their URLs in out/cli/
 * (the bundle's other modules see their sources' URLs as import.meta.url, so they cannot find them).
 */
export const bundledWorker = (_name: string): URL | undefined => undefined
