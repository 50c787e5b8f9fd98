import { usage, UsageError } from './usage'

type Command = (argv: string[]) => Promise<number>

// Each command is imported when it runs, so `--help` (and every command) loads only what it needs:
// the native modules (sharp, onnxruntime, SQLite) take most of a start-up.
const COMMANDS: Record<string, () => Promise<Command>> = {
  colorize: async () => (await import('./commands/colorize')).colorizeCommand,
  models: async () => (await import('./commands/models')).modelsCommand,
  eval: async () => (await import('./commands/eval')).evalCommand,
  finetune: async () => (await import('./commands/finetune')).finetuneCommand,
  doctor: async () => (await import('./commands/finetune')).doctorCommand,
  serve: async () => (await import('./commands/serve')).serveCommand
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(usage)
    return command ? 0 : 2
  }
  const load = COMMANDS[command]
  if (!load) {
    process.stderr.write(`koalarize: unknown command '${command}'\n${usage}`)
    return 2
  }
  try {
    return await (await load())(rest)
  } catch (error) {
    const message = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
      ? (error as Error).message
      : `error: ${(error as Error).message}`
    process.stderr.write(`koalarize ${command}: ${message}\n`)
    return 2
  }
}

// `koalarize models | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0)
  throw error
})

process.exitCode = await main(process.argv.slice(2))
