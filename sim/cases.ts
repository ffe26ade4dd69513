/**
 * What one co-simulation run feeds the array: a seeded random GEMM (tiled by the host schedule when
 * it is larger than the array) followed by directed tiles that reach the corners random data rarely
 * does: all zero, all maximum, all minimum, extreme mixed signs, alternating signs, and 50 % and 90 %
 * zeros (which drive the zero-skip counter), with the commands the hardware must refuse (M, K or N
 * of 0, and each one past its limit where the port can carry it) between them, so a refused command
 * that moved a beat would shift every later result. All cases run back to back in one simulation: their
 * schedules are concatenated into one set of vector files.
 */
import type { Derived } from '../generator/config/derive.js';
import type { ResolvedConfig } from '../generator/config/resolve.js';
import {
  commandLimits,
  emptySchedule,
  refusedSchedule,
  schedule,
  timeStream,
  type Schedule,
} from '../generator/model/schedule.js';
import { operandRange } from '../generator/units/common.js';
import type { StageParams } from '../generator/model/requant.js';
import { MULT_BITS, SHIFT_BITS } from '../generator/units/output-stage.js';
import { randomMatrix, rng } from './stimulus.js';

export interface GemmShape {
  m: number;
  k: number;
  n: number;
}

export interface GemmCase {
  /** e.g. `random 19x17x9`, `directed all-max`. */
  name: string;
  A: number[][];
  /** Weights as the user gives them (the unit's host mapping is applied by the schedule). */
  W: number[][];
  /** With an output stage: its parameters per output channel (random ones are drawn when absent). */
  stage?: StageParams;
  /** Instead of a GEMM: one command with these dimensions, which the hardware must refuse (A, W empty). */
  refuse?: GemmShape;
}

/** Parses `MxKxN` (e.g. `64x128x32`); returns null when malformed. */
export function parseGemm(text: string): GemmShape | null {
  const m = /^\s*(\d+)\s*[xX×]\s*(\d+)\s*[xX×]\s*(\d+)\s*$/.exec(text);
  if (!m) return null;
  const [a, b, c] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (![a, b, c].every((v) => Number.isSafeInteger(v) && v >= 1)) return null;
  return { m: a, k: b, n: c };
}

/** Largest M of one command (the schedule tiles larger M). */
export function commandM(c: ResolvedConfig): number {
  return c.dataflow === 'weight-stationary' ? c.array.accDepth : c.array.rows;
}

/**
 * The default random GEMM: larger than the array in every dimension it can tile (N past the
 * columns, K past the rows so weight-stationary folds, M past one output-stationary command), so
 * a default run exercises tiling and folding.
 */
export function defaultGemm(c: ResolvedConfig): GemmShape {
  const R = c.array.rows;
  const C = c.array.cols;
  return { m: 2 * R + 3, k: Math.min(c.array.maxK, 2 * R + 1), n: 2 * C + 1 };
}

/** One directed tile: a single command that fills the array (two folds deep when K allows). */
function directedShape(c: ResolvedConfig): GemmShape {
  const R = c.array.rows;
  return { m: Math.min(commandM(c), R + 2), k: Math.min(c.array.maxK, 2 * R), n: c.array.cols };
}

const fill = (rows: number, cols: number, f: (i: number, j: number) => number) =>
  Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => f(i, j)));

/** The directed tiles for a config, in a fixed order; random ones are drawn from `next`. */
export function directedCases(c: ResolvedConfig, d: Derived, next: () => number): GemmCase[] {
  const { m, k, n } = directedShape(c);
  const a = operandRange(d.ctx.activation);
  const w = operandRange(d.ctx.weight);
  // Alternating signs where the operand is signed; alternating extremes (max, min) otherwise.
  const alt = (r: { min: number; max: number }, odd: boolean) => (odd ? r.min : r.max);
  return [
    { name: 'directed all-zero', A: fill(m, k, () => 0), W: fill(k, n, () => 0) },
    { name: 'directed all-max', A: fill(m, k, () => a.max), W: fill(k, n, () => w.max) },
    { name: 'directed all-min', A: fill(m, k, () => a.min), W: fill(k, n, () => w.min) },
    { name: 'directed max×min', A: fill(m, k, () => a.max), W: fill(k, n, () => w.min) },
    {
      name: 'directed alternating-signs',
      A: fill(m, k, (i, j) => alt(a, (i + j) % 2 === 1)),
      W: fill(k, n, (i, j) => alt(w, (i + j) % 2 === 0)),
    },
    {
      name: 'directed zeros-50%',
      A: randomMatrix(m, k, d.ctx.activation, next, 0.5),
      W: randomMatrix(k, n, d.ctx.weight, next, 0.5),
    },
    {
      name: 'directed zeros-90%',
      A: randomMatrix(m, k, d.ctx.activation, next, 0.9),
      W: randomMatrix(k, n, d.ctx.weight, next, 0.9),
    },
  ];
}

