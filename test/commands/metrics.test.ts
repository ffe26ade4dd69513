/** `axgen metrics` and `axgen unit` from the command line: output, JSON, exit codes, nothing written on bad input. */
import { describe, expect, it } from 'vitest';
import { runAxgen } from '../helpers/cli.js';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const axgen = (args: string[]) => runAxgen(args);

describe('axgen metrics / axgen unit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'axgen-metrics-cli-'));
  const cfg = join(dir, 'm.json');
  writeFileSync(
    cfg,
    JSON.stringify({
      name: 'cli_mitch',
      array: { rows: 2, cols: 2 },
      precision: { activation: { bits: 8, signed: false }, weight: { bits: 8, signed: false } },
      multiplier: { kind: 'mitchell' },
    }),
  );

  it('prints the exhaustive metrics and writes them as JSON', async () => {
    const json = join(dir, 'out', 'm.json');
    const r = await axgen(['metrics', cfg, '--json', json]);
    expect(r.exitCode, r.all).toBe(0);
    expect(r.stdout).toMatch(/exhaustive, all 65536 pairs/);
    expect(r.stdout).toMatch(/WCE\s+4096/);
    const doc = JSON.parse(readFileSync(json, 'utf8')) as {
      wce: number;
      exhaustive: boolean;
      seed: null;
      configHash: string;
    };
    expect(doc.wce).toBe(4096);
    expect(doc.exhaustive).toBe(true);
    expect(doc.seed).toBeNull();
  });

  it('rejects a bad argument naming it, writing nothing', async () => {
    const json = join(dir, 'never.json');
    const r = await axgen(['metrics', cfg, '--samples', '0', '--json', json]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/--samples: expected an integer from 1/);
    expect(existsSync(json)).toBe(false);
    const u = await axgen(['unit', cfg, '--check', 'modelsim', '--out', join(dir, 'never')]);
    expect(u.exitCode).toBe(1);
    expect(u.stderr).toMatch(/--check: expected "icarus", "verilator" or "both", received "modelsim"/);
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });

  it('emits the standalone unit and checks it in Icarus', async () => {
    const out = join(dir, 'unit');
    const r = await axgen(['unit', cfg, '--out', out, '--check', 'icarus']);
    expect(r.exitCode, r.all).toBe(0);
    expect(readdirSync(out).sort()).toEqual([
      '.axgen-output.json',
      'cli_mitch_act_pre.v',
      'cli_mitch_mul.v',
      'cli_mitch_unit.v',
      'cli_mitch_wgt_pre.v',
      'files.f',
    ]);
    expect(r.stdout).toMatch(/icarus .*65536 vectors \(exhaustive\) match the golden model$/m);
    // Unsigned operands: no negation, so no split product to hold to p_o.
    expect(r.stdout).not.toMatch(/px_o/);
  });
});
