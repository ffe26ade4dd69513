/**
 * AXI co-simulation: drives `<name>_axi_top` through its AXI ports only, from the same golden model
 * and host schedule as the stream co-simulation (generator/model/schedule.ts), in Icarus or
 * Verilator (sim/simulators.ts runners, content-hash build cache).
 *
 * The checker (sim/templates/tb_axi_check.v.hbs) runs a CSR program written here:
 *   1. ID registers (magic, generator version, config hash, shape) read and compared; an unmapped
 *      read and write answer SLVERR; a write to a read-only register answers OKAY, changes nothing,
 *      sets STATUS.ERR_RO_WRITE and ERR_ADDR, and CTRL.CLEAR_ERR clears them; DIM_M reads back;
 *      writes whose byte-0 strobe is off change neither DIM_M nor start a command.
 *   2. An aborted tile: the first command is started, its beats are released, and after a few
 *      cycles CTRL.SOFT_RESET is written mid-run (streams stopped, undelivered beats dropped);
 *      STATUS.BUSY must then read 0.
 *   3. Every command of the schedule, in pairs started back to back (the second START queued while
 *      the first runs), DONE polled, the last command's counters read (cycles, MACs, skipped) and
 *      compared with the model, the totals TOT_CYCLES and TOT_MACS since the soft reset too (each
 *      command alone: the AXI top issues one at a time), and no error flag set.
 *   4. Error flags: a START refused while another is queued (ERR_START), a wrong TLAST on a weight
 *      beat (ERR_TLAST; results still exact), both cleared by CTRL.CLEAR_ERR.
 *   0. (before 1) Refused commands: START with the DIM registers at their reset value 0, then M, K,
 *      N of 0 and each past its limit (sim/cases.ts refusedCases): each sets DONE and
 *      STATUS.ERR_DIM, moves no beat and leaves the counters at 0; the next valid command clears
 *      ERR_DIM (step 2 checks it).
 * With an output stage, the parameter stream (one beat per command, TLAST on each) is released and
 * dropped with the command's other beats.
 * Seeded random TVALID gaps on both input streams, TREADY stalls on the result stream and
 * BREADY/RREADY stalls (+stall, +seed); every result beat and its TLAST are compared, and at the
 * end every beat was exchanged exactly once or deliberately dropped by the abort.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { derive, type Derived } from '../generator/config/derive.js';
import type { ResolvedConfig } from '../generator/config/resolve.js';
import { emitRtl, headerFor, type EmittedFile } from '../generator/emit/rtl.js';
import { render } from '../generator/emit/handlebars.js';
import { axisWidths, emitAxiRtl, isAxi } from '../generator/axi/emit.js';
import { ADDR_BITS, regMap, resetValue, type RegMap } from '../generator/regmap/regmap.js';
import { foldsOf } from '../generator/config/cycles.js';
import { schedule, type Schedule } from '../generator/model/schedule.js';
import { refusedCases, type MultiSchedule } from './cases.js';
import { copyWave } from './cosim.js';
import { buildSim, runSim, VERILATOR_CLASS, type SimulatorName } from './simulators.js';
import { packBeat } from './vectors.js';
import { packParamBeat } from '../generator/units/output-stage.js';

export interface AxiCosimRequest {
  simulator: SimulatorName;
  /** One GEMM (weights as the user gives them)... */
  A?: number[][];
  W?: number[][];
  /** ...or several cases already scheduled back to back (sim/cases.ts), as `axgen sim` runs them. */
  scheduled?: MultiSchedule;
  /** Simulate these files (`axgen sim --rtl DIR`: the folder as it is on disk) instead of emitting them. */
  rtl?: EmittedFile[];
  /** Write a VCD (Verilator then builds with --trace) and copy it to this file. */
  wave?: string;
  seed?: number;
  stall?: number;
  /** Cycles after START before the soft reset of the aborted tile (default 12). */
  abortAfter?: number;
  runDir?: string;
  /** Edit the program / vector files before the run (checker self-tests: a wrong expectation must fail). */
  mutate?: (texts: Record<string, string>) => void;
}

