/**
 * The renderer's Content-Security-Policy. src/renderer/index.html carries the same string in its
 * meta tag (a test keeps them equal); the web host and Electron also send it as a header, where
 * `frame-ancestors 'none'` is added (meta tags cannot carry it).
 * `'self'` covers the web host's own WebSocket (same host and port); `koalarize-media:` is Electron's
 * image protocol.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' data: blob: koalarize-media:; style-src 'self' 'unsafe-inline'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'"

export const CONTENT_SECURITY_POLICY_HEADER = `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`
