/**
 * `axgen infer` on the RTL: both shipped example networks run end to end through Verilator on the
 * Mitchell and ASM example arrays (examples/mitchell-net.json, examples/asm-net.json: one
 * Verilator build each, shared by both networks and by the CLI run), every result word compared
 * with the golden model, and the printed scores equal to the golden model's; the MLP through
 * Icarus; a broken accumulator caught with the layer named; the CLI's exits.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../generator/config/load.js';
import type { ResolvedConfig } from '../../generator/config/resolve.js';
import { encodeNpy } from '../../generator/data/npy.js';
import { emitRtl } from '../../generator/emit/rtl.js';
import { loadNetwork } from '../../generator/inference/accuracy.js';
import { goldenInference } from '../../generator/inference/golden.js';
import { readInput } from '../../generator/onnx/read.js';
import { faultNamed } from '../../sim/faults.js';
import { formatNetworkReport, simulateNetwork, type NetworkReport } from '../../sim/network.js';
import { runAxgen } from '../helpers/cli.js';

const CNN = 'examples/models/cnn-int8.onnx';
const MLP = 'examples/models/mlp-int8.onnx';
const PB = 'examples/models/input-0.pb';

let dir: string;
/** A second input, as .npy: the example image with its pixels inverted (1 − x). */
let NPY: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'axgen-infer-'));
  const t = readInput(PB);
  NPY = join(dir, 'inverted.npy');
  await writeFile(NPY, encodeNpy({ dtype: 'float32', dims: t.dims, data: Float32Array.from(t.data, (x) => 1 - x) }));
});

/** The report's claims checked against the golden model run on its own (fixed-point requantization). */
function expectEqualsGolden(
  c: ResolvedConfig,
  model: string,
  inputs: string[],
  r: NetworkReport,
  macsPerInput: number,
): void {
  expect(r.passed).toBe(true);
  expect(r.runs).toHaveLength(1);
  const run = r.runs[0]!;
  expect(run.mismatches).toEqual([]);
  expect(run.problems).toEqual([]);
  // Every layer of every input was simulated: all MACs, and at least one lane per GEMM element.
  expect(run.macs).toBe(macsPerInput * inputs.length);
  expect(r.macs).toBe(macsPerInput * inputs.length);
  expect(run.resultWords).toBeGreaterThanOrEqual(r.elements);
  expect(r.cases).toHaveLength(r.layers.length * inputs.length);
  const golden = goldenInference(c, model, inputs, 'fixed-point');
  expect(golden.issues).toEqual([]);
  expect(r.inputs.map((i) => i.scores)).toEqual(golden.inputs.map((i) => i.scores));
  expect(r.inputs.map((i) => i.predicted)).toEqual(golden.inputs.map((i) => i.predicted));
}

