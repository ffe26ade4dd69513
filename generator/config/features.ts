/**
 * The registry of array features (generator/units/feature.ts), bound to the config field each
 * owns. Schema, rules, derive, labels and emission reach a feature only through this list; adding
 * one (the output stage, the interface) is one entry here plus its schema fragment in schema.ts.
 */
import type { ArrayFeature, ArrayRtlContext, FeatureModel, FeatureRtl } from '../units/feature.js';
import type { RuleIssue, UnitContext } from '../units/types.js';
import { zeroSkipFeature } from '../units/zero-skip.js';
import { outputStageFeature } from '../units/output-stage.js';
import type { ResolvedConfig } from './resolve.js';

/** A feature with its config field: every hook takes the whole resolved config. */
export interface ConfiguredFeature {
  readonly key: string;
  /** The config has the feature's field. */
  on(c: ResolvedConfig): boolean;
  describe(c: ResolvedConfig): string;
  rules(c: ResolvedConfig, ctx: UnitContext): RuleIssue[];
  model(c: ResolvedConfig): FeatureModel;
  rtl(c: ResolvedConfig, x: ArrayRtlContext): FeatureRtl;
}

function bind<Cfg>(f: ArrayFeature<Cfg>, field: (c: ResolvedConfig) => Cfg | undefined): ConfiguredFeature {
  return {
    key: f.key,
    on: (c) => field(c) !== undefined,
    describe: (c) => f.describe(field(c)!),
    rules: (c, ctx) => f.rules(field(c), ctx),
    model: (c) => f.model(field(c)),
    rtl: (c, x) => f.rtl(field(c), x),
  };
}

/** Every array feature, in the order their labels, modules and view keys are emitted. */
export const ARRAY_FEATURES: readonly ConfiguredFeature[] = [
  bind(zeroSkipFeature, (c) => c.zeroSkip),
  bind(outputStageFeature, (c) => c.outputStage),
];
