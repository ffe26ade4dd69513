/**
 * One `axgen sim` run: the cases of a config (seeded random GEMM plus directed tiles) on one or both
 * simulators, summarised as a JSON-safe report with a text rendering and the command that replays it.
 */
import { extname } from 'node:path';
import { derive, unitLabel } from '../generator/config/derive.js';
import type { ResolvedConfig } from '../generator/config/resolve.js';
import type { EmittedFile } from '../generator/emit/rtl.js';
import { topModule } from '../generator/emit/rtl.js';
import { axiTopModule, isAxi } from '../generator/axi/emit.js';
import { casesFor, defaultGemm, scheduleCases, type GemmShape } from './cases.js';
import { axiCosim, type AxiCosimResult } from './axi.js';
import { cosim, type CosimResult } from './cosim.js';
import { SimulatorCompileError, type SimulatorName } from './simulators.js';
import type { Activity } from '../generator/infra/progress.js';

export const SIMULATORS: readonly SimulatorName[] = ['icarus', 'verilator'];

export interface SimOptions {
  simulators: SimulatorName[];
  seed: number;
  gemm?: GemmShape;
  /** Probability 0..1 of an input gap / result stall per cycle. */
  stall: number;
  /** VCD file (one per simulator when both run: `<base>.<simulator>.vcd`). */
  wave?: string;
  /** RTL files to simulate instead of emitting them. */
  rtl?: EmittedFile[];
  /** How the replay command names the design: the config file, or `--rtl DIR`. */
  source: string;
  directed?: boolean;
  /** Progress of the slow steps (the golden model, each simulator's build and run). */
  progress?: Activity;
  /**
   * Simulate the stream core `<name>_top` even for an AXI config (the gate-level check of the core's
   * netlist, sim/gate.ts); by default an AXI config is simulated through its AXI top.
   */
  coreOnly?: boolean;
}

export interface JsonMismatch {
  case: string;
  command: number;
  caseCommand: number;
  tile: { m0: number; n0: number };
  row: number | null;
  column: number | null;
  lane: number;
  operands: string;
  expected: string;
  actual: string;
  cycle: number;
}

export interface RunReport {
  simulator: SimulatorName;
  toolVersion: string;
  passed: boolean;
  /** Commands of the schedule run and checked (every GEMM case, tiled). */
  commands: number;
  /** Result beats received and compared lane by lane (with TLAST on the AXI top). */
  resultBeats: number;
  errors: number;
  /** Checker clock cycles (the whole run, stalls and reset included). */
  simCycles: number;
  macs: number;
  mismatches: JsonMismatch[];
  counters: CosimResult['counters'];
  problems: string[];
  buildCacheHit: boolean;
  buildMs: number;
  runMs: number;
  wave?: string;
  /** AXI top only: CSR program steps (ID, illegal accesses, counters, error flags), START writes, beats dropped by the abort. */
  axi?: { csrSteps: number; starts: number; droppedBeats: number };
  /** Set when this simulator did not run to the end (its build or run threw); the message, one line. */
  error?: string;
  /** The whole message when it is longer than `error` (a compile error with the tool's own output). */
  errorDetail?: string;
}

export interface SimReport {
  config: { name: string; hash: string; unit: string; dataflow: string; rows: number; cols: number };
  /**
   * What was simulated: the module under test (`<name>_axi_top` driven through its AXI ports for
   * `interface: "axi"`, else `<name>_top` through its streams), the RTL (emitted, or `--rtl DIR`)
   * and the checker.
   */
  dut: { top: string; interface: 'stream' | 'axi'; rtl: string; checker: string };
  /** GEMMs run back to back: the random one and the directed tiles (`cases` less the refused commands). */
  gemms: number;
  /** Commands sent that the hardware must refuse (zero or over-limit dimensions, sim/cases.ts). */
  refused: number;
  seed: number;
  gemm: GemmShape;
  stall: number;
  cases: string[];
  /** Busy cycles of the run by the cycle model (tot_cycles_o; the AXI driver: commands one at a time). */
  modelCycles: number;
  passed: boolean;
  runs: RunReport[];
  replay: string;
}

