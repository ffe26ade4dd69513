import { describe, expect, it } from 'vitest';
import { formatPnr, type PnrResult } from '../../generator/fpga/pnr.js';

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
  cacheHit: false,
  seconds: { synth: 1, pnr: 1 },
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
