/**
 * Co-simulation speed (printed, not asserted): MACs simulated per second in Icarus and Verilator
 * on 4×4, 8×8 and 16×16 int8 weight-stationary arrays, the Verilator build time (cold, and with
 * ccache warm), and the share of wall time spent outside the simulator (stimulus, golden model,
 * vector files, parsing). Run: npm run bench:sim
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { derive } from '../generator/config/derive.js';
import { resolveConfig } from '../generator/config/resolve.js';
import { casesFor } from '../sim/cases.js';
import { cosim } from '../sim/cosim.js';
import { tool } from '../generator/infra/tools.js';
import { markdownTable } from './table.js';

const sizes = [4, 8, 16];
const rows: string[][] = [];
const cacheDir = await mkdtemp(join(tmpdir(), 'axgen-bench-cache-'));
const saved = { cache: process.env.AXGEN_CACHE, obj: process.env.OBJCACHE };
process.env.AXGEN_CACHE = cacheDir;
try {
  for (const n of sizes) {
    const c = resolveConfig(
      {
        name: `bench_${n}x${n}`,
        array: { rows: n, cols: n, maxK: 1024, accDepth: 64 },
        dataflow: 'weight-stationary',
        precision: { activation: { bits: 8, signed: true }, weight: { bits: 8, signed: true } },
        multiplier: { kind: 'exact' },
      },
      'bench',
    );
    const d = derive(c);
    const gemm = { m: 64, k: 16 * n, n: 4 * n };
    const cases = casesFor(c, d, { seed: 1, gemm, directed: false });
    const measure = async (simulator: 'icarus' | 'verilator') => {
      const t = performance.now();
      const r = await cosim(c, { simulator, cases, seed: 1 });
      const wall = performance.now() - t;
      if (!r.passed) throw new Error(`${simulator} ${n}x${n} did not pass: ${r.problems.join('; ')}`);
      return { r, wall };
    };
    // Verilator builds: without ccache (cold), then a content-hash miss with ccache warm.
    process.env.OBJCACHE = '';
    const cold = await measure('verilator');
    await rm(join(cacheDir, 'verilator'), { recursive: true, force: true });
    process.env.OBJCACHE = 'ccache';
    await measure('verilator'); // fills ccache
    await rm(join(cacheDir, 'verilator'), { recursive: true, force: true });
    const warm = await measure('verilator');
    const v = await measure('verilator'); // cached build: the run alone
    await measure('icarus'); // compile
    const i = await measure('icarus');
    const macs = i.r.macs;
    const rate = (ms: number) => (macs / (ms / 1000) / 1e6).toFixed(2);
    const outside = (x: { r: { runMs: number; buildMs: number }; wall: number }) =>
      `${((100 * (x.wall - x.r.runMs - x.r.buildMs)) / x.wall).toFixed(0)} %`;
    rows.push([
      `${n}x${n}`,
      `${gemm.m}x${gemm.k}x${gemm.n}`,
      String(macs),
      String(i.r.simCycles),
      `${rate(i.r.runMs)} (${(i.r.runMs / 1000).toFixed(2)} s)`,
      `${rate(v.r.runMs)} (${(v.r.runMs / 1000).toFixed(2)} s)`,
      `${(cold.r.buildMs / 1000).toFixed(1)} s / ${(warm.r.buildMs / 1000).toFixed(1)} s`,
      `${outside(i)} / ${outside(v)}`,
    ]);
  }
} finally {
  if (saved.cache === undefined) delete process.env.AXGEN_CACHE;
  else process.env.AXGEN_CACHE = saved.cache;
  if (saved.obj === undefined) delete process.env.OBJCACHE;
  else process.env.OBJCACHE = saved.obj;
  await rm(cacheDir, { recursive: true, force: true });
}

const head = [
  'array',
  'GEMM MxKxN',
  'MACs',
  'cycles',
  'Icarus MMAC/s (run)',
  'Verilator MMAC/s (run)',
  'Verilator build cold / ccache',
  'outside sim (Icarus / Verilator)',
];
console.log(`${(await tool('iverilog')).version}; ${(await tool('verilator')).version}`);
console.log(markdownTable(head, rows));