/** Maximum mismatches kept per run in reports (the checker prints at most 50). */
export const KEEP_MISMATCHES = 50;

export { unitLabel };

export function stallCode(p: number): number {
  return Math.max(0, Math.min(255, Math.round(p * 256)));
}

export function waveFile(base: string, sim: SimulatorName, both: boolean): string {
  if (!both) return base;
  const ext = extname(base) || '.vcd';
  return `${base.slice(0, base.length - extname(base).length)}.${sim}${ext}`;
}

export function replayCommand(
  o: Pick<SimOptions, 'source' | 'simulators' | 'seed' | 'stall'> & { gemm: GemmShape },
): string {
  const sim = o.simulators.length === 2 ? 'both' : o.simulators[0];
  return `axgen sim ${o.source} --simulator ${sim} --gemm ${o.gemm.m}x${o.gemm.k}x${o.gemm.n} --seed ${o.seed} --stall ${o.stall}`;
}

/**
 * A run that threw (a build error, a missing tool) while the other simulator finished: `report`
 * holds every run, the failed one marked with `error`, so the other result is not lost. `cause`
 * is the original error (its kind decides the exit code).
 */
export class SimRunFailed extends Error {
  constructor(
    readonly report: SimReport,
    readonly cause: unknown,
    /** Every simulator's error, `cause` first (with both simulators failing, both). */
    readonly causes: readonly unknown[] = [cause],
  ) {
    super((cause as Error)?.message ?? String(cause));
    this.name = 'SimRunFailed';
  }
}

function streamRun(sim: SimulatorName, r: CosimResult, wave: string | undefined): RunReport {
  return {
    simulator: sim,
    toolVersion: r.toolVersion,
    passed: r.passed,
    commands: r.commands,
    resultBeats: r.results,
    errors: r.errors,
    simCycles: r.simCycles,
    macs: r.macs,
    mismatches: r.mismatches.slice(0, KEEP_MISMATCHES).map((m) => ({
      case: m.caseName,
      command: m.command,
      caseCommand: m.caseCommand,
      tile: { m0: m.m0, n0: m.n0 },
      row: m.m,
      column: m.n,
      lane: m.lane,
      operands: m.operands,
      expected: String(m.expected),
      actual: m.actual,
      cycle: m.cycle,
    })),
    counters: r.counters,
    problems: r.problems,
    buildCacheHit: r.buildCacheHit,
    buildMs: Math.round(r.buildMs),
    runMs: Math.round(r.runMs),
    ...(wave ? { wave } : {}),
  };
}

function axiRun(sim: SimulatorName, r: AxiCosimResult, wave: string | undefined): RunReport {
  return {
    simulator: sim,
    toolVersion: r.toolVersion,
    passed: r.passed,
    commands: r.commands,
    resultBeats: r.results,
    errors: r.errors,
    simCycles: r.simCycles,
    macs: r.macs,
    // The AXI checker reports wrong beats, CSR reads and counters as problems (AXGEN_YBEAT, AXGEN_CSR).
    mismatches: [],
    counters: [],
    problems: r.problems.slice(0, KEEP_MISMATCHES),
    buildCacheHit: r.buildCacheHit,
    buildMs: Math.round(r.buildMs),
    runMs: Math.round(r.runMs),
    ...(wave ? { wave } : {}),
    axi: { csrSteps: r.steps, starts: r.starts, droppedBeats: r.dropped },
  };
}

function failedRun(sim: SimulatorName, e: unknown): RunReport {
  // The whole message in `error` (a compile error's tool output included); one line for the
  // problem: the first, with the next when the first only introduces it ("…could not compile…:").
  const full = ((e as Error)?.message ?? String(e)).trim();
  const lines = full
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const message = lines[0]?.endsWith(':') && lines[1] !== undefined ? `${lines[0]} ${lines[1]}` : (lines[0] ?? '');
  return {
    simulator: sim,
    toolVersion: '',
    passed: false,
    commands: 0,
    resultBeats: 0,
    errors: -1,
    simCycles: 0,
    macs: 0,
    mismatches: [],
    counters: [],
    problems: [`${sim} did not finish: ${message}`],
    buildCacheHit: false,
    buildMs: 0,
    runMs: 0,
    error: message,
    ...(full !== message ? { errorDetail: full } : {}),
  };
}

