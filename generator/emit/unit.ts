/**
 * The standalone unit: `<prefix>_unit` = act_pre → wgt_pre → mul of the configured multiplier, with
 * no array around it; a unit with a split product (units/types.ts SplitProduct) also has its
 * outputs px_o and pc_o, so the unit checks can hold them to p_o. Used by `axgen unit`, the unit harness (sim/unit-harness.ts) and the
 * per-PE area benchmark.
 */
import { derive, type Derived } from '../config/derive.js';
import type { ResolvedConfig } from '../config/resolve.js';
import type { ModuleSpec, UnitRtl } from '../units/types.js';
import { formatDesc as desc, msb } from '../units/verilog.js';
import { emitModules, headerFor, type EmittedFile } from './rtl.js';

/**
 * The standalone unit's RTL view models (UnitRtl: modules, encoded widths, split product) for the
 * config's multiplier. It is combinational: the config's pipeline cuts and array features
 * (zero-skip, output stage) belong to the PE and the array, not to it, so its files' headers name
 * the unit alone.
 */
export function standaloneUnitRtl(c: ResolvedConfig): UnitRtl {
  const d = derive(c);
  return d.unit.rtl(c.multiplier, d.ctx, c.name, standaloneHeader(c, d));
}

/** Header of the standalone unit's files (headerFor), naming the unit alone. */
function standaloneHeader(c: ResolvedConfig, d: Derived): (template: string) => string {
  const label = `${d.unit.describe(c.multiplier)} (standalone unit: combinational, without the array's pipeline and features)`;
  return (t: string) => headerFor(c, d, t, label);
}

/** The unit's own modules followed by `<prefix>_unit`. */
export function unitModuleSpecs(c: ResolvedConfig): ModuleSpec[] {
  const d = derive(c);
  const header = standaloneHeader(c, d);
  const u = standaloneUnitRtl(c);
  const top: ModuleSpec = {
    module: `${c.name}_unit`,
    template: 'unit_top.v.hbs',
    view: {
      header: header('unit_top.v.hbs'),
      prefix: c.name,
      unitDesc: d.unit.describe(c.multiplier),
      aMsb: msb(d.aBits),
      wMsb: msb(d.wBits),
      pMsb: msb(d.product.bits),
      aeMsb: msb(u.actEncBits),
      weMsb: msb(u.wgtEncBits),
      aDesc: desc(d.aBits, d.ctx.activation.signed),
      wDesc: desc(d.wBits, d.ctx.weight.signed),
      pDesc: desc(d.product.bits, d.product.signed),
      split: u.split !== undefined,
      pxMsb: msb(u.split?.pxBits ?? 1),
    },
  };
  return [...u.modules, top];
}

/** Emitted files of the standalone unit; the top module is `<prefix>_unit`. */
export function emitUnit(c: ResolvedConfig): EmittedFile[] {
  return emitModules(unitModuleSpecs(c));
}

export const unitTopModule = (c: ResolvedConfig) => `${c.name}_unit`;
