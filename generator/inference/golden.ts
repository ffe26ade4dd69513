/**
 * Golden-model inference of an ONNX file on input files with a resolved config (the model side;
 * `axgen infer` runs the same layers on the RTL through sim/network.ts). Reads and imports the
 * model (user errors for bad files or unsupported ops), checks that the array can run it, runs
 * every input through `infer`, and reports the outputs: for a classifier (one output of shape
 * [1, classes]) the class scores and the predicted class (the first index of the largest score).
 */
import { derive } from '../config/derive.js';
import type { ResolvedConfig } from '../config/resolve.js';
import { checkNetwork, formatIssues, type NetworkIssue } from '../onnx/check.js';
import { importModel, type Network } from '../onnx/import.js';
import { readInputFor, readModel, type Tensor } from '../onnx/read.js';
import { infer, type LayerRun, type RequantRule } from './run.js';

export interface GoldenInput {
  file: string;
  /** Every graph output, by name. */
  outputs: Map<string, Tensor>;
  /** Every GEMM layer's output (int8/uint8, or int32 accumulators), by tensor name. */
  layerOutputs: Map<string, Tensor>;
  /** Scores of the first output and the index of the largest (ties: the first). */
  scores: number[];
  predicted: number;
  layers: LayerRun[];
}

export interface GoldenReport {
  network: Network;
  /** Reasons the configured array cannot run the model; when not empty, nothing was run. */
  issues: NetworkIssue[];
  inputs: GoldenInput[];
}

/**
 * Runs `modelFile` on each of `inputFiles` (.pb or .npy, one tensor for the model's only graph
 * input). Errors: ConfigError for unreadable/malformed files, unsupported ops, a model with more
 * than one graph input, or an input whose type or size differs from the declaration. A config
 * that cannot run the model is not an error here: `issues` says why (a command reports it as bad input, exit 1).
 */
export function goldenInference(
  c: ResolvedConfig,
  modelFile: string,
  inputFiles: string[],
  requant: RequantRule = 'onnx-float',
): GoldenReport {
  const network = importModel(readModel(modelFile), { source: modelFile });
  const d = derive(c);
  const issues = checkNetwork(network, c, d);
  if (issues.length > 0) return { network, issues, inputs: [] };
  if (network.inputs.length !== 1)
    throw new Error(`internal error: goldenInference expects one graph input, the model has ${network.inputs.length}`);
  const inputs = inputFiles.map((file) => {
    const res = infer(network, c, d, new Map([[network.inputs[0]!.name, readInputFor(file, network.inputs[0]!)]]), {
      requant,
    });
    const outputs = new Map(network.outputs.map((o) => [o.name, res.tensors.get(o.name)!]));
    const scores = Array.from(outputs.get(network.outputs[0]!.name)!.data);
    const predicted = scores.reduce((best, v, i) => (v > scores[best]! ? i : best), 0);
    const layerOutputs = new Map(res.layers.map((l) => [l.layer.output, res.tensors.get(l.layer.output)!]));
    return { file, outputs, layerOutputs, scores, predicted, layers: res.layers };
  });
  return { network, issues, inputs };
}

/** Human-readable report: per input, the scores and the predicted class; or the issues. */
export function formatGoldenReport(r: GoldenReport): string {
  if (r.issues.length > 0) return `the configured array cannot run this model:\n${formatIssues(r.issues)}`;
  const lines: string[] = [];
  const macs = r.inputs[0]?.layers.reduce((s, l) => s + l.macs, 0) ?? 0;
  lines.push(`${r.network.layers.length} GEMM layers, ${macs} MACs per input`);
  for (const i of r.inputs)
    lines.push(`${i.file}: class ${i.predicted}  scores ${i.scores.map((v) => v.toFixed(4)).join(' ')}`);
  return lines.join('\n');
}
