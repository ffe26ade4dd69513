/**
 * Yosys LUT counts of a config's PE and edge encoders, shared by bench/unit-area.ts (the PE area
 * table), bench/unit-front.ts (the LUT/MRE front of the units) and bench/accuracy.ts (the area
 * column of the accuracy table).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResolvedConfig } from '../generator/config/resolve.js';
import { emitRtl } from '../generator/emit/rtl.js';
import { parseStat } from '../generator/estimate/stat.js';
import { runTool } from '../generator/infra/children.js';
import { jobPool } from '../generator/infra/pool.js';

/** The modules measured, in the order of peArea's result. */
export const TOPS = ['pe', 'act_pre', 'wgt_pre'] as const;

export const synthCmd = (target: 'xilinx' | 'ice40', top: string) =>
  target === 'xilinx' ? `synth_xilinx -nodsp -noiopad -flatten -top ${top}` : `synth_ice40 -top ${top}`;

/** LUTs among a module's cells: LUT1..LUT6 (xilinx) or SB_LUT4 (ice40). */
export const lutsOf = (cells: Record<string, number>, target: 'xilinx' | 'ice40') =>
  Object.entries(cells)
    .filter(([k]) => (target === 'xilinx' ? /^LUT\d$/.test(k) : k === 'SB_LUT4'))
    .reduce((s, [, n]) => s + n, 0);

/**
 * The edge encoders' LUTs one PE of an 8×8 array carries, (8·act_pre + 8·wgt_pre) / 64, from
 * peArea's [pe, act_pre, wgt_pre]: the amortisation bench/unit-front.ts and bench/accuracy.ts add
 * to the PE's own LUTs.
 */
export const edgeShare8x8 = ([, act, wgt]: number[]): number => (8 * act! + 8 * wgt!) / 64;

/**
 * LUTs of `<name>_pe`, `<name>_act_pre` and `<name>_wgt_pre` of the config's emitted RTL, each
 * synthesized flat on its own (synthCmd). Throws when Yosys fails.
 */
export async function peArea(c: ResolvedConfig, target: 'xilinx' | 'ice40'): Promise<number[]> {
  const dir = await mkdtemp(join(tmpdir(), 'axgen-area-'));
  try {
    const files = emitRtl(c);
    for (const f of files) await writeFile(join(dir, f.name), f.text);
    const script = [`read_verilog ${files.map((f) => f.name).join(' ')}`, 'design -save src'];
    for (const t of TOPS)
      script.push('design -load src', synthCmd(target, `${c.name}_${t}`), `tee -q -o ${t}.stat stat`);
    const r = await jobPool.run(() => runTool('yosys', ['-q', '-p', script.join('; ')], { cwd: dir }));
    if (r.exitCode !== 0) throw new Error(`yosys failed on ${c.name}:\n${r.all}`);
    const out: number[] = [];
    for (const t of TOPS) {
      const mods = parseStat(await readFile(join(dir, `${t}.stat`), 'utf8'));
      const top = mods.find((m) => m.name === `${c.name}_${t}`) ?? mods[0]!;
      out.push(lutsOf(top.cells, target));
    }
    return out;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
