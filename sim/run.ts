/**
 * One `axgen sim` run: the cases of a config (seeded random GEMM plus directed tiles) on one or both
 * simulators, summarised as a JSON-safe report with a text rendering and the command that replays it.
 */
import { extname } from 'node:path';
import { derive, unitLabel } from '../generator/config/derive.js';
import type { ResolvedConfig } from '../generator/config/resolve.js';
import type { EmittedFile } from '../generator/emit/rtl.js';
import { casesFor, defaultGemm, scheduleCases, type GemmShape } from './cases.js';
import { cosim, type CosimResult } from './cosim.js';
import type { SimulatorName } from './simulators.js';

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
  commands: number;
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
}

export interface SimReport {
  config: { name: string; hash: string; unit: string; dataflow: string; rows: number; cols: number };
  seed: number;
  gemm: GemmShape;
  stall: number;
  cases: string[];
  /** Advancing cycles of every command by the cycle model (what the RTL counters must read). */
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

export function replayCommand(o: Pick<SimOptions, 'source' | 'simulators' | 'seed' | 'stall'> & { gemm: GemmShape }): string {
  const sim = o.simulators.length === 2 ? 'both' : o.simulators[0];
  return `npx axgen sim ${o.source} --simulator ${sim} --gemm ${o.gemm.m}x${o.gemm.k}x${o.gemm.n} --seed ${o.seed} --stall ${o.stall}`;
}

export async function simulate(c: ResolvedConfig, o: SimOptions): Promise<SimReport> {
  const d = derive(c);
  const gemm = o.gemm ?? defaultGemm(c);
  const cases = casesFor(c, d, { seed: o.seed, gemm, directed: o.directed });
  const scheduled = scheduleCases(c, d, cases);
  const both = o.simulators.length > 1;
  const runs = await Promise.all(
    o.simulators.map(async (sim): Promise<RunReport> => {
      const wave = o.wave ? waveFile(o.wave, sim, both) : undefined;
      const r = await cosim(c, { simulator: sim, scheduled, seed: o.seed, stall: stallCode(o.stall), rtl: o.rtl, wave });
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
    }),
  );
  const modelCycles = scheduled.all.commands.reduce((s, cmd) => s + cmd.cycles, 0);
  return {
    config: { name: c.name, hash: c.hash, unit: unitLabel(c, d), dataflow: c.dataflow, rows: c.array.rows, cols: c.array.cols },
    seed: o.seed,
    gemm,
    stall: o.stall,
    cases: cases.map((x) => x.name),
    modelCycles,
    passed: runs.every((r) => r.passed),
    runs,
    replay: replayCommand({ ...o, gemm }),
  };
}

/** Human-readable report: one line per simulator, then the first mismatches and the replay command. */
export function formatReport(r: SimReport, maxShown = 10): string {
  const lines: string[] = [];
  const cfg = `${r.config.name} (${r.config.rows}x${r.config.cols} ${r.config.dataflow}, ${r.config.unit}, sha256:${r.config.hash.slice(0, 12)})`;
  lines.push(`${r.passed ? '✔' : '✖'} ${cfg}: seed ${r.seed}, GEMM ${r.gemm.m}x${r.gemm.k}x${r.gemm.n} + ${r.cases.length - 1} directed tiles, stall ${r.stall}`);
  for (const run of r.runs) {
    const verdict = run.passed ? 'pass' : 'FAIL';
    lines.push(
      `  ${run.simulator.padEnd(9)} ${verdict}  ${run.commands} commands, ${run.resultBeats} result beats, ${run.macs} MACs, ` +
        `${r.modelCycles} model cycles (counters ${run.counters.length === 0 && run.passed ? 'equal' : 'checked'}), ` +
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
    if (run.errors > run.mismatches.length + run.counters.length && run.mismatches.length > 0) {
      lines.push(`    … ${run.errors} errors in all (the first ${Math.min(maxShown, run.mismatches.length)} shown)`);
    }
    for (const k of run.counters.slice(0, maxShown)) {
      lines.push(`    counter ${k.name}: command ${k.command} expected ${k.expected}, actual ${k.actual}, cycle ${k.cycle}`);
    }
  }
  lines.push(`  replay: ${r.replay}`);
  return lines.join('\n') + '\n';
}
