/**
 * Flip-flops of the skew and de-skew lines at the array edges (templates/delay.v.hbs), per array
 * size (16×16, 32×32, 64×64 int8, exact, both dataflows), before and after the circular-buffer
 * form (issue 11), with the block-RAM / LUT-RAM cells that replace them. Run: npm run bench:skew-ff
 *
 * How it counts (Yosys on a whole 64×64 top takes far too long): each line of the emitted top is
 * listed from the RTL's own structure (width and depth per instance, and whether it may drop its
 * reset: RESET(0)). A circular-buffer line's cells (RESET(0), 16 stages or more) come from Yosys
 * 0.23 (`synth_ice40`, `synth_xilinx -nodsp`) run on that line alone, one run per distinct (width,
 * depth) per target. A register-chain line is counted as WIDTH·DEPTH flip-flops, analytically;
 * the script checks that figure with Yosys on three chain shapes per target first and stops if it
 * differs. "Before" is the register chain every line used to be; only the sums are arithmetic.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cached, contentKey } from '../generator/infra/cache.js';
import { resolveConfig } from '../generator/config/resolve.js';
import { emitRtl } from '../generator/emit/rtl.js';
import { runTool } from '../generator/infra/children.js';
import { jobPool } from '../generator/infra/pool.js';
import { parseStat } from '../generator/estimate/stat.js';
import { tool } from '../generator/infra/tools.js';

type Target = 'ice40' | 'xilinx';
interface Line {
  width: number;
  depth: number;
  reset: number;
}
type Cells = Record<string, number>;

const SIZES = [16, 32, 64];
const DATAFLOWS = ['weight-stationary', 'output-stationary'] as const;

function cfg(n: number, dataflow: (typeof DATAFLOWS)[number]) {
  return resolveConfig({
    name: `skew${n}${dataflow === 'weight-stationary' ? 'ws' : 'os'}`,
    dataflow,
    array: { rows: n, cols: n, maxK: 256 },
    precision: { activation: { bits: 8, signed: true }, weight: { bits: 8, signed: true } },
    multiplier: { kind: 'exact' },
  });
}

/** A `localparam integer` of the top, NaN when it has none (OS tops have no ACC_BITS). */
const lparam = (top: string, name: string) =>
  Number(new RegExp(`localparam integer ${name}\\s*=\\s*(\\d+)`).exec(top)?.[1] ?? NaN);

