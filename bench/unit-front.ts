/**
 * axgen's own Pareto front of units: PE LUTs against MRE for every registered unit and every
 * parameter set it declares for the metrics and area benchmarks (`samples.metrics` ∪
 * `samples.area`, types.ts UnitSamples; the unit's default `share`), measured as issue 14 frames
 * it (multipliers only: units with `macsPerProduct`, i.e. binary, are left out): 8-bit unsigned
 * operands (or the formats a unit is restricted to, `samples.operands`), a
 * weight-stationary PE with the exact-sum accumulator of K = 256 (24 bits for the exact unit),
 * Yosys 0.23 `synth_xilinx -nodsp` LUTs of the flattened PE plus the edge encoders amortised over
 * an 8×8 array ((8·act_pre + 8·wgt_pre) / 64 per PE); MRE over all 65,536 operand pairs
 * (generator/metrics, EvoApproxLib's MRE: pairs with a zero exact product left out).
 *
 * Prints every point and the front (a point is on it when no other has at most its LUTs and at most
 * its MRE, one strictly less: generator/sweep/results.ts paretoFront), and writes the plot as SVG
 * and HTML with the sweep report's vega-lite plot (generator/sweep/report.ts plotSpec) to
 * docs/unit-front.svg and docs/unit-front.html (or the folder given with --out). Synthesis results
 * are cached under .axgen-cache/unit-front by the emitted RTL and the Yosys version.
 *
 * Run: npm run bench:unit-front [-- --out DIR]
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson, resolveConfig, type ResolvedConfig } from '../generator/config/resolve.js';
import { derive } from '../generator/config/derive.js';
import { emitRtl } from '../generator/emit/rtl.js';
import { cacheRoot, contentKey } from '../generator/infra/cache.js';
import { tool } from '../generator/infra/tools.js';
import { errorMetrics } from '../generator/metrics/metrics.js';
import { ROOT_DIR } from '../generator/root.js';
import { plotSpec, renderSvg, type PlotDatum } from '../generator/sweep/report.js';
import { paretoFront } from '../generator/sweep/results.js';
import { samplesOf, units } from '../generator/units/index.js';
import { edgeShare8x8, peArea } from './pe-area.js';

const outArg = process.argv.indexOf('--out');
const outDir = outArg >= 0 ? process.argv[outArg + 1]! : join(ROOT_DIR, 'docs');
const U8 = { bits: 8, signed: false };

/** Every (unit, parameter set) of the front, resolved. */
function frontConfigs(): ResolvedConfig[] {
  const out: ResolvedConfig[] = [];
  let i = 0;
  for (const u of units) {
    // A unit that does several MACs per product (binary: L lanes of ±1) is not an 8-bit multiplier:
    // its MRE, 0 against its own definition, says nothing on this plot's axis.
    if (u.macsPerProduct) continue;
    const s = samplesOf(u);
    const seen = new Set<string>();
    const f = s.operands?.[0] ?? { activation: U8, weight: U8 };
    for (const p of [...s.metrics, ...s.area]) {
      const key = canonicalJson(p);
      if (seen.has(key)) continue;
      seen.add(key);
      const c = resolveConfig({
        name: `front${i++}`,
        array: { rows: 8, cols: 8, maxK: 256 },
        dataflow: 'weight-stationary',
        precision: { activation: f.activation, weight: f.weight },
        multiplier: { kind: u.kind, ...p },
      });
      // Two sets that resolve to the same parameters (e.g. {} and the defaults written out) are one point.
      const resolved = canonicalJson(c.multiplier);
      if (!seen.has(resolved)) out.push(c);
      seen.add(resolved);
    }
  }
  return out;
}

/** [PE, act_pre, wgt_pre] LUT6 of a config, cached by its emitted RTL and the Yosys version. */
async function luts(c: ResolvedConfig, yosys: string): Promise<number[]> {
  const key = contentKey(['unit-front v1', yosys, c.name, ...emitRtl(c).map((f) => `${f.name}\n${f.text}`)]);
  const dir = join(cacheRoot(), 'unit-front');
  const file = join(dir, `${key.slice(0, 24)}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as number[];
  const r = await peArea(c, 'xilinx');
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${file}.${process.pid}`, JSON.stringify(r));
  renameSync(`${file}.${process.pid}`, file);
  return r;
}

