/**
 * Area of one PE per registered unit kind (printed, not asserted): Yosys 0.23 `synth_xilinx -nodsp`
 * LUTs and `synth_ice40` (no -dsp) LUT4s of `<name>_pe` flattened (the multiplier, the accumulator
 * adder and the PE registers), shared and not shared, against the exact PE, plus the edge encoders
 * (`act_pre`, `wgt_pre`) that sharing moves out of the PE: an R×C array pays R act_pre and C wgt_pre
 * instead of R·C copies. 8-bit signed operands, weight-stationary; the rows are each unit's declared
 * `samples.area` sets (bench/configs.ts). Run: npm run bench:unit-area [-- KIND ...] (only those
 * kinds, plus exact as the baseline)
 *
 * The control rows are exact PEs with the same registers written by hand, synthesized the same way:
 * bench/exact_pe_hand.v (a signed 16-bit product, sign-extended and added) and
 * bench/exact_pe_hand_macc.v (the multiply-add as one signed expression). Before they are printed,
 * a Yosys equivalence proof (equiv_make / equiv_simple / equiv_induct) shows each computes what
 * axgen's exact PE does, so the "vs exact" ratios are measured against an honest baseline (issue 11).
 *
 * Both go through the same Yosys script shape (read, `design -save`/`-load`, synthesize, stat).
 * Yosys 0.23's LUT counts of one PE move with the script alone, not the logic: axgen's exact PE
 * gives 185 LUT6 synthesized straight after reading all emitted files and 202 after `design
 * -save`/`-load`; the hand-written control gives 191 and 202 (2026-12-06). Until this script
 * treated both alike, the table showed the exact PE 5.8 % over the control for that reason only;
 * after the coarse stage the two netlists are the same cells ($macc, $alu, the same flip-flops).
 * Differences of a few percent between single rows are within that noise.
 */
import { runTool } from '../generator/infra/children.js';
import { units } from '../generator/units/index.js';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResolvedConfig } from '../generator/config/resolve.js';
import { emitRtl } from '../generator/emit/rtl.js';
import { parseStat } from '../generator/estimate/stat.js';
import { jobPool } from '../generator/infra/pool.js';
import { tool } from '../generator/infra/tools.js';
import { areaConfigs } from './configs.js';
import { lutsOf, peArea as area, synthCmd } from './pe-area.js';

interface Row {
  c?: ResolvedConfig;
  unit: string;
  share: string;
  lut: number[];
  lut4: number[];
}

const HANDS = [
  { top: 'exact_pe_hand', label: 'exact, hand-written control (bench/exact_pe_hand.v)' },
  {
    top: 'exact_pe_hand_macc',
    label: 'exact, hand-written, one signed multiply-add expression (bench/exact_pe_hand_macc.v)',
  },
].map((h) => ({ ...h, file: fileURLToPath(new URL(`${h.top}.v`, import.meta.url)) }));
type Hand = (typeof HANDS)[number];

