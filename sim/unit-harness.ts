/**
 * Batched standalone-unit checker: many unit variants (different configs, hence different module
 * prefixes) instantiated side by side behind ONE delay-free checker, so one simulator build checks
 * them all against their golden models.
 *
 * API (stable; used by every unit's exhaustive tests):
 *
 *   checkUnits(configs: ResolvedConfig[], simulator: 'icarus' | 'verilator', opts?: UnitCheckOptions)
 *     → Promise<UnitCheckResult>
 *
 *   - Each config contributes `<name>_unit` (generator/emit/unit.ts: act_pre → wgt_pre → mul);
 *     config names must be distinct and must not be `unit_harness`. Only `precision` and
 *     `multiplier` matter; `unitVariant()` below builds such a config from those two alone.
 *   - Inputs: all 2^(n_a+n_w) pairs when n_a + n_w ≤ 20 (65,536 at 8×8), otherwise directed corners
 *     (0, ±1, extremes, ±powers of two and neighbours) crossed, plus `opts.samples` (default 20,000)
 *     seeded random pairs (`opts.seed`, default 1) — see generator/metrics/inputs.ts.
 *   - The weight driven into the hardware is `unit.mapWeight(w)` (the host mapping, as in the array)
 *     unless `opts.mapWeights === false`, in which case raw weights reach the RTL. The expected
 *     product is always `unit.multiply(a, <the weight driven>)`.
 *   - `opts.rtl` replaces a variant's emitted files (keyed by config name), for fault injection.
 *   - The build is cached by content (RTL + checker + tool version + flags) through sim/simulators.ts;
 *     Verilator builds with `--cc --exe --build` and a C++ clock (no --timing), ccache as OBJCACHE.
 *   - Result: `passed` only when every variant consumed all its vectors with no mismatch and the
 *     checker finished; each mismatch names the variant, operands (as integers), expected, actual.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { derive } from '../generator/config/derive.js';
import { resolveConfig, type ResolvedConfig } from '../generator/config/resolve.js';
import { render } from '../generator/emit/handlebars.js';
import type { EmittedFile } from '../generator/emit/rtl.js';
import { emitUnit, standaloneUnitRtl, unitTopModule } from '../generator/emit/unit.js';
import { pairSet } from '../generator/metrics/inputs.js';
import { fromBits, toBits } from '../generator/units/common.js';
import { extendExpr } from '../generator/units/verilog.js';
import { samplesOf, units } from '../generator/units/index.js';
import type { View } from '../generator/units/types.js';
import { GENERATOR_VERSION } from '../generator/version.js';
import { buildSim, runSim, VERILATOR_CLASS, type SimulatorName } from './simulators.js';

export const HARNESS_PREFIX = 'unit_harness';

export interface UnitCheckOptions {
  seed?: number;
  /** Random pairs per variant when not exhaustive (default 20,000). */
  samples?: number;
  /** Drive unit.mapWeight(w) (default) or the raw weight. */
  mapWeights?: boolean;
  /** Replacement RTL for a variant, keyed by config name (fault injection). */
  rtl?: Record<string, EmittedFile[]>;
}

export interface UnitMismatch {
  a: number;
  w: number;
  expected: number;
  actual: string;
}

export interface UnitVariantResult {
  name: string;
  unit: string;
  exhaustive: boolean;
  seed: number | null;
  /** The unit outputs a split product (px_o, pc_o), and each vector also held sext(px_o) + pc_o to p_o. */
  split: boolean;
  /** Vectors written for the variant. */
  vectors: number;
  /** Vectors the checker reports it compared (-1 when it never reported). */
  checked: number;
  errors: number;
  mismatches: UnitMismatch[];
}

export interface UnitCheckResult {
  simulator: SimulatorName;
  toolVersion: string;
  passed: boolean;
  buildCacheHit: boolean;
  variants: UnitVariantResult[];
  /** Checker problems (malformed file, crash, missing summary). */
  problems: string[];
  output: string;
}

/** A config that only carries what the standalone unit needs (a 1×1 array around it). */
export function unitVariant(
  name: string,
  activation: { bits: number; signed: boolean },
  weight: { bits: number; signed: boolean },
  multiplier: Record<string, unknown>,
): ResolvedConfig {
  return resolveConfig(
    {
      name,
      array: { rows: 1, cols: 1, maxK: 1, accDepth: 1 },
      precision: { activation, weight, accumulator: { overflow: 'saturate' } },
      multiplier,
    },
    `unit variant ${name}`,
  );
}

/**
 * The standalone variants of every registered unit: each unit's declared `samples.exhaustive`
 * (types.ts UnitSamples; default its regress sets at 8×8 unsigned and signed), named
 * `ex_<kind>_<i>`. What test/units/exhaustive.test.ts checks in one build per simulator.
 */
