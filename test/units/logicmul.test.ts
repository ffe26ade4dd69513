/**
 * The multiplier written as logic (generator/units/logicmul.ts, DRUM's k×k product): Yosys' SAT
 * solver proves it equal to `a * b` for every input, for square, mixed and single-bit widths and
 * for a product cut below its full width, in one Yosys run (test/helpers/sat.ts). DRUM's whole core
 * is also proved against the definition (drum.test.ts) and simulated exhaustively (exhaustive.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { logicMulLines } from '../../generator/units/logicmul.js';
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

describe('multiplier as logic', () => {
  it('uses neither * nor + (Yosys would map them to carry chains)', () => {
    const text = logicMulLines('ka', 4, 'kw', 4, 'mp', 8);
    expect(text).not.toMatch(/[*+]/);
    expect(text).toContain('wire [7:0] mp = {');
  });

  it(`equals a * b for ${SHAPES.map((s) => s.join('×').replace(/×(\d+)$/, ' → $1')).join(', ')} (Yosys SAT)`, async () => {
    await expectEquivalent(
      SHAPES.map((s) => ({ source: pair(s), gold: `star_${s.join('_')}`, gate: `logic_${s.join('_')}` })),
    );
  });
});