/**
 * Co-simulates what the config generates: for `interface: "axi"` the AXI top through its AXI ports
 * (sim/axi.ts), else the stream top (sim/cosim.ts), on each requested simulator in parallel. A
 * simulator that throws does not discard the others: with one or more finished, or when each failed
 * to compile the user's own RTL (`rtl`), SimRunFailed carries the report and every error; otherwise
 * the first error is rethrown as it is.
 */
export async function simulate(c: ResolvedConfig, o: SimOptions): Promise<SimReport> {
  const d = derive(c);
  const gemm = o.gemm ?? defaultGemm(c);
  const golden = o.progress?.start(
    `golden model: expected results of the ${gemm.m}x${gemm.k}x${gemm.n} GEMM${o.directed === false ? '' : ' and the directed tiles'}`,
  );
  const cases = casesFor(c, d, { seed: o.seed, gemm, directed: o.directed });
  const scheduled = scheduleCases(c, d, cases);
  golden?.();
  const both = o.simulators.length > 1;
  const axi = isAxi(c) && !o.coreOnly;
  const settled = await Promise.allSettled(
    o.simulators.map(async (sim): Promise<RunReport> => {
      const wave = o.wave ? waveFile(o.wave, sim, both) : undefined;
      const common = { simulator: sim, scheduled, seed: o.seed, stall: stallCode(o.stall), rtl: o.rtl, wave };
      const end = o.progress?.start(`${sim}: build and simulate${axi ? ' (AXI top)' : ''}`);
      const run = axi ? axiRun(sim, await axiCosim(c, common), wave) : streamRun(sim, await cosim(c, common), wave);
      end?.(
        `${run.passed ? 'pass' : 'FAIL'}, build ${run.buildCacheHit ? 'cached' : `${(run.buildMs / 1000).toFixed(1)} s`}`,
      );
      return run;
    }),
  );
  const runs = settled.map((x, i) => (x.status === 'fulfilled' ? x.value : failedRun(o.simulators[i]!, x.reason)));
  // The stream top overlaps the commands (tot_cycles_o); the AXI driver starts one at a time.
  const modelCycles = axi ? scheduled.all.commands.reduce((s, cmd) => s + cmd.alone, 0) : scheduled.all.totalCycles;
  const report: SimReport = {
    config: {
      name: c.name,
      hash: c.hash,
      unit: unitLabel(c, d),
      dataflow: c.dataflow,
      rows: c.array.rows,
      cols: c.array.cols,
    },
    dut: axi
      ? {
          top: axiTopModule(c),
          interface: 'axi',
          rtl: o.rtl ? `RTL of ${o.source}` : 'emitted',
          checker: `${c.name}_axi_tb_check (AXI4-Lite CSR program, AXI4-Stream beats with TLAST)`,
        }
      : {
          top: topModule(c),
          interface: 'stream',
          rtl: o.rtl ? `RTL of ${o.source}` : 'emitted',
          checker: `${c.name}_tb_check (stream beats, per-command counters)`,
        },
    gemms: cases.filter((x) => !x.refuse).length,
    refused: cases.filter((x) => x.refuse).length,
    seed: o.seed,
    gemm,
    stall: o.stall,
    cases: cases.map((x) => x.name),
    modelCycles,
    passed: runs.every((r) => r.passed),
    runs,
    replay: replayCommand({ ...o, gemm }),
  };
  const rejected = settled.filter((x): x is PromiseRejectedResult => x.status === 'rejected').map((x) => x.reason);
  if (rejected.length > 0) {
    // None finished: the error as it is, unless each is the user's RTL failing to compile (a
    // result of the check, exit 4), which is reported per simulator like a finished run.
    const userRtl = rejected.every((e) => e instanceof SimulatorCompileError && e.userRtl);
    if (rejected.length === settled.length && !userRtl) throw rejected[0];
    throw new SimRunFailed(report, rejected[0], rejected);
  }
  return report;
}

