// Preloaded into a measured process (node --import): at exit it writes its own CPU time (user + system, all
// threads) and peak RSS as JSON to $BENCH_USAGE_FILE.
import { writeFileSync } from 'node:fs'

process.on('exit', () => {
  const { userCPUTime, systemCPUTime, maxRSS } = process.resourceUsage()
  const usage = { cpuSeconds: (userCPUTime + systemCPUTime) / 1e6, peakRssMiB: maxRSS / 1024 }
  writeFileSync(process.env.BENCH_USAGE_FILE, JSON.stringify(usage))
})
