/** Integer helpers shared by unit models and view models, and the identity edge module. */
import type { ModuleSpec, OperandSpec } from './types.js';
import { msb } from './verilog.js';

/** An unsigned operand of `bits` bits (units' sample formats). */
export const unsignedOp = (bits: number): OperandSpec => ({ bits, signed: false });
/** A two's complement operand of `bits` bits. */
export const signedOp = (bits: number): OperandSpec => ({ bits, signed: true });

/** Smallest and largest value of an operand. */
export function operandRange(spec: OperandSpec): { min: number; max: number } {
  return spec.signed
    ? { min: -(2 ** (spec.bits - 1)), max: 2 ** (spec.bits - 1) - 1 }
    : { min: 0, max: 2 ** spec.bits - 1 };
}

/** Bits needed to hold every integer in [min, max]: two's complement when min < 0. */
export function bitsFor(min: number, max: number): { bits: number; signed: boolean } {
  if (min < 0) {
    let b = 1;
    while (-(2 ** (b - 1)) > min || 2 ** (b - 1) - 1 < max) b++;
    return { bits: b, signed: true };
  }
  let b = 1;
  while (2 ** b - 1 < max) b++;
  return { bits: b, signed: false };
}

/** Interprets the low `bits` bits of v as two's complement (signed) or unsigned. */
export function fromBits(v: number, bits: number, signed: boolean): number {
  const m = 2 ** bits;
  let u = ((v % m) + m) % m;
  if (signed && u >= m / 2) u -= m;
  return u;
}

/** The low `bits` bits of v as an unsigned number (its Verilog bit pattern). */
export function toBits(v: number, bits: number): number {
  const m = 2 ** bits;
  return ((v % m) + m) % m;
}

/**
 * The identity edge module of a unit that forms nothing at the array edge (exact, and the
 * shared-encoder units with share=false): `<prefix>_act_pre` (a_i → a_enc_o) for side `act`,
 * `<prefix>_wgt_pre` (w_i → w_enc_o) for `wgt`, both [bits-1:0]. `what` defaults to the side's
 * operand name ("activation", "weight").
 */
export function identityPre(
  prefix: string,
  side: 'act' | 'wgt',
  bits: number,
  header: (template: string) => string,
  what: string = side === 'act' ? 'activation' : 'weight',
): ModuleSpec {
  const template = 'units/identity_pre.v.hbs';
  const module = `${prefix}_${side}_pre`;
  const [inPort, outPort] = side === 'act' ? ['a_i', 'a_enc_o'] : ['w_i', 'w_enc_o'];
  return { module, template, view: { header: header(template), module, what, inPort, outPort, msb: msb(bits) } };
}