/** The delay lines of an emitted top, from its instantiations (the same expressions the RTL uses). */
function linesOf(n: number, dataflow: (typeof DATAFLOWS)[number]): { lines: Line[]; delay: string } {
  const c = cfg(n, dataflow);
  const files = emitRtl(c);
  const top = files.find((f) => f.module === `${c.name}_top`)!.text;
  const delay = files.find((f) => f.module === `${c.name}_delay`)!.text;
  const AE = lparam(top, 'AE_BITS');
  const WE = lparam(top, 'WE_BITS');
  const ACC = lparam(top, 'ACC_BITS');
  const inst = [...top.matchAll(/_delay #\(\.WIDTH\(([^)]+)\), \.DEPTH\(([^)]+)\)(?:, \.RESET\((\d)\))?\) (u_\w+)/g)];
  const width = (e: string) =>
    ({ AE_BITS: AE, 'AE_BITS + 1': AE + 1, 'AE_BITS + 2': AE + 2, WE_BITS: WE, ACC_BITS: ACC })[e.trim()];
  const lines: Line[] = [];
  for (const m of inst) {
    const w = width(m[1]!);
    if (w === undefined) throw new Error(`unknown delay width ${m[1]}`);
    const reset = m[3] === undefined ? 1 : Number(m[3]);
    // The depth expression ranges over the edge index: r (rows 1..R-1), c (cols 1..C-1), COLS - 1 - c
    // (c 0..C-2): depths 1..n-1; r + 1, c + 1 (every row or column behind its edge register): 1..n.
    const e = m[2]!.trim();
    const span = ['r', 'c', 'COLS - 1 - c'].includes(e) ? n - 1 : ['r + 1', 'c + 1'].includes(e) ? n : 0;
    if (span === 0) throw new Error(`unknown delay depth ${m[2]}`);
    const depths = Array.from({ length: span }, (_, i) => i + 1);
    for (const depth of depths) lines.push({ width: w, depth, reset });
  }
  return { lines, delay };
}

const synthCmd = (t: Target) => (t === 'ice40' ? 'synth_ice40 -top p' : 'synth_xilinx -nodsp -noiopad -flatten -top p');
const cache = new Map<string, Promise<Cells>>();

/** Yosys cells of one line alone (a probe module around `<name>_delay`). */
function lineCells(delay: string, l: Line, t: Target): Promise<Cells> {
  if (!isBuffer(l)) return Promise.resolve({ [t === 'ice40' ? 'SB_DFFE' : 'FDRE']: l.width * l.depth });
  return measured(delay, l, t);
}

const isBuffer = (l: Line) => l.reset === 0 && l.depth >= 16;

function measured(delay: string, l: Line, t: Target): Promise<Cells> {
  const key = `${t} ${l.width} ${l.depth} ${l.reset}`;
  let p = cache.get(key);
  if (!p) {
    p = (async () => {
      // Cached by content (the delay module, the line, the command, the Yosys version): a rerun is quick.
      const script = `read_verilog delay.v p.v; ${synthCmd(t)}; tee -q -o s.txt stat`;
      const { dir } = await cached('skew-ff', contentKey([yosysVersion, script, delay, key]), async (tmp) => {
        const mod = /module (\w+)/.exec(delay)![1]!;
        await writeFile(join(tmp, 'delay.v'), delay);
        await writeFile(
          join(tmp, 'p.v'),
          `module p(input wire clk_i, input wire rst_ni, input wire en_i, input wire [${l.width - 1}:0] d_i, output wire [${l.width - 1}:0] q_o);
  ${mod} #(.WIDTH(${l.width}), .DEPTH(${l.depth}), .RESET(${l.reset})) u (.clk_i(clk_i), .rst_ni(rst_ni), .en_i(en_i), .d_i(d_i), .q_o(q_o));
endmodule
`,
        );
        const r = await jobPool.run(() => runTool('yosys', ['-q', '-p', script], { cwd: tmp }));
        if (r.exitCode !== 0) throw new Error(`yosys failed on ${key}:\n${r.all}`);
      });
      const mods = parseStat(await readFile(join(dir, 's.txt'), 'utf8'));
      return (mods.find((m) => m.name === 'p') ?? mods[0]!).cells;
    })();
    cache.set(key, p);
  }
  return p;
}

const ffOf = (c: Cells, t: Target) =>
  Object.entries(c)
    .filter(([k]) => (t === 'ice40' ? /^SB_DFF/.test(k) : /^FD[CPRS]E?$/.test(k)))
    .reduce((s, [, v]) => s + v, 0);
const ramOf = (c: Cells, t: Target) =>
  Object.entries(c)
    .filter(([k]) => (t === 'ice40' ? /^SB_RAM40_4K/.test(k) : /^RAM\d+[MXSD]/.test(k)))
    .reduce((s, [, v]) => s + v, 0);

const y = await tool('yosys');
const yosysVersion = y.version;
const t0 = performance.now();
{
  const { delay } = linesOf(16, 'weight-stationary');
  for (const t of ['ice40', 'xilinx'] as const) {
    for (const l of [
      { width: 8, depth: 1, reset: 1 },
      { width: 24, depth: 7, reset: 0 },
      { width: 9, depth: 40, reset: 1 },
    ]) {
      const ff = ffOf(await measured(delay, l, t), t);
      if (ff !== l.width * l.depth) throw new Error(`${t}: a ${l.width}×${l.depth} chain has ${ff} FFs, not W·D`);
    }
  }
}
const rows: string[][] = [];
for (const df of DATAFLOWS) {
  for (const n of SIZES) {
    const { lines, delay } = linesOf(n, df);
    const row = [`${n}×${n}`, df === 'weight-stationary' ? 'WS' : 'OS', String(lines.length)];
    for (const t of ['ice40', 'xilinx'] as const) {
      const before = await Promise.all(lines.map((l) => lineCells(delay, { ...l, reset: 1 }, t)));
      const after = await Promise.all(lines.map((l) => lineCells(delay, l, t)));
      const sum = (cs: Cells[], f: (c: Cells, t: Target) => number) => cs.reduce((s, c) => s + f(c, t), 0);
      row.push(String(sum(before, ffOf)), String(sum(after, ffOf)), String(sum(after, ramOf)));
    }
    rows.push(row);
    process.stderr.write(`| ${row.join(' | ')} |\n`);
    process.stderr.write(`${n}×${n} ${df} done (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`);
  }
}
const head = [
  'array',
  'dataflow',
  'lines',
  'iCE40 FF before',
  'iCE40 FF after',
  'SB_RAM40_4K after',
  'Xilinx FF before',
  'Xilinx FF after',
  'LUT RAM cells after',
];
process.stdout.write(
  [head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n') +
    `\n\n${y.version}; int8 exact, 24-bit accumulator; per-line cells from Yosys on each distinct line shape (${cache.size} runs), summed over the lines of the emitted top; ${((performance.now() - t0) / 1000).toFixed(0)} s.\n`,
);
