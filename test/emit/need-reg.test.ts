/**
 * The stream tops' registered needs (issue 11, "Timing"): a_need_q, w_need_q and y_need_q feed adv,
 * which enables every register of the array, so they are flip-flops loaded with their definitions
 * (the *_need_of functions of templates/top_ws.v.hbs and top_os.v.hbs) on the next state. This proves,
 * by induction in Yosys (sat -tempinduct), that after any clock edge each register equals its
 * definition on the current state: the behaviour of the combinational needs they replace, cycle for
 * cycle. The checks are added to the emitted top before its endmodule; a wrong next-state term (say a
 * tag tap off by one) fails the induction step. The same run proves the registered refusal check
 * (cmd_bad_q) is the check of the command the top may take, under the valid/ready rule.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../generator/config/resolve.js';
import { emitRtl, topModule } from '../../generator/emit/rtl.js';
import { runTool } from '../../generator/infra/children.js';
import { jobPool } from '../../generator/infra/pool.js';
import { written, type Shape } from '../helpers/configs.js';

/** Each need against its definition on the current state (the comments beside their uses). */
const checks = {
  'weight-stationary': [
    'a_need_q == a_need_of(inj_on_q, ready_q[ibank_q], fd_first_q[ibank_q], since_q)',
    'w_need_q == w_need_of(ld_act_q, ld_row_q, inuse_q[ld_bank_q], rel_now && (rel_bank == ld_bank_q))',
    'y_need_q == y_need_of(tags[TAP_Y*TAG_W + T_VALID], tags[TAP_Y*TAG_W + T_LAST])',
  ],
  'output-stationary': [
    'a_need_q == a_need_of(inj_act_q, beat_last, hold_q)',
    'y_need_q == y_need_of(drain_q, tags[TAP_D*TAG_W + T_VALID], tags[TAP_D*TAG_W + T_LAST])',
  ],
};

/**
 * Registers loaded with their definitions wherever their argument is loaded (not every cycle): each
 * equals its definition from the first reset on (the WS loader's ld_last_q and ld_kv_q).
 */
const afterReset = {
  'weight-stationary': ['ld_last_q == ld_last_of(ld_krem_q)', 'ld_kv_q == ld_kv_of(ld_krem_q)'],
  'output-stationary': [],
};

/**
 * The registered refusal check: under the valid/ready rule (assumed: the command ports hold while
 * cmd_valid_i is high and the command is not taken), whenever the top may take a command
 * (cmd_seen_q), cmd_bad_q is the check of the ports now, so a command is refused exactly when its
 * own dimensions are out of range.
 */
const refusalCheck = [
  "  reg chk_valid_q = 1'b0;",
  "  reg chk_fire_q = 1'b0;",
  '  reg [$bits(cmd_m_i)+$bits(cmd_k_i)+$bits(cmd_n_i)-1:0] chk_cmd_q;',
  '  always @(posedge clk_i) begin',
  '    chk_valid_q <= cmd_valid_i;',
  '    chk_fire_q <= cmd_fire;',
  '    chk_cmd_q <= {cmd_m_i, cmd_k_i, cmd_n_i};',
  '  end',
  '  always @* if (chk_q && chk_valid_q && !chk_fire_q)',
  '    assume (cmd_valid_i && ({cmd_m_i, cmd_k_i, cmd_n_i} == chk_cmd_q));',
  '  always @* if (chk_q && cmd_seen_q) assert (cmd_bad_q == cmd_bad);',
];

/** The top with the checks, armed after the first clock edge (the invariant needs no reset). */
function withChecks(top: string, dataflow: keyof typeof checks): string {
  const at = top.lastIndexOf('endmodule');
  expect(at).toBeGreaterThan(0);
  const body = [
    "  reg chk_q = 1'b0;",
    "  always @(posedge clk_i) chk_q <= 1'b1;",
    '  always @* if (chk_q) begin',
    ...checks[dataflow].map((e) => `    assert (${e});`),
    '  end',
    "  reg chk_rst_q = 1'b0;",
    "  always @(posedge clk_i) if (!rst_ni) chk_rst_q <= 1'b1;",
    ...afterReset[dataflow].map((e) => `  always @* if (chk_rst_q) assert (${e});`),
    ...refusalCheck,
    '',
  ].join('\n');
  return top.slice(0, at) + body + top.slice(at);
}

type Extra = { zeroSkip?: unknown; pipeline?: unknown; outputStage?: unknown };
const cases: [string, Shape & Extra][] = [
  ['WS 2x3', { rows: 2, cols: 3, aBits: 4, wBits: 4, dataflow: 'weight-stationary' }],
  ['OS 2x3', { rows: 2, cols: 3, aBits: 4, wBits: 4, dataflow: 'output-stationary' }],
  [
    'WS 3x2, PE pipeline stage, zero-skip, output stage',
    {
      rows: 3,
      cols: 2,
      aBits: 4,
      wBits: 4,
      dataflow: 'weight-stationary',
      pipeline: { macc: 1 },
      zeroSkip: { activation: 0, weight: 0 },
      outputStage: { bits: 8, signed: true },
    },
  ],
  [
    'OS 3x2, PE pipeline stage, zero-skip, output stage',
    {
      rows: 3,
      cols: 2,
      aBits: 4,
      wBits: 4,
      dataflow: 'output-stationary',
      pipeline: { macc: 1 },
      zeroSkip: { activation: 0, weight: 0 },
      outputStage: { bits: 8, signed: true },
    },
  ],
];

describe('registered needs equal their definitions in every cycle (Yosys induction)', () => {
  it.each(cases)('%s', { timeout: 120_000 }, async (_label, s) => {
    const w: Record<string, unknown> = written({ ...s, name: 'need_cfg' });
    for (const k of ['zeroSkip', 'pipeline', 'outputStage'] as const) if (s[k] !== undefined) w[k] = s[k];
    const c = resolveConfig(w, 'test');
    const top = topModule(c);
    const dataflow = s.dataflow ?? 'weight-stationary';
    const dir = await mkdtemp(join(tmpdir(), 'axgen-need-'));
    try {
      const files = emitRtl(c);
      expect(files.some((f) => f.name === `${top}.v`)).toBe(true);
      for (const f of files) {
        await writeFile(join(dir, f.name), f.name === `${top}.v` ? withChecks(f.text, dataflow) : f.text);
      }
      const script = [
        `read_verilog -formal ${files.map((f) => f.name).join(' ')}`,
        `prep -flatten -top ${top}`,
        'memory_map',
        'opt -fast',
        'async2sync',
        'dffunmap',
        `sat -tempinduct -prove-asserts -set-assumes -verify ${top}`,
      ].join('; ');
      // Through the job pool, like every external tool in the tests (vitest.config.ts).
      const r = await jobPool.run(() => runTool('yosys', ['-p', script], { cwd: dir }));
      const log = r.all ?? '';
      // Every check was imported, and the induction (not only a bounded base case) succeeded.
      expect(log.match(/Import proof for assert/g)?.length ?? 0).toBeGreaterThanOrEqual(
        checks[dataflow].length + afterReset[dataflow].length + 1,
      );
      expect(log).toMatch(/Import constraint from assume cell/);
      expect(log).toMatch(/Induction step proven: SUCCESS!/);
      expect(r.exitCode, log.slice(-2000)).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
