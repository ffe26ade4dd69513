/**
 * The README's fmax table (issue 11, "Timing"): `npm run bench:fmax [-- --seeds 1,2 --budget MIN
 * --limit SEC --out DIR --kinds exact,mitchell --verify --resume]` places and routes 4×4
 * weight-stationary arrays with the stream top on an iCE40 hx8k, int8 signed operands (a unit
 * restricted to other formats, `samples.operands`: its first one, e.g. binary's lane words), for
 * every unit kind (its everyday parameter set, `samples.regress[0]`, and any extra forms it lists in
 * `samples.fmax`, rows `fx_<kind>_x<n>` and `fx_<kind>_x<n>_p`) without pipelining and with its full pipeline (`pipeline.multiplier` = every
 * cut point the unit declares, `pipeline.macc` = 1, `pipeline.edge` = 1), each with several nextpnr seeds; it prints a
 * Markdown table of LUT4 / carry / FF and the best fmax over the seeds, and for each row the start
 * and end of nextpnr's critical path.
 *
 * It drives `axgen fpga <config> --device hx8k --clock 70 --seed N` as a child process (one at a
 * time: the machine is shared) with --no-verify, or with --verify the gate-level check (the
 * synthesized netlist co-simulated against the golden model) on each pipelined row's first seed;
 * a run that takes longer than --limit seconds (default 240) is stopped (its process group) and
 * counted as "timeout"; a seed nextpnr's router loops on (nextpnr issue #179) is stopped by axgen
 * within seconds and counted as "router loop". --budget (minutes, default 45) stops starting new runs; runs go
 * seed by seed, so every row gets its first seed before any gets a second. The configs, the logs of
 * every run and table.md are written under --out (default /tmp/axgen-fmax); --resume takes the
 * runs already in --out (their fpga.json, when they placed the RTL the generator emits today; a run
 * without one, e.g. a timeout, or of older RTL runs again) instead of running them again, budget
 * or not. `--chains N` gives every row `pipeline.sumChains: N` (the PE's adder in N carry chains,
 * units/carry-save.ts; rows named `fx_<kind>_cN`), to compare a unit with and without the
 * carry-save partial sum on the same flow; `--rows plain` (or `pipelined`) runs only the rows
 * without (with) the full pipeline. Not a test.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { resolveConfig } from '../generator/config/resolve.js';
import { emitRtl } from '../generator/emit/rtl.js';
import { runTool } from '../generator/infra/children.js';
import { runAsScript } from '../generator/infra/entry.js';
import { isRouterLoop, type PnrResult } from '../generator/fpga/pnr.js';
import { cutsOf, samplesOf, units } from '../generator/units/index.js';
import { MAX_SUM_CHAINS } from '../generator/units/pipeline.js';
import type { UnitContext, UnitDef } from '../generator/units/types.js';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : dflt;
};
const seeds = arg('seeds', '1,2').split(',').map(Number);
const budgetMs = Number(arg('budget', '45')) * 60_000;
const limitMs = Number(arg('limit', '240')) * 1000;
const outDir = resolve(arg('out', '/tmp/axgen-fmax'));
const verify = process.argv.includes('--verify');
const resume = process.argv.includes('--resume');
const chainsArg = arg('chains', '');
const chains = chainsArg === '' ? undefined : Number(chainsArg);
if (chains !== undefined && !(Number.isInteger(chains) && chains >= 1 && chains <= MAX_SUM_CHAINS))
  throw new Error(`--chains: expected an integer from 1 to ${MAX_SUM_CHAINS}, received "${chainsArg}"`);
const rowSet = arg('rows', 'both');
if (!['both', 'plain', 'pipelined'].includes(rowSet))
  throw new Error(`--rows: expected both, plain or pipelined, received "${rowSet}"`);
const kinds = arg('kinds', units.map((u) => u.kind).join(',')).split(',');
const root = resolve(import.meta.dirname, '..');

const S8 = { bits: 8, signed: true };
const S8_PAIR: UnitContext = { activation: S8, weight: S8 };

interface Row {
  label: string;
  name: string;
  kind: string;
  params: Record<string, unknown>;
  pipeline: { multiplier: number; macc: 0 | 1; edge: 0 | 1 } | null;
  /** int8 signed, or the unit's first `samples.operands` format (binary lanes, unsigned imported circuits). */
  ctx: UnitContext;
  runs: { seed: number; fmax: number | null; lut4: number; carry: number; ff: number; path: string; note: string }[];
}

