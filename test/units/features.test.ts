/** The array-feature seam: every feature is registered with its schema fragment and complete views. */
import { describe, expect, it } from 'vitest';
import { ARRAY_FEATURES } from '../../generator/config/features.js';
import { acceleratorSchema } from '../../generator/config/schema.js';
import { derive, unitLabel } from '../../generator/config/derive.js';
import { resolveConfig } from '../../generator/config/resolve.js';
import { zeroSkipFeature } from '../../generator/units/zero-skip.js';
import { outputStageFeature } from '../../generator/units/output-stage.js';
import type { ArrayRtlContext } from '../../generator/units/feature.js';
import { written } from '../helpers/configs.js';

const props = acceleratorSchema.properties as Record<string, unknown>;

describe('array features', () => {
  it('each registered feature owns a top-level config field with its own schema fragment', () => {
    expect(ARRAY_FEATURES.map((f) => f.key)).toEqual(['zeroSkip', 'outputStage']);
    expect(props.zeroSkip).toBe(zeroSkipFeature.schema);
    expect(props.outputStage).toBe(outputStageFeature.schema);
  });

  it('the RTL hook gives the same view keys with the feature off as on, and nothing else when off', () => {
    const c = resolveConfig({ ...written({ name: 'ft', rows: 2, cols: 3 }), zeroSkip: { activation: 0 } }, 'test');
    const d = derive(c);
    const x: ArrayRtlContext = {
      prefix: 'ft',
      ctx: d.ctx,
      ws: true,
      rows: 2,
      cols: 3,
      ae: 8,
      we: 8,
      accBits: d.accBits,
      accSigned: d.accSigned,
      saturate: d.saturate,
      macBits: d.macBits,
      macsPerProduct: d.macsPerProduct,
      mBits: d.mBits,
      nBits: d.nBits,
      header: () => '//',
    };
    const stageOn = outputStageFeature.rtl({ bits: 8, signed: true }, x);
    const stageOff = outputStageFeature.rtl(undefined, x);
    expect(Object.keys(stageOff.top).sort()).toEqual(Object.keys(stageOn.top).sort());
    expect(stageOff).toMatchObject({ extraBits: 0, modules: [] });
    expect(stageOn.modules.map((m) => m.module)).toEqual(['ft_out_stage']);
    expect(stageOn.top.yDataMsb).toBe('23');
    expect(stageOff.top.yDataMsb).toBe(String(3 * d.accBits - 1));
    const on = zeroSkipFeature.rtl(c.zeroSkip, x);
    const off = zeroSkipFeature.rtl(undefined, x);
    expect(Object.keys(off.pe).sort()).toEqual(Object.keys(on.pe).sort());
    expect(Object.keys(off.top).sort()).toEqual(Object.keys(on.top).sort());
    expect(off).toMatchObject({ extraBits: 0, modules: [] });
    expect(on.extraBits).toBe(1);
    expect(on.modules.map((m) => m.module)).toEqual(['ft_skip_act', 'ft_skip_wgt']);
  });

  it('labels, rules and the golden-model hook reach the feature through the registry', () => {
    const plain = resolveConfig(written({ name: 'ft', rows: 2, cols: 2 }), 'test');
    const zs = resolveConfig({ ...written({ name: 'ft', rows: 2, cols: 2 }), zeroSkip: { weight: 1 } }, 'test');
    expect(unitLabel(plain)).toBe('exact');
    expect(unitLabel(zs)).toBe('exact, zeroSkip(activation off, weight<=1, isolate)');
    expect(derive(plain).skip).toBeNull();
    expect(derive(zs).skip!(5, -1)).toBe(true);
    expect(derive(zs).skip!(5, 2)).toBe(false);
    expect(() =>
      resolveConfig({ ...written({ name: 'ft', rows: 2, cols: 2 }), zeroSkip: { weight: 200 } }, 'test'),
    ).toThrow(/zeroSkip\.weight/);
  });
});
