/**
 * The three acceptance checks every emitted file must pass with no warning:
 * `verilator --lint-only -Wall`, `iverilog -g2005 -Wall`, and Yosys `read_verilog; hierarchy -check;
 * proc; check -assert`. They run on the files as emitted (written to a temporary folder), through
 * the shared job pool.
 */
import { runTool } from '../generator/infra/children.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jobPool } from '../generator/infra/pool.js';
import { tool } from '../generator/infra/tools.js';

export interface LintFile {
  name: string;
  text: string;
}

export interface LintResult {
  tool: 'verilator' | 'iverilog' | 'yosys';
  ok: boolean;
  /** Warnings and errors, empty when clean. */
  messages: string;
}

/** Runs all three tools on `files` with `top` as the top module. */
export async function lintFiles(files: LintFile[], top: string): Promise<LintResult[]> {
  await Promise.all([tool('verilator'), tool('iverilog'), tool('yosys')]);
  const dir = await mkdtemp(join(tmpdir(), 'axgen-lint-'));
  try {
    for (const f of files) await writeFile(join(dir, f.name), f.text);
    const names = files.map((f) => f.name);
    const verilator = jobPool.run(async () => {
      const r = await runTool('verilator', ['--lint-only', '-Wall', '--top-module', top, ...names], { cwd: dir });
      const out = (r.all ?? '').trim();
      return { tool: 'verilator' as const, ok: r.exitCode === 0 && out === '', messages: out };
    });
    const iverilog = jobPool.run(async () => {
      const r = await runTool('iverilog', ['-g2005', '-Wall', '-s', top, '-o', '/dev/null', ...names], { cwd: dir });
      const out = (r.all ?? '').trim();
      return { tool: 'iverilog' as const, ok: r.exitCode === 0 && out === '', messages: out };
    });
    const yosys = jobPool.run(async () => {
      const script = `read_verilog ${names.join(' ')}; hierarchy -check -top ${top}; proc; check -assert`;
      const r = await runTool('yosys', ['-q', '-p', script], { cwd: dir });
      const out = (r.all ?? '').trim();
      return { tool: 'yosys' as const, ok: r.exitCode === 0 && !/warning|error/i.test(out), messages: out };
    });
    return await Promise.all([verilator, iverilog, yosys]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Lint summary for a test assertion: '' when all clean, else the tools' messages. */
export function lintProblems(results: LintResult[]): string {
  return results
    .filter((r) => !r.ok)
    .map((r) => `${r.tool}:\n${r.messages}`)
    .join('\n');
}
