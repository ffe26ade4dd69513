/**
 * Module plumbing shared by the log-family units: with share=true the per-operand encoders are the
 * array's `<p>_act_pre` / `<p>_wgt_pre` and the core is `<p>_mul`; with share=false the edge modules
 * are identity and `<p>_mul` instantiates `<p>_enc_act`, `<p>_enc_wgt` and `<p>_core` itself.
 */
import type { ModuleSpec, ProductRange, SplitProduct, UnitContext, UnitRtl, View } from './types.js';
import { identityPre } from './common.js';
import { extendExpr, msb, resizeExpr } from './verilog.js';
import { cutLines, stagePorts, type CutSignal } from './pipeline.js';

export interface LogUnitParts {
  /** Encoder template and its view minus module / port names. */
  encTemplate: string;
  encAct: View;
  encWgt: View;
  actEncBits: number;
  wgtEncBits: number;
  coreTemplate: string;
  core: View;
  /** What the composed module says about itself. */
  unitDesc: string;
  /** Registered cuts inside the core (its view already holds them); 0 when omitted. */
  coreStages?: number;
  /** share=false only: register the encoded operands between the encoders and the core (the `encode` cut). */
  encodeCut?: boolean;
  /** The core's split product ports (signSplit), or null / omitted when its sign restore does not negate. */
  split?: SplitProduct | null;
}

export function logUnitModules(
  parts: LogUnitParts,
  share: boolean,
  ctx: UnitContext,
  prefix: string,
  header: (t: string) => string,
): UnitRtl {
  const enc = (module: string, view: View, inPort: string, outPort: string, what: string): ModuleSpec => ({
    module,
    template: parts.encTemplate,
    view: { ...view, header: header(parts.encTemplate), module, inPort, outPort, what },
  });
  const coreStages = parts.coreStages ?? 0;
  const core = (module: string): ModuleSpec => ({
    module,
    template: parts.coreTemplate,
    view: {
      ...parts.core,
      header: header(parts.coreTemplate),
      module,
      stagePorts: stagePorts(coreStages),
      splitPorts: splitPorts(parts.split),
    },
  });
  const split = parts.split ? { split: parts.split } : {};
  if (share) {
    return {
      actEncBits: parts.actEncBits,
      wgtEncBits: parts.wgtEncBits,
      ...split,
      modules: [
        enc(`${prefix}_act_pre`, parts.encAct, 'a_i', 'a_enc_o', 'activation, once per row at the array edge'),
        enc(`${prefix}_wgt_pre`, parts.encWgt, 'w_i', 'w_enc_o', 'weight, once per column where it enters the array'),
        core(`${prefix}_mul`),
      ],
    };
  }
  const A = ctx.activation.bits;
  const W = ctx.weight.bits;
  return {
    actEncBits: A,
    wgtEncBits: W,
    ...split,
    modules: [
      identityPre(prefix, 'act', A, header, 'activation (share=false: the PE encodes it)'),
      identityPre(prefix, 'wgt', W, header, 'weight (share=false: the PE encodes it)'),
      enc(`${prefix}_enc_act`, parts.encAct, 'a_i', 'a_enc_o', 'activation, inside every PE (share=false)'),
      enc(`${prefix}_enc_wgt`, parts.encWgt, 'w_i', 'w_enc_o', 'weight, inside every PE (share=false)'),
      core(`${prefix}_core`),
      {
        module: `${prefix}_mul`,
        template: 'units/log_compose.v.hbs',
        view: {
          header: header('units/log_compose.v.hbs'),
          module: `${prefix}_mul`,
          unitDesc: parts.unitDesc,
          aMsb: msb(A),
          wMsb: msb(W),
          pMsb: parts.core.pMsb as string,
          aeMsb: msb(parts.actEncBits),
          weMsb: msb(parts.wgtEncBits),
          encAct: `${prefix}_enc_act`,
          encWgt: `${prefix}_enc_wgt`,
          core: `${prefix}_core`,
          stagePorts: stagePorts(coreStages + (parts.encodeCut ? 1 : 0)),
          splitPorts: splitPorts(parts.split),
          split: !!parts.split,
          coreClocked: coreStages > 0,
          encodeCut: parts.encodeCut
            ? cutLines(
                'encode',
                [
                  { name: 'a_code_q', bits: parts.actEncBits, expr: 'a_code_e' },
                  { name: 'w_code_q', bits: parts.wgtEncBits, expr: 'w_code_e' },
                ],
                true,
              )
            : false,
          aCodeOut: parts.encodeCut ? 'a_code_e' : 'a_code',
          wCodeOut: parts.encodeCut ? 'w_code_e' : 'w_code',
        },
      },
    ],
  };
}

/**
 * The split form (types.ts SplitProduct) of the product signedOutLines restores, or null when the
 * restore does not negate (no signed operand, or one's complement, where p_o = ~mag is already
 * the split form with pc = 0). px_o = {0, mag} ^ {neg}: the magnitude (at most p bits, as p_o keeps
 * them) and a sign bit, so sext(px_o) + neg = ±mag exactly. Arguments as for signedOutLines.
 */
export function signSplit(
  mode: 'sign-magnitude' | 'ones-complement',
  aSign: string | null,
  wSign: string | null,
  pc: number,
  p: number,
): SplitProduct | null {
  if (mode !== 'sign-magnitude' || (aSign === null && wSign === null)) return null;
  return { pxBits: Math.min(pc, p) + 1 };
}

/** Declarations of the split product's output ports, to follow p_o's (leading comma); '' without one. */
export function splitPorts(split: SplitProduct | null | undefined): string {
  if (!split) return '';
  return `,\n  output wire [${split.pxBits - 1}:0] px_o,\n  output wire pc_o`;
}

