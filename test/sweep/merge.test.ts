/**
 * The trial's sharded sweep with a failed point: `sweep-merge` reports and exits as the unsharded
 * `axgen sweep` does for the same points (exit 5, the same "has no figures" line), a failed
 * point's terminal line and report row give its first problem instead of "… 2 problems", and a
 * shard whose files were edited after `axgen sweep` wrote them is refused (exit 1) before anything
 * is merged or written.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcess } from '../helpers/in-process.js';
import { ROOT } from '../helpers/cli.js';
import { INT8_BASE } from '../helpers/sweep.js';
import { errorHeadline } from '../../generator/sweep/report.js';

const DATASET = '/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz';

let dir = '';
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The figures lines of a summary: everything after its first line (which holds timings). */
const notes = (stdout: string) => stdout.split('\n').slice(1).join('\n').replaceAll(dir, '<dir>');

describe.skipIf(!existsSync(DATASET))('sweep-merge of a sweep with a failed point', () => {
  const run = (args: string[]) => inProcess(args, dir, { cache: join(dir, 'cache') });
  let whole: Awaited<ReturnType<typeof run>>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'axgen-sweep-merge-'));
    // The trial's case: the MLP needs K = 784; the maxK 64 point fails with the reason, the other runs.
    writeFileSync(
      join(dir, 'trial.json'),
      JSON.stringify({
        name: 'trial',
        base: INT8_BASE,
        axes: { 'array.maxK': [64, 1024] },
        target: 'generic',
        gemm: { m: 4, k: 8, n: 4 },
        accuracy: { model: join(ROOT, 'examples', 'models', 'fashion-mlp-int8.onnx'), images: 20 },
      }),
    );
    whole = await run(['sweep', 'trial.json', '--out', 'whole', '--no-progress']);
    for (const i of [1, 2]) {
      const r = await run(['sweep', 'trial.json', '--shard', `${i}/2`, '--out', `shard${i}`, '--no-progress']);
      expect(r.code, r.stderr).toBe(i === 1 ? 5 : 0);
    }
  }, 300_000);

  it('the unsharded sweep exits 5 and shows the failed point\'s first problem, not "2 problems"', () => {
    expect(whole.code, whole.stderr).toBe(5);
    expect(whole.stdout).toContain('1 of 2 points has no figures (0 invalid configs, 1 failed run)');
    const line = whole.stderr.split('\n').find((l) => l.includes(' failed: '))!;
    expect(line).toMatch(
      /failed: .*fashion-mlp-int8\.onnx on config trial_[0-9a-f]{8}: layer .+: array\.maxK: expected K = 784 or more, received 64 \(and 1 more\)$/,
    );
    const report = readFileSync(join(dir, 'whole', 'report.md'), 'utf8');
    const row = report.split('\n').find((l) => l.includes('| failed: '))!;
    expect(row).toContain('array.maxK: expected K = 784 or more, received 64 (and 1 more)');
    expect(row).not.toMatch(/\b2 problems\b/);
  });

  it('merges into the same files and exits 5 with the same notes as the unsharded sweep', async () => {
    const r = await run(['sweep-merge', 'shard1', 'shard2', '--out', 'merged']);
    expect(r.code, r.stderr).toBe(5);
    expect(r.stdout).toMatch(/^✖ merged 2 shards of sweep trial: 2 points \(1 ok, 0 invalid, 1 failed\) → merged\//);
    expect(notes(r.stdout).replaceAll('merged/', 'OUT/')).toBe(notes(whole.stdout).replaceAll('whole/', 'OUT/'));
    for (const f of ['results.json', 'results.csv', 'report.md', 'report.html'])
      expect(readFileSync(join(dir, 'merged', f), 'utf8'), f).toBe(readFileSync(join(dir, 'whole', f), 'utf8'));
  });

  it('refuses a shard whose results.json was edited after axgen sweep wrote it, writing nothing', async () => {
    const file = join(dir, 'shard2', 'results.json');
    const original = readFileSync(file, 'utf8');
    try {
      // The trial's edit: a smaller area, which would have made the point Pareto-optimal.
      const r = JSON.parse(original) as { points: { synth: { area: { total: number } } }[] };
      r.points[0]!.synth.area.total = 1;
      writeFileSync(file, JSON.stringify(r, null, 2) + '\n');
      const m = await run(['sweep-merge', 'shard1', 'shard2', '--out', 'tampered']);
      expect(m.code, m.stderr).toBe(1);
      expect(m.stderr).toMatch(/^shard2: 1 problem$/m);
      expect(m.stderr).toMatch(
        /^✖ results\.json: expected the file axgen sweep wrote \(sha256:[0-9a-f]{12}, recorded in \.axgen-output\.json\), received sha256:[0-9a-f]{12}: edited since it was written$/m,
      );
      expect(m.stderr).toContain('Nothing was written.');
      expect(m.stdout).toBe('');
      expect(existsSync(join(dir, 'tampered'))).toBe(false);
    } finally {
      writeFileSync(file, original);
    }
    // Restored: merged again.
    expect((await run(['sweep-merge', 'shard1', 'shard2', '--out', 'again'])).code).toBe(5);
  });

  it('merges a shard without the marker (an earlier axgen, a copied results.json), saying it was not checked', async () => {
    const r = await run(['sweep-merge', 'shard1', 'whole/report.md', '--out', 'none']);
    expect(r.code).toBe(1);
    rmSync(join(dir, 'copy'), { recursive: true, force: true });
    const copy = join(dir, 'copy');
    await import('node:fs/promises').then((fs) => fs.mkdir(copy));
    writeFileSync(join(copy, 'results.json'), readFileSync(join(dir, 'shard2', 'results.json')));
    const m = await run(['sweep-merge', 'shard1', 'copy', '--out', 'unmarked']);
    // Merged as the marked shards are (exit 5: the same invalid point), with a note on stderr.
    expect(m.code, m.stderr).toBe(5);
    expect(m.stderr).toMatch(
      /^note: shard copy: no \.axgen-output\.json with file hashes in ".*copy" .*merged without checking it was not edited$/m,
    );
    expect(readFileSync(join(dir, 'unmarked', 'results.csv'), 'utf8')).toBe(
      readFileSync(join(dir, 'again', 'results.csv'), 'utf8'),
    );
  });
});

describe('errorHeadline', () => {
  it("gives a ConfigError's source and first problem, with how many more", () => {
    expect(
      errorHeadline(
        'm.onnx on config x: 2 problems\n✖ layer 0: array.maxK: expected K = 784 or more, received 64\n✖ layer 1: array.maxK: expected K = 128 or more, received 64',
      ),
    ).toBe('m.onnx on config x: layer 0: array.maxK: expected K = 784 or more, received 64 (and 1 more)');
    expect(errorHeadline('f: 1 problem\n✖ a: expected 1, received 2')).toBe('f: a: expected 1, received 2');
  });
  it("gives an invalid point's first problem line, and any other message's first line", () => {
    expect(errorHeadline('✖ a: expected 1, received 2\n✖ b: expected 3, received 4')).toBe(
      'a: expected 1, received 2 (and 1 more)',
    );
    expect(errorHeadline('yosys crashed\nstack')).toBe('yosys crashed');
    expect(errorHeadline(undefined)).toBe('');
  });
});
