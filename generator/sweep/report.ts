/**
 * report.md and a self-contained report.html. The plots are Vega-Lite specs compiled and rendered
 * to SVG in Node by Vega (no browser, no canvas: text widths are Vega's estimate), inlined in the
 * HTML; Pareto-optimal points are ringed and joined by the dashed front line.
 */
import { aOrAn, count } from '../infra/text.js';
import { TARGET_DEFS } from '../estimate/targets.js';
import { accuracyOf, areaOf, fmaxOf, mreOf, paretoGroup, type PointResult, type SweepResults } from './results.js';
import type { Fmax } from './point.js';

/** A count (cells, cycles, WCE): whole numbers as they are, others to `digits` decimals; '—' when absent. */
const fmt = (v: number | null | undefined, digits = 2): string =>
  v === null || v === undefined || !Number.isFinite(v) ? '—' : Number.isInteger(v) ? String(v) : v.toFixed(digits);

/** A measured figure (%, MHz, MACs/cycle): always `digits` decimals, so a column lines up (89.00 beside 89.50). */
const fix = (v: number | null | undefined, digits = 2): string =>
  v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits);

function mdEscape(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function htmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

interface Row {
  cells: string[];
  pareto: boolean;
}

function table(r: SweepResults): { head: string[]; rows: Row[] } {
  const def = TARGET_DEFS[r.sweep.target];
  const fmaxCol = r.sweep.placeAndRoute !== null;
  const accCol = Boolean(r.sweep.accuracy);
  const head = [
    '#',
    ...r.sweep.axes,
    'unit',
    `area (${def.areaUnit})`,
    'area per PE',
    'MRE %',
    'WCE',
    'bias',
    'MACs/cycle',
    `cycles ${r.sweep.gemm.m}×${r.sweep.gemm.k}×${r.sweep.gemm.n}`,
    ...(fmaxCol ? ['fmax MHz'] : []),
    ...(accCol ? ['top-1 %', 'agreement %'] : []),
    'Pareto',
    'status',
  ];
  const rows = r.points.map((p) => ({
    pareto: p.pareto?.areaMre === true || p.pareto?.areaFmax === true || p.pareto?.areaAccuracy === true,
    cells: [
      String(p.index),
      ...r.sweep.axes.map((a) => p.tokens[a] ?? ''),
      p.unit ?? '—',
      fmt(p.synth?.area.total),
      fmt(p.synth?.area.perPe),
      fix(p.metrics?.mrePct, 3),
      fmt(p.metrics?.wce),
      fix(p.metrics?.bias, 2),
      fix(p.throughput?.macsPerCycle, 2),
      fmt(p.throughput?.cycles),
      ...(fmaxCol ? [fmaxCell(p.fmax)] : []),
      ...(accCol ? [fix(accuracyOf(p)), fix(p.accuracy ? 100 * p.accuracy.agreement : NaN, 1)] : []),
      [
        p.pareto?.areaMre ? 'area/MRE' : '',
        p.pareto?.areaFmax ? 'area/fmax' : '',
        p.pareto?.areaAccuracy ? 'area/accuracy' : '',
      ]
        .filter(Boolean)
        .join(', ') || '',
      p.status === 'ok' ? 'ok' : `${p.status}: ${errorHeadline(p.error)}`,
    ],
  }));
  return { head, rows };
}

/**
 * A point's error on one line, for the terminal and the report's table: a ConfigError's message
 * ("<source>: 2 problems" then one "✖ path: expected …, received …" line each) becomes its source
 * and first problem, with "(and N more)"; a list of problem lines (an invalid point's) its first
 * line; any other message its first line. The whole error is in results.csv, results.json and the
 * report's "Points without figures".
 */
export function errorHeadline(error: string | undefined): string {
  const lines = (error ?? '').split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0) return '';
  const problem = (l: string) => l.replace(/^✖ /, '');
  const more = (n: number) => (n > 0 ? ` (and ${n} more)` : '');
  const head = /^(.*): \d+ problems?$/.exec(lines[0]!);
  const listed = lines.slice(head ? 1 : 0).filter((l) => l.startsWith('✖ '));
  if (head && listed.length > 0) return `${head[1]}: ${problem(listed[0]!)}${more(listed.length - 1)}`;
  if (!head && listed.length === lines.length) return `${problem(lines[0]!)}${more(lines.length - 1)}`;
  return problem(lines[0]!);
}

