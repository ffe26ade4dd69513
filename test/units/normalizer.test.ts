/**
 * The leading-one normalizer of the log-family encoders (generator/units/logcore.ts
 * normalizerLines, used by Mitchell's and ALM-SOA's encoder): Yosys' SAT solver proves it equal,
 * for every input, to the form it replaced (a priority encoder for k, then norm = x << (N-1-k)),
 * for power-of-two widths and for padded ones, in one Yosys run (test/helpers/sat.ts). The 8-bit encoders are also
 * checked exhaustively through the units in both simulators (exhaustive.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { leadingOneExpr, normalizerLines } from '../../generator/units/logcore.js';
import { ubits } from '../../generator/units/verilog.js';
import { expectEquivalent, modulePair, type EquivPair } from '../helpers/sat.js';

const WIDTHS = [1, 2, 3, 5, 6, 8, 12, 16];

/** The two forms of width N as modules old_N and new_N with the same ports. */
function pair(N: number): EquivPair {
  const KB = ubits(N - 1);
  const ports = `(input wire [${N - 1}:0] x, output wire [${KB - 1}:0] k_o, output wire [${N - 1}:0] norm_o)`;
  const outs = (k: string, norm: string) => `  assign k_o = ${k};\n  assign norm_o = ${norm};`;
  return modulePair(
    ports,
    {
      name: `old_${N}`,
      body: `  wire [${KB - 1}:0] k = ${leadingOneExpr('x', N, KB)};\n${outs('k', `x << (${KB}'d${N - 1} - k)`)}`,
    },
    { name: `new_${N}`, body: `${normalizerLines('x', N, KB)}\n${outs('k', 'norm')}` },
  );
}

describe('leading-one normalizer', () => {
  it('pads a width that is not a power of two and sets k = 0 for zero', () => {
    const six = normalizerLines('x', 6, 3);
    expect(six).toContain("wire [7:0] nrm3 = {x, 2'd0};");
    expect(six).toContain("(&{z2, z1, z0}) ? 3'd0");
    expect(normalizerLines('x', 8, 3)).toContain('k = ~{z2, z1, z0};');
  });

  it(`is equal to the priority encoder and shift for N = ${WIDTHS.join(', ')} (Yosys SAT)`, async () => {
    await expectEquivalent(WIDTHS.map(pair));
  });
});