export interface AxiCosimResult {
  simulator: SimulatorName;
  toolVersion: string;
  passed: boolean;
  steps: number;
  starts: number;
  results: number;
  dropped: number;
  errors: number;
  simCycles: number;
  /** Every AXGEN_* complaint of the checker. */
  problems: string[];
  buildCacheHit: boolean;
  /** Wall time of the build step (a cache hit is near 0) and of the simulator run, in ms. */
  buildMs: number;
  runMs: number;
  /** Commands of the schedule (each run and checked at least once) and their real MACs. */
  commands: number;
  macs: number;
  output: string;
}

type Op = [number, number, number, number, number];

const OP = { write: 1, read: 2, poll: 3, release: 4, abort: 5, waitStreams: 6, waitCycles: 7 } as const;
const OKAY = 0;
const SLVERR = 2;

function reg(m: RegMap, name: string) {
  const r = m.registers.find((x) => x.name === name);
  if (!r) throw new Error(`internal error: register ${name}`);
  return r;
}
function bit(m: RegMap, r: string, f: string): number {
  return 1 << reg(m, r).fields.find((x) => x.name === f)!.lsb;
}

/** Beats per command on each stream, in schedule order. */
export function beatsPerCommand(c: ResolvedConfig, d: Derived, s: Schedule): Beats[] {
  const ws = c.dataflow === 'weight-stationary';
  const p = d.out ? 1 : 0;
  const out = s.commands.map((cmd) => {
    if (cmd.refused) return { w: 0, a: 0, y: 0, p: 0 };
    const F = foldsOf(cmd.k, d.rows);
    return ws ? { w: F * d.rows, a: F * cmd.mLen, y: cmd.mLen, p } : { w: cmd.k, a: cmd.k, y: cmd.mLen, p };
  });
  const sum = (k: 'w' | 'a' | 'y' | 'p') => out.reduce((x, b) => x + b[k], 0);
  if (
    sum('w') !== s.wBeats.length ||
    sum('a') !== s.aBeats.length ||
    sum('y') !== s.yBeats.length ||
    sum('p') !== s.pBeats.length
  ) {
    throw new Error('internal error: per-command beat counts disagree with the schedule');
  }
  return out;
}

/** Beats of one command per stream (p: the output stage's parameter beat, 1 or 0). */
type Beats = { w: number; a: number; y: number; p: number };

/**
 * The CSR program under construction: the ops, and the commands whose beats the program releases
 * in order (`order`, schedule indices; `badTlast` marks releases whose first weight beat carries a
 * wrong TLAST).
 */
class Program {
  readonly ops: Op[] = [];
  readonly order: number[] = [];
  readonly badTlast = new Set<number>();
  constructor(
    readonly m: RegMap,
    readonly s: Schedule,
    readonly per: Beats[],
  ) {}
  off(r: string): number {
    return reg(this.m, r).offset;
  }
  bit(r: string, f: string): number {
    return bit(this.m, r, f);
  }
  write(r: string, v: number, resp = OKAY, strobe = 0xf): void {
    this.ops.push([OP.write, this.off(r), v >>> 0, strobe, resp]);
  }
  read(r: string, v: number, mask = 0xffffffff, resp = OKAY): void {
    this.ops.push([OP.read, this.off(r), v >>> 0, mask >>> 0, resp]);
  }
  dims(i: number): void {
    const cmd = this.s.commands[i]!;
    this.write('DIM_M', cmd.mLen);
    this.write('DIM_K', cmd.k);
    this.write('DIM_N', cmd.nLen);
  }
  /** Lets the stream drivers send command i's beats (and records the order). */
  release(i: number): void {
    this.ops.push([OP.release, this.per[i]!.p, this.per[i]!.w, this.per[i]!.a, this.per[i]!.y]);
    this.order.push(i);
  }
  waitDone(): void {
    const done = this.bit('STATUS', 'DONE');
    this.ops.push([OP.poll, this.off('STATUS'), done, done, 0]);
    this.ops.push([OP.waitStreams, 0, 0, 0, 0]);
  }
}

