/** The regression suites cover what they claim, and every entry is a valid config (no simulation). */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { runAxgen } from '../helpers/cli.js';
import { cutAtWord } from '../../generator/infra/text.js';
import { resolveConfig } from '../../generator/config/resolve.js';
import { cutsOf, samplesOf, units } from '../../generator/units/index.js';
import { derive } from '../../generator/config/derive.js';
import { SUITES, suite } from '../../sim/suite.js';

const S8CTX = { activation: { bits: 8, signed: true }, weight: { bits: 8, signed: true } };

describe.each(SUITES)('suite %s', (name) => {
  const entries = suite(name);
  it('has unique config names and every entry resolves with its own parameters (no fallback needed)', () => {
    const names = entries.map((e) => String(e.written.name));
    expect(new Set(names).size).toBe(names.length);
    for (const e of entries) expect(() => resolveConfig(e.written, String(e.written.name))).not.toThrow();
  });
});

describe('default suite coverage', () => {
  const configs = suite('default').map((e) => resolveConfig(e.written, 'suite'));
  it('every registered unit kind on both dataflows', () => {
    for (const u of units)
      for (const df of ['weight-stationary', 'output-stationary'])
        expect(
          configs.some((c) => c.multiplier.kind === u.kind && c.dataflow === df),
          `${u.kind} ${df}`,
        ).toBe(true);
  });
  it('signed, unsigned and mixed operands; 1x1, non-square and square arrays; a saturating accumulator', () => {
    const sign = (c: (typeof configs)[number]) => `${c.precision.activation.signed}/${c.precision.weight.signed}`;
    expect(new Set(configs.map(sign))).toEqual(new Set(['true/true', 'false/false', 'false/true']));
    expect(configs.some((c) => c.array.rows === 1 && c.array.cols === 1)).toBe(true);
    expect(configs.some((c) => c.array.rows !== c.array.cols)).toBe(true);
    expect(configs.some((c) => c.array.rows === 4 && c.array.cols === 4)).toBe(true);
    expect(configs.some((c) => c.precision.accumulator.overflow === 'saturate')).toBe(true);
  });
  it('zero-skip on every unit kind, on both dataflows', () => {
    for (const u of units)
      for (const df of ['weight-stationary', 'output-stationary'])
        expect(
          configs.some((c) => c.multiplier.kind === u.kind && c.dataflow === df && c.zeroSkip !== undefined),
          `${u.kind} ${df}`,
        ).toBe(true);
  });
  it('PE pipeline stages on every unit kind, on both dataflows', () => {
    for (const u of units)
      for (const df of ['weight-stationary', 'output-stationary'])
        expect(
          configs.some((c) => c.multiplier.kind === u.kind && c.dataflow === df && derive(c).peStages > 0),
          `${u.kind} ${df}`,
        ).toBe(true);
  });
  it('the edge register (pipeline.edge) on every unit kind, weight-stationary', () => {
    for (const u of units)
      expect(
        configs.some(
          (c) => c.multiplier.kind === u.kind && c.dataflow === 'weight-stationary' && derive(c).edgeStages === 2,
        ),
        u.kind,
      ).toBe(true);
  });
});

