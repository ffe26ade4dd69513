/**
 * Gate-level co-simulation: what synthesis makes of the RTL runs through the same checker and
 * golden model as the RTL itself.
 *
 * A synthesis tool can mis-map what simulates correctly: Yosys 0.23's iCE40 DSP mapping turned a
 * multiply of operands sign-extended by hand into an unsigned SB_MAC16 with zero-extended inputs,
 * wrong on 48,895 of 65,536 int8 pairs (issue 11). So the netlist is simulated too:
 *
 *   emitted RTL ──Yosys (the target's flow, flattened; the commands of generator/estimate/targets.ts)──▶
 *     `write_verilog -noattr` netlist (one module, the top, same ports)
 *     + Yosys' own cell simulation models (<datdir>/ice40/cells_sim.v, xilinx/cells_sim.v, or
 *       simcells.v for the generic gates)
 *   ──▶ sim/run.ts `simulate` with the netlist as its file list (the stream checker, the golden
 *       model's cases: a seeded random GEMM and the directed corner tiles, counters included).
 *
 * Netlists are cached by content (RTL + script + Yosys version) in the shared build cache; the
 * simulator builds are cached as usual by sim/simulators.ts. Both simulators read the cell models
 * (Icarus needs the iCE40 models without their Verilog-2005-illegal port default values, so the
 * models are given `NO_ICE40_DEFAULT_ASSIGNMENTS`; every port is connected in a Yosys netlist).
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import type { ResolvedConfig } from '../generator/config/resolve.js';
import { emitRtl, topModule, type EmittedFile } from '../generator/emit/rtl.js';
import { emitUnit, unitTopModule } from '../generator/emit/unit.js';
import { interfaceOf } from '../generator/interface/index.js';
import { TARGET_DEFS, type Target } from '../generator/estimate/targets.js';
import { cached, contentKey } from '../generator/infra/cache.js';
import type { GemmShape } from './cases.js';
import { runTool } from '../generator/infra/children.js';
import { ToolMissingError } from '../generator/infra/tools.js';
import { jobPool } from '../generator/infra/pool.js';
import { formatReport, simulate, type SimReport } from './run.js';
import type { SimulatorName } from './simulators.js';
import { tool } from '../generator/infra/tools.js';
import { checkUnits, type UnitCheckOptions, type UnitCheckResult } from './unit-harness.js';

/** Bumped when the netlist script changes: part of every netlist cache key. */
export const GATE_SCRIPT_VERSION = 'axgen-gate-1';

/** One synthesis flow: a target and whether multipliers may map to DSP blocks. */
export interface GateFlow {
  target: Target;
  /** ice40: `synth_ice40 -dsp`; xilinx: without `-nodsp`; generic has no DSP variant (must be false). */
  dsp: boolean;
}

/** Every flow the synthesis targets offer: ice40 and xilinx with and without DSPs, generic gates. */
export const GATE_FLOWS: readonly GateFlow[] = [
  { target: 'ice40', dsp: false },
  { target: 'ice40', dsp: true },
  { target: 'xilinx', dsp: false },
  { target: 'xilinx', dsp: true },
  { target: 'generic', dsp: false },
];

export function flowLabel(f: GateFlow): string {
  return f.target === 'generic' ? 'generic' : `${f.target} ${f.dsp ? 'dsp' : 'nodsp'}`;
}

/** The Yosys command of a flow for `top`, flattened: the variant commands of `axgen synth` (targets.ts). */
export function flowCommand(f: GateFlow, top: string): string {
  const def = TARGET_DEFS[f.target];
  const id = f.target === 'generic' ? 'gates' : f.dsp ? 'dsp' : 'nodsp';
  if (f.target === 'generic' && f.dsp) throw new Error('internal error: the generic target has no DSP variant');
  const v = def.variants.find((x) => x.id === id);
  if (!v) throw new Error(`internal error: target ${f.target} has no variant ${id}`);
  return v.command(top, true);
}

let datdir: string | undefined;

/**
 * Yosys' data folder (where its cell simulation models live): `yosys-config --datdir` when that is
 * installed (Debian's yosys-dev), else `<yosys binary>/../share/yosys`. Throws when neither holds
 * simcells.v.
 */
export async function yosysDatdir(): Promise<string> {
  if (datdir) return datdir;
  const candidates: string[] = [];
  const cfg = await runTool('yosys-config', ['--datdir']).catch(() => null);
  if (cfg && cfg.exitCode === 0 && cfg.stdout.trim()) candidates.push(cfg.stdout.trim());
  const bin = (process.env.PATH ?? '')
    .split(delimiter)
    .map((d) => join(d, 'yosys'))
    .find((f) => existsSync(f));
  if (bin) candidates.push(join(dirname(dirname(realpathSync(bin))), 'share', 'yosys'));
  const hit = candidates.find((d) => existsSync(join(d, 'simcells.v')));
  if (!hit)
    throw new ToolMissingError(
      "Yosys' cell simulation models (simcells.v)",
      'yosys',
      `in none of ${candidates.join(', ') || '(no candidate folder)'}; the gate-level check needs Yosys with its data files`,
    );
  datdir = hit;
  return hit;
}

