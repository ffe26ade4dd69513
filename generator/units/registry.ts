/**
 * The registry line: every unit kind axgen offers, in schema order. Adding a unit kind is one
 * module in this folder, its templates, its test file and one entry here; everything else (config
 * schema, DSL builders, models, emitters, regression suites, exhaustive unit test, benchmarks)
 * derives from this list through units/index.ts.
 */
import { almSoaUnit } from './alm-soa.js';
import { asmUnit } from './asm.js';
import { exactUnit } from './exact.js';
import { externalUnit } from './external.js';
import { ilmUnit } from './ilm.js';
import { drumUnit } from './drum.js';
import { mitchellUnit } from './mitchell.js';
import { potUnit } from './pot.js';
import { ternaryUnit } from './ternary.js';
import { truncatedUnit } from './truncated.js';

export const units = [
  exactUnit,
  asmUnit,
  mitchellUnit,
  ilmUnit,
  drumUnit,
  truncatedUnit,
  ternaryUnit,
  almSoaUnit,
  potUnit,
  externalUnit,
] as const;