/** The report's notes (target, hierarchical synthesis, metrics, throughput, fmax, accuracy, tools), in order, one paragraph each. */
export function reportNotes(r: SweepResults): string[] {
  const def = TARGET_DEFS[r.sweep.target];
  const primary = def.variants[0]!;
  const out = [
    `Target: ${def.description}. Area is the ${def.areaFigure} count of the \`${primary.id}\` variant (${primary.description}); ` +
      (def.variants.length > 1
        ? `the DSP-mapped figures are in results.csv / results.json (variant \`${def.variants[1]!.id}\`).`
        : 'cell counts are in results.csv.'),
    'All synthesis figures are HIERARCHICAL: the PE is synthesized once (flattened) and multiplied by R×C; the rest of the ' +
      'accelerator (top, array wiring, edge encoders, delays, accumulator buffers) is synthesized with the PE as a blackbox and ' +
      'its own hierarchy kept. No optimisation crosses a module boundary, so the counts are above those of a flattened synthesis of the same files, by an amount that depends on the unit: ' +
      '+4.5 % (exact) to +19.1 % (ASM {1,3,5,7}) LUT4 for 4×4 int8 arrays on ice40, measured 2026-12-07 with Yosys 0.23 (README "Design-space sweeps").',
    `Error metrics: EvoApproxLib conventions over all operand pairs when the operands have at most 20 bits together, else ` +
      `${r.sweep.metrics.samples} seeded uniform random pairs (seed ${r.sweep.metrics.seed}) for the means, and those plus the directed corner pairs (0, ±1, extremes, powers of two) for WCE and WCRE. MRE is over pairs with a non-zero exact product.`,
    `Throughput: cycles of ${aOrAn(r.sweep.gemm.m)} ${r.sweep.gemm.m}×${r.sweep.gemm.k}×${r.sweep.gemm.n} GEMM from the cycle model, commands back to back; MACs/cycle = M·K·N / cycles.` +
      noThroughput(r),
    r.sweep.placeAndRoute
      ? `fmax: nextpnr-ice40 on ${r.sweep.placeAndRoute.device} (clock constraint ${r.sweep.placeAndRoute.clockMHz} MHz, seed ${r.sweep.placeAndRoute.seed}) ` +
        'of the whole accelerator synthesized flat without DSPs inside the timing harness of generator/fpga (not hierarchical); a point that does not fit has no fmax.'
      : 'fmax: not measured (the sweep has no `placeAndRoute`).',
    ...(r.sweep.accuracy
      ? [
          `Accuracy: top-1 of each point's array (golden model of its unit, zero-skip and accumulator, as \`axgen accuracy\`) with ` +
            `${r.sweep.accuracy.model} on the first ${r.sweep.accuracy.images} ${r.sweep.accuracy.dataset} test images` +
            `${exactTop1(r)}; agreement: images where the array predicts the class exact int8 predicts.`,
        ]
      : []),
    `Tools: ${r.tools.yosys}${r.tools.nextpnr ? `; ${r.tools.nextpnr}` : ''}; axgen ${r.generatorVersion}.`,
  ];
  return out;
}

/** Why a point has no throughput ("—"): the GEMM's K is above its array.maxK (throughputOf). */
function noThroughput(r: SweepResults): string {
  const short = r.points.filter((p) => p.config && p.throughput?.cycles === null);
  if (short.length === 0) return '';
  const list = short.map((p) => `#${p.index} (maxK ${p.config!.array.maxK})`).join(', ');
  return ` No throughput for ${list}: the GEMM's K = ${r.sweep.gemm.k} is above their array.maxK (the host schedule does not split K across commands).`;
}

/** ", int8 with the exact multiplier: x %" from the first point that has it. */
function exactTop1(r: SweepResults): string {
  const p = r.points.find((q) => q.accuracy);
  return p?.accuracy ? `; int8 with the exact multiplier: ${fix(100 * p.accuracy.exactTop1)} %` : '';
}

/**
 * A point's fmax cell: MHz when routed, "does not fit" for an overflow, and, when whether it fits
 * is not known (Fmax.fits null), what stopped place and route; "—" without place and route.
 */
export function fmaxCell(f: Fmax | undefined): string {
  if (!f) return '—';
  if (f.fits) return fix(f.fmaxMHz);
  if (f.fits === false) return 'does not fit';
  return f.status === 'timeout' ? 'timed out' : 'did not route';
}

