/**
 * Zero-skip and near-zero skipping (NZA, Huan et al. 2017; Cnvlutin, ISCA 2016): the top-level
 * optional config field `zeroSkip`. Owns its schema fragment, the DSL helper, the skip predicate of
 * the golden model, the cross-field rules and the view-model pieces of the array RTL.
 *
 *   skip(a, w) = |a| <= activation  or  |w| <= weight
 *
 * |x| is the TRUE magnitude (0..2^(n−1) for a signed n-bit value, 0..2^n−1 unsigned) whatever the
 * multiplier's signed mode; w is the weight as the hardware holds it (after the unit's host
 * mapping, e.g. ASM's). A side set to `false` (or left out) never skips. A skipped MAC leaves the
 * accumulator / partial sum unchanged; with thresholds 0 only exact zeros are skipped and no result
 * changes, because every unit gives 0 for a zero operand.
 *
 * Hardware: the flag of an activation is formed once per row at the west edge (`<p>_skip_act`) and
 * travels east in one extra bit above the encoded activation; the flag of a weight is formed once
 * per column at the north edge (`<p>_skip_wgt`) and travels with (WS: is stored with) the encoded
 * weight. In each PE, skip = a_flag | w_flag: `gating: "isolate"` holds the multiplier inputs at
 * their last non-skipped values and passes the partial sum / accumulator through; `"enable"` only
 * gates the accumulation (the multiplier inputs keep toggling).
 * cnt_skipped_o counts real skipped products (padding rows / columns and bubbles excluded) with a
 * per-row scheme at the top instead of an R×C popcount: weight-stationary keeps, per row, the
 * number of skipped real weights of the loaded row (a C-input count once per weight beat), so one
 * activation beat skips Σ_r [row r real] · (a_skip_r ? n : wcnt_r); output-stationary counts the
 * skipped real activations (nA of m) and weights (nW of n) of a beat, which skip nA·n + (m − nA)·nW.
 * The per-beat count is registered once and added on the next clock, so the counter is exact one
 * clock after the command's last activation beat, long before its last result.
 */
import { aOrAn } from '../infra/text.js';
import type { FromSchema } from 'json-schema-to-ts';
import { operandRange } from './common.js';
import { dec, extendExpr, msb, scaleExpr, ubits } from './verilog.js';
import type { ArrayFeature, ArrayRtlContext, FeatureRtl } from './feature.js';
import type { ModuleSpec, OperandSpec, RuleIssue, UnitContext, View } from './types.js';

const threshold = (what: string) =>
  ({
    description:
      `Skip a MAC when the ${what}'s true magnitude |x| is at most this integer (0 skips exact zeros only; ` +
      `at most 2^(n−1) for a signed, 2^n−1 for an unsigned ${what}); \`false\` or absent: the ${what} never causes a skip.`,
    anyOf: [{ type: 'integer', minimum: 0, maximum: 65535 }, { const: false }],
    default: false,
  }) as const;

export const zeroSkipSchema = {
  type: 'object',
  description:
    'Zero-skip / near-zero skipping: a MAC is skipped (contributes 0, counted by cnt_skipped_o) when either operand is at or below its threshold. ' +
    'Absent: no skip logic is emitted.',
  additionalProperties: false,
  properties: {
    activation: threshold('activation'),
    weight: threshold('weight'),
    gating: {
      enum: ['isolate', 'enable'],
      default: 'isolate',
      description:
        '"isolate": a skipped MAC holds the multiplier inputs at their last values (operand isolation) and leaves the sum unchanged; ' +
        '"enable": only the accumulation is gated, the multiplier inputs keep toggling.',
    },
  },
} as const;

/** As written (defaulted fields optional); the resolved config has every field filled in. */
export type ZeroSkipConfig = FromSchema<typeof zeroSkipSchema, { keepDefaultedPropertiesOptional: true }>;
/** As in a resolved config: the normalizer (ajv) filled `gating`. */
export type ResolvedZeroSkip = FromSchema<typeof zeroSkipSchema>;
type Threshold = number | false;

/** DSL helper: `zeroSkip: zeroSkip({ activation: 0, weight: 2, gating: 'enable' })`. */
export function zeroSkip(
  p: { activation?: Threshold; weight?: Threshold; gating?: 'isolate' | 'enable' } = {},
): ZeroSkipConfig {
  return { ...p };
}

