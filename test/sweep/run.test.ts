/**
 * Running sweeps on tiny points (generic target: the fastest Yosys flow): cache miss then hit, a
 * failing point that does not stop the sweep, shard + merge byte-identical to the unsharded run,
 * resume after the sweep process is killed mid-run, and signals: Ctrl-C lets the Yosys runs in flight
 * finish, SIGTERM ends them with axgen. Each test uses its own cache folder.
 */
import { expectNoUndeclaredInternalError, startAxgen } from '../helpers/cli.js';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveSweep, type Sweep } from '../../generator/sweep/spec.js';
import { pointAccuracy, pointFigures } from '../../generator/sweep/point.js';
import { runSweep } from '../../generator/sweep/run.js';
import { mergeResults, type SweepResults } from '../../generator/sweep/results.js';
import { renderOutputs } from '../../generator/sweep/output.js';
import { reportMarkdown } from '../../generator/sweep/report.js';
import { resolveConfig } from '../../generator/config/resolve.js';
import { INT8_BASE, TINY_BASE, tempFolders } from '../helpers/sweep.js';

const base = TINY_BASE;

function spec(axes: Record<string, unknown[]>, name = 'runs') {
  return { name, base, axes, target: 'generic', gemm: { m: 4, k: 8, n: 4 } };
}

const tmp = tempFolders('axgen-sweep-test-');

function freshCache(): string {
  const dir = tmp();
  process.env.AXGEN_CACHE = dir;
  return dir;
}

/** Cache entries of finished points, and anything at an entry's place that is not complete. */
function entries(cache: string): { complete: string[]; broken: string[] } {
  const dir = join(cache, 'sweep-point');
  if (!existsSync(dir)) return { complete: [], broken: [] };
  const names = readdirSync(dir).filter((n) => !n.startsWith('.'));
  const complete = names.filter((n) => existsSync(join(dir, n, '.complete')));
  const broken = names.filter((n) => !complete.includes(n));
  for (const n of complete) JSON.parse(readFileSync(join(dir, n, 'point.json'), 'utf8'));
  return { complete, broken };
}