/** 0. Refused commands: the reset-value dimensions, then each zero and over-limit dimension. */
function refusedCommands(p: Program, c: ResolvedConfig, d: Derived): void {
  const start = p.bit('CTRL', 'START');
  const errDim = p.bit('STATUS', 'ERR_DIM');
  const done = p.bit('STATUS', 'DONE');
  const busy = p.bit('STATUS', 'BUSY');
  const check = () => {
    p.waitDone();
    p.read('STATUS', errDim | done, errDim | done | busy);
    for (const name of ['CYCLES', 'MACS']) {
      p.read(`${name}_LO`, 0);
      p.read(`${name}_HI`, 0);
    }
  };
  p.read('STATUS', 0, errDim);
  // The DIM registers still hold their reset value 0.
  p.write('CTRL', start);
  check();
  for (const gc of refusedCases(c, d)) {
    p.write('DIM_M', gc.refuse!.m);
    p.write('DIM_K', gc.refuse!.k);
    p.write('DIM_N', gc.refuse!.n);
    p.write('CTRL', start);
    check();
  }
  // A refused command adds neither cycles nor MACs to the totals.
  readTotals(p, []);
}

/** 1. Identification, unmapped and read-only accesses, byte strobes. */
function registerChecks(p: Program, d: Derived): void {
  const m = p.m;
  for (const r of m.registers.filter((x) => x.name.startsWith('ID_'))) p.read(r.name, resetValue(r));
  const unmapped = (1 << ADDR_BITS) - 4;
  if (m.registers.some((r) => r.offset === unmapped)) throw new Error('internal error: no unmapped address to test');
  p.ops.push([OP.read, unmapped, 0, 0xffffffff, SLVERR]);
  p.ops.push([OP.write, unmapped, 0x1234, 0xf, SLVERR]);
  p.write('ID_MAGIC', 0);
  p.read('ID_MAGIC', resetValue(reg(m, 'ID_MAGIC')));
  p.read('STATUS', p.bit('STATUS', 'ERR_RO_WRITE'), p.bit('STATUS', 'ERR_RO_WRITE'));
  p.read('ERR_ADDR', p.off('ID_MAGIC'));
  p.write('CTRL', p.bit('CTRL', 'CLEAR_ERR'));
  p.read('STATUS', 0, p.bit('STATUS', 'ERR_RO_WRITE'));
  p.read('ERR_ADDR', 0);
  const probe = Math.min(5, d.maxM);
  p.write('DIM_M', probe);
  p.read('DIM_M', probe);
  // byte strobes: a write with byte 0 off changes nothing, not even CTRL (no START)
  p.write('DIM_M', probe - 1, OKAY, 0xe);
  p.read('DIM_M', probe);
  p.write('CTRL', p.bit('CTRL', 'START'), OKAY, 0x0);
  p.read('STATUS', 0, p.bit('STATUS', 'BUSY') | p.bit('STATUS', 'ERR_START'));
  p.read('CTRL', 0);
}

/** 2. The aborted tile: command 0 again, soft reset mid-run. */
function abortedTile(p: Program, abortAfter: number): void {
  if (p.s.commands.length === 0) return;
  p.dims(0);
  p.release(0);
  p.write('CTRL', p.bit('CTRL', 'START'));
  p.ops.push([OP.waitCycles, abortAfter, 0, 0, 0]);
  p.ops.push([OP.abort, p.off('CTRL'), p.bit('CTRL', 'SOFT_RESET'), 0xf, OKAY]);
  p.read('STATUS', 0, p.bit('STATUS', 'BUSY'));
}

const errMaskOf = (p: Program) =>
  p.bit('STATUS', 'ERR_RO_WRITE') | p.bit('STATUS', 'ERR_START') | p.bit('STATUS', 'ERR_TLAST');

