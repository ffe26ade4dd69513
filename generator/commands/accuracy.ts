/** `axgen accuracy <config> --model net.onnx --dataset …`: what the configured array does to a network's accuracy. */
import { existsSync } from 'node:fs';
import type { CommandModule } from 'yargs';
import { ConfigError, show } from '../infra/errors.js';
import { configSummary, unitLabel } from '../config/derive.js';
import { formatAccuracy } from '../data/accuracy.js';
import { loadDataset, loadLabeledImages } from '../data/dataset.js';
import type { AccuracyReport } from '../inference/accuracy.js';
import { DEFAULT_LAYER_IMAGES, runAccuracy } from '../inference/accuracy-run.js';
import { GENERATOR_VERSION } from '../version.js';
import { checkReportFile, writeFileAtomically } from '../infra/files.js';
import { outputArg } from '../infra/write.js';
import { progressWanted } from '../infra/progress.js';
import { checkJobs } from './checks.js';
import { ConfigSession, forceOption, jobsOption, runCommand } from './common.js';
import { USAGE } from './usage.js';
import { usableCacheRoot } from '../infra/cache.js';

interface Args {
  config: string;
  model: string;
  dataset?: string;
  images?: string;
  labels?: string;
  'float-model'?: string;
  float?: boolean;
  limit?: number;
  'layer-images'?: number;
  clock?: number;
  json?: string;
  progress?: boolean;
  jobs?: number;
  force: boolean;
}

const argError = (path: string, expected: string, received: unknown) =>
  new ConfigError('axgen accuracy', [{ path, expected, received: show(received) }]);

/** The float model of `x-int8.onnx` is `x.onnx` beside it, when that file exists. */
export function knownFloatModel(model: string): string | undefined {
  const f = model.replace(/-int8\.onnx$/i, '.onnx');
  return f !== model && existsSync(f) ? f : undefined;
}

const pct = (x: number) => `${(100 * x).toFixed(2)} %`;

/** The human-readable report. */
export function formatAccuracyReport(r: AccuracyReport, label: string, clockMHz: number): string {
  const lines = [
    `${r.images} images, ${r.macsPerImage.toLocaleString('en-US')} MACs and ${r.cyclesPerImage.toLocaleString('en-US')} array cycles per image ` +
      `(${((clockMHz * 1e6) / r.cyclesPerImage).toFixed(1)} images/s at ${clockMHz} MHz)`,
    `  float          ${r.float ? formatAccuracy(r.float) : '(no float model: give --float-model)'}`,
    `  int8 exact     ${formatAccuracy(r.exact)}`,
    `  array          ${formatAccuracy(r.array)}   [${label}]`,
    `  agreement with exact int8: ${pct(r.agreement)}`,
  ];
  if (r.zeroSkipRate !== null)
    lines.push(`  zero-skip rate on these activations: ${pct(r.zeroSkipRate)} of MACs skipped`);
  lines.push(
    `  per-layer error of the array's outputs against exact int8 (output steps, first ${r.layerErrorImages} images):`,
  );
  for (const l of r.layers)
    lines.push(
      `    ${l.layer.padEnd(48)} mean |e| ${l.meanAbs.toFixed(4)}  worst ${l.worstAbs}  MRE ${Number.isNaN(l.meanRel) ? '-' : pct(l.meanRel)}  SNR ${Number.isFinite(l.snrDb) ? `${l.snrDb.toFixed(1)} dB` : '∞ (equal)'}`,
    );
  return lines.join('\n') + '\n';
}

