/**
 * Error-metric speed (printed, not asserted): time of the exhaustive 8×8-bit metrics (65,536
 * pairs through the TypeScript golden model) per registered unit kind and a few parameter sets,
 * with the headline figures. Run: npm run bench:metrics
 */
import { resolveConfig } from '../generator/config/resolve.js';
import { errorMetrics } from '../generator/metrics/metrics.js';
import { units } from '../generator/units/index.js';

const extra: Record<string, Record<string, unknown>[]> = {
  mitchell: [{}, { fractionBits: 4 }, { fractionBits: 4, unbias: true }, { compensation: 'bias' }, { signedMode: 'ones-complement' }],
  ilm: [{ corrections: 0 }, { corrections: 1 }, { corrections: 2 }, { corrections: 3 }],
  asm: [{ alphabet: [1] }, { alphabet: [1, 3] }, { alphabet: [1, 3, 5, 7] }, { alphabet: [1, 3, 5, 7], rounding: 'floor-quartet' }],
};

const rows: string[][] = [['unit', 'signed', 'ms', 'pairs/s', 'MRE %', 'WCE', 'bias']];
for (const u of units) {
  for (const p of extra[u.kind] ?? [{}]) {
    for (const signed of [false, true]) {
      const c = resolveConfig({
        name: 'bench_metrics',
        array: { rows: 1, cols: 1 },
        precision: { activation: { bits: 8, signed }, weight: { bits: 8, signed } },
        multiplier: { kind: u.kind, ...p },
      });
      errorMetrics(c); // warm-up (JIT, memoized ranges)
      const t0 = performance.now();
      const m = errorMetrics(c);
      const ms = performance.now() - t0;
      rows.push([m.unit, signed ? 'yes' : 'no', ms.toFixed(1), Math.round((m.samples / ms) * 1000).toLocaleString('en-US'), m.mrePct.toFixed(3), String(m.wce), m.bias.toFixed(1)]);
    }
  }
}
const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
for (const r of rows) process.stdout.write(r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ') + '\n');
process.stdout.write(`\nNode ${process.version}; exhaustive 8×8 (65,536 pairs) per row, after one warm-up run.\n`);
