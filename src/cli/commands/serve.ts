import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { createAppServices } from '../../main/app/createAppServices'
import { APP_ROOT } from '../../main/models/paths'
import { startWebHost } from '../../main/webhost/webHost'
import { UsageError } from '../usage'

/** The built renderer (electron-vite's output; KOALARIZE_RENDERER_DIR overrides); `serve` builds nothing at runtime. */
export const rendererDir = (): string => process.env.KOALARIZE_RENDERER_DIR ?? join(APP_ROOT, 'out', 'renderer')

export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      open: { type: 'boolean', default: false }
    }
  })
  const port = values.port === undefined ? 0 : Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be an integer from 0 to 65535')
  const renderer = rendererDir()
  if (!existsSync(join(renderer, 'index.html'))) {
    process.stderr.write(`koalarize serve: the UI is not built (no ${join(renderer, 'index.html')}): run \`npm run build\` first\n`)
    return 1
  }

  const services = createAppServices({ dataDir: values['data-dir'] ? resolve(values['data-dir']) : undefined })
  let host
  try {
    host = await startWebHost({ services, port, rendererDir: renderer })
  } catch (error) {
    await services.close(0)
    throw error
  }
  process.stdout.write(
    `Koalarize is running at\n\n  ${host.url}\n\n` +
      `Open that address (it carries this session's access token; keep it to yourself).\n` +
      `Data folder: ${services.dataDir}\nPress Ctrl+C to stop.\n`
  )
  if (values.open) openInBrowser(host.url)

  await new Promise<void>((done) => {
    process.once('SIGINT', done)
    process.once('SIGTERM', done)
  })
  process.stdout.write('stopping…\n')
  await host.close()
  await services.close()
  return 0
}

function openInBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]]
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true })
    child.on('error', () => process.stderr.write(`could not open a browser (${command}); open the address above yourself\n`))
    child.unref()
  } catch {
    process.stderr.write('could not open a browser; open the address above yourself\n')
  }
}
