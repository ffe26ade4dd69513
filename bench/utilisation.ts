/**
 * Array utilisation against SCALE-Sim (printed, not asserted): for the GEMM shapes of issue 11,
 * the cycle model's busy cycles of the whole GEMM (the host schedule's commands sent back to back,
 * generator/config/cycles.ts), SCALE-Sim v2's formula on the same GEMM (M not split), and the
 * utilisation M·K·N / (R·C·cycles), for both dataflows with default settings (int8, exact unit,
 * maxK 1024, accDepth 64). For the shapes marked `rtl`, the GEMM also runs through the RTL of
 * both dataflows in Verilator and the checker compares every command's counters and
 * tot_cycles_o with the model (the run fails otherwise). Run: npm run bench:utilisation
 * (`-- --no-rtl` prints the model columns only). Exit 4 when an RTL run fails; regress:full runs it.
 */
import { derive } from '../generator/config/derive.js';
import { foldsOf, scaleSimCycles, type Dataflow } from '../generator/config/cycles.js';
import { resolveConfig, type ResolvedConfig } from '../generator/config/resolve.js';
import { gemmCycles, shapeOf } from '../generator/model/schedule.js';
import { casesFor } from '../sim/cases.js';
import { cosim } from '../sim/cosim.js';
import { markdownTable } from './table.js';

interface Shape {
  n: number;
  gemm: [number, number, number];
  rtl: boolean;
}

const shapes: Shape[] = [
  { n: 4, gemm: [16, 16, 16], rtl: true },
  { n: 4, gemm: [64, 64, 64], rtl: true },
  { n: 4, gemm: [128, 128, 128], rtl: true },
  { n: 16, gemm: [64, 64, 64], rtl: false },
  { n: 16, gemm: [128, 128, 128], rtl: false },
  { n: 32, gemm: [64, 64, 64], rtl: false },
  { n: 32, gemm: [128, 128, 128], rtl: false },
  { n: 8, gemm: [64, 48, 32], rtl: true },
  { n: 8, gemm: [100, 37, 70], rtl: true },
  { n: 8, gemm: [256, 256, 256], rtl: true },
];

function config(n: number, dataflow: Dataflow): ResolvedConfig {
  return resolveConfig(
    {
      name: `util_${dataflow === 'weight-stationary' ? 'ws' : 'os'}_${n}x${n}`,
      array: { rows: n, cols: n },
      dataflow,
      precision: { activation: { bits: 8, signed: true }, weight: { bits: 8, signed: true } },
      multiplier: { kind: 'exact' },
    },
    'bench',
  );
}

/** SCALE-Sim v2's cycles of the whole GEMM: WS folds K by R and N by C (M whole), OS tiles M and N. */
function scaleSimGemm(c: ResolvedConfig, M: number, K: number, N: number): number {
  const d = derive(c);
  const s = shapeOf(c, d);
  const nTiles = Math.ceil(N / d.cols);
  if (c.dataflow === 'weight-stationary') return nTiles * scaleSimCycles(s, M, K);
  return Math.ceil(M / d.rows) * nTiles * scaleSimCycles(s, d.rows, K);
}

const rtl = !process.argv.includes('--no-rtl');
let failed = 0;
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const rows: string[][] = [];
for (const dataflow of ['weight-stationary', 'output-stationary'] as const) {
  for (const sh of shapes) {
    const c = config(sh.n, dataflow);
    const d = derive(c);
    const [M, K, N] = sh.gemm;
    const model = gemmCycles(c, d, M, K, N).total;
    const ss = scaleSimGemm(c, M, K, N);
    const util = (M * K * N) / (sh.n * sh.n * model);
    let counters = '';
    if (rtl && sh.rtl) {
      const cases = casesFor(c, d, { seed: 1, gemm: { m: M, k: K, n: N }, directed: false });
      const r = await cosim(c, { simulator: 'verilator', cases, seed: 1, stall: 0, watchdog: 1_000_000 });
      // The checker passed only if every command's counters and tot_cycles_o equal the model.
      const why = [...r.problems, ...r.counters.map((x) => `${x.name} ${x.expected}≠${x.actual}`)];
      if (!r.passed) failed++;
      counters = r.passed
        ? `counters = model, ${r.commands} commands (${(r.runMs / 1000).toFixed(1)} s)`
        : `FAIL: ${why.slice(0, 2).join('; ')}`;
    }
    rows.push([
      dataflow === 'weight-stationary' ? 'WS' : 'OS',
      `${sh.n}x${sh.n}`,
      `${M}x${K}x${N}`,
      dataflow === 'weight-stationary' ? String(foldsOf(K, sh.n)) : '-',
      String(model),
      String(ss),
      `${(((model - ss) / ss) * 100).toFixed(1)} %`,
      pct(util),
      counters,
    ]);
  }
}

const head = [
  'flow',
  'array',
  'GEMM MxKxN',
  'folds',
  'model cycles',
  'SCALE-Sim',
  'vs SCALE-Sim',
  'utilisation',
  'RTL (Verilator)',
];
console.log(`bench:utilisation ${new Date().toISOString().slice(0, 10)} (int8 exact, default maxK 1024, accDepth 64)`);
console.log(markdownTable(head, rows));
// A co-simulation whose counters disagree with the model is a verification failure (exit 4).
if (failed > 0) process.exitCode = 4;
