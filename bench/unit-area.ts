/**
 * Area of one PE per registered unit kind (printed, not asserted): Yosys 0.23 `synth_xilinx -nodsp`
 * LUTs and `synth_ice40` (no -dsp) LUT4s of `<name>_pe` flattened (the multiplier, the accumulator
 * adder and the PE registers), shared and not shared, against the exact PE, plus the edge encoders
 * (`act_pre`, `wgt_pre`) that sharing moves out of the PE: an R×C array pays R act_pre and C wgt_pre
 * instead of R·C copies. 8-bit signed operands, weight-stationary; the rows are each unit's declared
 * `samples.area` sets (bench/configs.ts). Run: npm run bench:unit-area [-- KIND ...] (only those
 * kinds, plus exact as the baseline)
 */
import { execa } from 'execa';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResolvedConfig } from '../generator/config/resolve.js';
import { emitRtl } from '../generator/emit/rtl.js';
import { parseStat } from '../generator/estimate/stat.js';
import { jobPool } from '../sim/pool.js';
import { tool } from '../sim/tools.js';
import { areaConfigs } from './configs.js';

interface Row {
  unit: string;
  share: string;
  lut: number[];
  lut4: number[];
}

const TOPS = ['pe', 'act_pre', 'wgt_pre'] as const;

async function area(c: ResolvedConfig, target: 'xilinx' | 'ice40'): Promise<number[]> {
  const dir = await mkdtemp(join(tmpdir(), 'axgen-area-'));
  try {
    const files = emitRtl(c);
    for (const f of files) await writeFile(join(dir, f.name), f.text);
    const synth = (top: string) => (target === 'xilinx' ? `synth_xilinx -nodsp -noiopad -flatten -top ${top}` : `synth_ice40 -top ${top}`);
    const script = [`read_verilog ${files.map((f) => f.name).join(' ')}`, 'design -save src'];
    for (const t of TOPS) script.push('design -load src', synth(`${c.name}_${t}`), `tee -q -o ${t}.stat stat`);
    const r = await jobPool.run(() => execa('yosys', ['-q', '-p', script.join('; ')], { cwd: dir, reject: false, all: true }));
    if (r.exitCode !== 0) throw new Error(`yosys failed on ${c.name}:\n${r.all}`);
    const out: number[] = [];
    for (const t of TOPS) {
      const mods = parseStat(await readFile(join(dir, `${t}.stat`), 'utf8'));
      const top = mods.find((m) => m.name === `${c.name}_${t}`) ?? mods[0]!;
      const luts = Object.entries(top.cells)
        .filter(([k]) => (target === 'xilinx' ? /^LUT\d$/.test(k) : k === 'SB_LUT4'))
        .reduce((s, [, n]) => s + n, 0);
      out.push(luts);
    }
    return out;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const y = await tool('yosys');
const only = process.argv.slice(2);
const configs = areaConfigs().filter(({ c }) => only.length === 0 || c.multiplier.kind === 'exact' || only.includes(c.multiplier.kind));

const t0 = performance.now();
const rows: Row[] = await Promise.all(
  configs.map(async ({ c, share }) => {
    const [lut, lut4] = await Promise.all([area(c, 'xilinx'), area(c, 'ice40')]);
    const unit = (await import('../generator/config/derive.js')).derive(c).unit.describe(c.multiplier);
    return { unit, share, lut, lut4 };
  }),
);
const exact = rows.find((r) => r.unit === 'exact')!;
const head = ['unit', 'share', 'PE LUT6', 'vs exact', 'PE LUT4', 'vs exact', 'act_pre LUT6/LUT4', 'wgt_pre LUT6/LUT4', '4×4 array LUT6 (16 PE + 4 + 4 edge)'];
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
process.stdout.write(`\n${y.version}; 8-bit signed operands, weight-stationary PE with a ${configs[0]!.c.precision.accumulator.bits}-bit accumulator; ${((performance.now() - t0) / 1000).toFixed(1)} s.\n`);