/**
 * The commands the hardware must refuse (model/schedule.ts refusedCommand): M, K, N of 0 each, and
 * each dimension one past its limit when its command port can carry that value.
 */
export function refusedCases(c: ResolvedConfig, d: Derived): GemmCase[] {
  const l = commandLimits(c);
  const bits = { m: d.mBits, k: d.kBits, n: d.nBits };
  const shapes: [string, GemmShape][] = [
    ['M=0', { m: 0, k: 1, n: 1 }],
    ['K=0', { m: 1, k: 0, n: 1 }],
    ['N=0', { m: 1, k: 1, n: 0 }],
  ];
  for (const dim of ['m', 'k', 'n'] as const) {
    const over = l[dim] + 1;
    if (over < 2 ** bits[dim]) shapes.push([`${dim.toUpperCase()}=${over}`, { m: 1, k: 1, n: 1, [dim]: over }]);
  }
  return shapes.map(([name, refuse]) => ({ name: `refused ${name}`, A: [], W: [], refuse }));
}

/**
 * Seeded output-stage parameters for a K-deep GEMM with N output channels that keep most results
 * inside the output range (multiplier in [2^30, 2^31), shift around the typical sum's size, −1..+2),
 * with a bias, a zero point and ReLU drawn too.
 */
export function randomStage(d: Derived, K: number, N: number, next: () => number): StageParams {
  const out = d.out!;
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const a = operandRange(d.ctx.activation);
  const w = operandRange(d.ctx.weight);
  const pMax = Math.max(Math.abs(a.min), a.max) * Math.max(Math.abs(w.min), w.max);
  const typical = Math.max(1, (pMax * Math.sqrt(Math.max(K, 1))) / 2);
  const { min: accLo, max: accHi } = operandRange({ bits: d.accBits, signed: d.accSigned });
  const base = 31 + Math.round(Math.log2(typical)) - (out.bits - 1);
  const bLim = Math.min(Math.floor(typical / 2), 2 ** 40);
  const { min: outLo, max: outHi } = operandRange(out);
  return {
    bias: Array.from({ length: N }, () => Math.max(accLo, Math.min(accHi, int(d.accSigned ? -bLim : 0, bLim)))),
    scales: Array.from({ length: N }, () => ({
      multiplier: int(2 ** 30, 2 ** MULT_BITS - 1),
      shift: Math.max(0, Math.min(2 ** SHIFT_BITS - 1, base + int(-1, 2))),
    })),
    zeroPoint: int(outLo + ((outHi - outLo) >> 2), outHi - ((outHi - outLo) >> 2)),
    relu: next() < 0.5,
  };
}

/**
 * Directed output-stage corners on one array-sized tile each: rounding ties of both signs
 * (multiplier 1 or 3 over a shift of 1 or 2, odd biases), shift 0 (results saturate both ways),
 * the largest shift with the largest multiplier (every result is the zero point), ReLU at the
 * lowest and the highest zero point.
 */
