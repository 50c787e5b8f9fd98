/** A photo that cannot be processed, with a reason a user can act on. Nothing is written for it. */
export class PhotoError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string
  ) {
    super(`${path}: ${reason}`)
  }
}

/** Turns libvips / sharp messages into short reasons. */
export function describeDecodeError(error: unknown, megapixelLimit: number): string {
  const message = (error as Error)?.message ?? String(error)
  if (/unsupported image format/i.test(message)) return 'not an image, or a format Koalarize cannot read'
  if (/pixel limit/i.test(message)) return `image is too large (over the ${megapixelLimit}-megapixel limit)`
  // libvips's error buffer is process-wide: with decodes running in parallel a failed one may be left
  // with only "Unknown error". That happens only for files it could not decode.
  if (/^unknown error$/i.test(message.trim())) return 'damaged or truncated file (the decoder gave no detail)'
  if (/premature end|truncated|unexpected end|out of data|read error|corrupt|invalid|bad|damaged/i.test(message)) {
    return `damaged or truncated file (${firstLine(message)})`
  }
  return firstLine(message)
}

const firstLine = (text: string): string => text.split('\n')[0]!.trim()