function rows(): Row[] {
  const out: Row[] = [];
  for (const kind of kinds) {
    const u = units.find((x) => x.kind === kind);
    if (!u) throw new Error(`--kinds: expected registered unit kinds, received "${kind}"`);
    const params = samplesOf(u).regress[0] ?? {};
    const ctx: UnitContext = samplesOf(u).operands?.[0] ?? S8_PAIR;
    const n = cutsOf(u as unknown as UnitDef<string, object, unknown>, { kind: u.kind, ...params }, ctx).length;
    const short = u.kind.replace(/[^a-z0-9]/g, '');
    // Files (an imported circuit's Verilog and table) by their names only.
    const desc = Object.entries(params)
      .map(([k, v]) => `${k}=${typeof v === 'string' && v.includes('/') ? basename(v) : JSON.stringify(v)}`)
      .join(' ');
    const base = `${u.kind}${desc ? ` (${desc})` : ''}`;
    const c = chains === undefined ? { label: '', name: '' } : { label: `, sumChains=${chains}`, name: `_c${chains}` };
    if (rowSet !== 'pipelined')
      out.push({
        label: base + c.label,
        name: `fx_${short}${c.name}`,
        kind: u.kind,
        params,
        ctx,
        pipeline: null,
        runs: [],
      });
    // A unit's extra forms for fmax (samples.fmax), with and without the full pipeline like the
    // everyday set: rows fx_<kind>_x1, fx_<kind>_x1_p, …
    samplesOf(u).fmax.forEach((extra, j) => {
      const more = Object.entries(extra)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(' ');
      const m = cutsOf(u as unknown as UnitDef<string, object, unknown>, { kind: u.kind, ...extra }, ctx).length;
      const row = { kind: u.kind, params: extra, ctx, runs: [] };
      if (rowSet !== 'pipelined')
        out.push({
          ...row,
          label: `${u.kind} (${more})${c.label}`,
          name: `fx_${short}_x${j + 1}${c.name}`,
          pipeline: null,
        });
      if (rowSet !== 'plain')
        out.push({
          ...row,
          runs: [],
          label: `${u.kind} (${more}), pipeline multiplier=${m} macc=1 edge=1${c.label}`,
          name: `fx_${short}_x${j + 1}_p${c.name}`,
          pipeline: { multiplier: m, macc: 1, edge: 1 },
        });
    });
    if (rowSet !== 'plain')
      out.push({
        label: `${base}, pipeline multiplier=${n} macc=1 edge=1${c.label}`,
        name: `fx_${short}_p${c.name}`,
        kind: u.kind,
        params,
        ctx,
        pipeline: { multiplier: n, macc: 1, edge: 1 },
        runs: [],
      });
  }
  return out;
}

function written(r: Row): Record<string, unknown> {
  return {
    name: r.name,
    array: { rows: 4, cols: 4, maxK: 64, accDepth: 16 },
    dataflow: 'weight-stationary',
    precision: { activation: r.ctx.activation, weight: r.ctx.weight },
    multiplier: { kind: r.kind, ...r.params },
    ...(r.pipeline || chains !== undefined
      ? { pipeline: { ...r.pipeline, ...(chains !== undefined ? { sumChains: chains } : {}) } }
      : {}),
  };
}

/**
 * Runs one `axgen fpga` through runTool (its own process group, ended with the bench on Ctrl-C or
 * SIGTERM); past limitMs its group gets SIGTERM, on which axgen ends its nextpnr and exits.
 */
