/** View models of the binary XNOR-popcount unit's modules (templates/units/binary_wgt.v.hbs, binary_mul.v.hbs). */
import { bitsFor, identityPre } from './common.js';
import { binaryCountBits, binaryLanes, type BinaryResolved } from './binary.js';
import { columnSumLines } from './logicmul.js';
import type { UnitContext, UnitRtl } from './types.js';
import { extendExpr, lit, msb } from './verilog.js';

/**
 * The binary unit's modules: identity activation edge (L lanes); the weight edge turns {n, lanes}
 * into {nv, mask, lanes} (nv = min(n, L), mask = the nv low lanes), so the PE holds no comparator;
 * the PE forms 2·popcount(~(a ^ lanes) & mask) − nv, a (NB+1)-bit two's complement value, the
 * popcount as gates or as a sum of `+` (`p.popcount`).
 */
export function binaryRtl(p: BinaryResolved, ctx: UnitContext, prefix: string, header: (t: string) => string): UnitRtl {
  const L = binaryLanes(ctx);
  const NB = binaryCountBits(L);
  const W = L + NB;
  const WE = 2 * L + NB;
  const P = bitsFor(-L, L).bits; // NB + 1
  const wgt = `${prefix}_wgt_pre`;
  const mul = `${prefix}_mul`;
  const lanes = Array.from({ length: L }, (_, i) => i);
  return {
    actEncBits: L,
    wgtEncBits: WE,
    modules: [
      identityPre(prefix, 'act', L, header, 'activation (packed +-1 lanes)'),
      {
        module: wgt,
        template: 'units/binary_wgt.v.hbs',
        view: {
          header: header('units/binary_wgt.v.hbs'),
          module: wgt,
          lanes: String(L),
          wMsb: msb(W),
          encMsb: msb(WE),
          lMsb: msb(L),
          nMsb: msb(NB),
          nSlice: NB === 1 ? `w_i[${L}]` : `w_i[${W - 1}:${L}]`,
          encExpr: `{nv, mask, w_i[${L - 1}:0]}`,
          full: lit(NB, L),
          maskLines: lanes.map((i) => `assign mask[${i}] = (n > ${lit(NB, i)});`),
        },
      },
      {
        module: mul,
        template: 'units/binary_mul.v.hbs',
        view: {
          header: header('units/binary_mul.v.hbs'),
          module: mul,
          lanes: String(L),
          aMsb: msb(L),
          weMsb: msb(WE),
          pMsb: msb(P),
          lMsb: msb(L),
          nMsb: msb(NB),
          pBits: String(P),
          wLanes: `w_enc_i[${L - 1}:0]`,
          wMask: `w_enc_i[${2 * L - 1}:${L}]`,
          wCount: NB === 1 ? `w_enc_i[${2 * L}]` : `w_enc_i[${WE - 1}:${2 * L}]`,
          logicPopcount: p.popcount === 'logic',
          pcLines:
            p.popcount === 'logic'
              ? columnSumLines([lanes.map((i) => `x[${i}]`)], 'pc', NB)
              : `  wire [${msb(NB)}:0] pc = ${lanes.map((i) => extendExpr(`x[${i}]`, 1, NB, false)).join(' + ')};`,
          twice: `{pc, 1'b0}`,
          count: extendExpr('nv', NB, P, false),
        },
      },
    ],
  };
}
