/** The default interface: the bare valid/ready streams of the core `<name>_top`; nothing is added. */
import { topModule } from '../emit/rtl.js';
import type { InterfacePlugin } from './plugin.js';

export const streamInterface: InterfacePlugin = {
  name: 'stream',
  rtl: () => [],
  top: (c) => topModule(c),
  docs: () => [],
};