/** The cell simulation models a flow's netlist needs, as source files for the simulators. */
export async function cellModels(f: GateFlow): Promise<EmittedFile[]> {
  const dir = await yosysDatdir();
  const file = (rel: string, name: string, prefix = ''): EmittedFile => ({
    name,
    module: name.replace(/\.v$/, ''),
    template: `yosys:${rel}`,
    text: prefix + readFileSync(join(dir, rel), 'utf8'),
  });
  if (f.target === 'ice40')
    return [file('ice40/cells_sim.v', 'yosys_ice40_cells_sim.v', '`define NO_ICE40_DEFAULT_ASSIGNMENTS\n')];
  if (f.target === 'xilinx') return [file('xilinx/cells_sim.v', 'yosys_xilinx_cells_sim.v')];
  return [file('simcells.v', 'yosys_simcells.v')];
}

export interface Netlist {
  flow: GateFlow;
  top: string;
  /** The Yosys script that made it (read, synthesize flattened, write). */
  script: string;
  /** `write_verilog -noattr` of the flattened top: one module named `top`, the RTL's ports. */
  file: EmittedFile;
  /** Primitive cells of the netlist (Yosys `stat`), e.g. { SB_MAC16: 4, SB_LUT4: 512 }. */
  cells: Record<string, number>;
  toolVersion: string;
  cacheHit: boolean;
}

/** Cell counts of a flattened design from Yosys' `stat` text. */
function parseCells(stat: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of stat.matchAll(/^\s+(\S+)\s+(\d+)\s*$/gm)) {
    if (/^Number of/.test(m[1]!)) continue;
    out[m[1]!] = (out[m[1]!] ?? 0) + Number(m[2]);
  }
  return out;
}

/**
 * Synthesizes `files` (one module per file) with `top` flattened for a flow and writes the netlist.
 * The generic flow writes cells as instances (`-noexpr`), so simcells.v gives them their meaning.
 * Errors: a Yosys failure throws with the tail of its log.
 */
export async function synthNetlist(files: readonly EmittedFile[], top: string, flow: GateFlow): Promise<Netlist> {
  const yosys = await tool('yosys');
  const script =
    [
      `read_verilog ${files.map((f) => f.name).join(' ')}`,
      `hierarchy -check -top ${top}`,
      flowCommand(flow, top),
      'tee -q -o stat.txt stat',
      `write_verilog -noattr${flow.target === 'generic' ? ' -noexpr' : ''} netlist.v`,
    ].join('\n') + '\n';
  const key = contentKey([GATE_SCRIPT_VERSION, yosys.version, script, ...files.flatMap((f) => [f.name, f.text])]);
  const { dir, hit } = await cached('gate', key, async (tmp) => {
    for (const f of files) await writeFile(join(tmp, f.name), f.text);
    await writeFile(join(tmp, 'gate.ys'), script);
    const r = await jobPool.run(() => runTool('yosys', ['-q', '-l', 'yosys.log', '-s', 'gate.ys'], { cwd: tmp }));
    if (r.exitCode !== 0) {
      const tail = (r.all ?? '').trim().split('\n').slice(-15).join('\n');
      throw new Error(
        `yosys failed synthesizing ${top} for the gate-level check (${flowLabel(flow)}, exit ${r.exitCode ?? r.signal}):\n${tail}`,
      );
    }
  });
  const text = await readFile(join(dir, 'netlist.v'), 'utf8');
  const cells = parseCells(await readFile(join(dir, 'stat.txt'), 'utf8'));
  const name = `${top}.netlist.v`;
  return {
    flow,
    top,
    script,
    file: { name, module: top, template: `yosys:${flowCommand(flow, top)}`, text },
    cells,
    toolVersion: yosys.version,
    cacheHit: hit,
  };
}

export interface GateCheckOptions {
  flow: GateFlow;
  simulators: SimulatorName[];
  seed: number;
  gemm?: GemmShape;
  /** Probability 0..1 of an input gap / result stall per cycle. */
  stall: number;
  /** RTL to synthesize instead of emitting it (fault injection, `--rtl`). */
  rtl?: EmittedFile[];
  /** How a replay names the design (the config file). */
  source: string;
  directed?: boolean;
  /**
   * Synthesize and check the whole IP (the interface plug-in's top: `<name>_axi_top` with its CSR
   * block and skid buffers for an AXI config, driven through its AXI4-Lite and AXI4-Stream ports),
   * as `axgen fpga` puts it in the bitstream; by default only the stream core `<name>_top`.
   */
  ip?: boolean;
  /** The command that repeats this check, when not `axgen synth --verify` (e.g. `axgen fpga …`). */
  replay?: string;
}

