/** The three commands of issue 13 at the command line: exit codes, refusals, and nothing written on bad input. */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { onnx, readModel } from '../../generator/onnx/read.js';
import { runAxgen } from '../helpers/cli.js';

const hasData = existsSync('/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz');

/** `axgen accuracy` of the Fashion-MNIST MLP on the Mitchell example array (options follow). */
const MLP_ACCURACY = [
  'accuracy',
  'examples/fashion-mitchell.ts',
  '--model',
  'examples/models/fashion-mlp-int8.onnx',
  '--dataset',
  'fashion-mnist',
];

describe('quantize / accuracy / export-lut at the command line', () => {
  it('quantize refuses to overwrite a file it did not write (exit 1, file untouched)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'axgen-q-'));
    const out = join(dir, 'mine.onnx');
    writeFileSync(out, 'my notes');
    const r = await runAxgen([
      'quantize',
      'examples/models/fashion-mlp.onnx',
      '--dataset',
      'fashion-mnist',
      '--calibration',
      '10',
      '--out',
      out,
    ]);
    expect(r.exitCode).toBe(1);
    expect(r.all).toMatch(/--out.*not an ONNX model axgen quantize wrote/s);
    expect(readFileSync(out, 'utf8')).toBe('my notes');
  });

  it.skipIf(!hasData)(
    'accuracy exits 1 (bad input) naming the layers and config fields when the array cannot run the model',
    async () => {
      const r = await runAxgen([
        'accuracy',
        'examples/mitchell-int8.ts',
        '--model',
        'examples/models/fashion-cnn-int8.onnx',
        '--dataset',
        'fashion-mnist',
        '--limit',
        '5',
        '--no-float',
      ]);
      expect(r.exitCode).toBe(1);
      expect(r.all).toMatch(/layer .*: array\.maxK/);
      expect(r.all).toMatch(/precision\.activation/);
    },
  );

  it.skipIf(!hasData)(
    'accuracy exits 1 naming the float model when ONNX Runtime cannot load it (an op it does not know)',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'axgen-f-'));
      const bad = join(dir, 'bad-float.onnx');
      const m = readModel('examples/models/fashion-mlp.onnx');
      m.graph!.node![1]!.opType = 'NoSuchOp';
      writeFileSync(bad, onnx.ModelProto.encode(m).finish());
      const r = await runAxgen([...MLP_ACCURACY, '--limit', '5', '--float-model', bad], {
        env: { AXGEN_CACHE: join(dir, 'cache') },
      });
      expect(r.exitCode).toBe(1);
      expect(r.all).toContain(bad);
      expect(r.all).toMatch(/ONNX Runtime can load.*NoSuchOp/s);
      // and says what to do
      expect(r.all).toMatch(/--float-model, or --no-float/);
    },
  );

  it('refuses --float-model with --no-float (which one was meant is not known)', async () => {
    const r = await runAxgen([...MLP_ACCURACY, '--float-model', 'examples/models/fashion-mlp.onnx', '--no-float']);
    expect(r.exitCode, r.all).toBe(1);
    expect(r.stderr).toContain('✖ --no-float: expected --float-model or --no-float, not both, received "both"');
    expect(r.stderr).toContain('Nothing was written.');
  });

  it('export-lut refuses a format the operands do not fit, naming the one that does, and writes npy', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'axgen-lut-'));
    const bad = await runAxgen([
      'export-lut',
      'examples/fashion-mitchell.ts',
      '--format',
      'adapt',
      '--out',
      join(dir, 'x.h'),
    ]);
    expect(bad.exitCode).toBe(1);
    expect(bad.all).toMatch(/npy \(adapt needs 8-bit signed/);
    expect(existsSync(join(dir, 'x.h'))).toBe(false);
    const ok = await runAxgen(['export-lut', 'examples/fashion-mitchell.ts', '--out', join(dir, 't.npy')]);
    expect(ok.exitCode).toBe(0);
    expect(readFileSync(join(dir, 't.npy')).subarray(0, 6).toString('latin1')).toBe('\x93NUMPY');
    // A second run: an .npy carries no mark of its writer, and the refusal says so (not "not axgen's").
    const again = await runAxgen(['export-lut', 'examples/fashion-mitchell.ts', '--out', join(dir, 't.npy')]);
    expect(again.exitCode).toBe(1);
    expect(again.all).toMatch(/carries no mark of its writer/);
    // The AdaPT header starts with axgen's GENERATED line: writing it again replaces it.
    const h = ['export-lut', 'examples/mitchell-int8.ts', '--format', 'adapt', '--out', join(dir, 'm.h')];
    expect((await runAxgen(h)).exitCode).toBe(0);
    expect((await runAxgen(h)).exitCode).toBe(0);
    // A header edited since (a line appended): its sha256 line no longer matches, so it is the user's.
    writeFileSync(join(dir, 'm.h'), readFileSync(join(dir, 'm.h'), 'utf8') + '// my note\n');
    const edited = await runAxgen(h);
    expect(edited.exitCode, edited.all).toBe(1);
    expect(edited.stderr).toMatch(
      /is a table axgen export-lut wrote, edited since \(its sha256 line no longer matches/,
    );
    expect(readFileSync(join(dir, 'm.h'), 'utf8')).toMatch(/\/\/ my note\n$/);
    // The header lines above the hash are covered too; a header without its hash line is not replaced.
    rmSync(join(dir, 'm.h'));
    expect((await runAxgen(h)).exitCode).toBe(0);
    const fresh = readFileSync(join(dir, 'm.h'), 'utf8');
    writeFileSync(join(dir, 'm.h'), fresh.replace('\n', ' (mine)\n'));
    expect((await runAxgen(h)).stderr).toMatch(/edited since/);
    writeFileSync(join(dir, 'm.h'), fresh.replace(/^\/\/ sha256 .*\n/m, ''));
    const noHash = await runAxgen(h);
    expect(noHash.exitCode, noHash.all).toBe(1);
    expect(noHash.stderr).toMatch(/has no intact sha256 line/);
  });
});