/** LUTs of a hand-written control PE. */
async function handArea(h: Hand, target: 'xilinx' | 'ice40'): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'axgen-area-'));
  try {
    const r = await jobPool.run(() =>
      runTool(
        'yosys',
        // The same script shape as area() (design -save / -load before the synthesis): Yosys 0.23's
        // result moves by up to ±5 % with that alone, so the control goes through it too.
        [
          '-q',
          '-p',
          `read_verilog ${h.file}; design -save src; design -load src; ${synthCmd(target, h.top)}; tee -q -o hand.stat stat`,
        ],
        { cwd: dir },
      ),
    );
    if (r.exitCode !== 0) throw new Error(`yosys failed on ${h.file}:\n${r.all}`);
    const mods = parseStat(await readFile(join(dir, 'hand.stat'), 'utf8'));
    return lutsOf((mods.find((m) => m.name === h.top) ?? mods[0]!).cells, target);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Proves a hand-written PE equal to axgen's exact PE of `c` (Yosys equivalence checking); throws otherwise. */
async function proveHandEqual(h: Hand, c: ResolvedConfig): Promise<void> {
  const d = (await import('../generator/config/derive.js')).derive(c);
  if (d.aBits !== 8 || d.wBits !== 8 || d.accBits !== 24 || c.dataflow !== 'weight-stationary') {
    throw new Error(
      `${h.file} is written for 8-bit operands, a 24-bit accumulator and weight-stationary, not this config`,
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'axgen-equiv-'));
  try {
    const files = emitRtl(c);
    for (const f of files) await writeFile(join(dir, f.name), f.text);
    const pe = `${c.name}_pe`;
    const script = [
      `read_verilog ${files.map((f) => f.name).join(' ')}`,
      `hierarchy -top ${pe}`,
      'proc',
      'flatten',
      `rename ${pe} gold`,
      'design -stash gold',
      `read_verilog ${h.file}`,
      'proc',
      `rename ${h.top} gate`,
      'design -stash gate',
      'design -copy-from gold -as gold gold',
      'design -copy-from gate -as gate gate',
      'equiv_make gold gate eq',
      'hierarchy -top eq',
      'equiv_simple -seq 2',
      'equiv_induct',
      'equiv_status -assert',
    ];
    const r = await jobPool.run(() => runTool('yosys', ['-q', '-p', script.join('; ')], { cwd: dir }));
    if (r.exitCode !== 0) throw new Error(`the hand-written PE is not proved equal to ${pe}:\n${r.all}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const y = await tool('yosys');
const only = process.argv.slice(2);
const unknown = only.filter((k) => !units.some((u) => u.kind === k));
if (unknown.length > 0) {
  console.error(`unknown unit kind(s): ${unknown.join(', ')}; registered: ${units.map((u) => u.kind).join(', ')}`);
  process.exit(1);
}
const configs = areaConfigs().filter(
  ({ c }) => only.length === 0 || c.multiplier.kind === 'exact' || only.includes(c.multiplier.kind),
);

const t0 = performance.now();
const rows: Row[] = await Promise.all(
  configs.map(async ({ c, share }) => {
    const [lut, lut4] = await Promise.all([area(c, 'xilinx'), area(c, 'ice40')]);
    const unit = (await import('../generator/config/derive.js')).derive(c).unit.describe(c.multiplier);
    return { c, unit, share, lut, lut4 };
  }),
);
const exact = rows.find((r) => r.unit === 'exact')!;
// The controls: PE figures only (no edge encoders: 0 / 0, like the exact unit).
const controls: Row[] = await Promise.all(
  HANDS.map(async (h) => {
    await proveHandEqual(h, exact.c!);
    const [lut, lut4] = await Promise.all([handArea(h, 'xilinx'), handArea(h, 'ice40')]);
    return { unit: `${h.label}, proved equal`, share: '—', lut: [lut, 0, 0], lut4: [lut4, 0, 0] };
  }),
);
rows.splice(rows.indexOf(exact) + 1, 0, ...controls);
const head = [
  'unit',
  'share',
  'PE LUT6',
  'vs exact',
  'PE LUT4',
  'vs exact',
  'act_pre LUT6/LUT4',
  'wgt_pre LUT6/LUT4',
  '4×4 array LUT6 (16 PE + 4 + 4 edge)',
];
const table = [head, head.map(() => '---')];
for (const r of rows) {
  const pct = (a: number, b: number) => `${a >= b ? '+' : ''}${(((a - b) / b) * 100).toFixed(0)} %`;
  table.push([
    r.unit,
    r.share,
    String(r.lut[0]),
    pct(r.lut[0]!, exact.lut[0]!),
    String(r.lut4[0]),
    pct(r.lut4[0]!, exact.lut4[0]!),
    `${r.lut[1]} / ${r.lut4[1]}`,
    `${r.lut[2]} / ${r.lut4[2]}`,
    String(16 * r.lut[0]! + 4 * r.lut[1]! + 4 * r.lut[2]!),
  ]);
}
process.stdout.write(table.map((r) => `| ${r.join(' | ')} |`).join('\n') + '\n');
process.stdout.write(
  `\n${y.version}; 8-bit signed operands, weight-stationary PE with a ${configs[0]!.c.precision.accumulator.bits}-bit accumulator; ${((performance.now() - t0) / 1000).toFixed(1)} s.\n`,
);