export function registryVariants(): ResolvedConfig[] {
  const out: ResolvedConfig[] = [];
  for (const u of units)
    samplesOf(u).exhaustive.forEach((v, i) =>
      out.push(
        unitVariant(`ex_${u.kind.replace(/[^a-z0-9]/g, '_')}_${i}`, v.activation, v.weight, {
          kind: u.kind,
          ...v.params,
        }),
      ),
    );
  return out;
}

interface Prepared {
  c: ResolvedConfig;
  file: string;
  text: string;
  vectors: number;
  exhaustive: boolean;
  seed: number | null;
  aBits: number;
  wBits: number;
  pBits: number;
  aSigned: boolean;
  wSigned: boolean;
  pSigned: boolean;
  /** Width of px_o when the unit outputs its product in split form (units/types.ts SplitProduct), else null. */
  pxBits: number | null;
}

/** Vector files of recent variants, so checking the same variants in both simulators computes them once. */
const preparedMemo = new Map<string, Prepared>();

function prepare(c: ResolvedConfig, i: number, opts: UnitCheckOptions): Prepared {
  const key = JSON.stringify([c.hash, i, opts.seed ?? 1, opts.samples ?? 20_000, opts.mapWeights !== false]);
  const hit = preparedMemo.get(key);
  if (hit) return hit;
  const p = prepareNow(c, i, opts);
  if (preparedMemo.size > 64) preparedMemo.clear();
  preparedMemo.set(key, p);
  return p;
}

function prepareNow(c: ResolvedConfig, i: number, opts: UnitCheckOptions): Prepared {
  const d = derive(c);
  const set = pairSet(d.ctx.activation, d.ctx.weight, { seed: opts.seed ?? 1, samples: opts.samples ?? 20_000 });
  const lines: string[] = [];
  const map = opts.mapWeights !== false;
  set.forEach((a, w) => {
    const wh = map ? d.unit.mapWeight(w, c.multiplier, d.ctx) : w;
    const p = d.unit.multiply(a, wh, c.multiplier, d.ctx);
    lines.push(
      `${toBits(a, d.aBits).toString(16)} ${toBits(wh, d.wBits).toString(16)} ${toBits(p, d.product.bits).toString(16)}`,
    );
  });
  return {
    c,
    file: `v${i}.hex`,
    text: `${lines.length}\n${lines.join('\n')}\n`,
    vectors: lines.length,
    exhaustive: set.exhaustive,
    seed: set.seed,
    aBits: d.aBits,
    wBits: d.wBits,
    pBits: d.product.bits,
    aSigned: d.ctx.activation.signed,
    wSigned: d.ctx.weight.signed,
    pSigned: d.product.signed,
    pxBits: standaloneUnitRtl(c).split?.pxBits ?? null,
  };
}

/**
 * Checker keys of a split product: both sides of sext(px_o) + pc_o = p_o as integers, each
 * extended to one bit more than the wider of px_o and p_o, so no sum wraps; `split` false without one.
 */
function splitCheck(pBits: number, pSigned: boolean, pxBits: number | null, idx: number): View {
  if (pxBits === null) return { split: false };
  const n = Math.max(pBits, pxBits) + 1;
  return {
    split: true,
    pxMsb: String(pxBits - 1),
    chkMsb: String(n - 1),
    pxSum: `${extendExpr(`px_${idx}`, pxBits, n, true)} + ${extendExpr(`pc_${idx}`, 1, n, false)}`,
    pExt: extendExpr(`p_${idx}`, pBits, n, pSigned),
  };
}

function header(template: string, count: number): string {
  return `// GENERATED by axgen ${GENERATOR_VERSION} from ${template} - do not edit; regenerate instead.\n// unit harness: ${count} variants`;
}

/** Checker, Icarus clock and Verilator main for a list of variants. */
export function harnessFiles(
  preps: readonly Pick<Prepared, 'c' | 'file' | 'aBits' | 'wBits' | 'pBits' | 'pSigned' | 'pxBits'>[],
) {
  const s = String;
  const n = preps.length;
  const check = render('sim/templates/unit_check.v.hbs', {
    header: header('sim/templates/unit_check.v.hbs', n),
    prefix: HARNESS_PREFIX,
    count: s(n),
    variants: preps.map((p, i) => ({
      idx: s(i),
      name: p.c.name,
      desc: derive(p.c).unit.describe(p.c.multiplier),
      module: unitTopModule(p.c),
      file: p.file,
      aBits: s(p.aBits),
      wBits: s(p.wBits),
      pBits: s(p.pBits),
      aMsb: s(p.aBits - 1),
      wMsb: s(p.wBits - 1),
      pMsb: s(p.pBits - 1),
      ...splitCheck(p.pBits, p.pSigned, p.pxBits, i),
    })),
  });
  const icarus = render('sim/templates/tb_icarus.v.hbs', {
    header: header('sim/templates/tb_icarus.v.hbs', n),
    prefix: HARNESS_PREFIX,
  });
  const main = render('sim/templates/verilator_main.cpp.hbs', {
    header: header('sim/templates/verilator_main.cpp.hbs', n),
    prefix: HARNESS_PREFIX,
    modelClass: VERILATOR_CLASS,
  });
  return {
    check: { name: `${HARNESS_PREFIX}_tb_check.v`, text: check },
    icarus: { name: `${HARNESS_PREFIX}_tb_icarus.v`, text: icarus },
    verilatorMain: { name: `${HARNESS_PREFIX}_main.cpp`, text: main },
  };
}

