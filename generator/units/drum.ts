/**
 * DRUM: Hashemi, Bahar and Reda's dynamic range unbiased multiplier (ICCAD 2015; docs/units.md).
 * Each operand magnitude keeps the k bits from its leading one down, with the lowest kept bit forced
 * to 1 (the expected value of the dropped bits, which unbiases the error); the two k-bit values are
 * multiplied exactly and the product is shifted back. A magnitude below 2^k passes exactly. Signed
 * operands are sign-magnitude. Every per-operand step depends on one operand only, so with
 * share=true it is done at the array edge and each PE keeps a k×k multiplier and a shifter.
 */
import { logCuts } from './logrtl.js';
import type { FromSchema } from 'json-schema-to-ts';
import { drumRtl } from './drum-rtl.js';
import { leadingOne, maxMagnitude, rangeFromCore, shareSchema, signedProduct, unitRange } from './logcore.js';
import { defineUnit, type OperandSpec, type ProductRange, type UnitContext } from './types.js';
import { signedOp as S, unsignedOp as U } from './common.js';

export const drumSchema = {
  type: 'object',
  title: 'DRUM dynamic range unbiased multiplier',
  description:
    'Hashemi, Bahar, Reda (ICCAD 2015): each operand magnitude keeps k bits from its leading one, the lowest kept bit ' +
    'forced to 1; the k-bit values are multiplied exactly and shifted back. Magnitudes below 2^k are exact. Signed ' +
    'operands are sign-magnitude. 8-bit unsigned MRE 12.10 / 5.89 / 2.84 / 1.30 % for k = 3 / 4 / 5 / 6.',
  additionalProperties: false,
  required: ['kind'],
  properties: {
    kind: { const: 'drum', description: 'Dynamic range unbiased multiplier.' },
    k: {
      type: 'integer',
      minimum: 3,
      maximum: 32,
      default: 6,
      description:
        'Bits kept per operand, 3..N (N the wider operand width). Larger is more exact and a larger k×k multiplier.',
    },
    share: shareSchema,
    product: {
      enum: ['logic', 'carry-chain'],
      default: 'logic',
      description:
        "How the PE's k×k product is written; the function is the same. 'logic': AND/XOR gates (a Wallace tree), " +
        'which synthesis maps together with the shifter behind it for depth: faster on iCE40 LUT4s. ' +
        "'carry-chain': a Verilog `*`, which Yosys builds on carry chains: fewer Xilinx LUT6s (README, DRUM).",
    },
    shift: {
      enum: ['binary', 'one-hot'],
      default: 'binary',
      description:
        "How each operand's shift s travels to the PE; the function is the same. 'binary': s in ⌈log2⌉ bits, the PE " +
        "adds sa + sw and shifts the product by the sum. 'one-hot': the edge encoders send s one-hot (one bit per " +
        'shift, so the weight bank and the activation lane are wider), the PE forms the one-hot total shift as an ' +
        'AND-OR of the two and shifts the product with an AND-OR (experiment, issue 11: fewer LUT levels, more LUTs).',
    },
  },
} as const;

/** Params as written (defaulted keys optional). */
export type DrumParams = FromSchema<typeof drumSchema, { keepDefaultedPropertiesOptional: true }>;
/** As in a resolved config: every defaulted field filled. */
export type DrumResolved = FromSchema<typeof drumSchema>;

/** DSL helper: `multiplier: drum({ k: 4 })`. */
export function drum(p: Omit<DrumParams, 'kind'> = {}): DrumParams {
  return { kind: 'drum', ...p };
}

/**
 * A magnitude A ≥ 0 as DRUM keeps it: A itself when A < 2^k; otherwise, with t the position of the
 * leading one and s = t − k + 1 the dropped bits, (floor(A / 2^s) with its lowest bit set) · 2^s.
 */
export function drumOperand(A: number, k: number): number {
  if (A < 2 ** k) return A;
  const s = leadingOne(A) - k + 1;
  let kept = Math.floor(A / 2 ** s);
  if (kept % 2 === 0) kept += 1;
  return kept * 2 ** s;
}

/** The unsigned core on magnitudes: the product of the two kept values (exact k×k multiply, shifted back). */
export const drumCore = (A: number, B: number, k: number): number => drumOperand(A, k) * drumOperand(B, k);

export function drumMultiply(a: number, w: number, p: DrumResolved): number {
  return signedProduct(a, w, 'sign-magnitude', (x, y) => drumCore(x, y, p.k));
}

/** Largest kept value of an operand over its magnitudes (one pass per operand, not per pair). */
function maxKept(spec: OperandSpec, k: number): number {
  let m = 0;
  for (let v = 0; v <= maxMagnitude(spec, 'sign-magnitude'); v++) m = Math.max(m, drumOperand(v, k));
  return m;
}

/** Largest output of the unsigned core: the product of the operands' largest kept values (exact). */
export function drumCoreMax(p: DrumResolved, ctx: UnitContext): number {
  return maxKept(ctx.activation, p.k) * maxKept(ctx.weight, p.k);
}

function drumRange(p: DrumResolved, ctx: UnitContext): ProductRange {
  return unitRange(
    ['drum', p],
    ctx,
    (a, w) => drumMultiply(a, w, p),
    () => rangeFromCore(drumCoreMax(p, ctx), ctx, 'sign-magnitude'),
  );
}

