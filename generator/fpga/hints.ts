/**
 * What to try when a design does not fit an iCE40: `axgen fpga` prints these after a report with
 * `fits: NO`. Each hint follows from the overflow figures of that run (PnrResult.overflow) and the
 * config's array, or, for a run that did not route or timed out, from its seed and time limit;
 * none is a promise that the alternative fits.
 *
 * Logic cells per device as nextpnr-ice40 models them: the ICESTORM_LC "available" figure of its
 * utilisation report, read from nextpnr-ice40 0.4 (`--pack-only` on a one-LUT design, each device
 * with its default package from devices.ts). LP4K/HX4K are modelled on the 8K die (devices.ts), so a
 * bigger device is suggested by the cells the datasheet gives each part (usableCells), not nextpnr's model.
 */
import { isRouterLoop, type PnrResult } from './pnr.js';
import { ICE40_DEVICES, iceDevice, usableCells } from './devices.js';
import { count } from '../infra/text.js';

/** Logic cells of a device by name (0 for an unknown one). */
const logicCells = (name: string) => iceDevice(name)?.logicCells ?? 0;

export interface HintContext {
  rows: number;
  cols: number;
  /** Whether the run mapped multipliers to SB_MAC16 (false with --no-dsp). */
  dsp: boolean;
  /** Whether the timing harness wrapped the top (false with --no-harness). */
  harness: boolean;
  /** The nextpnr seeds tried (default: the result's own seed). */
  seeds?: readonly number[];
  /**
   * The config has a requantizing output stage, whose per-column multipliers may use SB_MAC16
   * blocks too: the DSP count is then not proportional to the PEs.
   */
  outputStage?: boolean;
  /** The configured unit kind, named in the hint to try one with a smaller PE. */
  unit?: string;
  /** Carry chains of the PE's adder (config/derive.ts `Derived.sumChains`); > 1 can be given back. */
  sumChains?: number;
}

/** The next `n` seeds after the largest one tried, as a --seeds list. */
function nextSeeds(tried: readonly number[], n = 3): string {
  const from = Math.max(...tried) + 1;
  return Array.from({ length: n }, (_, i) => from + i).join(',');
}

/** The largest rows×cols with rows ≤ `rows`, cols ≤ `cols` and at most `pes` PEs (largest area first, squarer first), or null. */
function smallerArray(rows: number, cols: number, pes: number): string | null {
  let best: [number, number] | null = null;
  for (let r = 1; r <= rows; r++) {
    for (let c = 1; c <= cols; c++) {
      if (r * c > pes) continue;
      if (
        !best ||
        r * c > best[0] * best[1] ||
        (r * c === best[0] * best[1] && Math.abs(r - c) < Math.abs(best[0] - best[1]))
      )
        best = [r, c];
    }
  }
  return best ? `${best[0]}×${best[1]}` : null;
}

