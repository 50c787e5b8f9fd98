import {
  BATCH_CONCURRENCY_DEFAULT, DEFAULT_MODEL_ID, EVAL_SIZE_DEFAULT, EXECUTION_PROVIDER_SETTINGS, EXPORT_FORMATS, FINETUNE_DEFAULTS,
  INTENSITY_DEFAULT, INTENSITY_MAX, INTENSITY_MIN, QUALITY_DEFAULT, QUALITY_MAX, QUALITY_MIN, WORKING_SIZE_DEFAULT
} from '../shared/api/bounds'

/**
 * The CLI's usage texts, kept apart from the commands so that `koalarize --help` loads no command
 * module, no native one (sharp, onnxruntime, SQLite) and no zod: the defaults come from bounds.ts.
 */

export class UsageError extends Error {}

const f = FINETUNE_DEFAULTS
const providers = EXECUTION_PROVIDER_SETTINGS.join('|')

export const colorizeUsage = `koalarize colorize <file or folder> <output folder> [options]
  --model <id or folder>   model to use (default: ${DEFAULT_MODEL_ID})
  --size <px>              working resolution, shorter side (default ${WORKING_SIZE_DEFAULT})
  --intensity <x>          colour intensity, ${INTENSITY_MIN}–${INTENSITY_MAX}, 1 = the model's own (default ${INTENSITY_DEFAULT})
  --format <f>             ${EXPORT_FORMATS.join('|')} (default: the input's own format)
  --quality <q>            JPEG/WebP quality ${QUALITY_MIN}-${QUALITY_MAX} (default ${QUALITY_DEFAULT})
  --recolor                also colorize photos that are already in colour, from their luminance
  --overwrite              replace existing output files (inputs are never written)
  --provider <p>           ${providers} (default auto)
  --threads <n>            inference threads (default: the cores divided among the photos at once)
  --jobs <n>               photos colorized at once (default ${BATCH_CONCURRENCY_DEFAULT})`

export const modelsUsage = 'koalarize models [--json]   list installed models and their cards'

export const evalUsage = `koalarize eval <folder or .tar of colour photos> [options]
  --model <id or folder>   model to evaluate (default: ${DEFAULT_MODEL_ID})
  --limit <n>              only the first n photos, by name
  --size <px>              evaluation size: photos whose shorter side is larger are
                           downscaled to it first (default ${EVAL_SIZE_DEFAULT}); the network runs at it too
  --intensity <x>          colour intensity, ${INTENSITY_MIN}–${INTENSITY_MAX} (default ${INTENSITY_DEFAULT}: the model's own prediction)
  --manifest <tsv>         manifest for per-source/category figures
                           (default: manifest.tsv beside the .tar, or in the folder)
  --report <folder>        write report.json and contact-sheet.jpg there
  --provider <p>           ${providers} (default auto)
  --threads <n>            inference threads (default: onnxruntime's choice)`

export const finetuneUsage = `koalarize finetune <folder of colour photos> [--name <model name>] [options]
  --name <model name>     (default: the folder's name and the month, e.g. "Family, Nov 2026")
  --base <id or folder>   model to start from (default: ${DEFAULT_MODEL_ID}; it must include weights.pt)
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
