/**
 * The README's fit/fmax table: `npx tsx generator/fpga/table.ts [--quick]` places and routes a few
 * AXI configs on iCE40 devices with placeAndRoute() and prints a Markdown table (plus the JSON of
 * every run on stderr). Not a test: it takes minutes; results are cached by content hash.
 */
import { resolveConfig, type ResolvedConfig } from '../config/resolve.js';
import { generate } from '../emit/generate.js';
import { axiTopModule } from '../axi/emit.js';
import { placeAndRoute, type PnrResult } from './pnr.js';
import { runAsScript } from '../infra/entry.js';

export interface TableRow {
  label: string;
  config: Record<string, unknown>;
  device: string;
  dsp: boolean;
  clockMHz: number;
}

const cfg = (name: string, n: number, multiplier: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  name,
  interface: 'axi',
  array: { rows: n, cols: n, maxK: 64, accDepth: 16 },
  dataflow: 'weight-stationary',
  precision: { activation: { bits: 8 }, weight: { bits: 8 } },
  multiplier,
  ...extra,
});

export const TABLE_ROWS: TableRow[] = [
  { label: 'exact 2×2 int8', config: cfg('ex2', 2, { kind: 'exact' }), device: 'up5k', dsp: true, clockMHz: 24 },
  { label: 'exact 4×4 int8', config: cfg('ex4', 4, { kind: 'exact' }), device: 'up5k', dsp: true, clockMHz: 24 },
  { label: 'exact 4×4 int8', config: cfg('ex4', 4, { kind: 'exact' }), device: 'up5k', dsp: false, clockMHz: 24 },
  { label: 'exact 4×4 int8', config: cfg('ex4', 4, { kind: 'exact' }), device: 'hx8k', dsp: false, clockMHz: 24 },
  { label: 'exact 3×3 int8', config: cfg('ex3', 3, { kind: 'exact' }), device: 'up5k', dsp: false, clockMHz: 24 },
  {
    label: 'Mitchell 4×4 int8 (shared edge)',
    config: cfg('mi4', 4, { kind: 'mitchell', fractionBits: 3 }),
    device: 'up5k',
    dsp: false,
    clockMHz: 24,
  },
  {
    label: 'Mitchell 5×5 int8 (shared edge)',
    config: cfg('mi5', 5, { kind: 'mitchell', fractionBits: 3 }),
    device: 'up5k',
    dsp: false,
    clockMHz: 24,
  },
  {
    label: 'Mitchell 5×5 int8 (shared edge), sumChains 1',
    config: cfg('mi5c1', 5, { kind: 'mitchell', fractionBits: 3 }, { pipeline: { sumChains: 1 } }),
    device: 'up5k',
    dsp: false,
    clockMHz: 24,
  },
  {
    label: 'Mitchell 4×4 int8 (shared edge)',
    config: cfg('mi4', 4, { kind: 'mitchell', fractionBits: 3 }),
    device: 'hx8k',
    dsp: false,
    clockMHz: 24,
  },
  { label: 'exact 6×6 int8', config: cfg('ex6', 6, { kind: 'exact' }), device: 'hx8k', dsp: false, clockMHz: 24 },
  {
    label: 'Mitchell 6×6 int8 (shared edge)',
    config: cfg('mi6', 6, { kind: 'mitchell', fractionBits: 3 }),
    device: 'hx8k',
    dsp: false,
    clockMHz: 24,
  },
];

export async function runRow(r: TableRow): Promise<{ row: TableRow; c: ResolvedConfig; res: PnrResult }> {
  const c = resolveConfig(r.config, r.label);
  const g = generate(c);
  const res = await placeAndRoute({
    files: g.files,
    top: axiTopModule(c),
    device: r.device,
    dsp: r.dsp,
    clockMHz: r.clockMHz,
  });
  return { row: r, c, res };
}

export function tableLine(x: { row: TableRow; res: PnrResult }): string {
  const u = x.res.utilisation;
  const lc = x.res.capacity.ICESTORM_LC;
  const fit = x.res.fits
    ? 'yes'
    : x.res.fits === null
      ? `not known: ${x.res.status === 'timeout' ? 'timed out' : 'did not route'}`
      : `no: ${x.res.overflow.map((o) => `${o.resource} +${o.over}`).join(', ')}`;
  return `| ${x.row.label} | ${x.row.device} | ${x.row.dsp ? 'yes' : 'no'} | ${u.lut4} | ${u.carry} | ${u.ff} | ${u.bram} | ${u.mac16} | ${lc ? `${lc.used}/${lc.available}` : '-'} | ${fit} | ${x.res.fmaxMHz === null ? '-' : x.res.fmaxMHz.toFixed(1)} |`;
}

if (runAsScript(import.meta.url)) {
  const rows = process.argv.includes('--quick') ? TABLE_ROWS.slice(0, 2) : TABLE_ROWS;
  const lines = [
    '| Config (AXI top) | Device | DSP | LUT4 | Carry | FF | BRAM | SB_MAC16 | Logic cells | Fits | fmax MHz |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const x = await runRow(r);
    process.stderr.write(JSON.stringify({ label: r.label, ...x.res, cacheDir: undefined }) + '\n');
    lines.push(tableLine(x));
    process.stdout.write(lines[lines.length - 1] + '\n');
  }
  process.stdout.write('\n' + lines.join('\n') + '\n');
}