export function stageCases(c: ResolvedConfig, d: Derived, next: () => number): GemmCase[] {
  const out = d.out!;
  const { m, k, n } = directedShape(c);
  const { min: outLo, max: outHi } = operandRange(out);
  const A = () => randomMatrix(m, k, d.ctx.activation, next);
  const W = () => randomMatrix(k, n, d.ctx.weight, next);
  // Operands of magnitude at most 1 (0..1 unsigned), so sums stay small enough for ties to show.
  const small = (rows: number, cs: number, signed: boolean) =>
    Array.from({ length: rows }, () =>
      Array.from({ length: cs }, () => Math.floor(next() * (signed ? 3 : 2)) - (signed ? 1 : 0)),
    );
  const As = () => small(m, k, d.ctx.activation.signed);
  const Ws = () => small(k, n, d.ctx.weight.signed);
  const cols = (f: (j: number) => { multiplier: number; shift: number }) => Array.from({ length: n }, (_, j) => f(j));
  const odd = Array.from({ length: n }, (_, j) => (d.accSigned ? (j % 2 ? -1 : 1) * (2 * j + 1) : 2 * j + 1));
  const st = (p: Partial<StageParams> & Pick<StageParams, 'scales'>): StageParams => ({
    bias: null,
    zeroPoint: 0,
    relu: false,
    ...p,
  });
  return [
    {
      name: 'stage ties',
      A: As(),
      W: Ws(),
      stage: st({
        bias: odd,
        scales: cols((j) => (j % 2 ? { multiplier: 3, shift: 2 } : { multiplier: 1, shift: 1 })),
      }),
    },
    {
      name: 'stage shift-0',
      A: As(),
      W: Ws(),
      // Biases at the output range's ends push some results past it, others stay inside.
      stage: st({
        bias: Array.from({ length: n }, (_, j) => [outHi, d.accSigned ? outLo : 0, 0][j % 3]!),
        scales: cols(() => ({ multiplier: 1, shift: 0 })),
      }),
    },
    {
      name: 'stage shift-max',
      A: A(),
      W: W(),
      stage: st({
        scales: cols(() => ({ multiplier: 2 ** MULT_BITS - 1, shift: 2 ** SHIFT_BITS - 1 })),
        zeroPoint: outHi,
      }),
    },
    {
      name: 'stage relu low zero point',
      A: A(),
      W: W(),
      stage: { ...randomStage(d, k, n, next), relu: true, zeroPoint: outLo },
    },
    {
      name: 'stage relu high zero point',
      A: A(),
      W: W(),
      stage: { ...randomStage(d, k, n, next), relu: true, zeroPoint: outHi },
    },
  ];
}

export interface CaseOptions {
  seed: number;
  gemm?: GemmShape;
  /** Leave out the directed tiles (benchmarks measure one GEMM). */
  directed?: boolean;
}

/** The random GEMM and the directed tiles of one run; the same seed gives the same cases. */
export function casesFor(c: ResolvedConfig, d: Derived, o: CaseOptions): GemmCase[] {
  const next = rng(o.seed);
  const g = o.gemm ?? defaultGemm(c);
  const random: GemmCase = {
    name: `random ${g.m}x${g.k}x${g.n}`,
    A: randomMatrix(g.m, g.k, d.ctx.activation, next),
    W: randomMatrix(g.k, g.n, d.ctx.weight, next),
  };
  if (d.out) random.stage = randomStage(d, g.k, g.n, next);
  if (o.directed === false) return [random];
  // Each refused command sits between two GEMMs: one that took a beat would shift later results.
  const directed = directedCases(c, d, next);
  const refused = refusedCases(c, d);
  const out: GemmCase[] = [random];
  directed.forEach((t, i) => out.push(...(i === 0 ? refused.slice(0, 3) : i === 1 ? refused.slice(3) : []), t));
  if (d.out) {
    for (const t of directed) t.stage = randomStage(d, t.W.length, t.W[0]?.length ?? 0, next);
    out.push(...stageCases(c, d, next));
  }
  return out;
}

/** Where a result lane comes from: the case, its command (tile) and the GEMM element. */
export interface LaneOrigin {
  caseIndex: number;
  caseName: string;
  /** Command index over the whole run, and within the case. */
  command: number;
  caseCommand: number;
  /** The tile's origin in the case's GEMM. */
  m0: number;
  n0: number;
  /** GEMM element (null for a padding lane, whose expected value is 0). */
  m: number | null;
  n: number | null;
}

