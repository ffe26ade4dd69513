/**
 * Co-simulation of one config: emit the RTL, build the checker for a simulator (cached), write the
 * golden model's stimulus and expected results, run, and map every reported mismatch back to the
 * GEMM element and its operands.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { derive } from '../generator/config/derive.js';
import type { ResolvedConfig } from '../generator/config/resolve.js';
import { emitRtl } from '../generator/emit/rtl.js';
import { schedule, type Schedule } from '../generator/model/schedule.js';
import { buildSim, runSim, type SimulatorName } from './simulators.js';
import { testbenchFiles } from './testbench.js';
import { writeVectors } from './vectors.js';
import type { EmittedFile } from '../generator/emit/rtl.js';

export interface Mismatch {
  command: number;
  beat: number;
  lane: number;
  /** GEMM element (null for a padding lane, whose expected value is 0). */
  m: number | null;
  n: number | null;
  expected: bigint;
  actual: string;
  cycle: number;
  /** The operands that feed the element: A[m][k] and (mapped) W[k][n] for every k. */
  operands: string;
}

export interface CounterMismatch {
  command: number;
  name: string;
  expected: string;
  actual: string;
  cycle: number;
}

export interface CosimResult {
  simulator: SimulatorName;
  toolVersion: string;
  passed: boolean;
  commands: number;
  results: number;
  errors: number;
  simCycles: number;
  mismatches: Mismatch[];
  counters: CounterMismatch[];
  /** Checker or harness problems (bad vector file, time-out, unconsumed beats). */
  problems: string[];
  buildCacheHit: boolean;
  output: string;
}

export interface CosimRequest {
  simulator: SimulatorName;
  A: number[][];
  /** Weights as the user gives them; the unit's host mapping is applied by the schedule. */
  W: number[][];
  seed?: number;
  stall?: number;
  /** Use these RTL files instead of emitting them (`axgen sim --rtl`, fault injection). */
  rtl?: EmittedFile[];
  /** Keep the run folder (vectors, wave.vcd) here instead of a temporary one. */
  runDir?: string;
  wave?: boolean;
}

function fromHex(hex: string, bits: number, signed: boolean): bigint {
  if (!/^[0-9a-fA-F]+$/.test(hex)) return 0n;
  let v = BigInt(`0x${hex}`);
  if (signed && v >= 1n << BigInt(bits - 1)) v -= 1n << BigInt(bits);
  return v;
}

export function parseOutput(output: string, s: Schedule, c: ResolvedConfig, Wm: number[][], A: number[][]): Omit<CosimResult, 'simulator' | 'toolVersion' | 'buildCacheHit' | 'output'> {
  const d = derive(c);
  const mismatches: Mismatch[] = [];
  const counters: CounterMismatch[] = [];
  const problems: string[] = [];
  let done: RegExpExecArray | null = null;
  for (const line of output.split('\n')) {
    const mm = /AXGEN_MISMATCH beat=(\d+) lane=(\d+) expected=(\w+) actual=(\w+) cycle=(\d+)/.exec(line);
    if (mm) {
      const beat = Number(mm[1]);
      const lane = Number(mm[2]);
      const ref = s.yRefs[beat];
      const el = ref?.lanes[lane] ?? null;
      const ops = el
        ? Array.from({ length: Wm.length }, (_, k) => `${A[el.m]![k]}*${Wm[k]![el.n]}`).slice(0, 16).join(' + ') + (Wm.length > 16 ? ' + ...' : '')
        : 'padding lane';
      mismatches.push({
        command: ref?.cmd ?? -1,
        beat,
        lane,
        m: el?.m ?? null,
        n: el?.n ?? null,
        expected: fromHex(mm[3]!, d.accBits, d.accSigned),
        actual: /^[0-9a-fA-F]+$/.test(mm[4]!) ? String(fromHex(mm[4]!, d.accBits, d.accSigned)) : mm[4]!,
        cycle: Number(mm[5]),
        operands: ops,
      });
      continue;
    }
    const cm = /AXGEN_COUNTER name=(\w+) cmd=(\d+) expected=(\w+) actual=(\w+) cycle=(\d+)/.exec(line);
    if (cm) {
      counters.push({ name: cm[1]!, command: Number(cm[2]), expected: cm[3]!, actual: cm[4]!, cycle: Number(cm[5]) });
      continue;
    }
    if (/AXGEN_(TBERROR|TIMEOUT|STREAMS|EXTRA)/.test(line)) problems.push(line.trim());
    const dm = /AXGEN_DONE commands=(\d+) results=(\d+) errors=(\d+) cycles=(\d+)/.exec(line);
    if (dm) done = dm;
  }
  if (!done) problems.push('the checker did not report AXGEN_DONE (the simulator crashed or stopped early)');
  const errors = done ? Number(done[3]) : -1;
  const commands = done ? Number(done[1]) : 0;
  const results = done ? Number(done[2]) : 0;
  const passed =
    done !== null && errors === 0 && mismatches.length === 0 && counters.length === 0 && problems.length === 0 && commands === s.commands.length && results === s.yBeats.length;
  return { passed, commands, results, errors, simCycles: done ? Number(done[4]) : 0, mismatches, counters, problems };
}

export async function cosim(c: ResolvedConfig, req: CosimRequest): Promise<CosimResult> {
  const d = derive(c);
  const s = schedule(c, d, req.A, req.W);
  const rtl = req.rtl ?? emitRtl(c);
  const tb = testbenchFiles(c);
  const build = await buildSim(req.simulator, {
    rtl,
    tb: { check: tb.check, icarus: tb.icarus, verilatorMain: tb.verilatorMain },
    checkTop: `${c.name}_tb_check`,
    icarusTop: `${c.name}_tb_icarus`,
    trace: req.wave,
  });
  const runDir = req.runDir ?? (await mkdtemp(join(tmpdir(), 'axgen-run-')));
  try {
    await writeVectors(runDir, d, s);
    const output = await runSim(build, runDir, { seed: req.seed ?? 1, stall: req.stall ?? 0, wave: req.wave });
    const Wm = req.W.map((row) => row.map((w) => d.unit.mapWeight(w, c.multiplier, d.ctx)));
    const parsed = parseOutput(output, s, c, Wm, req.A);
    return { simulator: req.simulator, toolVersion: build.tool.version, buildCacheHit: build.cacheHit, output, ...parsed };
  } finally {
    if (!req.runDir) await rm(runDir, { recursive: true, force: true });
  }
}