const thr = (t: Threshold | undefined): Threshold => (t === undefined ? false : t);

/** Largest true magnitude of an operand: 2^(n−1) signed, 2^n−1 unsigned. */
export function maxMagnitude(spec: OperandSpec): number {
  const r = operandRange(spec);
  return Math.max(-r.min, r.max);
}

/** The golden model's predicate, or null without zero-skip. */
export function skipPredicate(zs: ZeroSkipConfig | undefined): ((a: number, w: number) => boolean) | null {
  if (!zs) return null;
  const ta = thr(zs.activation);
  const tw = thr(zs.weight);
  return (a, w) => (ta !== false && Math.abs(a) <= ta) || (tw !== false && Math.abs(w) <= tw);
}

/** `zeroSkip(activation<=0, weight off, isolate)`, for headers and reports. */
export function describeZeroSkip(zs: ResolvedZeroSkip): string {
  const side = (n: string, t: Threshold | undefined) => (thr(t) === false ? `${n} off` : `${n}<=${t}`);
  return `zeroSkip(${side('activation', zs.activation)}, ${side('weight', zs.weight)}, ${zs.gating})`;
}

/** Cross-field rules: at least one side on; thresholds within the operand's magnitude range. */
export function zeroSkipRules(zs: ZeroSkipConfig | undefined, ctx: UnitContext): RuleIssue[] {
  if (!zs) return [];
  const issues: RuleIssue[] = [];
  if (thr(zs.activation) === false && thr(zs.weight) === false)
    issues.push({
      path: 'zeroSkip',
      message: 'a threshold on at least one side (zeroSkip.activation or zeroSkip.weight), or no zeroSkip field at all',
    });
  for (const side of ['activation', 'weight'] as const) {
    const t = thr(zs[side]);
    const max = maxMagnitude(ctx[side]);
    if (t !== false && t > max)
      issues.push({
        path: `zeroSkip.${side}`,
        message: `at most ${max}, the largest magnitude of ${aOrAn(ctx[side].bits)} ${ctx[side].bits}-bit ${ctx[side].signed ? 'signed' : 'unsigned'} ${side} (a larger threshold skips every MAC the same way)`,
      });
  }
  return issues;
}

// ---------------------------------------------------------------------------------------------
// RTL view-model pieces (used by generator/emit/rtl.ts)

/** The skip-flag module of one operand: skip_o = |x_i| <= T (constant 0 when the side is off). */
function flagModule(module: string, what: string, spec: OperandSpec, t: Threshold, header: string): ModuleSpec {
  const n = spec.bits;
  const lines: string[] = [];
  let desc: string;
  if (t === false) {
    desc = `off: the ${what} never causes a skip`;
    lines.push(`  assign skip_o = 1'b0;`, `  wire unused_x = ^x_i;`);
  } else if (t === 0) {
    desc = `skip when the ${what} is 0`;
    lines.push(`  assign skip_o = (x_i == ${n}'d0);`);
  } else if (t >= maxMagnitude(spec)) {
    desc = `threshold ${t} covers every ${what}: always skip`;
    lines.push(`  assign skip_o = 1'b1;`, `  wire unused_x = ^x_i;`);
  } else if (spec.signed) {
    desc = `skip when |${what}| <= ${t} (true magnitude of a two's complement value; |-2^${n - 1}| = 2^${n - 1})`;
    lines.push(
      `  wire [${n - 1}:0] mag = x_i[${n - 1}] ? (~x_i + ${n}'d1) : x_i;`,
      `  assign skip_o = (mag <= ${n}'d${t});`,
    );
  } else {
    desc = `skip when the ${what} is at most ${t}`;
    lines.push(`  assign skip_o = (x_i <= ${n}'d${t});`);
  }
  return {
    module,
    template: 'units/zero_skip_flag.v.hbs',
    view: { header, module, what, desc, xMsb: msb(n), lines },
  };
}

/** The RTL hook: one extra flag bit per operand (with zero-skip), the flag modules, PE and top keys. */
export type ZeroSkipRtl = FeatureRtl;
export type ZeroSkipRtlContext = ArrayRtlContext;