export const accuracyCommand: CommandModule<object, Args> = {
  command: USAGE.accuracy.command,
  describe: USAGE.accuracy.describe,
  builder: (y) =>
    y
      .positional('config', { type: 'string', demandOption: true, describe: 'config file (.ts or .json)' })
      .option('model', {
        type: 'string',
        demandOption: true,
        describe: 'int8 ONNX model (QDQ or operator form), e.g. examples/models/fashion-cnn-int8.onnx',
      })
      .option('dataset', {
        type: 'string',
        describe: 'fashion-mnist, or a folder in the MNIST layout (its test split); or give --images and --labels',
      })
      .option('images', { type: 'string', describe: 'your own images: IDX or .npy, uint8, N×28×28 (docs/datasets.md)' })
      .option('labels', { type: 'string', describe: 'labels of --images: IDX or .npy, N integers' })
      .option('float-model', {
        type: 'string',
        describe: 'the float ONNX model, for the float accuracy (default: x.onnx beside x-int8.onnx, when present)',
      })
      .option('float', {
        type: 'boolean',
        default: true,
        describe: 'report the float accuracy when the float model is known (--no-float skips it)',
      })
      .option('limit', { type: 'number', describe: 'only the first N images' })
      .option('layer-images', {
        type: 'number',
        describe: `images the per-layer errors are computed on (default ${DEFAULT_LAYER_IMAGES})`,
      })
      .option('clock', { type: 'number', default: 100, describe: 'clock in MHz for images/s' })
      .option('json', {
        type: 'string',
        describe:
          'also write the report as JSON (an existing file only if it is an axgen accuracy report, unless --force)',
      })
      .option('progress', { type: 'boolean', describe: 'progress bars on stderr (default: on a terminal)' })
      .option('jobs', jobsOption)
      .option('force', forceOption) as never,
  handler: async (argv) => {
    const s = new ConfigSession();
    await runCommand(async () => {
      const posInt = (v: number | undefined, p: string) => {
        if (v !== undefined && (!Number.isSafeInteger(v) || v < 1)) throw argError(p, 'a positive integer', v);
      };
      checkJobs(argv.jobs, 'axgen accuracy');
      posInt(argv.limit, '--limit');
      posInt(argv['layer-images'], '--layer-images');
      if (!(Number.isFinite(argv.clock) && argv.clock! > 0))
        throw argError('--clock', 'a clock in MHz above 0', argv.clock);
      if ((argv.dataset === undefined) === (argv.images === undefined))
        throw argError('--dataset', 'either --dataset or --images with --labels', argv.dataset ?? 'neither');
      if (argv.images !== undefined && argv.labels === undefined)
        throw argError('--labels', 'the labels file of --images', 'nothing');
      const json = outputArg(argv.json, '--json', 'none');
      const jsonOpts = { arg: '--json', force: argv.force, kind: 'accuracy' } as const;
      if (json !== undefined) await checkReportFile(json, jsonOpts);
      // Asking for the float accuracy of a model and for none at once: which was meant is not known.
      if (argv['float-model'] !== undefined && argv.float === false)
        throw argError('--no-float', '--float-model or --no-float, not both', 'both');
      if (argv['float-model'] !== undefined && !existsSync(argv['float-model']))
        throw argError('--float-model', 'an existing float ONNX file', argv['float-model']);
      const c = await s.load(argv.config);
      const ds =
        argv.dataset !== undefined
          ? await loadDataset(argv.dataset, 'test')
          : await loadLabeledImages(argv.images!, argv.labels!);
      // The build cache (AXGEN_CACHE): checked, and made when absent, before any build.
      usableCacheRoot();
      const floatModel = argv.float === false ? undefined : (argv['float-model'] ?? knownFloatModel(argv.model));
      const t0 = performance.now();
      const r = await runAccuracy(c, argv.model, ds, {
        limit: argv.limit,
        floatModel,
        layerImages: argv['layer-images'],
        progress: progressWanted(argv.progress),
      });
      const label = unitLabel(c);
      // What was run, so that two reports (another accumulator, model or image set) tell themselves apart.
      process.stdout.write(
        `config: ${c.name} (sha256:${c.hash.slice(0, 12)}): ${configSummary(c)}\n` +
          `model: ${argv.model}${floatModel ? `; float model: ${floatModel}` : ''}\n` +
          `images: ${ds.source.images}; labels: ${ds.source.labels}\n`,
      );
      process.stdout.write(formatAccuracyReport(r.report, label, argv.clock!));
      const cacheNote = Object.entries(r.cache)
        .filter(([, v]) => v)
        .map(([k]) => k);
      process.stdout.write(
        `  (${((performance.now() - t0) / 1000).toFixed(1)} s${cacheNote.length ? `; from the cache: ${cacheNote.join(', ')}` : ''})\n`,
      );
      if (json !== undefined) {
        const doc = {
          generatorVersion: GENERATOR_VERSION,
          config: c.name,
          configHash: c.hash,
          unit: label,
          model: argv.model,
          floatModel: floatModel ?? null,
          dataset: argv.dataset ?? { images: argv.images, labels: argv.labels },
          clockMHz: argv.clock,
          imagesPerSecond: (argv.clock! * 1e6) / r.report.cyclesPerImage,
          ...r.report,
          accuracy: {
            float: r.report.float?.accuracy ?? null,
            exact: r.report.exact.accuracy,
            array: r.report.array.accuracy,
          },
        };
        await writeFileAtomically(
          json,
          JSON.stringify(doc, (_k, v: unknown) => (v === Infinity ? 'Infinity' : v), 2) + '\n',
          jsonOpts,
        );
        process.stdout.write(`✔ wrote ${json}\n`);
      }
    }, s.hash);
  },
};
