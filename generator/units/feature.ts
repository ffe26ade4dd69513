/**
 * The array-feature seam: an optional feature of the whole array (zero-skip, the requantizing output
 * stage; the interface is meant to plug in the same way) is one module that owns a top-level
 * config field and is reached only through this interface. Units are the other seam
 * (generator/units/types.ts): a unit is the multiplier inside each PE, a feature changes what the
 * array does around it.
 *
 * A feature contributes, each through one hook:
 * - its schema fragment (imported by config/schema.ts under `key`, so the config types stay
 *   inferred from one schema),
 * - cross-field rules (config/resolve.ts runs every feature's),
 * - a label for headers, reports and `axgen validate` (config/derive.ts `unitLabel`),
 * - a golden-model hook (config/derive.ts puts it in Derived; model/gemm.ts applies it),
 * - an RTL hook: extra bits carried with each operand, extra modules, and keys for the PE and top
 *   views (emit/rtl.ts merges every feature's).
 */
import type { ModuleSpec, RuleIssue, UnitContext, View } from './types.js';

/** What the golden model needs from a feature (all optional: a feature may not change the model). */
export interface FeatureModel {
  /** A MAC skipped on this activation and (mapped) weight contributes 0 and is counted as skipped. */
  skip?: (a: number, w: number) => boolean;
  /** The result lanes leave through a requantizing output stage with this output format. */
  output?: { bits: number; signed: boolean };
}

/** What the array RTL knows when a feature builds its part (widths in bits). */
export interface ArrayRtlContext {
  prefix: string;
  ctx: UnitContext;
  ws: boolean;
  rows: number;
  cols: number;
  /** Unit encoded operand widths (without any feature's extra bits). */
  ae: number;
  we: number;
  accBits: number;
  accSigned: boolean;
  saturate: boolean;
  macBits: number;
  /** MACs one PE product counts for (Derived.macsPerProduct): the MAC counters' increments are scaled by it. */
  macsPerProduct: number;
  mBits: number;
  nBits: number;
  header: (template: string) => string;
}

/** A feature's part of the array RTL. With the feature off, `modules` is empty and the views say so. */
export interface FeatureRtl {
  /** Extra bits each encoded operand carries through the array. */
  extraBits: number;
  modules: ModuleSpec[];
  /** Keys for the PE template of either dataflow. */
  pe: View;
  /** Keys for the top template of either dataflow. */
  top: View;
}

/** One array feature; `Cfg` is its resolved config field (undefined when the field is absent). */
export interface ArrayFeature<Cfg> {
  /** Top-level config field. */
  readonly key: string;
  /** The schema fragment of `key`. */
  readonly schema: object;
  /** `zeroSkip(activation<=0, weight off, isolate)`, for headers and reports. */
  describe(cfg: Cfg): string;
  /** Cross-field rules; paths from the config root. */
  rules(cfg: Cfg | undefined, ctx: UnitContext): RuleIssue[];
  /** The golden-model hook ({} when off). */
  model(cfg: Cfg | undefined): FeatureModel;
  /** The RTL hook (called with undefined too: the views then hold the feature-off values). */
  rtl(cfg: Cfg | undefined, x: ArrayRtlContext): FeatureRtl;
}
