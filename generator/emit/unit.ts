/**
 * The standalone unit: `<prefix>_unit` = act_pre → wgt_pre → mul of the configured multiplier, with
 * no array around it; a unit with a split product (units/types.ts SplitProduct) also has its
 * outputs px_o and pc_o, so the unit checks can hold them to p_o. Used by `axgen unit`, the unit harness (sim/unit-harness.ts) and the
 * per-PE area benchmark.
 */
import { derive } from '../config/derive.js';
import type { ResolvedConfig } from '../config/resolve.js';
import type { ModuleSpec } from '../units/types.js';
import { formatDesc as desc, msb } from '../units/verilog.js';
import { emitModules, headerFor, type EmittedFile } from './rtl.js';

/** The unit's own modules followed by `<prefix>_unit`. */
export function unitModuleSpecs(c: ResolvedConfig): ModuleSpec[] {
  const d = derive(c);
  const header = (t: string) => headerFor(c, d, t);
  const u = d.unit.rtl(c.multiplier, d.ctx, c.name, header);
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