describe('axgen infer: example networks on the RTL', () => {
  it('CNN and MLP through Verilator on the Mitchell (weight-stationary) and ASM (output-stationary) arrays, scores equal to the golden model', async () => {
    const configs = await Promise.all(
      ['examples/mitchell-net.json', 'examples/asm-net.json'].map((f) => loadConfig(f)),
    );
    const inputs = [PB, NPY];
    // One Verilator build per config: the CNN run builds it, the MLP run (and the CLI test) hit the cache.
    const results = await Promise.all(
      configs.map(async (c) => {
        const cnn = await simulateNetwork(c, CNN, inputs, { simulators: ['verilator'] });
        const mlp = await simulateNetwork(c, MLP, inputs, { simulators: ['verilator'] });
        expect(mlp.runs[0]!.buildCacheHit).toBe(true);
        return { c, cnn, mlp };
      }),
    );
    for (const { c, cnn, mlp } of results) {
      expectEqualsGolden(c, CNN, inputs, cnn, 290080);
      expectEqualsGolden(c, MLP, inputs, mlp, 50816);
      expect(cnn.layers.map((l) => l.name)).toEqual(['conv1', 'conv2', 'fc']);
      expect(formatNetworkReport(cnn)).toMatch(/verilator pass {2}3 of 3 layers \(one simulation each\), \d+ tiles/);
      for (const r of [cnn, mlp]) {
        expect(r.runs[0]!.layersRun).toBe(r.layers.length);
        expect(r.runs[0]!.simulations).toBe(r.layers.length);
        // The outputs computed on the host from the RTL's result words equal the golden model's.
        expect(r.runs[0]!.outputs).toEqual(r.inputs);
      }
    }
    // The two units really compute different things (the untrained CNN's coarse scores happen to
    // agree; the MLP's do not), and the inverted input gives other scores than the original.
    const [m, a] = results;
    expect(m!.mlp.inputs[0]!.scores).not.toEqual(a!.mlp.inputs[0]!.scores);
    expect(m!.mlp.inputs[0]!.scores).not.toEqual(m!.mlp.inputs[1]!.scores);
  });

  it('the MLP through Icarus on the ASM array', async () => {
    const c = await loadConfig('examples/asm-net.json');
    const r = await simulateNetwork(c, MLP, [PB], { simulators: ['icarus'] });
    expectEqualsGolden(c, MLP, [PB], r, 50816);
    expect(r.runs[0]!.simulator).toBe('icarus');
  });

  it('a broken accumulator adder in the RTL is caught, the mismatch naming layer, input, tile, element and operands', async () => {
    const c = await loadConfig('examples/asm-net.json');
    const rtl = faultNamed('acc-off-by-one').inject(emitRtl(c), c);
    const r = await simulateNetwork(c, MLP, [PB], { simulators: ['icarus'], rtl });
    expect(r.passed).toBe(false);
    const run = r.runs[0]!;
    expect(run.errors).toBeGreaterThan(0);
    const m = run.mismatches[0]!;
    expect(m.layer).toMatch(/^fc1 \(/);
    expect(m.input).toBe(PB);
    expect(m.row).toBe(0);
    expect(m.column).not.toBeNull();
    expect(BigInt(m.actual)).not.toBe(BigInt(m.expected));
    expect(m.operands).toMatch(/^\d+\*-?\d+ \+ /);
    // The next layer still ran, on the broken RTL's results, and was checked for its own inputs.
    expect(run.layersRun).toBe(2);
    expect(run.perLayer.map((l) => [l.layer.split(' ')[0], l.passed])).toEqual([
      ['fc1', false],
      ['fc2', false],
    ]);
    expect(run.perLayer[1]!.errors).toBeGreaterThan(0);
    expect(run.outputs).toHaveLength(1);
    expect(formatNetworkReport(r)).toMatch(/computed from icarus's RTL results, which have mismatched words/);
    expect(formatNetworkReport(r)).toMatch(
      /icarus {4}FAIL.*\n {4}layers: fc1 \(.*\) FAIL \(\d+ errors\), fc2 \(.*\) FAIL \(\d+ errors\)\n {4}mismatch: layer fc1 \(.*\), input examples\/models\/input-0\.pb, tile 0 \(at m0=0, n0=0\), row 0, column \d+: expected -?\d+, actual -?\d+, cycle \d+/,
    );
  });
});

describe('axgen infer through the output stage (examples/mitchell-net-stage.json)', () => {
  it('the CNN through Verilator, every layer requantized in the RTL: scores equal to the host-requantized golden model', async () => {
    const c = await loadConfig('examples/mitchell-net-stage.json');
    const r = await simulateNetwork(c, CNN, [PB], { simulators: ['verilator'] });
    expectEqualsGolden(c, CNN, [PB], r, 290080);
    expect(r.requant).toMatch(/in the RTL's output stage/);
    expect(formatNetworkReport(r)).toMatch(/requantized in the RTL's output stage/);
    expect(r.runs[0]!.outputs).toEqual(r.inputs);
    // The same scores as the array without the stage, whose host requantizes with the same rule.
    const host = goldenInference(await loadConfig('examples/mitchell-net.json'), CNN, [PB], 'fixed-point');
    expect(r.inputs.map((i) => i.scores)).toEqual(host.inputs.map((i) => i.scores));
  });

  it('a dropped bias in the output stage is caught on the MLP in Icarus, naming layer, element and the stage parameters', async () => {
    const c = await loadConfig('examples/mitchell-net-stage.json');
    const rtl = faultNamed('stage-dropped-bias').inject(emitRtl(c), c);
    const r = await simulateNetwork(c, MLP, [PB], { simulators: ['icarus'], rtl });
    expect(r.passed).toBe(false);
    const m = r.runs[0]!.mismatches[0]!;
    expect(m.layer).toMatch(/^fc1 \(/);
    expect(m.column).not.toBeNull();
    expect(m.operands).toMatch(/= acc -?\d+; output stage: bias -?\d+, × \d+ \/ 2\^\d+, zero point \d+, relu (on|off)/);
  });

  it('a layer whose output type differs from the stage, or which outputs int32, names the outputStage field', async () => {
    const c = await loadConfig('examples/mitchell-net-stage.json');
    const signed = { ...c, outputStage: { bits: 8, signed: true } } as ResolvedConfig;
    const g = goldenInference(signed, CNN, [PB], 'fixed-point');
    expect(g.issues.map((i) => i.path)).toContain('outputStage.signed');
    expect(g.issues[0]!.needed).toMatch(/8-bit unsigned output \(the layer outputs uint8\)/);
  });

  it('a network whose layers output several formats is told to drop the outputStage', async () => {
    const c = await loadConfig('examples/fashion-mitchell.ts');
    const staged = { ...c, outputStage: { bits: 8, signed: false } } as ResolvedConfig;
    const { issues } = loadNetwork('examples/models/fashion-cnn-int8.onnx', staged);
    const fc2 = issues.find((i) => i.path === 'outputStage.signed');
    expect(fc2?.needed).toMatch(/output int8 and uint8, and an outputStage has one format: remove outputStage/);
  });
});

describe('axgen infer (CLI)', () => {
  it("prints the golden model's class scores from the RTL, writes --json, and refuses a foreign --json file", async () => {
    const json = join(dir, 'infer.json');
    const args = ['infer', 'examples/mitchell-net.json', '--model', CNN, '--input', PB, '--simulator', 'verilator'];
    const r = await runAxgen([...args, '--json', json]);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const golden = goldenInference(await loadConfig('examples/mitchell-net.json'), CNN, [PB], 'fixed-point').inputs[0]!;
    expect(r.stdout).toContain(
      `input-0.pb: class ${golden.predicted}  scores ${golden.scores.map((v) => v.toFixed(4)).join(' ')}  (from the RTL's results, equal to the golden model's)`,
    );
    expect(r.stdout).toMatch(
      /verilator pass {2}3 of 3 layers \(one simulation each\), \d+ tiles, \d+ result beats \(\d+ words compared\), 290080 MACs/,
    );
    const report = JSON.parse(await readFile(json, 'utf8')) as NetworkReport;
    expect(report.passed).toBe(true);
    expect(report.inputs[0]!.scores).toEqual(golden.scores);
    const foreign = join(dir, 'notes.json');
    await writeFile(foreign, '{"mine": true}\n');
    const refused = await runAxgen([...args, '--golden-only', '--json', foreign]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/--json/);
    expect(await readFile(foreign, 'utf8')).toBe('{"mine": true}\n');
  });

  it('--golden-only runs no simulator; a config that cannot run the model exits 1 naming layer and field; missing arguments exit 1', async () => {
    const g = await runAxgen(['infer', 'examples/asm-net.json', '--model', MLP, '--input', PB, '--golden-only']);
    expect(g.exitCode).toBe(0);
    expect(g.stdout).toMatch(/golden model only .*nothing simulated/);
    expect(g.stdout).not.toMatch(/icarus|verilator/);
    const bad = await runAxgen(['infer', 'examples/edge-int8.json', '--model', MLP, '--input', PB]);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toMatch(
      /layer fc1 .*: precision\.activation: expected x − z_x in 0\.\.255 .*received -128\.\.127/,
    );
    const noModel = await runAxgen(['infer', 'examples/asm-net.json', '--input', PB]);
    expect(noModel.exitCode).toBe(1);
    expect(noModel.stderr).toMatch(/--model/);
    const noInput = await runAxgen(['infer', 'examples/asm-net.json', '--model', MLP]);
    expect(noInput.exitCode).toBe(1);
    expect(noInput.stderr).toMatch(/--input/);
  });
});
