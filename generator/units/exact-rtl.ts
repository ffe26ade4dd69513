/** View models of the exact unit's modules: identity edge modules and templates/units/exact_mul.v.hbs. */
import { bitsFor, identityPre, operandRange } from './common.js';
import type { ProductRange, UnitContext, UnitRtl } from './types.js';
import { cutLines, stagePorts } from './pipeline.js';
import { extendExpr, formatDesc, msb } from './verilog.js';

/**
 * The product as one Verilog multiply of the operands at their own widths and signedness (an
 * unsigned operand of a signed product gets a 0 sign bit: `$signed({1'b0, w})`). Yosys 0.23's iCE40
 * DSP mapping turned the earlier form, operands sign-extended by hand to the product width, into an
 * unsigned SB_MAC16 with zero-extended inputs (wrong on 48,895 of 65,536 int8 pairs, issue 11), and
 * that form also cost about 20 % more LUTs; sim/faults.ts keeps it as the `sign-extended-exact-mul`
 * fault so the gate-level check stays tested.
 */
export function exactProductExpr(ctx: UnitContext): string {
  if (!ctx.activation.signed && !ctx.weight.signed) return 'a_enc_i * w_enc_i';
  const op = (sig: string, signed: boolean) => (signed ? `$signed(${sig})` : `$signed({1'b0, ${sig}})`);
  return `${op('a_enc_i', ctx.activation.signed)} * ${op('w_enc_i', ctx.weight.signed)}`;
}

/** The exact unit's pipeline cut points (UnitDef.cuts). */
export const EXACT_CUTS = ['partial-products'] as const;

/**
 * The `partial-products` cut: the weight split into w_lo (its low h = floor(W/2) bits, unsigned)
 * and w_hi (the rest, with the weight's signedness), so a*w = a*w_lo + 2^h * (a*w_hi). Each
 * partial product crosses the cut in a register as wide as its own range needs (bitsFor: two's
 * complement when it can be negative; h >= 1 as W >= 2), and is sign- or zero-extended to the
 * product width P only after the cut, in the sum. A register wider than its multiply (the earlier form: both at P
 * bits, sign-extended in the register) is mis-mapped by Yosys 0.23's xilinx_dsp: when wreduce
 * leaves the register's top bits as copies of the product's sign bit, xilinx_dsp packs the low bits
 * into the DSP48E1's MREG and leaves the copies reading the multiplier's output, which no longer
 * exists (x, then 0): off by multiples of 2^13 for int8. sim/faults.ts keeps that form as the
 * `wide-cut-exact-mul` fault. A register is widened to its widest operand where the range is
 * narrower (tiny formats: lint), still no wider than the multiply (the sum of the operand widths);
 * the Verilog multiply, evaluated at the register's width, is exact modulo 2^width, which holds
 * the range. a*w_hi fits P - h bits because 2^h * (a*w_hi) is itself a product of the range
 * (w_lo = 0), and P = A + W holds every register for A, W >= 2.
 */
function splitCut(ctx: UnitContext, P: number, registered: boolean): { cut: string; sum: string } {
  const W = ctx.weight.bits;
  const h = Math.floor(W / 2);
  const anySigned = ctx.activation.signed || ctx.weight.signed;
  const op = (sig: string, signed: boolean) =>
    !anySigned ? sig : signed ? `$signed(${sig})` : `$signed({1'b0, ${sig}})`;
  const a = op('a_enc_i', ctx.activation.signed);
  const wLo = op(`w_enc_i[${h - 1}:0]`, false);
  const wHi = op(W - h === 1 ? `w_enc_i[${W - 1}]` : `w_enc_i[${W - 1}:${h}]`, ctx.weight.signed);
  const ar = operandRange(ctx.activation);
  const rangeOf = (min: number, max: number) => {
    const c = [ar.min * min, ar.min * max, ar.max * min, ar.max * max];
    return bitsFor(Math.min(...c), Math.max(...c));
  };
  // Operand widths as written ($signed({1'b0, x}) is one bit wider than x): a register as narrow
  // as the range but narrower than an operand would truncate the multiply in Verilator's eyes.
  const opBits = (bits: number, signed: boolean) => bits + (anySigned && !signed ? 1 : 0);
  const aBits = opBits(ctx.activation.bits, ctx.activation.signed);
  const atLeast = (r: { bits: number; signed: boolean }, wBits: number) => ({
    ...r,
    bits: Math.max(r.bits, aBits, wBits),
  });
  const hiR = operandRange({ bits: W - h, signed: ctx.weight.signed });
  const lo = atLeast(rangeOf(0, 2 ** h - 1), opBits(h, false));
  const hi = atLeast(rangeOf(hiR.min, hiR.max), opBits(W - h, ctx.weight.signed));
  if (lo.bits > P || hi.bits > P - h)
    throw new Error(`internal error: exact partial products of ${lo.bits} and ${hi.bits}+${h} bits exceed ${P}`);
  const hiExt = extendExpr('pp_hi', hi.bits, P - h, hi.signed);
  return {
    cut: cutLines(
      'partial-products',
      [
        { name: 'pp_lo', bits: lo.bits, expr: `${a} * ${wLo}` },
        { name: 'pp_hi', bits: hi.bits, expr: `${a} * ${wHi}` },
      ],
      registered,
    ),
    sum: `${extendExpr('pp_lo', lo.bits, P, lo.signed)} + {${hiExt}, ${h}'d0}`,
  };
}

/** The exact unit's modules; `range` is the product range (the output width); `stages` 0 or 1. */
export function exactRtl(
  ctx: UnitContext,
  range: ProductRange,
  prefix: string,
  header: (template: string) => string,
  stages = 0,
): UnitRtl {
  const prod = bitsFor(range.min, range.max);
  const A = ctx.activation.bits;
  const W = ctx.weight.bits;
  const P = prod.bits;
  const module = `${prefix}_mul`;
  return {
    actEncBits: A,
    wgtEncBits: W,
    modules: [
      identityPre(prefix, 'act', A, header),
      identityPre(prefix, 'wgt', W, header),
      {
        module,
        template: 'units/exact_mul.v.hbs',
        view: {
          header: header('units/exact_mul.v.hbs'),
          module,
          aMsb: msb(A),
          wMsb: msb(W),
          pMsb: msb(P),
          aDesc: formatDesc(A, ctx.activation.signed),
          wDesc: formatDesc(W, ctx.weight.signed),
          pDesc: formatDesc(P, prod.signed),
          product: exactProductExpr(ctx),
          stagePorts: stagePorts(stages),
          split: stages > 0,
          ...(stages > 0 ? splitCut(ctx, P, true) : {}),
        },
      },
    ],
  };
}
