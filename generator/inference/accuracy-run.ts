/**
 * `axgen accuracy`'s computation with its cache: the float, exact-int8 and configured-array
 * predictions, each cached by content (model hash, dataset hash, N, the sources of the golden
 * models; the array run also by the config hash), so a second run, or a sweep point that repeats
 * a config, reads them back. Used by the command and by sweeps with an accuracy figure.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResolvedConfig } from '../config/resolve.js';
import { ConfigError } from '../infra/errors.js';
import type { LabeledImages } from '../data/dataset.js';
import { cached, cachedEntry, contentKey, sourceHash } from '../infra/cache.js';
import { jobPool } from '../infra/pool.js';
import { countBar } from '../infra/progress.js';
import { networkConfigError } from '../onnx/check.js';
import {
  accuracyReport,
  arrayRunParallel,
  checkFloatModel,
  checkLabels,
  datasetHash,
  fileHash,
  floatPredictions,
  loadNetwork,
  type AccuracyReport,
} from './accuracy.js';

/** Per-layer errors are computed on this many images (the first ones) by default. */
export const DEFAULT_LAYER_IMAGES = 200;

/** Predictions cached under the axgen cache by content key. */
async function cachedPredictions(
  kind: string,
  key: string,
  compute: () => Uint8Array | Promise<Uint8Array>,
): Promise<{ pred: Uint8Array; hit: boolean }> {
  let made: Uint8Array | undefined;
  const { dir, hit } = await cached(kind, key, async (tmp) => {
    made = await compute();
    await writeFile(join(tmp, 'predictions.bin'), made);
  });
  return { pred: made ?? new Uint8Array(await readFile(join(dir, 'predictions.bin'))), hit };
}

/**
 * Exact-int8 predictions being computed in this process (alongside an array run), by cache key:
 * a second run needing the same ones (sweep points on one model) waits for them instead of
 * computing them again, as it did when they were a cache build of their own.
 */
const exactInFlight = new Map<string, Promise<Uint8Array>>();

/**
 * Runs the three models (float from the cache when present, exact int8 likewise, the configured
 * array likewise keyed by its config) and returns the report. Exact int8's predictions, when not
 * cached, are computed in the array run's shard processes (arrayRunParallel's `withExact`), in
 * parallel, and cached under their own key (model, dataset, N, operand widths: not the unit), so a
 * later run with another unit reads them. Progress bars on stderr when `opts.progress`.
 * Cache flags: true when that part came from the cache; `exact` is undefined when the array's
 * report came from the cache without needing exact int8's predictions.
 * @throws ConfigError (exit 1) when the config cannot run the model, one problem per layer, or
 *   when the float model cannot be run (floatPredictions)
 */
export async function runAccuracy(
  c: ResolvedConfig,
  model: string,
  ds: LabeledImages,
  opts: {
    limit?: number;
    floatModel?: string;
    layerImages?: number;
    progress?: boolean;
    /** Shard processes at most (default: the job pool's size, AXGEN_JOBS or the cores). */
    jobs?: number;
    /** Images per shard below which the array run stays in this process (MIN_SHARD_IMAGES). */
    minShard?: number;
  },
): Promise<{ report: AccuracyReport; cache: { float?: boolean; exact?: boolean; array: boolean } }> {
  const { net, issues } = loadNetwork(model, c);
  // A config that cannot run the model is bad input (exit 1), as for axgen infer.
  if (issues.length > 0) throw networkConfigError(model, c.name, issues);
  if (opts.limit !== undefined && opts.limit > ds.count)
    throw new ConfigError('axgen accuracy', [
      {
        path: '--limit',
        expected: `at most ${ds.count} (the images in ${ds.source.images})`,
        received: String(opts.limit),
      },
    ]);
  const n = opts.limit ?? ds.count;
  checkLabels(net, ds, n);
  if (opts.floatModel) checkFloatModel(opts.floatModel, net);
  const layerImages = Math.min(n, opts.layerImages ?? DEFAULT_LAYER_IMAGES);
  const dsHash = datasetHash(ds, n);
  const mHash = fileHash(model);
  const src = sourceHash([
    'generator/config',
    'generator/inference',
    'generator/model',
    'generator/onnx',
    'generator/units',
  ]);
  const show = opts.progress ?? false;
  let floatPred: Uint8Array | null = null;
  let floatHit: boolean | undefined;
  if (opts.floatModel) {
    const fm = opts.floatModel;
    const r = await cachedPredictions(
      'accuracy-float',
      contentKey(['float', fileHash(fm), dsHash, String(n), src]),
      async () => {
        const bar = countBar('float (ONNX Runtime)', n, show);
        try {
          return await floatPredictions(fm, ds, n, bar.tick);
        } finally {
          bar.stop();
        }
      },
    );
    floatPred = r.pred;
    floatHit = r.hit;
  }
  const exactKey = contentKey([
    'exact',
    mHash,
    dsHash,
    String(n),
    src,
    String(c.precision.activation.bits),
    String(c.precision.weight.bits),
  ]);
  const exactEntry = cachedEntry('accuracy-exact', exactKey);
  let exactPred: Uint8Array | null = exactEntry
    ? new Uint8Array(await readFile(join(exactEntry, 'predictions.bin')))
    : // another run's failure is not this one's: it then computes them itself
      ((await exactInFlight.get(exactKey)?.catch(() => null)) ?? null);
  const exactHit = exactPred !== null;
  let report: AccuracyReport | undefined;
  const key = contentKey([
    'array',
    c.hash,
    mHash,
    dsHash,
    String(n),
    String(layerImages),
    src,
    floatPred ? Buffer.from(floatPred).toString('base64') : '',
  ]);
  const { dir, hit } = await cached('accuracy', key, async (tmp) => {
    const withExact = exactPred === null;
    let settle: { ok: (p: Uint8Array) => void; fail: (e: unknown) => void } | undefined;
    if (withExact) {
      const p = new Promise<Uint8Array>((ok, fail) => (settle = { ok, fail }));
      p.catch(() => undefined);
      exactInFlight.set(exactKey, p);
    }
    const bar = countBar(withExact ? 'array + int8 exact' : 'array', n, show);
    let run;
    try {
      run = await arrayRunParallel(net, model, c, ds, n, layerImages, {
        jobs: opts.jobs ?? jobPool.size,
        minShard: opts.minShard,
        tick: bar.tick,
        withExact,
      });
      if (withExact) {
        const made = run.exact!;
        exactPred = made;
        await cachedPredictions('accuracy-exact', exactKey, () => made);
        settle!.ok(made);
      }
    } catch (e) {
      settle?.fail(e);
      throw e;
    } finally {
      bar.stop();
      if (withExact) exactInFlight.delete(exactKey);
    }
    report = accuracyReport(net, c, ds, n, floatPred, exactPred!, run, layerImages);
    await writeFile(
      join(tmp, 'report.json'),
      JSON.stringify(report, (_k, v: unknown) => (v === Infinity ? 'Infinity' : v)),
    );
  });
  report ??= JSON.parse(await readFile(join(dir, 'report.json'), 'utf8'), (_k, v: unknown) =>
    v === 'Infinity' ? Infinity : v,
  ) as AccuracyReport;
  return {
    report,
    cache: { float: floatHit, exact: exactHit ? true : hit ? undefined : false, array: hit },
  };
}