const SPLIT_NOTE = `  // Split form: sext(px_o) + pc_o = p_o; the PE's accumulator adds pc_o as its carry-in.`;

/**
 * The split form of `p_o = neg ? P'd0 - mag : mag` for a P-bit `mag` that is not a core magnitude
 * (ASM, flint: a·|w|, two's complement when the activation is signed): px = ext(mag) ^ {neg},
 * pc = neg. ~mag = −mag − 1 exactly for a two's-complement mag; an unsigned mag needs a sign bit
 * above it unless the product never reaches −2^(P−1) (`range`), since then a negated mag is below
 * 2^(P−1), as a non-negated one always is.
 */
export function negatedSplit(magSigned: boolean, range: ProductRange, P: number): SplitProduct {
  return { pxBits: magSigned || range.min > -(2 ** (P - 1)) ? P : P + 1 };
}

/** Lines assigning negatedSplit's px_o and pc_o from `mag` ([P-1:0]) and the negation flag `neg`. */
export function negatedSplitLines(
  mag: string,
  P: number,
  magSigned: boolean,
  neg: string,
  split: SplitProduct,
): string {
  const x = split.pxBits;
  return [
    SPLIT_NOTE,
    `  assign px_o = ${extendExpr(mag, P, x, magSigned)} ^ {${x}{${neg}}};`,
    `  assign pc_o = ${neg};`,
  ].join('\n');
}

/**
 * Lines that turn the core's unsigned magnitude `mag` ([pc-1:0]) into p_o ([p-1:0]) under the
 * signed convention, and, when the restore negates (signSplit), into the split form px_o, pc_o.
 * `aSign` / `wSign` are null for an unsigned operand; `aOpZero` / `wOpZero` are the "operand is
 * zero" flags (one's complement needs them: ~(−1) = 0 is not a zero operand).
 */
export function signedOutLines(
  mode: 'sign-magnitude' | 'ones-complement',
  aSign: string | null,
  wSign: string | null,
  aOpZero: string,
  wOpZero: string,
  pc: number,
  p: number,
  pxFolded?: string,
): string {
  const magP = resizeExpr('mag', pc, p);
  if (aSign === null && wSign === null) return `  assign p_o = ${magP};`;
  const out = [`  wire [${p - 1}:0] mag_p = ${magP};`];
  if (mode === 'sign-magnitude') {
    const x = signSplit(mode, aSign, wSign, pc, p)!.pxBits;
    out.push(`  wire neg = ${aSign ?? "1'b0"} ^ ${wSign ?? "1'b0"};`);
    out.push(`  assign p_o = neg ? (${p}'d0 - mag_p) : mag_p;  // sign-magnitude: negate`);
    out.push(SPLIT_NOTE);
    out.push(`  assign px_o = ${pxFolded ?? `{1'b0, ${resizeExpr('mag', pc, x - 1)}} ^ {${x}{neg}}`};`);
    out.push(`  assign pc_o = neg;`);
  } else {
    out.push(`  // One's complement: ~P when the signs differ, but a true zero operand still gives 0.`);
    out.push(`  wire neg = (${aSign ?? "1'b0"} ^ ${wSign ?? "1'b0"}) & ~(${aOpZero} | ${wOpZero});`);
    out.push(`  assign p_o = neg ? ~mag_p : mag_p;`);
  }
  return out.join('\n');
}

/**
 * The sign restore of signedOutLines after a cut: the sign and zero-operand flags it reads become
 * cut signals (`a_sign_c`, `w_sign_c`, `opz_c`, only those the mode reads), to be registered with
 * the unit's other cut signals; `outLogic` reads them; `split` is signSplit's. Arguments as for
 * signedOutLines, whose `pxFolded` is px_o's expression when the unit forms the split product's
 * low part itself (the magnitude already XORed with the sign in its last logic level: DRUM's
 * one-hot shifter); it must be `pxBits` wide.
 */
export function signedOutCut(
  mode: 'sign-magnitude' | 'ones-complement',
  aSign: string | null,
  wSign: string | null,
  aOpZero: string,
  wOpZero: string,
  pc: number,
  p: number,
  pxFolded?: string,
): { signals: CutSignal[]; outLogic: string; split: SplitProduct | null } {
  const signals: CutSignal[] = [];
  if (aSign !== null) signals.push({ name: 'a_sign_c', bits: 1, expr: aSign });
  if (wSign !== null) signals.push({ name: 'w_sign_c', bits: 1, expr: wSign });
  const opz = mode === 'ones-complement' && (aSign !== null || wSign !== null);
  if (opz) signals.push({ name: 'opz_c', bits: 1, expr: `${aOpZero} | ${wOpZero}` });
  return {
    signals,
    outLogic: signedOutLines(
      mode,
      aSign === null ? null : 'a_sign_c',
      wSign === null ? null : 'w_sign_c',
      opz ? 'opz_c' : aOpZero,
      opz ? "1'b0" : wOpZero,
      pc,
      p,
      pxFolded,
    ),
    split: signSplit(mode, aSign, wSign, pc, p),
  };
}

/**
 * Cut points of a log-family unit (UnitDef.cuts): its core's own cut, then with share=false
 * `encode` (the PE's encoders, logUnitModules `encodeCut`). `share` may be unresolved (undefined:
 * the schema default, true).
 */
export function logCuts(share: boolean | undefined, coreCut: string): readonly string[] {
  return share !== false ? [coreCut] : [coreCut, 'encode'];
}