export function zeroSkipRtl(zs: ResolvedZeroSkip | undefined, x: ZeroSkipRtlContext): ZeroSkipRtl {
  const on = zs !== undefined;
  const isolate = on && zs.gating === 'isolate';
  const R = x.rows;
  const C = x.cols;
  const incBits = ubits(R * C);
  const wcntBits = ubits(C);
  const acntBits = ubits(R);
  const pe: View = {
    zeroSkip: on,
    zsIsolate: isolate,
    zsEnable: on && !isolate,
    unitAeMsb: msb(x.ae),
    unitWeMsb: msb(x.we),
    aeUnitBits: dec(x.ae),
    weUnitBits: dec(x.we),
    aFlag: dec(x.ae),
    wFlag: dec(x.we),
    mulA: on ? 'mul_a' : 'a_i',
    mulW: on ? 'mul_w' : x.ws ? 'w_use' : 'w_i',
    /** The weight the PE multiplies: the active stored weight (WS) or the one passing by (OS). */
    wOperand: x.ws ? 'w_use' : 'w_i',
    psNext: on ? 'ps_keep' : 'ps_d',
    accEnable: on ? 'av_i && !skip' : 'av_i',
  };
  const top: View = {
    zeroSkip: on,
    // What the top's header says cnt_skipped_o counts.
    skipDesc: on ? `${describeZeroSkip(zs)}: a product with a skipped operand` : 'no zero-skip configured: always 0',
    unitAeMsb: msb(x.ae),
    unitWeMsb: msb(x.we),
    actPreOut: on ? 'a_enc_u' : 'a_enc',
    wgtPreOutWs: on ? 'w_enc_u' : 'w_col[c*WE_BITS +: WE_BITS]',
    wgtPreOutOs: on ? 'w_enc_u' : 'w_enc',
    incBits: dec(incBits),
    incMsb: msb(incBits),
    colsMsb: msb(C),
    wcntBits: dec(wcntBits),
    wcntMsb: msb(wcntBits),
    acntBits: dec(acntBits),
    acntMsb: msb(acntBits),
    wcntOneExt: extendExpr('w_cnt[si]', 1, wcntBits, false),
    acntOneExt: extendExpr('a_cnt[si]', 1, acntBits, false),
    wcntIncExt: extendExpr('wcnt_use', wcntBits, incBits, false),
    nIncExt: extendExpr(x.ws ? 'nrow_use' : 'n_q', x.nBits, incBits, false),
    skAddExt: scaleExpr(extendExpr(`sk_link[${R}]`, incBits, x.macBits, false), x.macBits, x.macsPerProduct),
    // Output-stationary only (M <= R there); unused in weight-stationary, where M is the buffer depth.
    mIncExtZs: x.ws ? '' : extendExpr('m_q', x.mBits, incBits, false),
    aCntIncExt: extendExpr('acnt_beat', acntBits, incBits, false),
    wCntIncExt: extendExpr('wcnt_beat', wcntBits, incBits, false),
    skipIncExt: scaleExpr(extendExpr('skip_inc_q', incBits, x.macBits, false), x.macBits, x.macsPerProduct),
    // Output-stationary: the skipped count of the beat entering this cycle (registered, added on the
    // next clock). Weight-stationary counts per row as a beat passes (top_ws.v.hbs).
    skipIncNext: `(adv && inject) ? skip_inc : ${incBits}'d0`,
  };
  const modules: ModuleSpec[] = on
    ? [
        flagModule(
          `${x.prefix}_skip_act`,
          'activation',
          x.ctx.activation,
          thr(zs.activation),
          x.header('units/zero_skip_flag.v.hbs'),
        ),
        flagModule(
          `${x.prefix}_skip_wgt`,
          'weight',
          x.ctx.weight,
          thr(zs.weight),
          x.header('units/zero_skip_flag.v.hbs'),
        ),
      ]
    : [];
  return { extraBits: on ? 1 : 0, modules, pe, top };
}

/** Zero-skip as an array feature (generator/units/feature.ts), registered in config/features.ts. */
export const zeroSkipFeature: ArrayFeature<ResolvedZeroSkip> = {
  key: 'zeroSkip',
  schema: zeroSkipSchema,
  describe: describeZeroSkip,
  rules: zeroSkipRules,
  model: (zs) => {
    const skip = skipPredicate(zs);
    return skip ? { skip } : {};
  },
  rtl: zeroSkipRtl,
};