export function reportMarkdown(r: SweepResults): string {
  const { head, rows } = table(r);
  const s = r.sweep;
  const ok = r.points.filter((p) => p.status === 'ok').length;
  const lines = [
    `# Sweep ${s.name}`,
    '',
    ...(s.description ? [s.description, ''] : []),
    `${count(s.points, 'point')} (${s.gridPoints} in the grid, ${s.droppedByFilters} dropped by filters)${r.shard ? `; this is shard ${r.shard.index}/${r.shard.count}: ${count(r.points.length, 'point')}` : ''}; ` +
      `${ok} ok, ${r.points.filter((p) => p.status === 'invalid').length} invalid, ${r.points.filter((p) => p.status === 'failed').length} failed. ` +
      `Sweep sha256:${s.hash.slice(0, 12)}, base: ${s.base}.`,
    '',
    ...reportNotes(r).map((n) => `- ${n}`),
    '',
    `| ${head.map(mdEscape).join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map(
      (row) => `| ${row.cells.map((c, i) => (i === 0 && row.pareto ? `**${c}**` : mdEscape(c))).join(' | ')} |`,
    ),
    '',
    'Bold: Pareto-optimal among the points of the same array shape and dataflow (area vs MRE, area vs fmax, or area vs accuracy).',
    '',
  ];
  const bad = r.points.filter((p) => p.status !== 'ok');
  if (bad.length > 0) {
    lines.push('## Points without figures', '');
    for (const p of bad)
      lines.push(
        `- ${p.index} \`${p.name}\` (${p.label}): ${p.status}`,
        '',
        '  ```',
        ...(p.error ?? '').split('\n').map((l) => `  ${l}`),
        '  ```',
        '',
      );
  }
  return lines.join('\n');
}

export interface PlotDatum {
  x: number;
  y: number;
  unit: string;
  size: string;
  pareto: boolean;
  name: string;
  group: string;
}

export function plotSpec(
  title: string,
  xTitle: string,
  yTitle: string,
  data: PlotDatum[],
  xLog: boolean,
): Record<string, unknown> {
  const front = data
    .filter((d) => d.pareto)
    .sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : a.x - b.x || a.y - b.y));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 520,
    height: 320,
    background: 'white',
    config: { font: 'sans-serif', axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { labelLimit: 260 } },
    layer: [
      {
        data: { values: front },
        mark: { type: 'line', color: '#555', strokeDash: [4, 3], interpolate: 'step-after' },
        encoding: {
          x: { field: 'x', type: 'quantitative' },
          y: { field: 'y', type: 'quantitative' },
          detail: { field: 'group', type: 'nominal' },
        },
      },
      {
        data: { values: data },
        mark: { type: 'point', filled: true, opacity: 0.85, size: 60 },
        encoding: {
          x: {
            field: 'x',
            type: 'quantitative',
            title: xTitle,
            scale: xLog ? { type: 'symlog', constant: 0.1 } : { zero: false },
          },
          y: { field: 'y', type: 'quantitative', title: yTitle, scale: { zero: false } },
          color: { field: 'unit', type: 'nominal', title: 'unit', sort: 'ascending' },
          shape: { field: 'size', type: 'nominal', title: 'array', sort: 'ascending' },
        },
      },
      {
        data: { values: front },
        mark: { type: 'circle', filled: false, size: 260, stroke: '#111', strokeWidth: 1.5 },
        encoding: {
          x: { field: 'x', type: 'quantitative' },
          y: { field: 'y', type: 'quantitative' },
        },
      },
    ],
  };
}