function parse(
  output: string,
  preps: Prepared[],
): { variants: UnitVariantResult[]; problems: string[]; done: boolean } {
  const variants: UnitVariantResult[] = preps.map((p) => ({
    name: p.c.name,
    unit: derive(p.c).unit.describe(p.c.multiplier),
    exhaustive: p.exhaustive,
    seed: p.seed,
    split: p.pxBits !== null,
    vectors: p.vectors,
    checked: -1,
    errors: 0,
    mismatches: [],
  }));
  const problems: string[] = [];
  let done = false;
  for (const line of output.split('\n')) {
    const mm = /AXGEN_UNIT_MISMATCH variant=(\d+) a=(\w+) w=(\w+) expected=(\w+) actual=(\w+)/.exec(line);
    if (mm) {
      const i = Number(mm[1]);
      const p = preps[i]!;
      const num = (hex: string, bits: number, signed: boolean) => fromBits(Number.parseInt(hex, 16), bits, signed);
      const act = /^[0-9a-fA-F]+$/.test(mm[5]!) ? String(num(mm[5]!, p.pBits, p.pSigned)) : mm[5]!;
      variants[i]!.mismatches.push({
        a: num(mm[2]!, p.aBits, p.aSigned),
        w: num(mm[3]!, p.wBits, p.wSigned),
        expected: num(mm[4]!, p.pBits, p.pSigned),
        actual: act,
      });
      continue;
    }
    const vd = /AXGEN_UNIT_DONE variant=(\d+) vectors=(\d+) errors=(\d+)/.exec(line);
    if (vd) {
      const v = variants[Number(vd[1])]!;
      v.checked = Number(vd[2]);
      v.errors = Number(vd[3]);
      continue;
    }
    if (/AXGEN_TBERROR/.test(line)) problems.push(line.trim());
    if (/AXGEN_DONE errors=\d+/.test(line)) done = true;
  }
  if (!done) problems.push('the unit checker did not report AXGEN_DONE (the simulator crashed or stopped early)');
  for (const v of variants)
    if (v.checked !== v.vectors) problems.push(`variant ${v.name}: checked ${v.checked} of ${v.vectors} vectors`);
  return { variants, problems, done };
}

/** One-line-per-problem summary of a failed check, for test assertions and the CLI. */
export function describeFailures(r: UnitCheckResult): string {
  const out: string[] = [...r.problems];
  for (const v of r.variants) {
    if (v.errors === 0) continue;
    out.push(`${v.name} (${v.unit}): ${v.errors} of ${v.vectors} vectors wrong`);
    for (const m of v.mismatches.slice(0, 5))
      out.push(`  a=${m.a} w=${m.w} expected ${m.expected}, RTL gave ${m.actual}`);
  }
  return out.join('\n');
}

export async function checkUnits(
  configs: ResolvedConfig[],
  simulator: SimulatorName,
  opts: UnitCheckOptions = {},
): Promise<UnitCheckResult> {
  if (configs.length === 0) throw new Error('internal error: checkUnits needs at least one variant');
  const names = new Set<string>();
  for (const c of configs) {
    if (names.has(c.name))
      throw new Error(`internal error: unit variants must have distinct names; "${c.name}" appears twice`);
    if (c.name === HARNESS_PREFIX) throw new Error(`internal error: "${HARNESS_PREFIX}" is reserved for the harness`);
    names.add(c.name);
  }
  const preps = configs.map((c, i) => prepare(c, i, opts));
  const rtl = configs.flatMap((c) => opts.rtl?.[c.name] ?? emitUnit(c));
  const tb = harnessFiles(preps);
  const build = await buildSim(simulator, {
    rtl,
    tb,
    checkTop: `${HARNESS_PREFIX}_tb_check`,
    icarusTop: `${HARNESS_PREFIX}_tb_icarus`,
  });
  const runDir = await mkdtemp(join(tmpdir(), 'axgen-units-'));
  try {
    for (const p of preps) await writeFile(join(runDir, p.file), p.text);
    const { output } = await runSim(build, runDir, { seed: opts.seed ?? 1, stall: 0 });
    const { variants, problems, done } = parse(output, preps);
    const passed = done && problems.length === 0 && variants.every((v) => v.errors === 0 && v.mismatches.length === 0);
    return {
      simulator,
      toolVersion: build.tool.version,
      passed,
      buildCacheHit: build.cacheHit,
      variants,
      problems,
      output,
    };
  } finally {
    await rm(runDir, { recursive: true, force: true });
  }
}
