/**
 * bench/fmax.ts is a script that also exports criticalPath: importing it must not start a run,
 * and running it must still run. Both use --budget -1 (no place and route is started) and an --out
 * of their own, so a run that does start only writes table.md there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { ROOT } from '../helpers/cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'axgen-fmax-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const benchArgs = (out: string) => ['--out', out, '--budget', '-1', '--kinds', 'exact', '--rows', 'plain'];

/** nextpnr's critical path report as nextpnr-ice40 0.4 writes it (cut to the lines read). */
const LOG = [
  'Info: Max frequency for clock "clk": 60.00 MHz (PASS at 50.00 MHz)',
  "Info: Critical path report for clock 'clk_i$SB_IO_IN_$glb_clk' (posedge -> posedge):",
  'Info: curr total',
  'Info:  0.5  0.5  Source u_dut.u_ctrl.cnt_SB_DFFESR_Q_DFFLC.O',
  'Info:  1.5  2.0    Net u_dut.cnt[1] budget 0.000000 ns (11,21) -> (9,23)',
  'Info:                Sink u_dut.u_array.gen_row[0].u_pe.acc_SB_LUT4_O_LC.I3',
  'Info:  0.5  2.5  Source u_dut.u_array.gen_row[0].u_pe.acc_SB_LUT4_O_LC.O',
  'Info:  1.5  4.0    Net u_dut.u_array.gen_row[0].u_pe.acc[3] budget 0.000000 ns (9,23) -> (9,18)',
  'Info:                Sink u_dut.u_array.gen_row[0].u_pe.acc_SB_DFF_Q_DFFLC.I0',
  'Info:  1.0  5.0  Setup u_dut.u_array.gen_row[0].u_pe.acc_SB_DFF_Q_DFFLC.I0',
  'Info: 2.5 ns logic, 2.5 ns routing',
  '',
].join('\n');

describe('bench/fmax.ts', () => {
  it('can be imported for criticalPath without starting a run', async () => {
    const out = join(dir, 'imported');
    const argv = process.argv;
    // The arguments a run would read: if importing ran main, it would write table.md under `out`.
    process.argv = [...argv, ...benchArgs(out)];
    try {
      const { criticalPath } = await import('../../bench/fmax.js');
      expect(criticalPath(LOG)).toBe('u_ctrl.cnt → u_array.gen_row[0].u_pe.acc (5.0 ns, 60 % in the array)');
      expect(criticalPath('Info: no timing report\n')).toBe('');
    } finally {
      process.argv = argv;
    }
    expect(existsSync(out)).toBe(false);
  });

  it('runs when executed as a script (npm run bench:fmax)', async () => {
    const out = join(dir, 'run');
    const r = await execa(process.execPath, ['--import', 'tsx', 'bench/fmax.ts', ...benchArgs(out)], {
      cwd: ROOT,
      reject: false,
      all: true,
    });
    expect(r.exitCode, r.all).toBe(0);
    expect(readFileSync(join(out, 'table.md'), 'utf8')).toMatch(/^\| exact \| - \| - \| - \| - \| not run \|/m);
  });
});