const y = await tool('yosys');
const t0 = performance.now();
const configs = frontConfigs();
const points = await Promise.all(
  configs.map(async (c) => {
    const r = await luts(c, y.version);
    const label = derive(c).unit.describe(c.multiplier);
    return {
      kind: c.multiplier.kind,
      label,
      pe: r[0]!,
      edge: edgeShare8x8(r),
      cost: r[0]! + edgeShare8x8(r),
      mre: errorMetrics(c).mrePct,
    };
  }),
);
const onFront = paretoFront(points, [
  { value: (p) => p.cost, sense: 'min' },
  { value: (p) => p.mre, sense: 'min' },
]);
const fmt = (p: (typeof points)[number]) =>
  `| ${p.label} | ${p.cost.toFixed(1)} | ${p.pe} | ${p.edge.toFixed(1)} | ${p.mre.toFixed(2)} |`;
const head =
  '| unit | LUT6 per PE (PE + edge/64) | PE LUT6 | edge LUT6 per PE | MRE % |\n| --- | --- | --- | --- | --- |';
const byMre = (a: (typeof points)[number], b: (typeof points)[number]) => a.mre - b.mre || a.cost - b.cost;
const front = points.filter((_, i) => onFront[i]).sort(byMre);
const all = points.map((p, i) => ({ p, front: onFront[i]! })).sort((a, b) => byMre(a.p, b.p));
const summary =
  `${y.version}; 8-bit unsigned operands (imported circuits: their own), weight-stationary PE, ` +
  `${derive(configs[0]!).accBits}-bit accumulator (exact unit), edge encoders amortised over an 8×8 array; ` +
  `${points.length} points, ${((performance.now() - t0) / 1000).toFixed(0)} s.`;
process.stdout.write(`All points (front in bold):\n\n${head}\n`);
for (const { p, front: f } of all)
  process.stdout.write(`${f ? fmt(p).replace(/^\| ([^|]+) \|/, '| **$1** |') : fmt(p)}\n`);
process.stdout.write(`\nThe front:\n\n${head}\n${front.map(fmt).join('\n')}\n\n${summary}\n`);

const data: PlotDatum[] = points.map((p, i) => ({
  x: p.mre,
  y: p.cost,
  unit: p.kind,
  size: '8×8',
  pareto: onFront[i]!,
  name: p.label,
  group: 'all',
}));
const title = 'PE LUT6 against MRE, every unit and parameter set';
const svg = await renderSvg(plotSpec(title, 'MRE % (symlog)', 'LUT6 per PE (edge amortised over 8×8)', data, true));
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const html = [
  '<!DOCTYPE html>',
  '<html lang="en"><head><meta charset="utf-8"><title>axgen unit front</title>',
  '<style>body{font-family:sans-serif;margin:2em}td,th{padding:2px 8px;text-align:right}td.l{text-align:left}tr.f td{font-weight:bold;background:#f3f7ff}</style>',
  '</head><body>',
  `<h1>${esc(title)}</h1>`,
  `<figure>${svg}<figcaption>Ringed points are on the Pareto front; the dashed line is the front. ${esc(summary)} Written by bench/unit-front.ts.</figcaption></figure>`,
  '<table><tr><th>unit</th><th>LUT6 per PE</th><th>PE LUT6</th><th>edge per PE</th><th>MRE %</th></tr>',
  ...all.map(
    ({ p, front: f }) =>
      `<tr${f ? ' class="f"' : ''}><td class="l">${esc(p.label)}</td><td>${p.cost.toFixed(1)}</td><td>${p.pe}</td><td>${p.edge.toFixed(1)}</td><td>${p.mre.toFixed(2)}</td></tr>`,
  ),
  '</table></body></html>',
  '',
].join('\n');
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'unit-front.svg'), svg);
writeFileSync(join(outDir, 'unit-front.html'), html);
process.stdout.write(`wrote ${join(outDir, 'unit-front.svg')} and unit-front.html\n`);