/** One line per thing worth trying, for a result that does not fit (empty when it fits). */
export function fitHints(r: PnrResult, x: HintContext): string[] {
  if (r.fits) return [];
  const hints: string[] = [];
  if (r.status === 'timeout' || r.status === 'unroutable') {
    const seeds = x.seeds ?? [r.seed];
    const what =
      r.status === 'timeout'
        ? `place and route did not finish within ${r.timeLimitS} s with seed${seeds.length > 1 ? 's' : ''} ${seeds.join(', ')}`
        : `the design did not route with seed${seeds.length > 1 ? 's' : ''} ${seeds.join(', ')}`;
    // A bigger device only for a crowded design (80 % of the logic cells or more): with room to
    // spare the placer and router are not short of space, and a bigger part would not help.
    const lc = r.capacity?.ICESTORM_LC;
    const crowded = lc !== undefined && lc.available > 0 && lc.used >= 0.8 * lc.available;
    const bigger = crowded
      ? ICE40_DEVICES.map((d) => d.name).filter((n) => usableCells(n) > usableCells(r.device))
      : [];
    // nextpnr's router loop (a router bug, not the design): only another seed helps.
    const loop = isRouterLoop(r);
    hints.push(
      `${what}: try other seeds (--seeds ${nextSeeds(seeds)}, run in parallel, the best fmax kept)` +
        (loop
          ? ` (nextpnr's router looped on ${seeds.length > 1 ? 'them' : 'it'}, a bug of the router, not of the design)`
          : '') +
        (r.status === 'timeout' ? `, a longer --pnr-time-limit (seconds; now ${r.timeLimitS})` : '') +
        (loop ? '' : `, a lower --clock (now ${r.clockMHz} MHz)`) +
        (loop || !bigger.length ? '' : `, or a bigger device: ${bigger.join(', ')}`),
    );
    return hints;
  }
  const pes = x.rows * x.cols;
  const dev = iceDevice(r.device);
  const over = (name: string) => r.overflow.find((o) => o.resource === name);
  const bigger = (need: (name: string) => boolean) =>
    ICE40_DEVICES.map((d) => d.name).filter((n) => n !== r.device && need(n));

  const dsp = over('ICESTORM_DSP');
  if (dsp) {
    const perPe = dsp.used / pes;
    const fitPes = perPe > 0 ? Math.floor(dsp.available / perPe) : 0;
    // With an output stage the blocks are not all in PEs: no array size follows from the count.
    const arr = x.outputStage ? null : smallerArray(x.rows, x.cols, fitPes);
    // Each logic cell holds one LUT4 and one flip-flop: the larger count is a floor on the cells needed.
    const floor = Math.max(r.utilisation?.ff ?? 0, r.utilisation?.lut4 ?? 0);
    const cells = logicCells(r.device);
    const crowded = cells > 0 && floor >= 0.8 * cells;
    hints.push(
      `the multipliers${x.outputStage ? " (the PEs' and the output stage's per-column requantization multipliers)" : ''} need ${dsp.used} SB_MAC16 blocks and the ${r.device} has ${dsp.available}: ` +
        (crowded
          ? `--no-dsp maps them to LUTs, but the design already needs at least ${floor} of the ${cells} logic cells without them, so it is unlikely to fit`
          : '--no-dsp maps them to LUTs instead (place and route did not run, so whether that fits is not known yet)') +
        (arr
          ? `; a smaller array: with DSPs at most ${count(fitPes, 'PE')} (e.g. ${arr} instead of ${x.rows}×${x.cols})`
          : ''),
    );
  }
  const ram = over('ICESTORM_RAM');
  if (ram) {
    const more = bigger((n) => (iceDevice(n)?.brams ?? 0) >= ram.used);
    hints.push(
      `the accumulator buffers need ${ram.used} block RAMs and the ${r.device} has ${ram.available}: a smaller array.accDepth or array` +
        (more.length ? `, or a device with enough: ${more.join(', ')}` : ''),
    );
  }
  const lc = over('ICESTORM_LC');
  if (lc) {
    const more = bigger((n) => usableCells(n) >= lc.used);
    const fitPes = Math.floor((pes * lc.available) / lc.used);
    const arr = smallerArray(x.rows, x.cols, fitPes);
    const parts = [`the design needs ${lc.used} logic cells and the ${r.device} has ${lc.available}`];
    if (more.length) parts.push(`a bigger device: ${more.join(', ')}`);
    if (!x.dsp && dev?.dsp) parts.push('drop --no-dsp, so exact multipliers go to SB_MAC16 blocks instead of LUTs');
    if (arr && fitPes < pes)
      parts.push(
        `a smaller array: scaling by logic cells, about ${fitPes} PEs (e.g. ${arr} instead of ${x.rows}×${x.cols}; the logic outside the PEs does not shrink, so leave some margin)`,
      );
    const chains = x.sumChains ?? 1;
    if (chains > 1)
      parts.push(
        `pipeline: { sumChains: 1 } (the one-chain adder: ${chains - 1} flip-flops fewer per PE and no add below each column, at some fmax)`,
      );
    parts.push(
      `or a multiplier whose PE is smaller than ${x.unit ? `${x.unit}'s` : 'this one'} (the README's PE area table: Mitchell's needs about half the LUT4s of exact's)`,
    );
    hints.push(parts.join('; '));
  }
  const io = over('SB_IO');
  if (io)
    hints.push(
      `the top needs ${io.used} pins and the ${r.device} package has ${io.available}${x.harness ? '' : ': drop --no-harness (the timing harness needs 4 pins)'}`,
    );
  if (hints.length === 0) {
    const more = bigger((n) => usableCells(n) > usableCells(r.device));
    hints.push(
      `placement failed without an overflowing resource (see nextpnr.log)${more.length ? `; try a bigger device: ${more.join(', ')}` : ''}, or a smaller array`,
    );
  }
  return hints;
}
