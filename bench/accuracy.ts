/**
 * Accuracy of the trained reference networks on approximate arrays (printed, not asserted).
 *   npx tsx bench/accuracy.ts [--images N]            images/s of the configured-array run
 *                                                     (golden model) on the CNN, per unit kind
 *   npx tsx bench/accuracy.ts --table [--limit N] [--match TEXT]
 *                                                     the README table: int8 top-1 accuracy of
 *                                                     both networks per unit (only the units whose
 *                                                     label matches the regular expression TEXT), beside the
 *                                                     LUT6 per PE of the very config that ran
 * The array is 8×8 weight-stationary, uint8 activations × int8 weights (the networks' operands),
 * 32-bit wrapping accumulator, no zero-skip unless the row names one. Runs go through the axgen
 * cache (generator/inference/accuracy-run.ts). The area column is measured here on each row's own
 * config (bench/pe-area.ts: Yosys 0.23 `synth_xilinx -nodsp`, the PE flattened, plus its share of
 * the edge encoders over the 8×8 array, (8 act_pre + 8 wgt_pre) / 64, as bench/unit-front.ts counts
 * it), so accuracy and area describe the same hardware: the unit, its zero-skip predicate and
 * operand isolation, the two weight banks and the 32-bit accumulator of today's PE.
 */
import { resolveConfig, type ResolvedConfig } from '../generator/config/resolve.js';
import { unitLabel } from '../generator/config/derive.js';
import { loadDataset } from '../generator/data/dataset.js';
import { runAccuracy } from '../generator/inference/accuracy-run.js';
import { arrayRun, loadNetwork } from '../generator/inference/accuracy.js';
import { edgeShare8x8, peArea } from './pe-area.js';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
};
const cfg = (multiplier: Record<string, unknown>, zeroSkip?: Record<string, unknown>): ResolvedConfig =>
  resolveConfig(
    {
      ...(zeroSkip ? { zeroSkip } : {}),
      name: 'bench_acc',
      array: { rows: 8, cols: 8, maxK: 2048, accDepth: 64 },
      dataflow: 'weight-stationary',
      precision: {
        activation: { bits: 8, signed: false },
        weight: { bits: 8, signed: true },
        accumulator: { bits: 32, overflow: 'wrap' },
      },
      multiplier,
    },
    'bench',
  );

/** The rows: multiplier, and the zero-skip predicate when the row has one. */
const UNITS: [Record<string, unknown>, Record<string, unknown>?][] = [
  [{ kind: 'exact' }],
  [{ kind: 'mitchell', fractionBits: 3 }],
  [{ kind: 'mitchell', fractionBits: 4, unbias: true }],
  [{ kind: 'mitchell', fractionBits: 7 }],
  [{ kind: 'mitchell', fractionBits: 7, compensation: 'bias' }],
  [{ kind: 'ilm', corrections: 0 }],
  [{ kind: 'ilm', corrections: 1 }],
  [{ kind: 'ilm', corrections: 2 }],
  [{ kind: 'asm', alphabet: [1] }],
  [{ kind: 'asm', alphabet: [1, 3] }],
  [{ kind: 'asm', alphabet: [1, 3, 5, 7] }],
  [{ kind: 'asm', alphabet: [1], rounding: 'floor-quartet' }],
  [{ kind: 'asm', alphabet: [1, 3], rounding: 'floor-quartet' }],
  [{ kind: 'asm', alphabet: [1, 3, 5, 7], rounding: 'floor-quartet' }],
  [{ kind: 'mitchell', fractionBits: 4, unbias: true, signedMode: 'ones-complement' }],
  [{ kind: 'mitchell', fractionBits: 7, signedMode: 'ones-complement' }],
  // Zero-skip thresholds: products with |activation| ≤ t are skipped (the PE's area is the unit's plus the predicate).
  [{ kind: 'mitchell', fractionBits: 4, unbias: true }, { activation: 0 }],
  [{ kind: 'mitchell', fractionBits: 4, unbias: true }, { activation: 2 }],
  [{ kind: 'mitchell', fractionBits: 4, unbias: true }, { activation: 4 }],
  [{ kind: 'mitchell', fractionBits: 4, unbias: true }, { activation: 8 }],
  [{ kind: 'exact' }, { activation: 4, weight: 2 }],
];

