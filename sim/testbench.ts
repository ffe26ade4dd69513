/** Testbench files for one config: the delay-free checker, the Icarus clock and the Verilator main. */
import { derive } from '../generator/config/derive.js';
import type { ResolvedConfig } from '../generator/config/resolve.js';
import { headerFor, portView } from '../generator/emit/rtl.js';
import { render } from '../generator/emit/handlebars.js';
import { VERILATOR_CLASS } from './simulators.js';

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
    accBits: String(d.accBits),
    accMsb: msb(d.accBits),
    ...portView(d),
    wDataBits: String(d.cols * d.wBits),
    wDataMsb: msb(d.cols * d.wBits),
    aDataBits: String(d.rows * d.aBits),
    aDataMsb: msb(d.rows * d.aBits),
    yDataMsb: msb(d.cols * d.accBits),
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
