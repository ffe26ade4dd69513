/**
 * Co-simulation of one config: emit the RTL (or take given files), build the checker for a simulator
 * (cached by content hash), write the golden model's stimulus and expected results for every case,
 * run, and map every reported mismatch back to the case, tile, GEMM element and its operands.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { derive } from '../generator/config/derive.js';
import type { ResolvedConfig } from '../generator/config/resolve.js';
import { emitRtl, type EmittedFile } from '../generator/emit/rtl.js';
import { writeMarkedVcd } from '../generator/infra/files.js';
import type { Schedule } from '../generator/model/schedule.js';
import { laneOrigin, operandsOf, scheduleCases, totalMacs, type GemmCase, type MultiSchedule } from './cases.js';
import { buildSim, runSim, type SimulatorName } from './simulators.js';
import { testbenchFiles } from './testbench.js';
import { vectorTexts } from './vectors.js';

export interface Mismatch {
  /** Command (tile) index over the whole run. */
  command: number;
  beat: number;
  lane: number;
  /** The case the element belongs to, and the command's index within it. */
  caseName: string;
  caseCommand: number;
  /** Origin of the tile in the case's GEMM. */
  m0: number;
  n0: number;
  /** GEMM element (null for a padding lane, whose expected value is 0). */
  m: number | null;
  n: number | null;
  expected: bigint;
  /** Decimal, or the simulator's hex with x/z digits. */
  actual: string;
  cycle: number;
  /**
   * The operands that feed the element: A[m][k]*W'[k][n] for every k (W' mapped weights), and with
   * an output stage the accumulator and the lane's stage parameters.
   */
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
  /** Real MACs of every command (what the run computed). */
  macs: number;
  mismatches: Mismatch[];
  counters: CounterMismatch[];
  /** Checker or harness problems (bad vector file, time-out, unconsumed beats). */
  problems: string[];
  buildCacheHit: boolean;
  /** Wall time of the build step (a cache hit is near 0) and of the simulator run, in ms. */
  buildMs: number;
  runMs: number;
  output: string;
  /**
   * With `collect`: every result beat the checker received, lane by lane (lane 0 first), decoded in
   * the result lane's format (the accumulator's, or the output stage's); null for a lane with X/Z bits. Absent without `collect`.
   */
  received?: (bigint | null)[][];
}

export interface CosimRequest {
  simulator: SimulatorName;
  /** One GEMM... */
  A?: number[][];
  /** ...with weights as the user gives them (the unit's host mapping is applied by the schedule). */
  W?: number[][];
  /** ...or several cases run back to back in one simulation (see sim/cases.ts). */
  cases?: GemmCase[];
  /** The cases already scheduled (scheduleCases), when several runs share them. */
  scheduled?: MultiSchedule;
  seed?: number;
  /** 0..255: chance in 256 per cycle of an input gap and of a result stall. */
  stall?: number;
  /** Use these RTL files instead of emitting them (`axgen sim --rtl`, fault injection). */
  rtl?: EmittedFile[];
  /** Keep the run folder (vectors, wave.vcd) here instead of a temporary one. */
  runDir?: string;
  /** Write a VCD (Verilator then builds with --trace) and copy it to this file. */
  wave?: string;
  /** Idle cycles after which the checker gives up. */
  watchdog?: number;
  /** Return the result beats the RTL produced (`received`), read from the checker's +ydump file. */
  collect?: boolean;
  /** Test hook: rewrite the vector files before the run (corrupted / short file tests). */
  tamper?: (files: Record<string, string>) => Record<string, string>;
}

function fromHex(hex: string, bits: number, signed: boolean): bigint {
  if (!/^[0-9a-fA-F]+$/.test(hex)) return 0n;
  let v = BigInt(`0x${hex}`);
  if (signed && v >= 1n << BigInt(bits - 1)) v -= 1n << BigInt(bits);
  return v;
}

type Parsed = Omit<
  CosimResult,
  'simulator' | 'toolVersion' | 'buildCacheHit' | 'output' | 'buildMs' | 'runMs' | 'macs'
>;

