/**
 * Speed of the golden model on networks (printed, not asserted): MAC/s of
 *   - the naive golden GEMM (gemmModel, BigInt per addition) on a small GEMM,
 *   - the fast path (fastGemm) on a 256×256×256 GEMM, for every unit kind at 8 bits,
 *   - whole-network golden inference of examples/models/cnn-int8.onnx (im2col, requantization and
 *     host steps included) for every unit kind,
 *   - ONNX Runtime's int8 CPU execution of the same model (one thread), beside them.
 * Run: npm run bench:infer
 */
import * as ort from 'onnxruntime-node';
import { derive } from '../generator/config/derive.js';
import { resolveConfig } from '../generator/config/resolve.js';
import { infer } from '../generator/inference/run.js';
import { fastGemm } from '../generator/model/fast-gemm.js';
import { gemmModel, mapWeights } from '../generator/model/gemm.js';
import { rng } from '../generator/model/rng.js';
import { importModel } from '../generator/onnx/import.js';
import { readModel, readTensorPb } from '../generator/onnx/read.js';
import { units } from '../generator/units/index.js';

const MODEL = 'examples/models/cnn-int8.onnx';
const written = (kind: string) => ({
  name: 'bench',
  array: { rows: 8, cols: 8, maxK: 1024, accDepth: 64 },
  dataflow: 'weight-stationary',
  precision: {
    activation: { bits: 8, signed: false },
    weight: { bits: 8, signed: true },
    accumulator: { bits: 32, overflow: 'wrap' },
  },
  multiplier: { kind },
});

/**
 * Seconds of this process' CPU time per call (user + system), so that a loaded machine (other
 * processes on the same cores) does not inflate the figure as wall time would.
 */
const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const time = (f: () => void, minS = 0.4): number => {
  // warm up: build the product table, let the JIT compile the paths
  for (const t0 = cpuSeconds(); cpuSeconds() - t0 < minS / 2;) f();
  let n = 0;
  const t0 = cpuSeconds();
  while (cpuSeconds() - t0 < minS) {
    f();
    n++;
  }
  return (cpuSeconds() - t0) / n;
};
const mmacs = (macs: number, s: number) => `${(macs / s / 1e6).toFixed(1).padStart(7)} MMAC/s`;

async function main() {
  const net = importModel(readModel(MODEL));
  const input = readTensorPb('examples/models/input-0.pb');
  const r = rng(1);
  const M = 256,
    K = 256,
    N = 256;
  const A = { rows: M, cols: K, data: Int32Array.from({ length: M * K }, () => Math.floor(r() * 256)) };
  const Wraw = Array.from({ length: K }, () => Array.from({ length: N }, () => Math.floor(r() * 256) - 128));
  console.log(`golden model speed per core, in CPU time (Node ${process.version}); network: ${MODEL}`);
  {
    const c = resolveConfig(written('exact'), 'bench');
    const d = derive(c);
    const a = Array.from({ length: 32 }, (_, i) => Array.from({ length: 64 }, (_, k) => A.data[i * K + k]!));
    const w = Wraw.slice(0, 64).map((row) => row.slice(0, 32));
    console.log(
      `  naive gemmModel (BigInt), exact, 32×64×32:      ${mmacs(
        32 * 64 * 32,
        time(() => gemmModel(c, d, a, w)),
      )}`,
    );
  }
  let netMacsMeasured = 0;
  for (const u of units) {
    // A unit with fixed operand formats (an imported circuit) cannot take the network's u8 × s8.
    if (u.samples && 'operands' in u.samples) {
      console.log(`  ${u.kind.padEnd(9)} skipped: its operand formats are fixed (samples.operands)`);
      continue;
    }
    const c = resolveConfig(written(u.kind), 'bench');
    const d = derive(c);
    const Wm = mapWeights(c, d, Wraw);
    const W = { rows: K, cols: N, data: Int32Array.from(Wm.flat()) };
    const tg = time(() => fastGemm(c, d, A, W));
    let macs = 0;
    const tn = time(() => {
      const res = infer(net, c, d, new Map([['input', input]]));
      macs = res.layers.reduce((s, l) => s + l.macs, 0);
    });
    netMacsMeasured = macs;
    console.log(
      `  ${u.kind.padEnd(9)} fastGemm 256×256×256: ${mmacs(M * K * N, tg)}   CNN inference: ${mmacs(macs, tn)} (${(tn * 1e3).toFixed(2)} ms per image)`,
    );
  }
  ort.env.logLevel = 'error';
  const session = await ort.InferenceSession.create(MODEL, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const feed = { input: new ort.Tensor('float32', Float32Array.from(input.data), [1, 1, 28, 28]) };
  await session.run(feed);
  let n = 0;
  const t0 = cpuSeconds();
  while (cpuSeconds() - t0 < 1) {
    await session.run(feed);
    n++;
  }
  const ts = (cpuSeconds() - t0) / n;
  console.log(
    `  onnxruntime-node ${ort.env.versions.node} int8 CPU, 1 thread, CNN: ${mmacs(netMacsMeasured, ts)} (${(ts * 1e3).toFixed(3)} ms per image, ${netMacsMeasured} MACs)`,
  );
}

await main();
