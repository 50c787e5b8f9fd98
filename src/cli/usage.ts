/**
 * The CLI's usage texts, kept apart from the commands so that `koalarize --help` loads no command
 * module and no native one (sharp, onnxruntime, SQLite). The defaults they print are literals here;
 * tests/cli/usage.test.ts checks them against the modules that own them.
 */
export const USAGE_DEFAULTS = {
  workingSize: 256,
  batchConcurrency: 2,
  outputFormats: ['jpeg', 'png', 'tiff', 'webp'],
  evalSize: 256,
  finetune: { baseModel: 'default', epochs: 5, size: 224, learningRate: 1e-4, patience: 2 }
} as const

export class UsageError extends Error {}

const d = USAGE_DEFAULTS
const f = d.finetune

export const colorizeUsage = `koalarize colorize <file or folder> <output folder> [options]
  --model <id or folder>   model to use (default: default)
  --size <px>              working resolution, shorter side (default ${d.workingSize})
  --intensity <x>          colour intensity, 1 = the model's own (default 1)
  --format <f>             ${d.outputFormats.join('|')} (default: the input's own format)
  --quality <q>            JPEG/WebP quality 1-100 (default 92)
  --recolor                also colorize photos that are already in colour, from their luminance
  --overwrite              replace existing output files (inputs are never written)
  --provider <p>           auto|cuda|dml|coreml|cpu (default auto)
  --threads <n>            inference threads (default: the cores divided among the photos at once)
  --jobs <n>               photos colorized at once (default ${d.batchConcurrency})`

export const modelsUsage = 'koalarize models [--json]   list installed models and their cards'

export const evalUsage = `koalarize eval <folder or .tar of colour photos> [options]
  --model <id or folder>   model to evaluate (default: default)
  --limit <n>              only the first n photos, by name
  --size <px>              evaluation size: photos whose shorter side is larger are
                           downscaled to it first (default ${d.evalSize}); the network runs at it too
  --intensity <x>          colour intensity, 0–4 (default 1: the model's own prediction)
  --manifest <tsv>         manifest for per-source/category figures
                           (default: manifest.tsv beside the .tar, or in the folder)
  --report <folder>        write report.json and contact-sheet.jpg there
  --provider <p>           auto|cuda|dml|coreml|cpu (default auto)
  --threads <n>            inference threads (default: onnxruntime's choice)`

export const finetuneUsage = `koalarize finetune <folder of colour photos> [--name <model name>] [options]
  --name <model name>     (default: the folder's name and the month, e.g. "Family, Nov 2026")
  --base <id or folder>   model to start from (default: ${f.baseModel}; it must include weights.pt)
  --train decoder|all     layers to train: fusion + decoder (default), or all
  --epochs <n>            passes over the photos (default ${f.epochs})
  --minutes <m>           time budget for training (stops at whichever comes first)
  --size <px>             training crop size, a multiple of 8 (default ${f.size})
  --lr <x>                learning rate (default ${f.learningRate})
  --patience <n>          stop after n epochs without held-out improvement (default ${f.patience}; 0: off)
  --python <path>         Python with torch (default: $KOALARIZE_PYTHON, else auto-detected)
  --steps <n>, --batch <n>, --threads <n>   caps for quick trials
koalarize finetune --resume <job id>   continue a paused job (Ctrl-C pauses)
koalarize finetune --list              fine-tuning jobs and their states
koalarize finetune --check             the Python environment (same as koalarize doctor)`

export const doctorUsage = 'koalarize doctor [--python <path>]   check the Python environment used for fine-tuning'

export const serveUsage = `koalarize serve [--port <n>] [--data-dir <dir>] [--open]
  the studio in your browser: serves the built UI (run \`npm run build\` first) and the API on
  127.0.0.1 only, with a random access token in the printed URL
  --port <n>               port on 127.0.0.1 (default: a free one)
  --data-dir <dir>         catalog, caches and user models (default: the app's user-data folder)
  --open                   open the URL in the default browser`

const indent = (text: string): string => text.split('\n').join('\n  ')

export const usage = `usage: koalarize <command> [options]

commands:
  ${[colorizeUsage, modelsUsage, evalUsage, finetuneUsage, doctorUsage, serveUsage].map(indent).join('\n  ')}
`
