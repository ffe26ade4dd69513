/**
 * The interface seam: how the core's valid/ready streams meet the outside world (`interface` in the
 * config: the bare streams, or an AXI wrapper). An interface plugs into emission the way a unit
 * does: it is one `InterfacePlugin`, listed in generator/interface/index.ts, and emit/generate.ts
 * asks the plugin of the config for its modules, its top module and its documents, never naming one.
 */
import type { ResolvedConfig } from '../config/resolve.js';
import type { EmittedFile } from '../emit/rtl.js';
import type { OutFile } from '../infra/write.js';

export interface InterfacePlugin {
  /** The value of the config's `interface` field this plugin implements. */
  readonly name: ResolvedConfig['interface'];
  /** Verilog modules wrapping the core `<name>_top` (none for the bare streams). */
  rtl(c: ResolvedConfig): EmittedFile[];
  /** The module a design instantiates (manifest `ipTop`). */
  top(c: ResolvedConfig): string;
  /** Documents written next to the RTL, e.g. the register map (none for the bare streams). */
  docs(c: ResolvedConfig): OutFile[];
}
