/** `axgen quantize <model>`: post-training static quantization of a float ONNX model to int8 QDQ. */
import type { CommandModule } from 'yargs';
import { ConfigError, show } from '../infra/errors.js';
import { outputArg } from '../infra/write.js';
import { IMAGE_PIXELS, loadDataset } from '../data/dataset.js';
import { imageInput, prepareFloat } from '../inference/float.js';
import { quantizeModel } from '../onnx/quantize.js';
import { readModel } from '../onnx/read.js';
import { checkReportFile, writeFileAtomically } from '../infra/files.js';
import { forceOption, runCommand } from './common.js';
import { USAGE } from './usage.js';

interface Args {
  model: string;
  dataset: string;
  calibration?: number;
  out?: string;
  force: boolean;
}

/** Calibration images by default: the first 1,000 of the training split. */
export const DEFAULT_CALIBRATION = 1000;

/** `net.onnx` → `net-int8.onnx` beside it. */
export function defaultQuantizedPath(model: string): string {
  return model.replace(/(\.onnx)?$/i, '-int8.onnx');
}

/**
 * Quantizes `modelFile` with the first `n` training images of `dataset`; returns the model bytes.
 * Errors: ConfigError for a bad model or too few images; ToolMissingError for a named dataset
 * whose package is absent.
 */
export async function quantizeFile(modelFile: string, dataset: string, n: number): Promise<Uint8Array> {
  const m = readModel(modelFile);
  const fm = prepareFloat(m, modelFile);
  const train = await loadDataset(dataset, 'train');
  if (n > train.count)
    throw new ConfigError('axgen quantize', [
      { path: '--calibration', expected: `at most ${train.count} (the training images)`, received: show(n) },
    ]);
  const cal = Array.from({ length: n }, (_, i) => imageInput(fm, train.images, i * IMAGE_PIXELS));
  return quantizeModel(m, fm, {
    calibration: cal,
    calibrationNote: `the first ${n} ${dataset} training images (pixel / 255)`,
  });
}

export const quantizeCommand: CommandModule<object, Args> = {
  command: USAGE.quantize.command,
  describe: USAGE.quantize.describe,
  builder: (y) =>
    y
      .positional('model', {
        type: 'string',
        demandOption: true,
        describe: 'float ONNX model (Conv, Gemm, MatMul, Relu, MaxPool, Flatten, Reshape)',
      })
      .option('dataset', {
        type: 'string',
        demandOption: true,
        describe: 'calibration data: fashion-mnist or a folder in the MNIST layout (its training split is used)',
      })
      .option('calibration', {
        type: 'number',
        describe: `calibration images, the first N of the training split (default ${DEFAULT_CALIBRATION})`,
      })
      .option('out', {
        type: 'string',
        describe:
          'output model (default: <model>-int8.onnx); an existing file only if axgen quantize wrote it, unless --force',
      })
      .option('force', forceOption) as never,
  handler: async (argv) => {
    await runCommand(async () => {
      const n = argv.calibration ?? DEFAULT_CALIBRATION;
      if (!Number.isSafeInteger(n) || n < 1)
        throw new ConfigError('axgen quantize', [
          { path: '--calibration', expected: 'a positive integer', received: show(n) },
        ]);
      const out = outputArg(argv.out, '--out', 'default') ?? defaultQuantizedPath(argv.model);
      const opts = { arg: '--out', force: argv.force, kind: 'onnx' } as const;
      await checkReportFile(out, opts);
      const bytes = await quantizeFile(argv.model, argv.dataset, n);
      await writeFileAtomically(out, bytes, opts);
      process.stdout.write(
        `✔ ${argv.model} → ${out} (${bytes.length} bytes; calibration: first ${n} ${argv.dataset} training images, min/max)\n`,
      );
    });
  },
};