export interface GateReport extends SimReport {
  gate: {
    flow: GateFlow;
    label: string;
    top: string;
    script: string;
    cells: Record<string, number>;
    yosys: string;
    netlistCacheHit: boolean;
  };
}

/**
 * Synthesizes the config's stream core (`<name>_top`, flattened) for `o.flow` and co-simulates the
 * netlist with Yosys' cell models against the golden model: the same cases, checker and report as
 * `axgen sim` (sim/run.ts), so a mismatch names the case, tile, element, operands, expected and
 * actual value and cycle. `passed` is false on any mismatch, counter mismatch or checker problem.
 */
export async function gateCosim(c: ResolvedConfig, o: GateCheckOptions): Promise<GateReport> {
  const itf = interfaceOf(c);
  const top = o.ip ? itf.top(c) : topModule(c);
  const net = await synthNetlist(o.rtl ?? (o.ip ? [...emitRtl(c), ...itf.rtl(c)] : emitRtl(c)), top, o.flow);
  const models = await cellModels(o.flow);
  const r = await simulate(c, {
    simulators: o.simulators,
    seed: o.seed,
    gemm: o.gemm,
    stall: o.stall,
    rtl: [net.file, ...models],
    source: o.source,
    directed: o.directed,
    coreOnly: top === topModule(c),
  });
  const sim = o.simulators.length === 2 ? 'both' : o.simulators[0];
  return {
    ...r,
    // What ran is a netlist, not RTL: the report says so.
    dut: { ...r.dut, rtl: `${flowLabel(o.flow)} netlist of ${o.source} (Yosys' cell models)` },
    replay:
      o.replay ??
      `axgen synth ${o.source} --target ${o.flow.target} --verify --simulator ${sim} --gemm ${r.gemm.m}x${r.gemm.k}x${r.gemm.n} --seed ${r.seed} --stall ${r.stall}`,
    gate: {
      flow: o.flow,
      label: flowLabel(o.flow),
      top,
      script: net.script,
      cells: net.cells,
      yosys: net.toolVersion,
      netlistCacheHit: net.cacheHit,
    },
  };
}

/** The flows of one synthesis target: ice40 and xilinx without and with DSPs, generic gates. */
export function flowsOf(target: Target): GateFlow[] {
  return GATE_FLOWS.filter((f) => f.target === target);
}

/** The text report of one gate-level run: which netlist, then the co-simulation report (sim/run.ts). */
export function formatGateReport(r: GateReport, maxShown = 10): string {
  const cells = Object.entries(r.gate.cells)
    .filter(([k]) => /^(SB_MAC16|DSP48E1|SB_RAM40_4K|RAMB\w+)$/.test(k))
    .map(([k, v]) => `${v} ${k}`);
  const head = `gate-level ${r.gate.label}: ${r.gate.top} netlist (${flowCommand(r.gate.flow, r.gate.top)}; write_verilog -noattr${cells.length ? `; ${cells.join(', ')}` : ''}) with Yosys' cell models`;
  return `${head}\n${formatReport(r, maxShown)}`;
}

/** A JSON-safe summary of a gate-level run (what `fpga.json` and `synth --json` record). */
export function gateSummary(r: GateReport) {
  return {
    flow: r.gate.label,
    netlist: r.gate.top,
    synthesis: flowCommand(r.gate.flow, r.gate.top),
    cells: r.gate.cells,
    passed: r.passed,
    seed: r.seed,
    gemm: r.gemm,
    gemms: r.gemms,
    refused: r.refused,
    stall: r.stall,
    cases: r.cases,
    runs: r.runs.map(({ buildCacheHit: _h, buildMs: _b, runMs: _r, ...run }) => run),
    replay: r.replay,
  };
}

/**
 * The standalone multipliers of `configs` (generator/emit/unit.ts: `<name>_unit`, act_pre → wgt_pre
 * → mul), each synthesized flattened for `flow`, checked side by side in ONE simulator build by the
 * batched unit harness (sim/unit-harness.ts) against their golden models: exhaustive up to 20
 * operand bits. `opts.rtl` replaces a variant's RTL before synthesis (fault injection).
 */
export async function gateCheckUnits(
  configs: ResolvedConfig[],
  flow: GateFlow,
  simulator: SimulatorName,
  opts: Omit<UnitCheckOptions, 'rtl'> & { rtl?: Record<string, EmittedFile[]> } = {},
): Promise<UnitCheckResult & { cells: Record<string, Record<string, number>> }> {
  const nets = await Promise.all(
    configs.map((c) => synthNetlist(opts.rtl?.[c.name] ?? emitUnit(c), unitTopModule(c), flow)),
  );
  const models = await cellModels(flow);
  const rtl = Object.fromEntries(
    configs.map((c, i) => [c.name, i === 0 ? [nets[i]!.file, ...models] : [nets[i]!.file]]),
  );
  const r = await checkUnits(configs, simulator, { ...opts, rtl });
  return { ...r, cells: Object.fromEntries(configs.map((c, i) => [c.name, nets[i]!.cells])) };
}