export const drumUnit = defineUnit({
  kind: 'drum',
  schema: drumSchema,
  dsl: drum,
  samples: {
    regress: [{ k: 4 }, { k: 3, share: false, product: 'carry-chain' }, { k: 4, shift: 'one-hot' }],
    exhaustive: [
      { activation: U(8), weight: U(8), params: { k: 3 } },
      { activation: U(8), weight: U(8), params: { k: 4, share: false } },
      { activation: U(8), weight: U(8), params: { k: 5 } },
      { activation: U(8), weight: U(8), params: { k: 6 } },
      { activation: U(8), weight: U(8), params: { k: 8 } },
      { activation: S(8), weight: S(8), params: { k: 3 } },
      { activation: S(8), weight: S(8), params: { k: 4, product: 'carry-chain' } },
      { activation: S(8), weight: S(8), params: { k: 6, share: false } },
      { activation: S(8), weight: S(8), params: { k: 8 } },
      { activation: U(6), weight: S(8), params: { k: 4 } },
      { activation: S(8), weight: S(8), params: { k: 4, shift: 'one-hot' } },
      { activation: U(8), weight: U(8), params: { k: 3, share: false, shift: 'one-hot' } },
      // k equal to the operand width: no shift is possible (a one-bit one-hot shift).
      { activation: S(6), weight: S(6), params: { k: 6, shift: 'one-hot' } },
      { activation: S(3), weight: U(5), params: { k: 3 } },
    ],
    metrics: [{ k: 3 }, { k: 4 }, { k: 5 }, { k: 6 }],
    area: [
      { k: 3 },
      { k: 3, product: 'carry-chain' },
      { k: 4 },
      { k: 4, product: 'carry-chain' },
      { k: 5 },
      { k: 5, product: 'carry-chain' },
      { k: 6 },
      { k: 6, product: 'carry-chain' },
      { k: 4, shift: 'one-hot' },
    ],
    // The one-hot shift takes DRUM's unpipelined array past exact's fmax on iCE40 (README, DRUM).
    fmax: [{ k: 4, shift: 'one-hot' }],
  },
  describe: (p: DrumResolved) =>
    `drum(k=${p.k}${p.share ? '' : ', share=false'}${p.product === 'logic' ? '' : `, product=${p.product}`}${p.shift === 'binary' ? '' : `, shift=${p.shift}`})`,
  // Measured (README area table, int8 PEs, bench:unit-area 2026-12-07 00:47): on Xilinx the `*`
  // form is the smaller PE at k = 3, 4, 5 with shared edges (57 / 90 / 111 LUT6 against 84 / 108 /
  // 119) and at every k without them, but not at k = 6 with shared edges (150 against 143). On iCE40
  // the logic form was the faster at k = 4 (71.9 against 64.3 MHz) for a few LUT4 more.
  targetHints: (p: DrumResolved, target: 'ice40' | 'xilinx', array: { stages: boolean }) => {
    const chainSmallerOnXilinx = !p.share || p.k <= 5;
    if (target === 'xilinx' && p.product === 'logic' && chainSmallerOnXilinx)
      return [
        "multiplier.product: 'carry-chain' maps the k×k product onto CARRY4 chains, a smaller PE on Xilinx " +
          'at this k and share (README area table, int8, shared PE at k = 4: 90 against 108 LUT6)',
      ];
    if (target === 'xilinx' && p.product === 'carry-chain' && !chainSmallerOnXilinx)
      return [
        "multiplier.product: 'logic' (the default) is the smaller PE on Xilinx at k ≥ 6 with shared edges " +
          '(README area table, int8, k = 6: 143 against 150 LUT6)',
      ];
    if (target === 'ice40' && p.product === 'logic' && p.shift === 'binary' && p.k === 4 && !array.stages)
      return [
        "multiplier.shift: 'one-hot' takes the shift off the PE's longest path in an array without pipeline " +
          'stages: on the hx8k the 4×4 int8 array at k = 4 reaches 78.1 against 71.9 MHz (exact: 74.4; best of seeds 1–5) ' +
          'for about 38 more LUT4 per PE (README "DRUM")',
      ];
    if (target === 'ice40' && p.shift === 'one-hot' && array.stages)
      return [
        "multiplier.shift: 'binary' (the default) is the faster with pipeline stages, and the smaller: on the hx8k " +
          'the 4×4 int8 array at k = 4 with its full pipeline reaches 115.9 against 109.3 MHz (best of seeds 1–3), ' +
          '2,666 against 3,103 LUT4 (README "DRUM")',
      ];
    if (target === 'ice40' && p.product === 'carry-chain')
      return [
        "multiplier.product: 'logic' (the default) is faster on iCE40, for a few LUT4 more " +
          '(README "DRUM", 4×4 int8 array at k = 4 on the hx8k: 71.9 against 64.3 MHz, 2,694 against 2,644 LUT4)',
      ];
    return [];
  },
  rules(p: DrumResolved, ctx: UnitContext) {
    const n = Math.max(ctx.activation.bits, ctx.weight.bits);
    return p.k > n ? [{ path: 'multiplier.k', message: `at most ${n} (the wider operand width)` }] : [];
  },
  mapWeight: (w: number) => w,
  multiply: (a: number, w: number, p: DrumResolved) => drumMultiply(a, w, p),
  productRange: (p: DrumResolved, ctx: UnitContext) => drumRange(p, ctx),
  cuts: (p: DrumResolved) => logCuts(p.share, 'shift'),
  rtl: (p: DrumResolved, ctx: UnitContext, prefix: string, header: (t: string) => string, stages?: number) =>
    drumRtl(p, ctx, drumRange(p, ctx), prefix, header, stages),
});