describe('full suite: pipeline settings', () => {
  const configs = suite('full').map((e) => resolveConfig(e.written, 'suite'));
  it('every pipeline setting of every parameter set of every kind, on both dataflows', () => {
    for (const u of units)
      for (const params of samplesOf(u).regress)
        for (const p of samplesOf(u).pipeline(params))
          for (const df of ['weight-stationary', 'output-stationary'])
            expect(
              configs.some(
                (c) =>
                  c.multiplier.kind === u.kind &&
                  c.dataflow === df &&
                  Object.entries(params).every(
                    ([k, v]) => JSON.stringify((c.multiplier as Record<string, unknown>)[k]) === JSON.stringify(v),
                  ) &&
                  c.pipeline?.multiplier === p.multiplier &&
                  c.pipeline.macc === p.macc,
              ),
              `${u.kind} ${JSON.stringify(params)} ${JSON.stringify(p)} ${df}`,
            ).toBe(true);
  });
  it('the edge register (pipeline.edge) with the full pipeline of every kind, on both dataflows', () => {
    for (const u of units)
      for (const df of ['weight-stationary', 'output-stationary'])
        expect(
          configs.some((c) => c.multiplier.kind === u.kind && c.dataflow === df && c.pipeline?.edge === 1),
          `${u.kind} ${df}`,
        ).toBe(true);
  });
  it('the full pipeline of each unit registers every cut it declares', () => {
    for (const u of units) {
      const n = cutsOf(u as never, { kind: u.kind, ...samplesOf(u).regress[0] }, S8CTX).length;
      expect(samplesOf(u).pipeline(samplesOf(u).regress[0]!)[0]!.multiplier, u.kind).toBe(n);
    }
  });
});

describe('full suite coverage of the output stage', () => {
  const configs = suite('full').map((e) => resolveConfig(e.written, 'suite'));
  it('every registered unit kind × both dataflows with int8 and uint8 outputs; widths 2 and 16', () => {
    for (const u of units)
      for (const df of ['weight-stationary', 'output-stationary'])
        for (const signed of [true, false])
          expect(
            configs.some(
              (c) =>
                c.multiplier.kind === u.kind &&
                c.dataflow === df &&
                c.outputStage?.bits === 8 &&
                c.outputStage.signed === signed,
            ),
            `${u.kind} ${df} ${signed}`,
          ).toBe(true);
    expect(configs.some((c) => c.outputStage?.bits === 2)).toBe(true);
    expect(configs.some((c) => c.outputStage?.bits === 16)).toBe(true);
  });
});

describe("the README's suite sizes", () => {
  it('are the sizes `axgen regress --suite default|full --list` shows today', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');
    const count = (re: RegExp) => Number(re.exec(readme)?.[1]?.replace(/,/g, ''));
    expect(count(/([\d,]+) configs × 2 simulators today \(`axgen regress --suite default --list`/)).toBe(
      suite('default').length,
    );
    expect(count(/([\d,]+) configs today \(`axgen regress --suite full --list`/)).toBe(suite('full').length);
  });
});

describe('long entry descriptions', () => {
  it('cutAtWord keeps text that fits and cuts longer text at a word, with an ellipsis', () => {
    expect(cutAtWord('a b c', 5)).toBe('a b c');
    expect(cutAtWord('alpha beta, gamma', 12)).toBe('alpha beta…');
    expect(cutAtWord('abcdefghij', 5)).toBe('abcd…');
  });

  it('fit the schema cut at a word; regress --list shows them whole (the pipeline setting of an external unit at the end)', async () => {
    const entries = [...suite('default'), ...suite('full')];
    const long = entries.filter((e) => e.about !== undefined);
    expect(long.some((e) => /, pipeline \d\+\d( edge)?$/.test(e.about!))).toBe(true);
    for (const e of entries) {
      const d = String(e.written.description);
      expect(d.length).toBeLessThanOrEqual(200);
      if (e.about === undefined) continue;
      expect(e.about.length).toBeGreaterThan(200);
      expect(d.endsWith('…')).toBe(true);
      expect(e.about.startsWith(d.slice(0, -1))).toBe(true);
      expect(e.about[d.length - 1]).toMatch(/[\s,;:]/);
    }
    const r = await runAxgen(['regress', '--suite', 'default', '--list']);
    expect(r.exitCode, r.all).toBe(0);
    const shown = r.stdout.trimEnd().split('\n');
    expect(shown).toEqual(
      suite('default').map((e) => `${String(e.written.name).padEnd(40)} ${e.about ?? String(e.written.description)}`),
    );
  });
});
