/**
 * Yosys stat text parsing and hierarchical combination, on a hand-written report in Yosys 0.23's
 * format (a kept hierarchy with a blackbox, and a module with a `-tech cmos` lower bound).
 */
import { describe, expect, it } from 'vitest';
import { hierarchyTotals, parseStat, StatParseError } from '../../generator/estimate/stat.js';

const REPORT = `
3. Printing statistics.

=== $paramod$abc\\t_delay ===

   Number of wires:                  4
   Number of wire bits:             20
   Number of public wires:           4
   Number of public wire bits:      20
   Number of memories:               0
   Number of memory bits:            0
   Number of processes:              0
   Number of cells:                  6
     $_SDFFE_PN0P_                   6

   Estimated number of transistors:          0+

=== t_array ===

   Number of wires:                 10
   Number of wire bits:             40
   Number of public wires:          10
   Number of public wire bits:      40
   Number of memories:               0
   Number of memory bits:            0
   Number of processes:              0
   Number of cells:                  4
     t_pe                            4

   Estimated number of transistors:          0+

=== t_top ===

   Number of wires:                 30
   Number of wire bits:            100
   Number of public wires:          20
   Number of public wire bits:      90
   Number of memories:               0
   Number of memory bits:            0
   Number of processes:              0
   Number of cells:                 13
     $_AND_                          5
     $_NOT_                          3
     $paramod$abc\\t_delay            2
     t_array                         1
     $_DFF_P_                        2

   Estimated number of transistors:         38+

=== design hierarchy ===

   t_top                             1
     $paramod$abc\\t_delay            2
     t_array                         1

   Number of wires:                 48
   Number of cells:                 23
     $_AND_                          5
`;

describe('Yosys stat text report', () => {
  it('parses every module section and skips the hierarchy summary', () => {
    const mods = parseStat(REPORT);
    expect(mods.map((m) => m.name)).toEqual(['$paramod$abc\\t_delay', 't_array', 't_top']);
    const top = mods.find((m) => m.name === 't_top')!;
    expect(top.cells).toEqual({ $_AND_: 5, $_NOT_: 3, '$paramod$abc\\t_delay': 2, t_array: 1, $_DFF_P_: 2 });
    expect(top.transistors).toBe(38);
    expect(top.transistorsLowerBound).toBe(true);
  });

  it('expands instances through the hierarchy and counts blackboxes as instances only', () => {
    const t = hierarchyTotals(parseStat(REPORT), 't_top', ['t_pe']);
    expect(t.cells).toEqual({ $_AND_: 5, $_DFF_P_: 2, $_NOT_: 3, $_SDFFE_PN0P_: 12 });
    expect(t.instances).toEqual({ '$paramod$abc\\t_delay': 2, t_array: 1, t_pe: 4, t_top: 1 });
    expect(t.transistors).toBe(38);
  });

  it('rejects a report whose cell list disagrees with its count', () => {
    expect(() =>
      parseStat(REPORT.replace('Number of cells:                 13', 'Number of cells:                 14')),
    ).toThrow(StatParseError);
    expect(() => parseStat('no sections here')).toThrow(/no module section/);
  });
});
