/**
 * Error-metric speed (printed, not asserted): time of the exhaustive 8×8-bit metrics (65,536
 * pairs through the TypeScript golden model) per registered unit kind and the parameter sets it
 * declares (`samples.metrics`, via bench/configs.ts),
 * with the headline figures. Run: npm run bench:metrics
 */
import { errorMetrics } from '../generator/metrics/metrics.js';
import { metricsConfigs } from './configs.js';

const rows: string[][] = [['unit', 'signed', 'ms', 'pairs/s', 'MRE %', 'WCE', 'bias']];
for (const c of metricsConfigs()) {
  errorMetrics(c); // warm-up (JIT, memoized ranges)
  const t0 = performance.now();
  const m = errorMetrics(c);
  const ms = performance.now() - t0;
  const signed = c.precision.activation.signed;
  rows.push([
    m.unit,
    signed ? 'yes' : 'no',
    ms.toFixed(1),
    Math.round((m.samples / ms) * 1000).toLocaleString('en-US'),
    m.mrePct.toFixed(3),
    String(m.wce),
    m.bias.toFixed(1),
  ]);
}
const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
for (const r of rows)
  process.stdout.write(r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ') + '\n');
process.stdout.write(`\nNode ${process.version}; exhaustive 8×8 (65,536 pairs) per row, after one warm-up run.\n`);