const ds = await loadDataset('fashion-mnist', 'test');
if (process.argv.includes('--table')) {
  const limit = Number(arg('--limit') ?? ds.count);
  const nets = ['fashion-mlp', 'fashion-cnn'];
  const rows: string[] = [];
  const exactAcc: Record<string, number> = {};
  const floatAcc: Record<string, number> = {};
  const match = arg('--match');
  for (const [m, zs] of UNITS) {
    const c = cfg(m, zs);
    if (match !== undefined && !new RegExp(match).test(unitLabel(c))) continue;
    const cells: string[] = [];
    for (const n of nets) {
      const t0 = performance.now();
      const r = await runAccuracy(c, `examples/models/${n}-int8.onnx`, ds, {
        limit,
        floatModel: `examples/models/${n}.onnx`,
        layerImages: 100,
        progress: true,
      });
      exactAcc[n] = r.report.exact.accuracy;
      floatAcc[n] = r.report.float!.accuracy;
      cells.push(`${(100 * r.report.array.accuracy).toFixed(2)} %`, `${(100 * r.report.agreement).toFixed(1)} %`);
      process.stderr.write(
        `${unitLabel(c)} ${n}: ${(100 * r.report.array.accuracy).toFixed(2)} % (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`,
      );
    }
    const area = await peArea(c, 'xilinx');
    const pe = area[0]!;
    const edge = edgeShare8x8(area);
    rows.push(`| ${unitLabel(c)} | ${(pe + edge).toFixed(1)} (${pe} + ${edge.toFixed(1)}) | ${cells.join(' | ')} |`);
  }
  const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
  console.log(
    `Measured ${new Date().toISOString().slice(0, 10)} on the first ${limit} Fashion-MNIST test images (npx tsx bench/accuracy.ts --table --limit ${limit}).`,
  );
  console.log(
    `Float: MLP ${pct(floatAcc['fashion-mlp']!)}, CNN ${pct(floatAcc['fashion-cnn']!)}; int8 exact: MLP ${pct(exactAcc['fashion-mlp']!)}, CNN ${pct(exactAcc['fashion-cnn']!)}.\n`,
  );
  console.log(
    '| unit | LUT6 per PE (PE + edge share) | MLP int8 top-1 | MLP agreement with exact | CNN int8 top-1 | CNN agreement with exact |',
  );
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const r of rows) console.log(r);
} else {
  const n = Number(arg('--images') ?? 100);
  console.log(`configured-array golden run, fashion-cnn-int8 (1,117,056 MACs per image), ${n} images, one thread:`);
  for (const m of [
    { kind: 'exact' },
    { kind: 'mitchell', fractionBits: 4, unbias: true },
    { kind: 'ilm', corrections: 1 },
    { kind: 'asm', alphabet: [1, 3, 5, 7] },
  ]) {
    const c = cfg(m);
    const { net } = loadNetwork('examples/models/fashion-cnn-int8.onnx', c);
    arrayRun(net, c, ds, 2, 0); // warm-up: tables, JIT
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    arrayRun(net, c, ds, n, 0);
    const wall = (performance.now() - t0) / 1000;
    const cpu = (process.cpuUsage(cpu0).user + process.cpuUsage(cpu0).system) / 1e6;
    console.log(
      `  ${unitLabel(c).padEnd(40)} ${(n / cpu).toFixed(1)} images/s per core of CPU time (${((n * 1.117056) / cpu).toFixed(0)} MMAC/s), ${(n / wall).toFixed(1)} images/s wall`,
    );
  }
}