/**
 * The totals since the soft reset of step 2: the AXI top issues one command at a time, so
 * TOT_CYCLES adds each command's cycles alone (0 for a refused one) and TOT_MACS its MACs.
 */
function readTotals(p: Program, ran: readonly number[]): void {
  const cmds = p.s.commands;
  const cycles = ran.reduce((t, i) => t + cmds[i]!.alone, 0);
  const macs = ran.reduce((t, i) => t + cmds[i]!.macs, 0);
  p.read('TOT_CYCLES', cycles % 2 ** 32);
  p.read('TOT_MACS', macs % 2 ** 32);
}

/** 3. The schedule, two commands back to back at a time; the counters and totals after each pair. */
function scheduleRun(p: Program): void {
  const cmds = p.s.commands;
  for (let i = 0; i < cmds.length; i += 2) {
    const group = i + 1 < cmds.length ? [i, i + 1] : [i];
    for (const j of group) {
      p.dims(j);
      p.write('CTRL', p.bit('CTRL', 'START'));
      p.release(j);
    }
    p.waitDone();
    // order[0] is the aborted copy of command 0: the soft reset cleared the totals after it.
    readTotals(p, p.order.slice(1));
    const last = cmds[group[group.length - 1]!]!;
    for (const [name, v] of [
      ['CYCLES', last.alone],
      ['MACS', last.macs],
      ['SKIPPED', last.skipped],
    ] as const) {
      p.read(`${name}_LO`, v % 2 ** 32);
      p.read(`${name}_HI`, Math.floor(v / 2 ** 32));
    }
    // ERR_DIM follows the last command of the pair (set only when the model refuses it).
    const errDim = p.bit('STATUS', 'ERR_DIM');
    p.read('STATUS', last.refused ? errDim : 0, errMaskOf(p) | errDim | p.bit('STATUS', 'BUSY'));
  }
}

/**
 * 4. Error flags: command 0 twice more; a third START while the second is still queued is
 * refused (ERR_START), and the first weight beat of the first copy carries a wrong TLAST
 * (ERR_TLAST, the beat is used anyway); results and counters stay exact; CLEAR_ERR clears both.
 */
function errorFlags(p: Program): void {
  if (p.s.commands.length === 0) return;
  const start = p.bit('CTRL', 'START');
  const flagged = p.bit('STATUS', 'ERR_START') | p.bit('STATUS', 'ERR_TLAST');
  p.dims(0);
  p.write('CTRL', start);
  p.write('CTRL', start);
  p.write('CTRL', start);
  p.badTlast.add(p.order.length);
  p.release(0);
  p.release(0);
  p.waitDone();
  p.read('STATUS', flagged, flagged | p.bit('STATUS', 'BUSY'));
  p.read('MACS_LO', p.s.commands[0]!.macs % 2 ** 32);
  readTotals(p, p.order.slice(1));
  p.write('CTRL', p.bit('CTRL', 'CLEAR_ERR'));
  p.read('STATUS', 0, errMaskOf(p));
}