async function runFpga(
  cfg: string,
  out: string,
  seed: number,
  verify: boolean,
): Promise<{ code: number | null; log: string }> {
  const args = ['tsx', 'generator/cli.ts', 'fpga', cfg, '--device', 'hx8k', '--clock', '70'];
  // --loop-retries 0: each run is the seed it names (a looping seed is a row's result, not retried).
  args.push('--seed', String(seed), '--loop-retries', '0', '--out', out, '--force', ...(verify ? [] : ['--no-verify']));
  const r = await runTool('npx', args, {
    cwd: root,
    env: { ...process.env, AXGEN_FROM_SOURCE: '1' },
    timeout: limitMs,
  });
  // A run stopped at the limit reports code null (counted as "timeout"), whatever it exited with.
  if ('timedOut' in r && r.timedOut)
    return { code: null, log: `${r.all ?? ''}\n[bench:fmax] stopped after ${limitMs / 1000} s\n` };
  return { code: r.exitCode ?? -1, log: r.all ?? '' };
}

/**
 * nextpnr's critical path of the clock, summarised: first and last cell (Yosys' cell suffixes
 * dropped), total delay in ns, and the share of that delay inside the PE array (`u_array`): the
 * rest lies in the top's control and edge logic. Empty when the log has no such report.
 */
export function criticalPath(nextpnrLog: string): string {
  const start = nextpnrLog.lastIndexOf('Critical path report for clock');
  if (start < 0) return '';
  let first: string | null = null;
  let last: string | null = null;
  let total = 0;
  let inArray = 0;
  for (const l of nextpnrLog.slice(start).split('\n').slice(1)) {
    if (l.includes('Critical path report') || /ns logic, .* ns routing/.test(l)) break;
    const seg = /^Info:\s+([\d.]+)\s+[\d.]+\s+(?:Source|Net|Setup)\s+(\S+)/.exec(l);
    if (seg) {
      const d = Number(seg[1]);
      total += d;
      if (seg[2]!.includes('u_array')) inArray += d;
      first ??= seg[2]!;
    }
    const sink = /^Info:\s+Sink\s+(\S+)/.exec(l);
    if (sink) last = sink[1]!;
  }
  if (first === null || last === null || total === 0) return '';
  const short = (s: string) =>
    s
      .replace(/\$.*/, '')
      .replace(/_SB_(LUT4|DFF|CARRY).*/, '')
      .replace(/^u_dut\./, '');
  return `${short(first)} → ${short(last)} (${total.toFixed(1)} ns, ${Math.round((100 * inArray) / total)} % in the array)`;
}

/** One run's figures from its `axgen fpga --out` folder (fpga.json, nextpnr.log). */
/**
 * Whether a finished run in `out` placed the RTL today's generator emits for the row's config (its
 * IP files byte for byte): --resume must not take a run of older RTL left in the same --out.
 */
async function placedCurrentRtl(r: Row, out: string): Promise<boolean> {
  for (const f of emitRtl(resolveConfig(written(r), r.name))) {
    const path = join(out, f.name);
    if (!existsSync(path) || (await readFile(path, 'utf8')) !== f.text) return false;
  }
  return true;
}

async function readRun(out: string, seed: number, note: string): Promise<Row['runs'][number]> {
  const j = JSON.parse(await readFile(join(out, 'fpga.json'), 'utf8')) as {
    fmaxMHz: number | null;
    utilisation: { lut4: number; carry: number; ff: number };
  };
  const npr = existsSync(join(out, 'nextpnr.log')) ? await readFile(join(out, 'nextpnr.log'), 'utf8') : '';
  return { seed, fmax: j.fmaxMHz, ...j.utilisation, path: criticalPath(npr), note };
}

