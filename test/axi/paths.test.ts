/**
 * AXI4-Stream rule: no combinational path from TREADY to TVALID. Checked structurally on the
 * emitted files with Yosys: after `proc; flatten`, the fan-in cone of every TVALID output, stopped
 * at flip-flops, must contain no input port at all (so no TREADY either). A control on the bare
 * core shows the query does find combinational port-to-port paths where they exist.
 */
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../../generator/config/resolve.js';
import { generate } from '../../generator/emit/generate.js';
import { jobPool } from '../../generator/infra/pool.js';
import { tool } from '../../generator/infra/tools.js';
import { written } from '../helpers/configs.js';

/**
 * Input ports in the flip-flop-bounded fan-in cone of the outputs matching `outputs` (which must
 * match at least one port, so the check cannot pass vacuously).
 */
async function combinationalInputs(
  files: { name: string; text: string }[],
  top: string,
  outputs: string,
): Promise<string[]> {
  await tool('yosys');
  const dir = mkdtempSync(join(tmpdir(), 'axgen-paths-'));
  try {
    for (const f of files) writeFileSync(join(dir, f.name), f.text);
    const script = [
      `read_verilog ${files.map((f) => f.name).join(' ')}`,
      `hierarchy -top ${top}`,
      'proc',
      'flatten',
      `tee -q -o ports.txt select -list ${outputs}`,
      `tee -q -o cone.txt select -list ${outputs} %ci*:-$dff:-$adff:-$dlatch i:* %i`,
    ].join('; ');
    const r = await jobPool.run(() => execa('yosys', ['-q', '-p', script], { cwd: dir, reject: false, all: true }));
    expect(r.exitCode, r.all).toBe(0);
    expect(readFileSync(join(dir, 'ports.txt'), 'utf8').trim(), `no output matches ${outputs}`).not.toBe('');
    return readFileSync(join(dir, 'cone.txt'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('AXI4-Stream handshake paths', () => {
  it.concurrent.each(['weight-stationary', 'output-stationary'] as const)(
    '%s: every TVALID comes from a register, never from an input',
    async (dataflow) => {
      const c = resolveConfig({ ...written({ name: 'axp', rows: 3, cols: 2, dataflow }), interface: 'axi' }, 'test');
      const g = generate(c);
      expect(await combinationalInputs(g.files, g.manifest.ipTop, 'o:*tvalid*')).toEqual([]);
    },
  );

  it('the query finds a combinational input-to-output path where one exists (bare core)', async () => {
    const c = resolveConfig(written({ name: 'axq', rows: 3, cols: 2, dataflow: 'output-stationary' }), 'test');
    const g = generate(c);
    // In the core, a_ready_o depends on w_valid_i in the same cycle (both streams move together).
    expect(await combinationalInputs(g.files, g.manifest.top, 'o:a_ready_o')).toContain('axq_top/w_valid_i');
  });
});
