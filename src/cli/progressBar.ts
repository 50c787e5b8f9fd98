/** A one-line progress bar with ETA on stderr (a line per update when stderr is not a terminal). */
export class ProgressBar {
  private lastLine = ''
  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  update(done: number, total: number, label: string, etaSeconds: number | null): void {
    const width = 24
    const filled = total ? Math.round((done / total) * width) : width
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled)
    const eta = etaSeconds === null ? '' : ` ETA ${formatDuration(etaSeconds)}`
    const line = `${bar} ${done}/${total}${eta} ${label}`.slice(0, 120)
    if (this.stream.isTTY) this.stream.write(`\r\x1b[2K${line}`)
    else if (line !== this.lastLine) this.stream.write(line + '\n')
    this.lastLine = line
  }

  finish(): void {
    if (this.stream.isTTY) this.stream.write('\n')
  }
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds))
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
}
