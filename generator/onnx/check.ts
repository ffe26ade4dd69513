/**
 * Can a configured array run an imported network? The model's tensor types and zero points decide
 * what the multiplier sees: x − z_x and w − z_w over the whole range of the tensor's type (uint8 with
 * zero point 128 → −128..127, int8 weights with zero point 0 → −128..127, uint8 weights with zero
 * point 255 → −255..0, which needs a 9-bit signed operand). Each GEMM layer needs:
 *   precision.activation / precision.weight  an operand range containing those centred ranges;
 *   array.maxK                               ≥ the layer's reduction K (one command holds all of K);
 *   precision.accumulator.bits               the sum of K products of the configured unit plus the
 *                                            bias without overflow (ONNX accumulates in int32 and
 *                                            never wraps), unless the accumulator saturates.
 *   outputStage (when the config has one)    a requantized layer's output type (int8 → bits 8,
 *                                            signed; uint8 → bits 8, unsigned) and a bias inside
 *                                            the accumulator's range; a layer whose output is the
 *                                            int32 accumulator (MatMulInteger, ConvInteger) cannot
 *                                            pass a requantizing stage: such a model needs a
 *                                            config without outputStage.
 * Every problem names the layer, the config field, what it needs and what the config has.
 */
import { aOrAn } from '../infra/text.js';
import type { Derived } from '../config/derive.js';
import type { ResolvedConfig } from '../config/resolve.js';
import { bitsFor, operandRange } from '../units/common.js';
import { ConfigError } from '../infra/errors.js';
import { intRange } from './read.js';
import type { GemmLayer, Network } from './import.js';
import { quantizeScale } from '../model/requant.js';

export interface NetworkIssue {
  layer: string;
  /** Config field (JSON path) to change. */
  path: string;
  needed: string;
  have: string;
}

/** Centred operand ranges of a layer: [type min − zp max, type max − zp min]. */
export function operandNeeds(L: GemmLayer): {
  activation: { min: number; max: number };
  weight: { min: number; max: number };
} {
  const a = intRange(L.inType)!;
  const w = intRange(L.wType)!;
  const zw = Array.from(L.wZeroPoint);
  return {
    activation: { min: a.min - L.inZeroPoint, max: a.max - L.inZeroPoint },
    weight: { min: w.min - Math.max(...zw), max: w.max - Math.min(...zw) },
  };
}

const fmt = (r: { min: number; max: number }) => {
  const b = bitsFor(r.min, r.max);
  return `${r.min}..${r.max} (${b.bits} bits ${b.signed ? 'signed' : 'unsigned'} at least)`;
};

