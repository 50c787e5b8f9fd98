import sharp from 'sharp'
import { greyPixels } from '../tests/fixtures/photos'

/** Writes a grey 4:3 JPEG of about `megapixels` MP: upscaled structure plus grain, as costly to decode as a real scan. */
export async function writeSyntheticScan(path: string, megapixels: number): Promise<{ width: number; height: number }> {
  const width = Math.round(Math.sqrt((megapixels * 1e6 * 4) / 3))
  const height = Math.round((width * 3) / 4)
  const grain = Buffer.alloc(width * height)
  for (let i = 0; i < grain.length; i++) grain[i] = (Math.random() * 24) | 0
  await sharp(greyPixels(400, 300), { raw: { width: 400, height: 300, channels: 1 } })
    .resize(width, height, { kernel: 'cubic' })
    .composite([{ input: grain, raw: { width, height, channels: 1 }, blend: 'add' }])
    .toColourspace('b-w')
    .jpeg({ quality: 90 })
    .toFile(path)
  return { width, height }
}

/**
 * The same kind of scan as a 16-bit grey TIFF (LZW), as film scanners write them: structure plus grain
 * down to the low bits, so that 16-bit files compress as little as real ones.
 */
export async function writeSyntheticScan16(path: string, megapixels: number): Promise<{ width: number; height: number }> {
  const width = Math.round(Math.sqrt((megapixels * 1e6 * 4) / 3))
  const height = Math.round((width * 3) / 4)
  const structure = await sharp(greyPixels(400, 300), { raw: { width: 400, height: 300, channels: 1 } })
    .resize(width, height, { kernel: 'cubic' })
    .raw()
    .toBuffer()
  const pixels = new Uint16Array(width * height)
  for (let i = 0; i < pixels.length; i++) pixels[i] = Math.min(65535, structure[i]! * 230 + ((Math.random() * 24 * 256) | 0))
  await sharp(pixels, { raw: { width, height, channels: 1 } })
    .toColourspace('grey16')
    .tiff({ compression: 'lzw' })
    .toFile(path)
  return { width, height }
}
