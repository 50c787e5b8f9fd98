/** What we say about a colorized file, embedded in its EXIF Software tag and in XMP. */
export interface Provenance {
  software: string
  modelId: string
  modelName: string
  workingSize: number
  intensity: number
  date: Date
}

const KOALARIZE_NS = 'https://koalarize.app/ns/1.0/'

export function exifSoftware(p: Provenance): string {
  // No parentheses: libvips reads "text (…)" in EXIF strings as its own type annotation and drops it.
  return `${p.software}, colorized with model ${p.modelId}`
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!)
}

function provenanceDescription(p: Provenance): string {
  const fields: Record<string, string> = {
    Colorized: 'True',
    Software: p.software,
    ModelId: p.modelId,
    ModelName: p.modelName,
    WorkingSize: String(p.workingSize),
    Intensity: String(p.intensity),
    ColorizedAt: p.date.toISOString(),
    Note: 'Colours were predicted by a neural network from the luminance of the original black-and-white photograph.'
  }
  const attributes = Object.entries(fields)
    .map(([key, value]) => `koalarize:${key}="${escapeXml(value)}"`)
    .join(' ')
  return `<rdf:Description rdf:about="" xmlns:koalarize="${KOALARIZE_NS}" ${attributes}/>`
}

/** The original XMP packet with our description added, or a new packet when there was none. */
export function mergeProvenanceXmp(originalXmp: string | undefined, p: Provenance): string {
  const description = provenanceDescription(p)
  if (originalXmp && originalXmp.includes('</rdf:RDF>')) {
    const withoutOld = originalXmp.replace(/<rdf:Description[^>]*xmlns:koalarize="[^"]*"[^>]*\/>/g, '')
    return withoutOld.replace('</rdf:RDF>', `${description}</rdf:RDF>`)
  }
  return (
    '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>' +
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
    description +
    '</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
  )
}

/** Whether an image file carries our provenance note, i.e. Koalarize made it (used before replacing a file). */
export async function carriesOurProvenance(path: string): Promise<boolean> {
  try {
    const { default: sharp } = await import('sharp')
    const { xmp } = await sharp(path).metadata()
    return !!xmp && xmp.toString('utf8').includes(`xmlns:koalarize="${KOALARIZE_NS}"`)
  } catch {
    return false // unreadable or not an image: not ours
  }
}
