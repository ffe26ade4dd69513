/**
 * The hints `axgen fpga` prints when a design does not fit: each follows from the overflow figures
 * (figures below as nextpnr and Yosys report them for the README's table and examples/edge-int8.ts).
 */
import { describe, expect, it } from 'vitest';
import { fitHints } from '../../generator/fpga/hints.js';
import type { Overflow, PnrResult } from '../../generator/fpga/pnr.js';

const result = (device: string, overflow: Overflow[], fits = false) =>
  ({ device, overflow, fits }) as unknown as PnrResult;
const ctx = (rows: number, cols: number, dsp = true, harness = true) => ({ rows, cols, dsp, harness });

describe('fit hints', () => {
  it('says nothing for a design that fits', () => {
    expect(fitHints(result('up5k', [], true), ctx(2, 2))).toEqual([]);
  });

  it('too many SB_MAC16: --no-dsp, or the largest array the DSPs allow', () => {
    const [h, ...rest] = fitHints(
      result('up5k', [{ resource: 'ICESTORM_DSP', used: 64, available: 8, over: 56 }]),
      ctx(8, 8),
    );
    expect(rest).toEqual([]);
    expect(h).toMatch(/need 64 SB_MAC16 blocks and the up5k has 8: --no-dsp maps them to LUTs/);
    expect(h).toMatch(/at most 8 PEs \(e\.g\. 2×4 instead of 8×8\)/);
    expect(h).toMatch(/not known yet/);
    // examples/edge-int8.ts on an up5k: 5204 flip-flops of 5280 cells before any multiplier is in LUTs.
    const crowded = {
      ...result('up5k', [{ resource: 'ICESTORM_DSP', used: 64, available: 8, over: 56 }]),
      utilisation: { lut4: 2895, ff: 5204 },
    } as unknown as PnrResult;
    expect(fitHints(crowded, ctx(8, 8))[0]).toMatch(
      /at least 5204 of the 5280 logic cells without them, so it is unlikely to fit/,
    );
  });

  it('too many logic cells: bigger devices, DSPs when --no-dsp was given, a smaller array', () => {
    const [h] = fitHints(
      result('up5k', [{ resource: 'ICESTORM_LC', used: 6039, available: 5280, over: 759 }]),
      ctx(4, 4, false),
    );
    expect(h).toMatch(/needs 6039 logic cells and the up5k has 5280/);
    // Not lp4k or hx4k: nextpnr models them on the 8k die, but the parts have the datasheet's 3,520 cells.
    expect(h).toMatch(/a bigger device: lp8k, hx8k;/);
    const [small] = fitHints(
      result('hx1k', [{ resource: 'ICESTORM_LC', used: 3000, available: 1280, over: 1720 }]),
      ctx(4, 4),
    );
    expect(small).toMatch(/a bigger device: lp4k, lp8k, hx4k, hx8k, up5k, u4k;/);
    expect(h).toMatch(/drop --no-dsp/);
    expect(h).toMatch(/about 13 PEs \(e\.g\. 3×4 instead of 4×4/);
    const [big] = fitHints(
      result('hx8k', [{ resource: 'ICESTORM_LC', used: 12496, available: 7680, over: 4816 }]),
      ctx(6, 6, false),
    );
    expect(big).not.toMatch(/bigger device/);
    expect(big).not.toMatch(/--no-dsp/);
    expect(big).toMatch(/about 22 PEs \(e\.g\. 4×5 instead of 6×6/);
    expect(big).not.toMatch(/sumChains/);
    // A carry-save PE can give its chains back; the unit is named, not assumed exact.
    const [mit] = fitHints(result('up5k', [{ resource: 'ICESTORM_LC', used: 5294, available: 5280, over: 14 }]), {
      ...ctx(5, 5, false),
      unit: 'mitchell',
      sumChains: 3,
    });
    expect(mit).toMatch(/pipeline: \{ sumChains: 1 \} \(the one-chain adder: 2 flip-flops fewer per PE/);
    expect(mit).toMatch(/a multiplier whose PE is smaller than mitchell's/);
  });

  it('block RAM and pins', () => {
    const [ram] = fitHints(result('lp384', [{ resource: 'ICESTORM_RAM', used: 4, available: 0, over: 4 }]), ctx(2, 2));
    expect(ram).toMatch(
      /need 4 block RAMs and the lp384 has 0: a smaller array\.accDepth or array, or a device with enough: lp1k, lp4k/,
    );
    const [io] = fitHints(
      result('up5k', [{ resource: 'SB_IO', used: 700, available: 39, over: 661 }]),
      ctx(2, 2, true, false),
    );
    expect(io).toMatch(/drop --no-harness/);
  });

  it('a run that did not route or timed out: a bigger device only when the design is crowded', () => {
    const run = (used: number, status: 'unroutable' | 'timeout') =>
      ({
        device: 'up5k',
        overflow: [],
        fits: null,
        status,
        seed: 1,
        timeLimitS: 600,
        clockMHz: 12,
        failure: 'x',
        capacity: { ICESTORM_LC: { used, available: 5280 } },
      }) as unknown as PnrResult;
    expect(fitHints(run(1036, 'timeout'), ctx(2, 2))[0]).not.toMatch(/bigger device/);
    expect(fitHints(run(5000, 'unroutable'), ctx(2, 2))[0]).toMatch(/or a bigger device: lp8k, hx8k$/);
  });
});