/** Stream beats ("<tlast> <hex>") in the order the program releases them (command 0 first: the aborted copy). */
function beatLines(p: Program, d: Derived): { w: string[]; a: string[]; y: string[]; p: string[] } {
  const { s, per } = p;
  const wd = axisWidths(d);
  const out = { w: [] as string[], a: [] as string[], y: [] as string[], p: [] as string[] };
  const starts = { w: [0], a: [0], y: [0], p: [0] };
  per.forEach((b, i) => {
    starts.p[i + 1] = starts.p[i]! + b.p;
    starts.w[i + 1] = starts.w[i]! + b.w;
    starts.a[i + 1] = starts.a[i]! + b.a;
    starts.y[i + 1] = starts.y[i]! + b.y;
  });
  p.order.forEach((i, n) => {
    const b = per[i]!;
    const wLast = (k: number) => (k === b.w - 1) !== (p.badTlast.has(n) && k === 0);
    for (let k = 0; k < b.w; k++) out.w.push(`${wLast(k) ? 1 : 0} ${packBeat(s.wBeats[starts.w[i]! + k]!, d.wBits)}`);
    for (let k = 0; k < b.a; k++)
      out.a.push(`${k === b.a - 1 ? 1 : 0} ${packBeat(s.aBeats[starts.a[i]! + k]!, d.aBits)}`);
    for (let k = 0; k < b.y; k++)
      out.y.push(`${k === b.y - 1 ? 1 : 0} ${packBeat(s.yBeats[starts.y[i]! + k]!, d.yBits).padStart(wd.y / 4, '0')}`);
    // Each parameter beat is a whole command's: TLAST on every one.
    for (let k = 0; k < b.p; k++)
      out.p.push(`1 ${packParamBeat(s.pBeats[starts.p[i]! + k]!, d.accBits, d.cols, d.out!.bits).toString(16)}`);
  });
  return out;
}

/** The program and the vector files of one AXI co-simulation. */
export function axiVectorTexts(c: ResolvedConfig, d: Derived, s: Schedule, abortAfter = 12): Record<string, string> {
  const p = new Program(regMap(c, d), s, beatsPerCommand(c, d, s));
  refusedCommands(p, c, d);
  registerChecks(p, d);
  abortedTile(p, abortAfter);
  scheduleRun(p);
  errorFlags(p);
  const beats = beatLines(p, d);
  const file = (lines: string[]) => `${lines.length}\n${lines.join('\n')}${lines.length ? '\n' : ''}`;
  return {
    'prog.hex': file(p.ops.map((o) => o.map((x) => x.toString(16)).join(' '))),
    'w.hex': file(beats.w),
    'a.hex': file(beats.a),
    'y.hex': file(beats.y),
    ...(d.out ? { 'par.hex': file(beats.p) } : {}),
  };
}

export function axiTestbenchFiles(c: ResolvedConfig) {
  const d = derive(c);
  const m = regMap(c, d);
  const wd = axisWidths(d);
  const header = (t: string) => headerFor(c, d, t);
  const tbPrefix = `${c.name}_axi`;
  const pad = (lanes: number, tdata: number, sig: string) => (tdata > lanes ? `{${tdata - lanes}'d0, ${sig}}` : sig);
  const view = {
    prefix: c.name,
    tbPrefix,
    wLanesBits: String(wd.wLanes),
    wLanesMsb: String(wd.wLanes - 1),
    aLanesBits: String(wd.aLanes),
    aLanesMsb: String(wd.aLanes - 1),
    yTdataMsb: String(wd.y - 1),
    wTdataExpr: pad(wd.wLanes, wd.w, 'w_lanes'),
    aTdataExpr: pad(wd.aLanes, wd.a, 'a_lanes'),
    outStage: d.out !== null,
    pLanesBits: String(Math.max(wd.pLanes, 1)),
    pLanesMsb: String(Math.max(wd.pLanes, 1) - 1),
    pTdataExpr: pad(wd.pLanes, wd.p, 'par_lanes'),
    ctrlAddr: reg(m, 'CTRL').offset.toString(16).padStart(2, '0'),
    startBit: String(reg(m, 'CTRL').fields.find((f) => f.name === 'START')!.lsb),
  };
  // The clock wrappers of the stream checker are reused with the checker named <name>_axi_tb_check.
  const wrap = { prefix: tbPrefix };
  return {
    check: {
      name: `${tbPrefix}_tb_check.v`,
      text: render('sim/templates/tb_axi_check.v.hbs', { ...view, header: header('sim/templates/tb_axi_check.v.hbs') }),
    },
    icarus: {
      name: `${tbPrefix}_tb_icarus.v`,
      text: render('sim/templates/tb_icarus.v.hbs', { ...wrap, header: header('sim/templates/tb_icarus.v.hbs') }),
    },
    verilatorMain: {
      name: `${tbPrefix}_main.cpp`,
      text: render('sim/templates/verilator_main.cpp.hbs', {
        ...wrap,
        modelClass: VERILATOR_CLASS,
        header: header('sim/templates/verilator_main.cpp.hbs'),
      }),
    },
    checkTop: `${tbPrefix}_tb_check`,
    icarusTop: `${tbPrefix}_tb_icarus`,
  };
}