/** What a run sent, e.g. `GEMM 11x9x9 + 7 directed tiles + 6 refused commands` (the random GEMM first). */
export function describeCases(r: Pick<SimReport, 'gemm' | 'gemms' | 'refused'>): string {
  const refused = r.refused > 0 ? ` + ${r.refused} refused commands` : '';
  return `GEMM ${r.gemm.m}x${r.gemm.k}x${r.gemm.n} + ${r.gemms - 1} directed tiles${refused}`;
}

/** Human-readable report: one line per simulator, then the first mismatches and the replay command. */
export function formatReport(r: SimReport, maxShown = 10): string {
  const lines: string[] = [];
  const cfg = `${r.config.name} (${r.config.rows}x${r.config.cols} ${r.config.dataflow}, ${r.config.unit}, sha256:${r.config.hash.slice(0, 12)})`;
  lines.push(`${r.passed ? '✔' : '✖'} ${cfg}: seed ${r.seed}, ${describeCases(r)}, stall ${r.stall}`);
  const sims = r.runs.map((x) => x.simulator).join(' and ');
  const through = r.dut.interface === 'axi' ? 'through its AXI4-Lite and AXI4-Stream ports' : 'through its streams';
  lines.push(
    `  ${r.runs.some((x) => x.error === undefined) ? 'simulated' : 'did not simulate'} ${r.dut.top} (${r.dut.rtl === 'emitted' ? 'emitted RTL' : r.dut.rtl}) ${through} in ${sims}: ${r.gemms} GEMMs`,
  );
  for (const run of r.runs) {
    const verdict = run.passed ? 'pass' : 'FAIL';
    if (run.error !== undefined) {
      lines.push(`  ${run.simulator.padEnd(9)} ${verdict}  did not finish: ${run.error}`);
      continue;
    }
    const checked = run.axi
      ? `${run.axi.csrSteps} CSR steps (ID registers, illegal and read-only accesses, counters, error flags), ${run.axi.starts} STARTs incl. an aborted tile`
      : `${r.modelCycles} model cycles (counters ${run.counters.length === 0 && run.passed ? 'equal' : 'checked'})`;
    lines.push(
      `  ${run.simulator.padEnd(9)} ${verdict}  ${run.commands} commands, ${run.resultBeats} result beats, ${run.macs} MACs, ${checked}, ` +
        `build ${run.buildCacheHit ? 'cached' : `${(run.buildMs / 1000).toFixed(1)} s`}, run ${(run.runMs / 1000).toFixed(2)} s  [${run.toolVersion}]`,
    );
    if (run.wave) lines.push(`    wave: ${run.wave}`);
    for (const p of run.problems) lines.push(`    problem: ${p}`);
    for (const m of run.mismatches.slice(0, maxShown)) {
      const where = m.row === null ? `lane ${m.lane} (padding)` : `row ${m.row}, column ${m.column}`;
      lines.push(
        `    mismatch: ${m.case}, command ${m.caseCommand} (tile at m0=${m.tile.m0}, n0=${m.tile.n0}), ${where}: ` +
          `expected ${m.expected}, actual ${m.actual}, cycle ${m.cycle}`,
      );
      lines.push(`      operands: ${m.operands}`);
    }
    // The total whenever some were not shown: left out of the report, or beyond maxShown.
    const shown = Math.min(maxShown, run.mismatches.length);
    if (run.errors > shown + Math.min(maxShown, run.counters.length) && run.mismatches.length > 0) {
      lines.push(`    … ${run.errors} errors in all (the first ${shown} mismatches shown)`);
    }
    for (const k of run.counters.slice(0, maxShown)) {
      lines.push(
        `    counter ${k.name}: command ${k.command} expected ${k.expected}, actual ${k.actual}, cycle ${k.cycle}`,
      );
    }
  }
  lines.push(`  replay: ${r.replay}`);
  return lines.join('\n') + '\n';
}
