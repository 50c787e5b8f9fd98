import { colorizeCommand, colorizeUsage } from './commands/colorize'
import { modelsCommand } from './commands/models'
import { evalCommand, evalUsage } from './commands/eval'
import { doctorCommand, doctorUsage, finetuneCommand, finetuneUsage } from './commands/finetune'
import { serveCommand, serveUsage } from './commands/serve'
import { UsageError } from './services'

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  colorize: colorizeCommand,
  models: modelsCommand,
  eval: evalCommand,
  finetune: finetuneCommand,
  doctor: doctorCommand,
  serve: serveCommand
}

const usage = `usage: koalarize <command> [options]

commands:
  ${colorizeUsage.split('\n').join('\n  ')}
  koalarize models [--json]   list installed models and their cards
  ${evalUsage.split('\n').join('\n  ')}
  ${finetuneUsage.split('\n').join('\n  ')}
  ${doctorUsage}
  ${serveUsage.split('\n').join('\n  ')}
`

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(usage)
    return command ? 0 : 2
  }
  const run = COMMANDS[command]
  if (!run) {
    process.stderr.write(`koalarize: unknown command '${command}'\n${usage}`)
    return 2
  }
  try {
    return await run(rest)
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
