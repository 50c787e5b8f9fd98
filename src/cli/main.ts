// Placeholder CLI entry, run via bin/koalarize.mjs (tsx). The real CLI replaces this.
const [command] = process.argv.slice(2)

if (!command) {
  process.stderr.write('usage: koalarize <command>\n')
  process.exit(1)
}

process.stderr.write(`koalarize: unknown command '${command}'\nusage: koalarize <command>\n`)
process.exit(1)