export function parseAxiOutput(
  output: string,
): Omit<
  AxiCosimResult,
  'simulator' | 'toolVersion' | 'buildCacheHit' | 'output' | 'passed' | 'buildMs' | 'runMs' | 'commands' | 'macs'
> & { done: boolean } {
  const problems = output
    .split('\n')
    .filter((l) => /AXGEN_(CSR|YBEAT|TBERROR|TIMEOUT|STREAMS|EXTRA)/.test(l))
    .map((l) => l.trim());
  const dm = /AXGEN_DONE steps=(\d+) starts=(\d+) results=(\d+) dropped=(\d+) errors=(\d+) cycles=(\d+)/.exec(output);
  if (!dm) problems.push('the checker did not report AXGEN_DONE (the simulator crashed or stopped early)');
  const n = (i: number) => (dm ? Number(dm[i]) : 0);
  return {
    done: !!dm,
    steps: n(1),
    starts: n(2),
    results: n(3),
    dropped: n(4),
    errors: dm ? n(5) : -1,
    simCycles: n(6),
    problems,
  };
}

/**
 * Runs the AXI checker on `<name>_axi_top` (emitted, or `req.rtl`) in one simulator. Passes only
 * when the checker reports AXGEN_DONE after every program step with no error and no problem.
 * Throws when the config is not an AXI config or the RTL does not build.
 */
export async function axiCosim(c: ResolvedConfig, req: AxiCosimRequest): Promise<AxiCosimResult> {
  const d = derive(c);
  const s = req.scheduled?.all ?? schedule(c, d, req.A ?? [], req.W ?? []);
  if (!isAxi(c)) throw new Error(`config ${c.name} does not set interface: "axi"`);
  const rtl: EmittedFile[] = req.rtl ?? [...emitRtl(c), ...emitAxiRtl(c)];
  const tb = axiTestbenchFiles(c);
  const t0 = performance.now();
  const build = await buildSim(req.simulator, {
    rtl,
    tb,
    checkTop: tb.checkTop,
    icarusTop: tb.icarusTop,
    trace: req.wave !== undefined,
  });
  const buildMs = performance.now() - t0;
  const runDir = req.runDir ?? (await mkdtemp(join(tmpdir(), 'axgen-axi-')));
  try {
    const texts = axiVectorTexts(c, d, s, req.abortAfter);
    req.mutate?.(texts);
    for (const [name, text] of Object.entries(texts)) await writeFile(join(runDir, name), text);
    const { output, ms: runMs } = await runSim(build, runDir, {
      seed: req.seed ?? 1,
      stall: req.stall ?? 0,
      wave: req.wave !== undefined,
    });
    const p = parseAxiOutput(output);
    const steps = Number(texts['prog.hex']!.split('\n')[0]);
    if (p.done && p.steps !== steps) p.problems.push(`the checker ran ${p.steps} of ${steps} program steps`);
    if (req.wave !== undefined) await copyWave(runDir, req.wave, req.simulator, p.problems);
    const passed = p.done && p.errors === 0 && p.problems.length === 0;
    const { done: _done, ...rest } = p;
    const macs = s.commands.reduce((a, cmd) => a + cmd.macs, 0);
    return {
      simulator: req.simulator,
      toolVersion: build.tool.version,
      buildCacheHit: build.cacheHit,
      buildMs,
      runMs,
      commands: s.commands.length,
      macs,
      output,
      passed,
      ...rest,
    };
  } finally {
    if (!req.runDir) await rm(runDir, { recursive: true, force: true });
  }
}