/** Pids of the running processes named `comm` whose parent is `ppid` and one of whose arguments is `arg` (from /proc). */
function childrenNamed(ppid: number, comm: string, arg: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const [state, parent] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (name !== comm || Number(parent) !== ppid || state === 'Z') continue;
      if (readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').includes(arg)) out.push(Number(d));
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

/** Whether a process exists and is not a zombie. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] !== 'Z';
  } catch {
    return false;
  }
}

describe('sweep runs', () => {
  it('computes on a miss, reads the cache on a hit, and computes only new points', async () => {
    freshCache();
    const s1 = await resolveSweep(spec({ 'multiplier.kind': ['exact', 'mitchell'] }), 'spec.json');
    const a = await runSweep(s1);
    expect(a.stats).toMatchObject({ points: 2, computed: 2, cached: 0, failed: 0 });
    expect(a.results.points.every((p) => p.status === 'ok' && p.synth && p.metrics && p.throughput)).toBe(true);
    expect(a.results.points[0]!.metrics!.mrePct).toBe(0);
    expect(a.results.points[1]!.metrics!.mrePct).toBeGreaterThan(0);
    const b = await runSweep(s1);
    expect(b.stats).toMatchObject({ computed: 0, cached: 2 });
    expect(b.results).toEqual(a.results);
    // A renamed sweep reaches the same hardware: still cached. A new value computes one point.
    const s2 = await resolveSweep(spec({ 'multiplier.kind': ['exact', 'mitchell', 'ilm'] }, 'renamed'), 'spec.json');
    const c = await runSweep(s2);
    expect(c.stats).toMatchObject({ computed: 1, cached: 2 });
  });

  it('records a failing point and an invalid point with their errors and goes on', async () => {
    freshCache();
    const s = await resolveSweep(
      spec({ 'multiplier.kind': ['exact', 'mitchell', 'ilm'], 'precision.accumulator.bits': [2, 12] }),
      'spec.json',
    );
    const { results, stats } = await runSweep(s, {
      compute: async (c, o) => {
        if (c.multiplier.kind === 'mitchell') throw new Error('yosys crashed (injected)');
        return pointFigures(c, o);
      },
    });
    expect(stats).toMatchObject({ points: 6, invalid: 3, failed: 1, computed: 2 });
    const byLabel = Object.fromEntries(results.points.map((p) => [p.label, p]));
    expect(byLabel['multiplier.kind=mitchell, precision.accumulator.bits=12']).toMatchObject({
      status: 'failed',
      error: 'yosys crashed (injected)',
    });
    expect(byLabel['multiplier.kind=exact, precision.accumulator.bits=2']!.status).toBe('invalid');
    expect(byLabel['multiplier.kind=exact, precision.accumulator.bits=2']!.error).toMatch(
      /precision\.accumulator\.bits: expected at least/,
    );
    expect(byLabel['multiplier.kind=ilm, precision.accumulator.bits=12']!.status).toBe('ok');
    const files = await renderOutputs(results);
    const csv = files.find((f) => f.name === 'results.csv')!.text.split('\n');
    expect(csv).toHaveLength(8);
    expect(csv.find((l) => l.includes(',failed,'))).toMatch(/yosys crashed \(injected\)/);
    // A failed point is not cached: a rerun tries it again.
    const again = await runSweep(s);
    expect(again.stats).toMatchObject({ failed: 0, cached: 2, computed: 1 });
  });

  it('merges shards into files identical to the unsharded run', async () => {
    freshCache();
    const s: Sweep = await resolveSweep(
      spec({ 'multiplier.kind': ['exact', 'mitchell'], 'array.cols': [1, 2] }),
      'spec.json',
    );
    const whole = await runSweep(s);
    const shards: { source: string; results: SweepResults }[] = [];
    for (const i of [2, 1, 3])
      shards.push({ source: `shard ${i}`, results: (await runSweep(s, { shard: { index: i, count: 3 } })).results });
    expect(shards.map((x) => x.results.points.length).sort()).toEqual([1, 1, 2]);
    // A shard of one point says so in the singular.
    const one = shards.find((x) => x.results.points.length === 1)!.results;
    expect(reportMarkdown(one)).toMatch(/; this is shard \d\/3: 1 point; /);
    expect(reportMarkdown(one)).not.toMatch(/\b1 points\b/);
    const merged = mergeResults(shards);
    const a = await renderOutputs(whole.results);
    const b = await renderOutputs(merged);
    expect(b.map((f) => f.name)).toEqual(['results.json', 'results.csv', 'report.md', 'report.html']);
    for (let i = 0; i < a.length; i++) expect(b[i]!.text, a[i]!.name).toBe(a[i]!.text);
    expect(a[3]!.text).toContain('<svg');
    expect(() => mergeResults(shards.slice(0, 2))).toThrow(/no results for shard 3\/3/);
    expect(() => mergeResults([...shards, shards[0]!])).toThrow(/each shard once/);
  });

  it('resumes after the sweep process is killed: finished points are not recomputed, no entry is corrupt', async () => {
    const cache = freshCache();
    const dir = tmp();
    const file = join(dir, 'sweep.json');
    writeFileSync(
      file,
      JSON.stringify(spec({ 'multiplier.kind': ['exact', 'mitchell', 'ilm'], 'array.cols': [1, 2] }, 'killed')),
    );
    const args = ['sweep', file, '--out', join(dir, 'out'), '--jobs', '1', '--no-progress'];
    const child = startAxgen(args, { env: { AXGEN_CACHE: cache, AXGEN_JOBS: '1' }, detached: true });
    const t0 = Date.now();
    while (entries(cache).complete.length < 2 && Date.now() - t0 < 120_000 && child.exitCode === null)
      await new Promise((r) => setTimeout(r, 50));
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // The process had already exited; the assertions below say whether it did so too early.
    }
    expectNoUndeclaredInternalError(args, await child);
    const before = entries(cache);
    expect(before.complete.length).toBeGreaterThanOrEqual(2);
    expect(before.complete.length).toBeLessThan(6);
    expect(before.broken).toEqual([]);
    expect(existsSync(join(dir, 'out'))).toBe(false);
    const s = await resolveSweep(JSON.parse(readFileSync(file, 'utf8')), file);
    const { stats } = await runSweep(s);
    expect(stats).toMatchObject({
      points: 6,
      failed: 0,
      cached: before.complete.length,
      computed: 6 - before.complete.length,
    });
    expect(entries(cache).complete.length).toBe(6);
    expect(entries(cache).broken).toEqual([]);
    // The temporaries the killed run was filling are gone (cleaned by the next run, generator/infra/write.ts).
    expect(readdirSync(join(cache, 'sweep-point')).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
  });

  it('Ctrl-C in a terminal reaches only axgen: the Yosys runs in flight finish as ok points; SIGTERM ends them with axgen', async () => {
    // A terminal sends Ctrl-C's SIGINT to its whole foreground process group: the CLI runs in a
    // group of its own here (detached), and the signal goes to that group, as a terminal would.
    const cache = freshCache();
    const dir = tmp();
    const start = (name: string, kinds: string[]) => {
      const file = join(dir, `${name}.json`);
      writeFileSync(file, JSON.stringify(spec({ 'multiplier.kind': kinds, 'array.cols': [1, 2, 3] }, name)));
      return startAxgen(['sweep', file, '--out', join(dir, `out-${name}`), '--jobs', '1', '--no-progress'], {
        env: { AXGEN_CACHE: cache, AXGEN_JOBS: '1' },
        detached: true,
      });
    };
    const yosysOf = async (child: { pid?: number; exitCode: number | null }): Promise<number[]> => {
      const t0 = Date.now();
      for (;;) {
        // A synthesis run (`yosys -q -s synth.ys`), not the version probe.
        const found = childrenNamed(child.pid!, 'yosys', 'synth.ys');
        if (found.length > 0 || child.exitCode !== null || Date.now() - t0 > 120_000) return found;
        await new Promise((r) => setTimeout(r, 20));
      }
    };

    const interrupted = start('ctrlc', ['exact', 'mitchell']);
    const inFlight = await yosysOf(interrupted);
    expect(inFlight.length, 'a Yosys run to interrupt').toBeGreaterThan(0);
    process.kill(-interrupted.pid!, 'SIGINT');
    const r = await interrupted;
    expect(r.exitCode, r.all).toBe(130);
    expect(r.all).toContain('finishing the points in flight');
    expect(r.all).not.toMatch(/failed:/);
    expect(entries(cache).complete.length, 'the point in flight finished and was cached').toBeGreaterThanOrEqual(1);
    expect(existsSync(join(dir, 'out-ctrlc'))).toBe(false);

    const killed = start('sigterm', ['ilm', 'asm']);
    const running = await yosysOf(killed);
    expect(running.length, 'a Yosys run to end').toBeGreaterThan(0);
    process.kill(killed.pid!, 'SIGTERM');
    const k = await killed;
    expect(k.exitCode ?? k.signal, k.all).toBe(143);
    const t0 = Date.now();
    while (running.some(alive) && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 50));
    expect(running.filter(alive), 'Yosys processes left running after axgen was ended').toEqual([]);
    // The point's cache temporary it was filling is removed on the way out, not left for a later run.
    const temps = readdirSync(join(cache, 'sweep-point')).filter(
      (n) => n.startsWith('.tmp-') && n.includes(`-${killed.pid}-`),
    );
    expect(temps, 'temporaries of the ended run').toEqual([]);
  });

  it('places and routes each point for fmax when asked, and plots area vs fmax', async () => {
    freshCache();
    const s = await resolveSweep(
      { ...spec({ 'multiplier.kind': ['exact', 'mitchell'] }, 'fmax'), placeAndRoute: { device: 'hx1k' } },
      'spec.json',
    );
    const { results } = await runSweep(s);
    for (const p of results.points) {
      expect(p.status).toBe('ok');
      expect(p.fmax).toMatchObject({ device: 'hx1k', fits: true, meetsTiming: expect.any(Boolean) });
      expect(p.fmax!.fmaxMHz).toBeGreaterThan(10);
    }
    expect(results.tools.nextpnr).toMatch(/nextpnr-ice40/);
    const files = await renderOutputs(results);
    expect(results.points.every((p) => p.pareto?.areaFmax !== null)).toBe(true);
    expect(files.find((f) => f.name === 'report.html')!.text.match(/<svg/g)).toHaveLength(2);
    expect(files.find((f) => f.name === 'results.csv')!.text.split('\n')[1]).toContain(',hx1k,true,');
  });

  it.skipIf(!existsSync('/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz'))(
    "reports each point's accuracy on a network (cached), marks area/accuracy Pareto points and plots them",
    async () => {
      freshCache();
      const acc8 = INT8_BASE;
      const written = {
        name: 'acc',
        base: acc8,
        axes: { multiplier: [{ kind: 'exact' }, { kind: 'mitchell', fractionBits: 3 }, { kind: 'truncated', t: 11 }] },
        target: 'generic',
        gemm: { m: 4, k: 8, n: 4 },
        accuracy: { model: 'models/fashion-mlp-int8.onnx', images: 20 },
      };
      // The model path is relative to the sweep file; a missing one names accuracy.model.
      await expect(resolveSweep(written, 'spec.json')).rejects.toThrow(/accuracy\.model/);
      // A mistyped dataset name is refused up front too, naming accuracy.dataset (not --dataset).
      await expect(
        resolveSweep({ ...written, accuracy: { ...written.accuracy, dataset: 'fashon' } }, 'examples/acc-sweep.json'),
      ).rejects.toThrow(/accuracy\.dataset: expected a dataset name \(fashion-mnist\)/);
      const s = await resolveSweep(written, 'examples/acc-sweep.json');
      const a = await runSweep(s);
      expect(a.stats).toMatchObject({ points: 3, computed: 3, failed: 0 });
      const [exact, mitchell] = a.results.points;
      expect(a.results.sweep.accuracy).toEqual({
        model: 'models/fashion-mlp-int8.onnx',
        dataset: 'fashion-mnist',
        images: 20,
      });
      expect(exact!.accuracy).toMatchObject({ images: 20, agreement: 1, zeroSkipRate: null });
      expect(exact!.accuracy!.top1).toBe(exact!.accuracy!.exactTop1);
      expect(mitchell!.accuracy!.exactTop1).toBe(exact!.accuracy!.exactTop1);
      expect(mitchell!.accuracy!.agreement).toBeLessThanOrEqual(1);
      // The heavily truncated point trades accuracy for area, so the marks depend on accuracy's sense.
      expect(a.results.points[2]!.accuracy!.top1).toBeLessThan(exact!.accuracy!.top1);
      const files = await renderOutputs(a.results);
      // Pareto marks against the definition (not sweep/results.ts's paretoFront): a point is marked
      // exactly when no other point has no more area and no less top-1, and is better in one.
      const pts = a.results.points;
      const fig = (p: (typeof pts)[number]) => [p.synth!.area.total, p.accuracy!.top1] as const;
      const dominates = (q: (typeof pts)[number], p: (typeof pts)[number]) => {
        const [[qa, qt], [pa, pt]] = [fig(q), fig(p)];
        return qa <= pa && qt >= pt && (qa < pa || qt > pt);
      };
      expect(pts.map((p) => p.pareto?.areaAccuracy)).toEqual(
        pts.map((p) => !pts.some((q) => q !== p && dominates(q, p))),
      );
      expect(pts.some((p) => p.pareto?.areaAccuracy)).toBe(true);
      const csv = files.find((f) => f.name === 'results.csv')!.text.split('\n');
      const head = csv[0]!.split(',');
      expect(Number(csv[1]!.split(',')[head.indexOf('top1_pct')])).toBeCloseTo(100 * exact!.accuracy!.top1, 9);
      expect(head).toContain('pareto_area_accuracy');
      const html = files.find((f) => f.name === 'report.html')!.text;
      expect(html.match(/<svg/g)).toHaveLength(2);
      expect(html).toContain('Area vs top-1 accuracy');
      // Second run: synthesis and accuracy both from the cache, same results.
      const b = await runSweep(s);
      expect(b.stats).toMatchObject({ computed: 0, cached: 3 });
      await renderOutputs(b.results);
      expect(b.results).toEqual(a.results);
      // A config that cannot run the model fails with the reason (K = 784 > maxK).
      const small = resolveConfig({ ...acc8, array: { rows: 1, cols: 1, maxK: 64, accDepth: 2 } }, 'small');
      await expect(pointAccuracy(small, s.accuracy!)).rejects.toThrow(/maxK/);
    },
  );
});
