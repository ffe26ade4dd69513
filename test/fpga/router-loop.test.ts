/**
 * nextpnr's router1 livelock (nextpnr issue #179): the watcher on its progress lines, and
 * `axgen fpga` stopping a looping nextpnr within seconds instead of at the time limit (a stand-in
 * nextpnr-ice40 on PATH that prints the loop's progress lines until it is ended).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROUTER_LOOP_LINES, routerLoopWatch } from '../../generator/fpga/pnr.js';
import { runAxgen } from '../helpers/cli.js';
import { written } from '../helpers/configs.js';

/** One router1 progress line as nextpnr-ice40 0.4 prints it. */
const line = (iter: number, withRipup: number, fresh: number, remaining: number) =>
  `Info: ${String(iter).padStart(10)} | ${String(iter - 900).padStart(8)} ${String(900).padStart(10)} | ` +
  `${String(withRipup).padStart(4)} ${String(fresh).padStart(4)} | ${String(remaining).padStart(9)}|       0.05       2.28|`;

describe('routerLoopWatch', () => {
  it('fires on the tenth line that re-routes only with rip-ups and leaves the remaining count as it was', () => {
    const watch = routerLoopWatch();
    // The stuck seed of the ASM array (2026-12-06): remaining 8438 from iteration 4000 on.
    expect(watch(line(3000, 122, 878, 8944))).toBeNull();
    expect(watch(line(4000, 470, 464, 8438))).toBeNull();
    const hits = Array.from({ length: ROUTER_LOOP_LINES }, (_, i) => watch(line(5000 + 1000 * i, 1000, 0, 8438)));
    expect(hits.slice(0, -1)).toEqual(Array(ROUTER_LOOP_LINES - 1).fill(null));
    expect(hits.at(-1)).toBe(
      "nextpnr's router looped: from iteration 4000 to 14000 it only ripped up and re-routed arcs it had routed " +
        'before, with 8438 arcs still waiting (nextpnr issue #179, a router bug some seeds hit; another seed usually routes)',
    );
  });
  it('does not fire on a router that converges, or whose stall is broken by progress', () => {
    const watch = routerLoopWatch();
    // A converging run (the same netlist, seed 3): arcs routed without rip-up on every line.
    const seed3 = [10612, 9713, 8839, 7965, 7299, 6558, 5736, 5001, 4407, 3778, 3167, 2400, 1757, 991, 68];
    seed3.forEach((r, i) => expect(watch(line(1000 * (i + 1), 100, 900, r))).toBeNull());
    // Nine lines without progress, then one that routes an arc, then nine more: never ten in a row.
    const stalls = routerLoopWatch();
    for (let i = 0; i < 9; i++) expect(stalls(line(1000 * (i + 1), 1000, 0, 50))).toBeNull();
    expect(stalls(line(10000, 999, 1, 49))).toBeNull();
    for (let i = 0; i < 9; i++) expect(stalls(line(11000 + 1000 * i, 1000, 0, 49))).toBeNull();
    // All with rip-ups but the queue shrinking: progress, not the loop.
    const shrinking = routerLoopWatch();
    for (let i = 0; i < 20; i++) expect(shrinking(line(1000 * (i + 1), 1000, 0, 500 - i))).toBeNull();
  });
});