export async function renderSvg(spec: Record<string, unknown>): Promise<string> {
  const vega = await import('vega');
  const vl = await import('vega-lite');
  const compiled = vl.compile(spec as never).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

const sizeOf = (p: PointResult) => (p.config ? `${p.config.array.rows}×${p.config.array.cols}` : '?');

/** The points of one area-against-`figure` plot: every ok point with both figures, its Pareto mark from `pareto`. */
function plotPoints(
  ok: readonly PointResult[],
  figure: (p: PointResult) => number,
  pareto: 'areaMre' | 'areaAccuracy' | 'areaFmax',
) {
  return ok
    .filter((p) => Number.isFinite(areaOf(p)) && Number.isFinite(figure(p)))
    .map((p) => ({
      x: figure(p),
      y: areaOf(p),
      unit: p.unit ?? '?',
      size: sizeOf(p),
      pareto: p.pareto?.[pareto] === true,
      name: p.name,
      group: paretoGroup(p),
    }));
}

/** The plots of the report as SVG strings (area vs MRE; area vs accuracy and area vs fmax when any point has one). */
export async function reportPlots(r: SweepResults): Promise<{ title: string; svg: string }[]> {
  const def = TARGET_DEFS[r.sweep.target];
  const ok = r.points.filter((p) => p.status === 'ok');
  const plots: { title: string; svg: string }[] = [];
  const areaTitle = `area (${def.areaUnit}, whole array, hierarchical)`;
  const mre = plotPoints(ok, mreOf, 'areaMre');
  if (mre.length > 0) {
    const title = 'Area vs mean relative error';
    plots.push({ title, svg: await renderSvg(plotSpec(title, 'MRE % (symlog)', areaTitle, mre, true)) });
  }
  const acc = plotPoints(ok, accuracyOf, 'areaAccuracy');
  if (acc.length > 0) {
    const a = r.sweep.accuracy!;
    const title = 'Area vs top-1 accuracy';
    plots.push({
      title,
      svg: await renderSvg(
        plotSpec(title, `top-1 % (${a.model}, ${a.images} ${a.dataset} test images)`, areaTitle, acc, false),
      ),
    });
  }
  const fm = plotPoints(ok, fmaxOf, 'areaFmax');
  if (fm.length > 0) {
    const title = `Area vs fmax (nextpnr-ice40, ${r.sweep.placeAndRoute?.device ?? ''})`;
    plots.push({ title, svg: await renderSvg(plotSpec(title, 'fmax MHz', areaTitle, fm, false)) });
  }
  return plots;
}

export async function reportHtml(r: SweepResults): Promise<string> {
  const { head, rows } = table(r);
  const plots = await reportPlots(r);
  const s = r.sweep;
  const bad = r.points.filter((p) => p.status !== 'ok');
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>axgen sweep ${htmlEscape(s.name)}</title>`,
    '<style>',
    'body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px;color:#222}',
    'table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}',
    'td.l,th.l{text-align:left}tr.pareto td{font-weight:bold;background:#f3f7ff}',
    'figure{margin:1em 0}pre{background:#f6f6f6;padding:.5em;white-space:pre-wrap}',
    '</style>',
    '</head>',
    '<body>',
    `<h1>Sweep ${htmlEscape(s.name)}</h1>`,
    s.description ? `<p>${htmlEscape(s.description)}</p>` : '',
    `<p>${count(s.points, 'point')} (${s.gridPoints} in the grid, ${s.droppedByFilters} dropped by filters)${r.shard ? `; shard ${r.shard.index}/${r.shard.count}` : ''}. Sweep sha256:${s.hash.slice(0, 12)}.</p>`,
    '<ul>',
    ...reportNotes(r).map((n) => `<li>${htmlEscape(n).replace(/`([^`]*)`/g, '<code>$1</code>')}</li>`),
    '</ul>',
    ...plots.map(
      (p) =>
        `<figure>${p.svg}<figcaption>${htmlEscape(p.title)}: ringed points are Pareto-optimal among the points of their array shape; the dashed lines are the fronts.</figcaption></figure>`,
    ),
    '<table>',
    `<tr>${head.map((h, i) => `<th class="${i > 0 && i <= s.axes.length + 1 ? 'l' : ''}">${htmlEscape(h)}</th>`).join('')}</tr>`,
    ...rows.map(
      (row) =>
        `<tr${row.pareto ? ' class="pareto"' : ''}>${row.cells.map((c, i) => `<td class="${(i > 0 && i <= s.axes.length + 1) || i === row.cells.length - 1 ? 'l' : ''}">${htmlEscape(c)}</td>`).join('')}</tr>`,
    ),
    '</table>',
    ...(bad.length > 0
      ? [
          '<h2>Points without figures</h2>',
          ...bad.map(
            (p) =>
              `<h3>${p.index} ${htmlEscape(p.name)} (${htmlEscape(p.label)}): ${p.status}</h3><pre>${htmlEscape(p.error ?? '')}</pre>`,
          ),
        ]
      : []),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
