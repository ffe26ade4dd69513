/**
 * The multiplier written as logic (generator/units/logicmul.ts, DRUM's k×k product) and the
 * popcount (binary's XNOR-popcount): Yosys' SAT solver proves them equal to `a * b` and to a sum of
 * `+` for every input, for square, mixed and single-bit widths, a product cut below its full width
 * and popcounts of 1 to 16 bits, in one Yosys run (test/helpers/sat.ts). DRUM's whole core
 * is also proved against the definition (drum.test.ts) and simulated exhaustively (exhaustive.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { columnSumLines, logicMulLines } from '../../generator/units/logicmul.js';
import { expectEquivalent } from '../helpers/sat.js';

/** [a bits, b bits, product bits] */
const SHAPES: readonly [number, number, number][] = [
  [1, 1, 1],
  [1, 4, 5],
  [2, 3, 5],
  [3, 3, 6],
  [4, 4, 8],
  [4, 4, 7],
  [5, 3, 8],
  [6, 6, 12],
];

function pair([A, B, P]: readonly [number, number, number]): string {
  const ports = `(input wire [${A - 1}:0] a, input wire [${B - 1}:0] b, output wire [${P - 1}:0] p_o)`;
  return [
    `module star_${A}_${B}_${P} ${ports};`,
    `  wire [${A + B - 1}:0] full = {${B}'d0, a} * {${A}'d0, b};`,
    `  assign p_o = full[${P - 1}:0];`,
    'endmodule',
    `module logic_${A}_${B}_${P} ${ports};`,
    logicMulLines('a', A, 'b', B, 'mp', P),
    '  assign p_o = mp;',
    'endmodule',
    '',
  ].join('\n');
}

/** Popcount widths [bits, count bits]. */
const POPCOUNTS: readonly [number, number][] = [
  [1, 1],
  [2, 2],
  [3, 2],
  [7, 3],
  [8, 4],
  [16, 5],
];

function popPair([L, NB]: readonly [number, number]): string {
  const ports = `(input wire [${L - 1}:0] x, output wire [${NB - 1}:0] pc_o)`;
  const sum = Array.from({ length: L }, (_, i) => `{${NB > 1 ? `${NB - 1}'d0, ` : ''}x[${i}]}`).join(' + ');
  return [
    `module plus_${L} ${ports};`,
    `  assign pc_o = ${sum};`,
    'endmodule',
    `module logic_${L} ${ports};`,
    columnSumLines([Array.from({ length: L }, (_, i) => `x[${i}]`)], 'pc', NB),
    '  assign pc_o = pc;',
    'endmodule',
    '',
  ].join('\n');
}

describe('multiplier as logic', () => {
  it('uses neither * nor + (Yosys would map them to carry chains)', () => {
    const text = logicMulLines('ka', 4, 'kw', 4, 'mp', 8);
    expect(text).not.toMatch(/[*+]/);
    expect(text).toContain('wire [7:0] mp = {');
  });

  it(`popcount equals a sum of + for ${POPCOUNTS.map(([L]) => L).join(', ')} bits (Yosys SAT)`, async () => {
    await expectEquivalent(POPCOUNTS.map((p) => ({ source: popPair(p), gold: `plus_${p[0]}`, gate: `logic_${p[0]}` })));
  });

  it(`equals a * b for ${SHAPES.map((s) => s.join('×').replace(/×(\d+)$/, ' → $1')).join(', ')} (Yosys SAT)`, async () => {
    await expectEquivalent(
      SHAPES.map((s) => ({ source: pair(s), gold: `star_${s.join('_')}`, gate: `logic_${s.join('_')}` })),
    );
  });
});
