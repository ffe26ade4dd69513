/**
 * How much axgen's hierarchical synthesis counts above a flat one (the README's "Synthesis"
 * paragraph and the sweep report's note): `npm run bench:hier-flat`. For each config, the LUT4 of
 * the whole array from generator/estimate `synthesize` (ice40, hierarchical: the PE once, times
 * R·C, plus the rest with the PE as a blackbox) against `synth_ice40 -top <top> -flatten; stat` on
 * the same `synthesisRtl` files. 8-bit signed operands, weight-stationary, maxK 256, accDepth 16.
 * Prints a Markdown table. Not a test.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../generator/config/resolve.js';
import { synthesisRtl, synthesize } from '../generator/estimate/synth.js';
import { parseStat } from '../generator/estimate/stat.js';
import { runTool } from '../generator/infra/children.js';
import { runAsScript } from '../generator/infra/entry.js';
import { tool } from '../generator/infra/tools.js';

const S8 = { bits: 8, signed: true };
const ROWS: { label: string; size: number; multiplier: Record<string, unknown> }[] = [
  { label: '4×4 exact', size: 4, multiplier: { kind: 'exact' } },
  { label: '4×4 Mitchell', size: 4, multiplier: { kind: 'mitchell' } },
  { label: '4×4 ASM {1,3,5,7}', size: 4, multiplier: { kind: 'asm', alphabet: [1, 3, 5, 7] } },
  {
    label: '2×2 Mitchell fractionBits=4 unbias',
    size: 2,
    multiplier: { kind: 'mitchell', fractionBits: 4, unbias: true },
  },
];

/** LUT4 of a flat `synth_ice40` of the config's synthesis files (Yosys 0.23 `SB_LUT4` cells). */
async function flatLut4(files: { name: string; text: string }[], top: string): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'axgen-hier-flat-'));
  try {
    for (const f of files) await writeFile(join(dir, f.name), f.text);
    const script = `${files.map((f) => `read_verilog ${f.name}`).join('\n')}\nsynth_ice40 -top ${top} -flatten\nstat\n`;
    await writeFile(join(dir, 'flat.ys'), script);
    const r = await runTool('yosys', ['-q', '-s', 'flat.ys', '-l', 'flat.log'], { cwd: dir });
    if (r.exitCode !== 0) throw new Error(`yosys failed:\n${r.all}`);
    const mod = parseStat(await readFile(join(dir, 'flat.log'), 'utf8')).find((m) => m.name === top);
    if (!mod) throw new Error(`no stat of ${top}`);
    return mod.cells.SB_LUT4 ?? 0;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (runAsScript(import.meta.url)) {
  const t0 = performance.now();
  const lines = ['| config | hierarchical LUT4 | flat LUT4 | difference |', '| --- | --- | --- | --- |'];
  for (const row of ROWS) {
    const c = resolveConfig({
      name: 'hf',
      array: { rows: row.size, cols: row.size, maxK: 256, accDepth: 16 },
      precision: { activation: S8, weight: S8 },
      multiplier: row.multiplier,
    });
    const hier = (await synthesize(c, 'ice40')).area.total;
    const { files, top } = synthesisRtl(c);
    const flat = await flatLut4(files, top);
    lines.push(`| ${row.label} | ${hier} | ${flat} | +${((100 * (hier - flat)) / flat).toFixed(1)} % |`);
    process.stderr.write(`[bench:hier-flat] ${row.label}: ${hier} vs ${flat}\n`);
  }
  process.stdout.write(
    `${lines.join('\n')}\n\n${(await tool('yosys')).version}; ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
  );
}
