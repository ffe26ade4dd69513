/**
 * iCE40 devices that `axgen fpga` and `placeAndRoute` accept: the nextpnr-ice40 device flag, the
 * default package, and whether the device has SB_MAC16 DSP blocks. Capacities are not listed here:
 * they are read from nextpnr's own "Device utilisation" report, so they always match the tool.
 *
 * Note: nextpnr models the HX4K/LP4K on the 8k die (7,680 logic cells); Lattice sells them as
 * 3,520-cell parts, so a design that nextpnr places on hx4k may still be too big for the part.
 */
export interface IceDevice {
  /** nextpnr-ice40 flag without the dashes, e.g. `up5k`. */
  name: string;
  package: string;
  /** The device has SB_MAC16 blocks (UltraPlus and iCE5LP). */
  dsp: boolean;
  /** SB_RAM40_4K and SB_MAC16 blocks as nextpnr models the device (checked before placement). */
  brams: number;
  dsps: number;
  /** Logic cells (ICESTORM_LC: LUT4 + flip-flop + carry) as nextpnr counts them. */
  logicCells: number;
  /**
   * Logic cells the Lattice datasheet gives the part, where it is fewer than nextpnr models (the
   * HX4K/LP4K, placed on the 8k die): what a buyer of the part has, so what a hint may promise.
   */
  datasheetCells?: number;
}

export const ICE40_DEVICES: readonly IceDevice[] = [
  { name: 'lp384', package: 'qn32', dsp: false, brams: 0, dsps: 0, logicCells: 384 },
  { name: 'lp1k', package: 'cm81', dsp: false, brams: 16, dsps: 0, logicCells: 1280 },
  { name: 'lp4k', package: 'cm81', dsp: false, brams: 32, dsps: 0, logicCells: 7680, datasheetCells: 3520 },
  { name: 'lp8k', package: 'cm81', dsp: false, brams: 32, dsps: 0, logicCells: 7680 },
  { name: 'hx1k', package: 'tq144', dsp: false, brams: 16, dsps: 0, logicCells: 1280 },
  { name: 'hx4k', package: 'tq144', dsp: false, brams: 32, dsps: 0, logicCells: 7680, datasheetCells: 3520 },
  { name: 'hx8k', package: 'ct256', dsp: false, brams: 32, dsps: 0, logicCells: 7680 },
  { name: 'up5k', package: 'sg48', dsp: true, brams: 30, dsps: 8, logicCells: 5280 },
  { name: 'u4k', package: 'sg48', dsp: true, brams: 20, dsps: 4, logicCells: 3520 },
];

export const DEVICE_NAMES = ICE40_DEVICES.map((d) => d.name);

/** The device of that name, or undefined. */
export function iceDevice(name: string): IceDevice | undefined {
  return ICE40_DEVICES.find((d) => d.name === name);
}

/** Logic cells a user of the part has: the datasheet's figure where it is below nextpnr's model (0 for an unknown name). */
export function usableCells(name: string): number {
  const d = iceDevice(name);
  return d ? (d.datasheetCells ?? d.logicCells) : 0;
}
