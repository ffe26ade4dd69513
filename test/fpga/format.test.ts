import { describe, expect, it } from 'vitest';
import { formatPnr, formatTimings, type PnrResult } from '../../generator/fpga/pnr.js';

/** A routed result as placeAndRoute returns it; only the DSP fields vary below. */
const routed = (dsp: boolean, mac16: number): PnrResult => ({
  top: 't_top',
  device: 'up5k',
  package: 'sg48',
  clockMHz: 12,
  dsp,
  seed: 1,
  timeLimitS: 600,
  status: 'routed',
  fits: true,
  overflow: [],
  failure: null,
  fmaxMHz: 30,
  meetsTiming: true,
  utilisation: { lut4: 100, carry: 10, ff: 50, bram: 0, mac16, lc: 120, io: 4 },
  capacity: {},
  harness: { used: true, description: 'timing harness' },
  toolVersions: { yosys: 'Yosys 0.23', nextpnr: 'nextpnr-ice40 0.4', icepack: '0' },
  timingReport: '',
  bitstream: null,
  cacheDir: '/nonexistent',
  seconds: { synth: 1, pnr: 1 },
  cached: { synth: false, pnr: false },
});

describe('formatPnr header', () => {
  it('says multipliers are on SB_MAC16 only when -dsp mapped some', () => {
    expect(formatPnr(routed(true, 4)).split('\n')[0]).toMatch(/, multipliers on SB_MAC16$/);
    expect(formatPnr(routed(true, 0)).split('\n')[0]).toMatch(
      /, DSP mapping on \(synth_ice40 -dsp\), no multiplier mapped to SB_MAC16$/,
    );
    expect(formatPnr(routed(false, 0)).split('\n')[0]).toMatch(/, no DSP mapping$/);
  });
});

describe('formatPnr on the 4k parts nextpnr places on the 8k die', () => {
  const on = (device: string, lc: number): PnrResult => ({
    ...routed(false, 0),
    device,
    utilisation: { ...routed(false, 0).utilisation, lc },
    capacity: { ICESTORM_LC: { used: lc, available: 7680 } },
  });
  it('notes a design larger than the datasheet part, and only then', () => {
    expect(formatPnr(on('hx4k', 3854))).toContain(
      'note: 3854 logic cells is more than the 3520 of the HX4K datasheet: nextpnr places hx4k on the 8k die (7680 cells), which Lattice sells with 3520 usable',
    );
    expect(formatPnr(on('hx4k', 3000))).not.toContain('note:');
    expect(formatPnr(on('hx8k', 3854))).not.toContain('note:');
  });
});

describe('formatTimings', () => {
  const timed = (synth: boolean, pnr: boolean, pnrSeconds: number | null = 40.1): PnrResult => ({
    ...routed(false, 0),
    seconds: { synth: 12.34, pnr: pnrSeconds },
    cached: { synth, pnr },
  });
  it("a figure served from the cache says it is the stored run's, and which one it is", () => {
    expect(formatTimings(timed(false, false))).toBe('synthesis 12.3 s, place and route 40.1 s');
    expect(formatTimings(timed(true, true))).toBe(
      'synthesis 12.3 s, place and route 40.1 s (both cached: measured when first run)',
    );
    // Another seed on a cached synthesis: only the synthesis figure is the stored one.
    expect(formatTimings(timed(true, false))).toBe(
      'synthesis 12.3 s (cached: measured when first run), place and route 40.1 s',
    );
    expect(formatTimings(timed(false, true))).toBe(
      'synthesis 12.3 s, place and route 40.1 s (place and route cached: measured when first run)',
    );
  });
  it("several seeds: the kept seed's figures, then this run's wall time and how many seeds were placed now", () => {
    expect(formatTimings(timed(false, false), { seeds: 3, placed: 3, seconds: 61.04 })).toBe(
      'synthesis 12.3 s, place and route 40.1 s for seed 1; this run: 61.0 s for 3 seeds',
    );
    // A rerun with one new seed: the kept seed's figures are the stored ones, this run placed one.
    expect(formatTimings(timed(true, true), { seeds: 3, placed: 1, seconds: 15.5 })).toBe(
      'synthesis 12.3 s, place and route 40.1 s for seed 1 (both cached: measured when first run); ' +
        'this run: 15.5 s for 3 seeds (1 placed, 2 from the cache)',
    );
    expect(formatTimings(timed(true, true), { seeds: 2, placed: 0, seconds: 0.02 })).toBe(
      'synthesis 12.3 s, place and route 40.1 s for seed 1 (both cached: measured when first run); ' +
        'this run: 0.0 s for 2 seeds, all from the cache',
    );
    expect(formatTimings(timed(false, false), { seeds: 1, placed: 1, seconds: 52.4 })).toBe(
      'synthesis 12.3 s, place and route 40.1 s',
    );
  });
  it('place and route not run (hard blocks overflow before placement): only the synthesis can be cached', () => {
    expect(formatTimings(timed(false, false, null))).toBe(
      'synthesis 12.3 s, place and route not run (the hard blocks overflow before placement)',
    );
    expect(formatTimings(timed(true, false, null))).toBe(
      'synthesis 12.3 s (cached: measured when first run), place and route not run (the hard blocks overflow before placement)',
    );
  });
});
