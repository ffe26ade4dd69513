/**
 * Temporary build folders left in the cache by a killed run are removed by the next run on the same
 * machine; those of processes still running, and of other machines sharing the cache, are not;
 * folders of the older naming (no pid) only when more than a day old.
 */
import { execa } from 'execa';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cached, contentKey, removeStaleTemporaries } from '../../sim/cache.js';

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

describe('stale cache temporaries', () => {
  it('the next build removes the leftovers of dead processes on this machine only', async () => {
    const root = mkdtempSync(join(tmpdir(), 'axgen-cache-clean-'));
    made.push(root);
    process.env.AXGEN_CACHE = root;
    // A pid that has certainly ended: a child we waited for.
    const dead = (await execa(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'])).stdout;
    const host = hostname();
    const names = {
      deadHere: `.tmp-0123456789ab-${dead}@${host}-AbC123`,
      aliveHere: `.tmp-0123456789ab-${process.pid}@${host}-XyZ789`,
      deadElsewhere: `.tmp-0123456789ab-${dead}@not-${host}-QwE456`,
      oldFormat: '.tmp-0123456789ab-Zz9Yy8',
      oldFormatStale: '.tmp-ba9876543210-Qq1Ww2',
    };
    for (const n of Object.values(names)) mkdirSync(join(root, 'synth', n, 'obj'), { recursive: true });
    const twoDaysAgo = new Date(Date.now() - 48 * 3600 * 1000);
    utimesSync(join(root, 'synth', names.oldFormatStale), twoDaysAgo, twoDaysAgo);
    mkdirSync(join(root, 'pnr', names.deadHere), { recursive: true });

    const r = await cached('synth', contentKey(['a build']), async () => undefined);
    expect(r.hit).toBe(false);
    expect(readdirSync(join(root, 'synth')).sort()).toEqual([names.aliveHere, names.deadElsewhere, names.oldFormat, r.dir.split('/').pop()!].sort());
    expect(existsSync(join(root, 'pnr', names.deadHere))).toBe(false);
    // Once per process and cache root: a later leftover waits for the next run.
    mkdirSync(join(root, 'synth', names.deadHere));
    expect(removeStaleTemporaries(root)).toEqual([]);
  });
});