describe('axgen fpga on a looping router', () => {
  let dir: string;
  let bin: string;
  let cfg: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'axgen-router-loop-'));
    bin = join(dir, 'bin');
    mkdirSync(bin);
    const real = execFileSync('bash', ['-c', 'command -v nextpnr-ice40'], { encoding: 'utf8' }).trim();
    // Ahead of the real one on PATH: with --seed 5 or 6 it prints the header, then the loop's
    // progress lines every 20 ms until it is ended; any other seed runs the real nextpnr-ice40.
    const fake = join(bin, 'nextpnr-ice40');
    writeFileSync(
      fake,
      [
        '#!/bin/bash',
        'seed=',
        'prev=',
        'for a in "$@"; do [ "$prev" = "--seed" ] && seed=$a; prev=$a; done',
        `if [ "$seed" != 5 ] && [ "$seed" != 6 ]; then exec ${real} "$@"; fi`,
        'echo "Info: Routing.."',
        'echo "Info:    IterCnt |  w/ripup   wo/ripup |  w/r  wo/r |      arcs| batch(sec) total(sec)|"',
        'i=1000',
        'while true; do',
        '  printf "Info: %10d | %8d %10d | %4d %4d | %9d|       0.05       2.28|\\n" $i $i 900 1000 0 8438',
        '  i=$((i+1000)); /bin/sleep 0.02',
        'done',
      ].join('\n'),
    );
    chmodSync(fake, 0o755);
    cfg = join(dir, 'tiny.json');
    writeFileSync(
      cfg,
      JSON.stringify(
        written({
          name: 'tiny_loop',
          rows: 1,
          cols: 2,
          aBits: 2,
          wBits: 2,
          aSigned: false,
          wSigned: false,
          maxK: 8,
          accDepth: 4,
        }),
      ),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const env = () => ({ PATH: `${bin}:${process.env.PATH}`, AXGEN_CACHE: join(dir, 'cache') });

  it('stops nextpnr within seconds, reports the seed as not routed (exit 4) with the reason and a seeds-only hint, no bitstream', async () => {
    const out = join(dir, 'out');
    const t0 = Date.now();
    const r = await runAxgen(
      ['fpga', cfg, '--device', 'hx8k', '--no-verify', '--seed', '5', '--loop-retries', '0', '--out', out],
      { env: env() },
    );
    expect(r.exitCode, r.all).toBe(4);
    expect(r.stdout).toMatch(
      /^fits: not known — did not route with seed 5: nextpnr's router looped: from iteration \d+ to \d+ it only ripped up and re-routed arcs it had routed before, with 8438 arcs still waiting/m,
    );
    // Only another seed helps a router bug: no lower clock or bigger device in the hint.
    expect(r.stdout).toMatch(
      /^hint: the design did not route with seed 5: try other seeds \(--seeds 6,7,8, .*a bug of the router, not of the design\)$/m,
    );
    // One seed, no retry: no seeds line.
    expect(r.stdout).not.toMatch(/^seeds: /m);
    // The hint is in fpga.txt too, and the timings stay the last line on stdout.
    expect(readFileSync(join(out, 'fpga.txt'), 'utf8')).toMatch(/^hint: the design did not route with seed 5: /m);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toMatch(/^synthesis \d+\.\d s.*, place and route \d+\.\d s → /);
    // fpga.json has no timing for a seed that did not route (nextpnr's pre-route estimate is not kept).
    const j = JSON.parse(readFileSync(join(out, 'fpga.json'), 'utf8')) as {
      status: string;
      timingReport: string;
      loopRetried?: number[];
    };
    expect(j.status).toBe('unroutable');
    expect(j.timingReport).not.toMatch(/Max frequency/);
    expect(j.timingReport).toMatch(/^nextpnr's router looped: /);
    expect(j.loopRetried).toBeUndefined();
    // Stopped by the watcher, not by the 600 s limit (synthesis of the tiny array included).
    expect(Date.now() - t0).toBeLessThan(60_000);
    expect(existsSync(join(out, 'tiny_loop_top_hx8k.bin'))).toBe(false);
  }, 120_000);

  it('by default tries the next seeds one at a time after a loop and keeps the first that routes (exit 0)', async () => {
    const out = join(dir, 'out-retry');
    const r = await runAxgen(
      ['fpga', cfg, '--device', 'hx8k', '--no-verify', '--seed', '5', '--progress', '--out', out],
      {
        env: env(),
      },
    );
    // Seed 5 comes from the cache the first test filled: progress says so.
    expect(r.exitCode, r.all).toBe(0);
    // Progress: each looping seed ends when it is stopped, and the retry is announced before it runs.
    const e = r.stderr;
    const at = (re: RegExp) => {
      const i = e.search(re);
      expect(i, `${re} in:\n${e}`).toBeGreaterThanOrEqual(0);
      return i;
    };
    const loop5 = at(/nextpnr seed 5: from the cache: stopped: router loop, \d+\.\d s/);
    const retry6 = at(/nextpnr seed 6: started because the router looped on seed 5 \(--loop-retries\)/);
    const loop6 = at(/nextpnr seed 6: [a-z ()]+: stopped: router loop, \d+\.\d s/);
    const retry7 = at(/nextpnr seed 7: started because the router looped on seeds 5, 6 \(--loop-retries\)/);
    expect([loop5 < retry6, retry6 < loop6, loop6 < retry7]).toEqual([true, true, true]);
    expect(r.stdout).toMatch(/^fits: yes; fmax \d+\.\d\d MHz/m);
    expect(r.stdout).toMatch(/, seed 7, /);
    expect(r.stdout).toMatch(
      /^seeds: 5 → did not route \(router loop\); 6 → did not route \(router loop\); 7 → \d+\.\d\d MHz; kept seed 7 \(the only one routed\); seeds 6, 7 tried because nextpnr's router looped on every seed before \(--loop-retries\)$/m,
    );
    // Seed 8 never ran: the retries stop at the first seed that ends otherwise.
    expect(r.stdout).not.toMatch(/\b8 → /);
    const j = JSON.parse(readFileSync(join(out, 'fpga.json'), 'utf8')) as {
      seed: number;
      loopRetried: number[];
      seeds: { seed: number; status: string }[];
    };
    expect(j.seed).toBe(7);
    expect(j.loopRetried).toEqual([6, 7]);
    expect(j.seeds.map((x) => [x.seed, x.status])).toEqual([
      [5, 'unroutable'],
      [6, 'unroutable'],
      [7, 'routed'],
    ]);
    expect(existsSync(join(out, 'tiny_loop_top_hx8k.bin'))).toBe(true);
  }, 180_000);

  it('refuses a bad --loop-retries before any work (exit 1, nothing written)', async () => {
    const out = join(dir, 'out-bad');
    const r = await runAxgen(['fpga', cfg, '--device', 'hx8k', '--loop-retries', '-1', '--out', out], { env: env() });
    expect(r.exitCode, r.all).toBe(1);
    expect(r.stderr).toMatch(/--loop-retries: expected an integer from 0 to 64, received -1/);
    expect(existsSync(out)).toBe(false);
  });
});
