/** Report renderings of a regression (no simulation): JUnit XML escaping, the summary table, progress lines. */
import { describe, expect, it } from 'vitest';
import { progress } from '../../generator/infra/progress.js';
import { junitXml, summaryTable, type JobResult, type RegressReport } from '../../sim/regress.js';

const job = (name: string, passed: boolean, failure?: string): JobResult => ({
  name: `${name}/icarus`,
  config: name,
  description: '',
  unit: 'exact',
  dataflow: 'WS',
  shape: '2x2',
  operands: 's8×s8',
  simulator: 'icarus',
  passed,
  timeMs: 1234,
  buildCacheHit: true,
  commands: 3,
  macs: 100,
  toolVersion: 'Icarus Verilog version 11.0',
  replay: `axgen regress --only ${name}`,
  ...(failure ? { failure } : {}),
});

const report: RegressReport = {
  suite: 'default',
  seed: 1,
  stall: 0.1,
  jobs: 2,
  wallMs: 5000,
  passed: 1,
  failed: 1,
  tools: { icarus: 'Icarus Verilog version 11.0' },
  results: [
    job('a', true),
    job(
      'b',
      false,
      '✖ b\n    mismatch: directed all-max, command 0 (tile at m0=0, n0=0), row 0, column 1: expected <5> & "x", actual 4\u001b[0m\n',
    ),
  ],
};

describe('regression reports', () => {
  it('JUnit XML: one testcase per job, failures with an escaped first mismatch and the replay command', () => {
    const x = junitXml(report);
    expect(x).toMatch(/<testsuite name="axgen.regress.default" tests="2" failures="1"/);
    expect(x.match(/<testcase /g)).toHaveLength(2);
    expect(x).toMatch(
      /<failure message="mismatch: directed all-max, command 0 \(tile at m0=0, n0=0\), row 0, column 1: expected &lt;5&gt; &amp; &quot;x&quot;, actual 4\[0m"/,
    );
    expect(x).toMatch(/replay: axgen regress --only b<\/failure>/);
    // eslint-disable-next-line no-control-regex
    expect(x).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
  });
  it('summary table: a row per job and a totals line', () => {
    const t = summaryTable(report).split('\n');
    expect(t[0]).toMatch(/^config\s+unit\s+flow\s+shape\s+operands\s+simulator\s+result/);
    expect(t.filter((l) => / FAIL /.test(l))).toHaveLength(1);
    expect(t).toContain(
      '1 passed, 1 failed, 2 jobs in 5.0 s (suite default, seed 1, 2 parallel jobs; Icarus Verilog version 11.0)',
    );
  });
  it('progress: plain lines when not on a terminal', () => {
    let out = '';
    const stream = { isTTY: false, write: (s: string) => ((out += s), true) } as unknown as NodeJS.WriteStream;
    const p = progress(stream);
    p.start(2);
    p.tick('a/icarus', true, 1, 2);
    p.tick('b/icarus', false, 2, 2);
    p.stop();
    expect(out).toMatch(/^regress: 2 jobs\n\[1\/2\] pass a\/icarus \(\d+ s\)\n\[2\/2\] FAIL b\/icarus \(\d+ s\)\n$/);
  });
  it('progress: a redrawn bar on a terminal', () => {
    let out = '';
    const stream = {
      isTTY: true,
      columns: 80,
      write: (s: string) => ((out += s), true),
    } as unknown as NodeJS.WriteStream;
    const p = progress(stream);
    p.start(2);
    p.tick('a/icarus', true, 1, 2);
    p.stop();
    expect(out).toContain('\r\x1b[K[███████████████░░░░░░░░░░░░░░░] 1/2');
    expect(out.endsWith('\n')).toBe(true);
  });
});

describe('tool version range', () => {
  it('accepts the supported versions and names what to install otherwise', async () => {
    const { checkVersion, ToolMissingError } = await import('../../generator/infra/tools.js');
    expect(checkVersion('verilator', 'Verilator 5.006 2023-01-22 rev (Debian 5.006-3)\n').version).toBe(
      'Verilator 5.006 2023-01-22 rev (Debian 5.006-3)',
    );
    expect(checkVersion('iverilog', 'Icarus Verilog version 11.0 (stable) ()\n').version).toMatch(
      /^Icarus Verilog version 11\.0/,
    );
    expect(() => checkVersion('verilator', 'Verilator 4.038 2020-07-11')).toThrow(
      /older than the supported 5\.006.*apt-get install -y verilator build-essential/,
    );
    expect(() => checkVersion('verilator', 'Verilator 6.000 2030-01-01')).toThrow(
      /newer than the supported 5\.006 to 5\.x/,
    );
    expect(() => checkVersion('iverilog', 'Icarus Verilog version 10.3 (stable)')).toThrow(ToolMissingError);
    expect(() => checkVersion('iverilog', 'something else')).toThrow(/unrecognised version output/);
  });
});

describe('sim report (formatReport)', () => {
  it('gives the total of errors whenever not every mismatch is shown, even when all were collected', async () => {
    const { formatReport } = await import('../../sim/run.js');
    const mismatch = (i: number) => ({
      case: 'random 5x9x7',
      caseCommand: 0,
      tile: { m0: 0, n0: 0 },
      row: i % 5,
      column: i % 7,
      lane: 0,
      expected: '1',
      actual: '2',
      cycle: 10 + i,
      operands: 'a·w',
    });
    const report = (n: number) =>
      ({
        config: { name: 'x', hash: 'ab'.repeat(32), unit: 'exact', dataflow: 'weight-stationary', rows: 2, cols: 2 },
        dut: { top: 'x_top', interface: 'stream', rtl: 'emitted', checker: 'x_tb_check' },
        gemms: 1,
        refused: 0,
        seed: 3,
        gemm: { m: 5, k: 9, n: 7 },
        stall: 0.1,
        passed: false,
        replay: 'axgen sim x.json --seed 3',
        runs: [
          {
            simulator: 'icarus',
            passed: false,
            errors: n,
            mismatches: Array.from({ length: n }, (_, i) => mismatch(i)),
            counters: [],
            problems: [],
          },
        ],
      }) as unknown as Parameters<typeof formatReport>[0];
    // 33 mismatches, all in the report: 10 shown and the total said.
    const text = formatReport(report(33));
    expect(text.match(/^ {4}mismatch: /gm)).toHaveLength(10);
    expect(text).toContain('… 33 errors in all (the first 10 mismatches shown)');
    // All shown: no total line.
    expect(formatReport(report(4))).not.toMatch(/errors in all/);
  });
});