/** Every reason `c` cannot run `net`, or [] when it can. */
export function checkNetwork(net: Network, c: ResolvedConfig, d: Derived): NetworkIssue[] {
  const issues: NetworkIssue[] = [];
  const ar = operandRange(d.ctx.activation);
  const wr = operandRange(d.ctx.weight);
  const pr = d.unit.productRange(c.multiplier, d.ctx);
  for (const L of net.layers) {
    const name = `${L.name} (${L.op})`;
    const need = operandNeeds(L);
    if (need.activation.min < ar.min || need.activation.max > ar.max)
      issues.push({
        layer: name,
        path: 'precision.activation',
        needed: `x − z_x in ${fmt(need.activation)} (${L.inType}, zero point ${L.inZeroPoint})`,
        have: `${ar.min}..${ar.max}`,
      });
    if (need.weight.min < wr.min || need.weight.max > wr.max)
      issues.push({
        layer: name,
        path: 'precision.weight',
        needed: `w − z_w in ${fmt(need.weight)} (${L.wType}, zero points ${[...new Set(L.wZeroPoint)].join(',')})`,
        have: `${wr.min}..${wr.max}`,
      });
    if (L.K > c.array.maxK)
      issues.push({ layer: name, path: 'array.maxK', needed: `K = ${L.K} or more`, have: `${c.array.maxK}` });
    if (!d.saturate) {
      const bias = L.bias ? Math.max(...Array.from(L.bias, Math.abs)) : 0;
      const lo = L.K * Math.min(pr.min, 0) - bias;
      const hi = L.K * Math.max(pr.max, 0) + bias;
      const b = bitsFor(lo, hi).bits;
      if (b > d.accBits)
        issues.push({
          layer: name,
          path: 'precision.accumulator.bits',
          needed: `${b} bits (K = ${L.K} products of ${pr.min}..${pr.max}${bias ? ` plus a bias up to ${bias}` : ''}), or overflow "saturate"`,
          have: `${d.accBits}`,
        });
    }
    if (d.out) {
      const o = L.output_;
      if (o.kind !== 'requant')
        issues.push({
          layer: name,
          path: 'outputStage',
          needed: 'no output stage: the layer outputs its int32 accumulators, which the stage would requantize',
          have: `outputStage ${d.out.bits}-bit ${d.out.signed ? 'signed' : 'unsigned'}`,
        });
      else {
        const want = { bits: o.dtype.endsWith('16') ? 16 : 8, signed: o.dtype.startsWith('int') };
        if (want.bits !== d.out.bits || want.signed !== d.out.signed)
          issues.push({
            layer: name,
            path: want.bits !== d.out.bits ? 'outputStage.bits' : 'outputStage.signed',
            needed: `${aOrAn(want.bits)} ${want.bits}-bit ${want.signed ? 'signed' : 'unsigned'} output (the layer outputs ${o.dtype})`,
            have: `${d.out.bits}-bit ${d.out.signed ? 'signed' : 'unsigned'}`,
          });
        const { min: accLo, max: accHi } = operandRange({ bits: d.accBits, signed: d.accSigned });
        const bias = L.bias ? Array.from(L.bias) : [];
        if (bias.some((b) => b < accLo || b > accHi))
          issues.push({
            layer: name,
            path: 'precision.accumulator.bits',
            needed: `a bias of ${Math.min(...bias)}..${Math.max(...bias)} inside the accumulator (the output stage adds it in the accumulator's format)`,
            have: `${d.accBits} bits ${d.accSigned ? 'signed' : 'unsigned'}`,
          });
        for (const sc of o.scale)
          try {
            quantizeScale(sc);
          } catch (e) {
            issues.push({ layer: name, path: 'outputStage', needed: (e as Error).message, have: `scale ${sc}` });
            break;
          }
      }
    }
  }
  // An outputStage has one output format: when the network's requantized layers need several
  // (the shipped Fashion networks: uint8 hidden layers, an int8 last layer), no setting of it fits,
  // so the message says what does: no outputStage, and the host requantizes every layer.
  if (d.out) {
    const formats = new Set(net.layers.flatMap((L) => (L.output_.kind === 'requant' ? [L.output_.dtype] : [])));
    if (formats.size > 1)
      for (const i of issues)
        if (i.path === 'outputStage.bits' || i.path === 'outputStage.signed')
          i.needed += `; the network's layers output ${[...formats].sort().join(' and ')}, and an outputStage has one format: remove outputStage, and the host requantizes every layer`;
  }
  return issues;
}

/** One line per issue, e.g. `✖ conv1 (QLinearConv): precision.weight needs …, the config has …`. */
export function formatIssues(issues: NetworkIssue[]): string {
  return issues.map((i) => `✖ layer ${i.layer}: ${i.path} needs ${i.needed}; the config has ${i.have}`).join('\n');
}

/**
 * The user error for a config that cannot run a network: one problem per issue, at the path
 * `layer <name>: <config field>` (exit 1 through the CLI's error handler, like any bad config).
 */
export function networkConfigError(model: string, configName: string, issues: readonly NetworkIssue[]): ConfigError {
  return new ConfigError(
    `${model} on config ${configName}`,
    issues.map((i) => ({ path: `layer ${i.layer}: ${i.path}`, expected: i.needed, received: i.have })),
  );
}
