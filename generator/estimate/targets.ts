/**
 * Synthesis targets: the Yosys commands of each variant and how its cells become figures.
 *
 * Each target has a primary variant that never maps multipliers to DSP blocks (exact and
 * approximate designs compare on logic; approximate units never map to DSPs, toolchain.md) and,
 * for the FPGAs, a DSP-mapped variant reported beside it.
 *
 *   ice40    synth_ice40 (LUT4, SB_CARRY, SB_DFF*, SB_RAM40_4K) and synth_ice40 -dsp (+ SB_MAC16)
 *   xilinx   synth_xilinx -noiopad -noclkbuf -nodsp (LUT1..6, CARRY4, FD*, LUTRAM, RAMB*) and
 *            synth_xilinx -noiopad -noclkbuf (+ DSP48E1)
 *   generic  synth; stat -tech cmos (Yosys's internal gates, flip-flops, CMOS transistor estimate
 *            of the combinational gates: flip-flops have no figure, so it is a lower bound)
 */
export const TARGETS = ['ice40', 'xilinx', 'generic'] as const;
export type Target = (typeof TARGETS)[number];

export type Figures = Record<string, number>;

export interface Variant {
  id: string;
  description: string;
  /** The synthesis command for `top`; `flatten` for the PE, hierarchy kept for the rest. */
  command(top: string, flatten: boolean): string;
  /** `stat` arguments. */
  stat: string;
}

export interface TargetDef {
  name: Target;
  description: string;
  variants: Variant[];
  /** Figures of one variant from primitive cell counts (and the transistor estimate). */
  figures(cells: Record<string, number>, transistors: number | null): Figures;
  /** Figure used as "area" in reports and plots (of the primary variant), and its unit. */
  areaFigure: string;
  areaUnit: string;
  /** Every figure key `figures` returns, in column order. */
  figureKeys: string[];
}

function tally(cells: Record<string, number>, classes: [string, RegExp][]): Figures {
  const out: Figures = Object.fromEntries(classes.map(([k]) => [k, 0]));
  out.other = 0;
  for (const [type, n] of Object.entries(cells)) {
    const hit = classes.find(([, re]) => re.test(type));
    out[hit ? hit[0] : 'other']! += n;
  }
  return out;
}

const ICE40_CLASSES: [string, RegExp][] = [
  ['lut4', /^SB_LUT4$/],
  ['carry', /^SB_CARRY$/],
  ['ff', /^SB_DFF/],
  ['bram', /^SB_RAM40_4K/],
  ['mac16', /^SB_MAC16$/],
];

const XILINX_CLASSES: [string, RegExp][] = [
  ['lut', /^LUT[1-6]$/],
  ['carry4', /^CARRY4$/],
  ['ff', /^FD[CPRS]E?(_1)?$/],
  ['dsp48', /^DSP48/],
  ['bram', /^RAMB(18|36)/],
  ['lutram', /^RAM(16|32|64|128|256)(X1[SD]|M)/],
  ['srl', /^SRL/],
  ['muxf', /^MUXF[78]$/],
  ['inv', /^INV$/],
];

const GENERIC_CLASSES: [string, RegExp][] = [
  ['ff', /^\$_(S?DFF|ALDFF|DFFSR|SDFFC|SDFFE|DLATCH)/],
  ['gates', /^\$_/],
];

export const TARGET_DEFS: Record<Target, TargetDef> = {
  ice40: {
    name: 'ice40',
    description: 'Lattice iCE40 (Yosys synth_ice40)',
    variants: [
      {
        id: 'nodsp',
        description: 'synth_ice40: logic only, multipliers in LUT4s and carries',
        command: (top, flatten) => `synth_ice40 ${flatten ? '' : '-noflatten '}-top ${top}`,
        stat: '',
      },
      {
        id: 'dsp',
        description: 'synth_ice40 -dsp: multipliers mapped to SB_MAC16 where Yosys can',
        command: (top, flatten) => `synth_ice40 -dsp ${flatten ? '' : '-noflatten '}-top ${top}`,
        stat: '',
      },
    ],
    figures: (cells) => tally(cells, ICE40_CLASSES),
    areaFigure: 'lut4',
    areaUnit: 'iCE40 LUT4',
    figureKeys: ['lut4', 'carry', 'ff', 'bram', 'mac16', 'other'],
  },
  xilinx: {
    name: 'xilinx',
    description: 'Xilinx 7-series (Yosys synth_xilinx -noiopad -noclkbuf)',
    variants: [
      {
        id: 'nodsp',
        description: 'synth_xilinx -nodsp: LUT-only, multipliers in LUTs and CARRY4',
        command: (top, flatten) => `synth_xilinx -noiopad -noclkbuf -nodsp ${flatten ? '-flatten ' : ''}-top ${top}`,
        stat: '',
      },
      {
        id: 'dsp',
        description: 'synth_xilinx: multipliers mapped to DSP48E1 where Yosys can',
        command: (top, flatten) => `synth_xilinx -noiopad -noclkbuf ${flatten ? '-flatten ' : ''}-top ${top}`,
        stat: '',
      },
    ],
    figures: (cells) => tally(cells, XILINX_CLASSES),
    areaFigure: 'lut',
    areaUnit: '7-series LUT',
    figureKeys: ['lut', 'carry4', 'ff', 'dsp48', 'bram', 'lutram', 'srl', 'muxf', 'inv', 'other'],
  },
  generic: {
    name: 'generic',
    description: 'technology-independent gates (Yosys synth; stat -tech cmos)',
    variants: [
      {
        id: 'gates',
        description: 'synth: Yosys internal gate cells; CMOS transistor estimate of the combinational gates',
        command: (top, flatten) => `synth ${flatten ? '-flatten ' : ''}-top ${top}`,
        stat: '-tech cmos',
      },
    ],
    figures: (cells, transistors) => {
      const t = tally(cells, GENERIC_CLASSES);
      const total = Object.values(cells).reduce((a, b) => a + b, 0);
      return { cells: total, gates: t.gates!, ff: t.ff!, transistors: transistors ?? 0, other: t.other! };
    },
    areaFigure: 'transistors',
    areaUnit: 'CMOS transistors (gates only)',
    figureKeys: ['cells', 'gates', 'ff', 'transistors', 'other'],
  },
};

export function isTarget(s: string): s is Target {
  return (TARGETS as readonly string[]).includes(s);
}
