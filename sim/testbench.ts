/** Testbench files for one config: the delay-free checker, the Icarus clock and the Verilator main. */
import { derive } from '../generator/config/derive.js';
import type { ResolvedConfig } from '../generator/config/resolve.js';
import { headerFor, portView } from '../generator/emit/rtl.js';
import { render } from '../generator/emit/handlebars.js';
import { VERILATOR_CLASS } from './simulators.js';
import { paramBeatBits } from '../generator/units/output-stage.js';

export interface TbFile {
  name: string;
  text: string;
}

const msb = (b: number) => String(b - 1);

export function testbenchFiles(c: ResolvedConfig): { check: TbFile; icarus: TbFile; verilatorMain: TbFile } {
  const d = derive(c);
  const header = (t: string) => headerFor(c, d, t);
  const view = {
    prefix: c.name,
    cols: String(d.cols),
    // A result lane: the accumulator, or the output stage's format.
    accBits: String(d.yBits),
    accMsb: msb(d.yBits),
    ...portView(d),
    wDataBits: String(d.cols * d.wBits),
    wDataMsb: msb(d.cols * d.wBits),
    aDataBits: String(d.rows * d.aBits),
    aDataMsb: msb(d.rows * d.aBits),
    yDataMsb: msb(d.cols * d.yBits),
    outStage: d.out !== null,
    pDataMsb: d.out ? msb(paramBeatBits(d.accBits, d.cols, d.out.bits)) : '0',
    pDataBits: d.out ? String(paramBeatBits(d.accBits, d.cols, d.out.bits)) : '1',
  };
  return {
    check: {
      name: `${c.name}_tb_check.v`,
      text: render('sim/templates/tb_check.v.hbs', { ...view, header: header('sim/templates/tb_check.v.hbs') }),
    },
    icarus: {
      name: `${c.name}_tb_icarus.v`,
      text: render('sim/templates/tb_icarus.v.hbs', { ...view, header: header('sim/templates/tb_icarus.v.hbs') }),
    },
    verilatorMain: {
      name: `${c.name}_main.cpp`,
      text: render('sim/templates/verilator_main.cpp.hbs', {
        ...view,
        modelClass: VERILATOR_CLASS,
        header: header('sim/templates/verilator_main.cpp.hbs'),
      }),
    },
  };
}