async function main() {
  await mkdir(outDir, { recursive: true });
  const table = rows();
  const t0 = Date.now();
  const date = new Date().toISOString().slice(0, 10);
  for (const [si, seed] of seeds.entries()) {
    for (const r of table) {
      const cfg = join(outDir, `${r.name}.json`);
      const out = join(outDir, `${r.name}-s${seed}`);
      const jsonPath = join(out, 'fpga.json');
      // A finished run is taken whatever the budget left: the budget limits new runs only.
      if (resume && existsSync(jsonPath) && (await placedCurrentRtl(r, out))) {
        r.runs.push(await readRun(out, seed, ''));
        continue;
      }
      if (Date.now() - t0 > budgetMs) continue;
      await writeFile(cfg, JSON.stringify(written(r), null, 2) + '\n');
      const t1 = Date.now();
      // With --verify, the gate-level check runs once per pipelined row (the unpipelined RTL is checked elsewhere).
      const { code, log } = await runFpga(cfg, out, seed, verify && si === 0 && r.pipeline !== null);
      await writeFile(join(outDir, `${r.name}-s${seed}.log`), log);
      let note = code === 0 ? '' : code === null ? 'timeout' : `exit ${code}`;
      // Exit 4 with a report: not routed; say whether it was nextpnr's router loop (pnr.ts routerLoopWatch).
      if (code === 4 && existsSync(jsonPath)) {
        const j = JSON.parse(await readFile(jsonPath, 'utf8')) as Pick<PnrResult, 'status' | 'failure'>;
        if (j.status === 'unroutable') note = isRouterLoop(j) ? 'router loop' : 'did not route';
      }
      if (code === 0 && existsSync(jsonPath)) {
        r.runs.push(await readRun(out, seed, note));
      } else {
        note ||= 'no report';
        r.runs.push({ seed, fmax: null, lut4: 0, carry: 0, ff: 0, path: '', note });
      }
      const last = r.runs[r.runs.length - 1]!;
      process.stderr.write(
        `[bench:fmax] ${r.label} seed ${seed}: ${last.fmax !== null ? `${last.fmax.toFixed(1)} MHz` : last.note} (${((Date.now() - t1) / 1000).toFixed(0)} s)\n`,
      );
      await writeFile(join(outDir, 'table.md'), render(table, date));
    }
  }
  const text = render(table, date);
  await writeFile(join(outDir, 'table.md'), text);
  process.stdout.write(text);
}

function render(table: Row[], date: string): string {
  // Each row is compared with the exact array of the same pipelining (none, or its full pipeline).
  const exactOf = (r: Row) =>
    best(table.find((x) => x.kind === 'exact' && (x.pipeline === null) === (r.pipeline === null)));
  const L = [
    `fmax on iCE40 hx8k, 4×4 int8 weight-stationary, stream top (\`npm run bench:fmax\`, ${date}; seeds ${seeds.join(', ')}, best reported; clock constraint 70 MHz${chains !== undefined ? `; every row with pipeline.sumChains ${chains}` : ''})`,
    '',
    '| Unit | LUT4 | Carry | FF | fmax MHz (best) | seeds run | ≥ exact (same pipelining) | Critical path (best seed) |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of table) {
    const b = best(r);
    const exact = exactOf(r);
    const ok = b && b.fmax !== null && exact && exact.fmax !== null ? (b.fmax >= exact.fmax ? 'yes' : 'no') : '-';
    const seedsRun = r.runs.map((x) => (x.fmax === null ? `${x.seed} (${x.note})` : `${x.seed}`)).join(', ');
    L.push(
      b
        ? `| ${r.label} | ${b.lut4} | ${b.carry} | ${b.ff} | ${b.fmax!.toFixed(1)} | ${seedsRun} | ${ok} | ${b.path || '-'} |`
        : `| ${r.label} | - | - | - | - | ${seedsRun || 'not run'} | - | - |`,
    );
  }
  return L.join('\n') + '\n';
}

function best(r: Row | undefined) {
  if (!r) return undefined;
  const ok = r.runs.filter((x) => x.fmax !== null);
  return ok.sort((a, b) => b.fmax! - a.fmax!)[0];
}

// Run by `npm run bench:fmax`; importing the module (criticalPath) starts nothing.
if (runAsScript(import.meta.url)) await main();
