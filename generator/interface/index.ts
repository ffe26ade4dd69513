/**
 * The registry of interfaces (generator/interface/plugin.ts). Adding one is one module exporting an
 * `InterfacePlugin`, its value in the schema's `interface` enum, and one entry here.
 */
import { axiInterface } from '../axi/emit.js';
import type { ResolvedConfig } from '../config/resolve.js';
import type { InterfacePlugin } from './plugin.js';
import { streamInterface } from './stream.js';

export type { InterfacePlugin } from './plugin.js';

export const INTERFACES: readonly InterfacePlugin[] = [streamInterface, axiInterface];

/**
 * The plugin of a config's `interface`.
 * @throws Error (internal) when no plugin implements it: the schema's enum and this list disagree
 */
export function interfaceOf(c: ResolvedConfig): InterfacePlugin {
  const p = INTERFACES.find((i) => i.name === c.interface);
  if (!p) throw new Error(`internal error: no interface plugin for "${c.interface}" (config ${c.hash.slice(0, 12)})`);
  return p;
}