/** Reads the checker's report lines; passes only with AXGEN_DONE, no error, and every beat exchanged. */
export function parseRun(output: string, ms: MultiSchedule, c: ResolvedConfig): Parsed {
  const d = derive(c);
  const s = ms.all;
  const mismatches: Mismatch[] = [];
  const counters: CounterMismatch[] = [];
  const problems: string[] = [];
  let done: RegExpExecArray | null = null;
  for (const line of output.split('\n')) {
    const mm = /AXGEN_MISMATCH beat=(\d+) lane=(\d+) expected=(\w+) actual=(\w+) cycle=(\d+)/.exec(line);
    if (mm) {
      const beat = Number(mm[1]);
      const lane = Number(mm[2]);
      const o = laneOrigin(ms, beat, lane);
      mismatches.push({
        command: o?.command ?? -1,
        beat,
        lane,
        caseName: o?.caseName ?? '(beyond the expected results)',
        caseCommand: o?.caseCommand ?? -1,
        m0: o?.m0 ?? -1,
        n0: o?.n0 ?? -1,
        m: o?.m ?? null,
        n: o?.n ?? null,
        expected: fromHex(mm[3]!, d.yBits, d.ySigned),
        actual: /^[0-9a-fA-F]+$/.test(mm[4]!) ? String(fromHex(mm[4]!, d.yBits, d.ySigned)) : mm[4]!,
        cycle: Number(mm[5]),
        operands: o ? operandsOf(ms, o) : '',
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
  if (done && commands !== s.commands.length)
    problems.push(`the checker finished ${commands} of ${s.commands.length} commands`);
  if (done && results !== s.yBeats.length)
    problems.push(`the checker received ${results} of ${s.yBeats.length} result beats`);
  const passed =
    done !== null && errors === 0 && mismatches.length === 0 && counters.length === 0 && problems.length === 0;
  return { passed, commands, results, errors, simCycles: done ? Number(done[4]) : 0, mismatches, counters, problems };
}

/** The single-GEMM form of parseRun (kept for callers that hold one schedule). */
export function parseOutput(output: string, s: Schedule, c: ResolvedConfig, Wm: number[][], A: number[][]): Parsed {
  const ms: MultiSchedule = {
    all: s,
    parts: [{ case: { name: 'gemm', A, W: Wm }, schedule: s, Wm, firstCommand: 0, firstBeat: 0 }],
  };
  return parseRun(output, ms, c);
}

/** The result beats of a +ydump run (y_out.hex: one hex word per beat), split into lanes. */
async function readReceived(
  runDir: string,
  d: ReturnType<typeof derive>,
  problems: string[],
): Promise<(bigint | null)[][]> {
  let text: string;
  try {
    text = await readFile(join(runDir, 'y_out.hex'), 'utf8');
  } catch {
    problems.push('the checker wrote no y_out.hex (+ydump)');
    return [];
  }
  const mask = (1n << BigInt(d.yBits)) - 1n;
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const hex = l.trim();
      const word = /^[0-9a-fA-F]+$/.test(hex) ? BigInt(`0x${hex}`) : null;
      // A beat with X or Z bits anywhere counts as unknown in every lane (the checker reports which).
      return Array.from({ length: d.cols }, (_, lane) => {
        if (word === null) return null;
        let v = (word >> BigInt(lane * d.yBits)) & mask;
        if (d.ySigned && v >> BigInt(d.yBits - 1) === 1n) v -= 1n << BigInt(d.yBits);
        return v;
      });
    });
}

/** Copies a run's wave.vcd to `to` under axgen's mark (writeMarkedVcd); when the simulator wrote none, adds a problem and returns false. */
export async function copyWave(
  runDir: string,
  to: string,
  simulator: SimulatorName,
  problems: string[],
): Promise<boolean> {
  if (!existsSync(join(runDir, 'wave.vcd'))) {
    problems.push(`${simulator} wrote no wave.vcd`);
    return false;
  }
  await writeMarkedVcd(join(runDir, 'wave.vcd'), to);
  return true;
}

export async function cosim(c: ResolvedConfig, req: CosimRequest): Promise<CosimResult> {
  const d = derive(c);
  const ms = req.scheduled ?? scheduleCases(c, d, req.cases ?? [{ name: 'gemm', A: req.A ?? [], W: req.W ?? [] }]);
  const rtl = req.rtl ?? emitRtl(c);
  const tb = testbenchFiles(c);
  const t0 = performance.now();
  const build = await buildSim(req.simulator, {
    rtl,
    tb: { check: tb.check, icarus: tb.icarus, verilatorMain: tb.verilatorMain },
    checkTop: `${c.name}_tb_check`,
    icarusTop: `${c.name}_tb_icarus`,
    trace: req.wave !== undefined,
  });
  const buildMs = performance.now() - t0;
  const runDir = req.runDir ?? (await mkdtemp(join(tmpdir(), 'axgen-run-')));
  try {
    let files = vectorTexts(d, ms.all);
    if (req.tamper) files = req.tamper(files);
    for (const [name, text] of Object.entries(files)) await writeFile(join(runDir, name), text);
    const { output, ms: runMs } = await runSim(build, runDir, {
      seed: req.seed ?? 1,
      stall: req.stall ?? 0,
      wave: req.wave !== undefined,
      watchdog: req.watchdog,
      plusargs: req.collect ? ['+ydump'] : [],
    });
    const parsed = parseRun(output, ms, c);
    if (req.wave !== undefined && !(await copyWave(runDir, req.wave, req.simulator, parsed.problems)))
      parsed.passed = false;
    const received = req.collect ? await readReceived(runDir, d, parsed.problems) : undefined;
    if (received && received.length !== ms.all.yBeats.length) parsed.passed = false;
    return {
      simulator: req.simulator,
      toolVersion: build.tool.version,
      buildCacheHit: build.cacheHit,
      buildMs,
      runMs,
      macs: totalMacs(ms),
      output,
      ...parsed,
      ...(received ? { received } : {}),
    };
  } finally {
    if (!req.runDir) await rm(runDir, { recursive: true, force: true });
  }
}