export interface MultiSchedule {
  /** The concatenated schedule (its `Y` is empty: each case keeps its own). */
  all: Schedule;
  parts: { case: GemmCase; schedule: Schedule; Wm: number[][]; firstCommand: number; firstBeat: number }[];
}

/** Schedules every case and concatenates the streams, keeping the map back to each case. */
export function scheduleCases(c: ResolvedConfig, d: Derived, cases: GemmCase[]): MultiSchedule {
  const all: Schedule = emptySchedule();
  const parts: MultiSchedule['parts'] = [];
  for (const gc of cases) {
    if (gc.refuse) {
      const s = refusedSchedule(c, gc.refuse.m, gc.refuse.k, gc.refuse.n);
      parts.push({ case: gc, schedule: s, Wm: [], firstCommand: all.commands.length, firstBeat: all.yBeats.length });
      all.commands.push({ ...s.commands[0]! });
      continue;
    }
    if (gc.W.length > c.array.maxK)
      throw new RangeError(`${gc.name}: K=${gc.W.length} exceeds array.maxK=${c.array.maxK}`);
    const s = schedule(c, d, gc.A, gc.W, gc.stage);
    const Wm = gc.W.map((row) => row.map((x) => d.unit.mapWeight(x, c.multiplier, d.ctx)));
    parts.push({ case: gc, schedule: s, Wm, firstCommand: all.commands.length, firstBeat: all.yBeats.length });
    const off = all.commands.length;
    // Loops rather than push(...x): a large GEMM has more beats than the call stack has room for.
    for (const x of s.commands) all.commands.push({ ...x });
    for (const x of s.wBeats) all.wBeats.push(x);
    for (const x of s.aBeats) all.aBeats.push(x);
    for (const x of s.yBeats) all.yBeats.push(x);
    for (const x of s.pBeats) all.pBeats.push(x);
    for (const r of s.yRefs) all.yRefs.push({ cmd: r.cmd + off, lanes: r.lanes });
  }
  // The cases run back to back: the counters of the whole stream, commands overlapping.
  timeStream(c, d, all);
  return { all, parts };
}

/** The origin of result beat `beat`, lane `lane`, or null past the expected beats. */
export function laneOrigin(ms: MultiSchedule, beat: number, lane: number): LaneOrigin | null {
  const ref = ms.all.yRefs[beat];
  if (!ref) return null;
  let i = ms.parts.length - 1;
  while (i > 0 && ms.parts[i]!.firstCommand > ref.cmd) i--;
  const p = ms.parts[i]!;
  const caseCommand = ref.cmd - p.firstCommand;
  const cmd = p.schedule.commands[caseCommand]!;
  const el = ref.lanes[lane] ?? null;
  return {
    caseIndex: i,
    caseName: p.case.name,
    command: ref.cmd,
    caseCommand,
    m0: cmd.m0,
    n0: cmd.n0,
    m: el?.m ?? null,
    n: el?.n ?? null,
  };
}

/** `A[m][k]*W'[k][n]` terms of an element (W' the mapped weights), abbreviated past 16 terms. */
export function operandsOf(ms: MultiSchedule, o: LaneOrigin): string {
  if (o.m === null || o.n === null) return 'padding lane (expected 0; the zero point with an output stage)';
  const p = ms.parts[o.caseIndex]!;
  const K = p.Wm.length;
  const terms = Array.from({ length: Math.min(K, 16) }, (_, k) => `${p.case.A[o.m!]![k]}*${p.Wm[k]![o.n!]}`);
  const sum = terms.join(' + ') + (K > 16 ? ` + … (${K} terms)` : '');
  const st = p.schedule.stage;
  if (!st) return sum;
  const sc = st.scales[o.n]!;
  return (
    `${sum} = acc ${p.schedule.Y[o.m]![o.n]}; output stage: bias ${st.bias?.[o.n] ?? 0}, ` +
    `× ${sc.multiplier} / 2^${sc.shift}, zero point ${st.zeroPoint}, relu ${st.relu ? 'on' : 'off'}`
  );
}

export function totalMacs(ms: MultiSchedule): number {
  return ms.all.commands.reduce((s, cmd) => s + cmd.macs, 0);
}
