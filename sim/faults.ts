/**
 * Fault injection into emitted RTL, to prove the co-simulation can fail. Each fault is a small,
 * plausible design bug applied by pattern to the emitted files; a fault whose pattern is not found
 * throws, so a template change cannot silently turn a fault test into a no-op.
 */
import type { ResolvedConfig } from '../generator/config/resolve.js';
import type { EmittedFile } from '../generator/emit/rtl.js';
import { derive } from '../generator/config/derive.js';
import { extendExpr } from '../generator/units/verilog.js';

export interface Fault {
  name: string;
  describe: string;
  /**
   * True for a fault the RTL simulates correctly and only a synthesis tool gets wrong: the RTL
   * co-simulation must pass it, the gate-level one (sim/gate.ts) must catch it.
   */
  gateOnly?: boolean;
  /** Whether the fault applies to this config (its dataflow, unit). */
  appliesTo(c: ResolvedConfig): boolean;
  inject(files: EmittedFile[], c: ResolvedConfig): EmittedFile[];
}

export class FaultNotApplicable extends Error {}

/** Replaces exactly `count` (default: at least one) matches of `re` in module `<prefix>_<suffix>`. */
function edit(
  files: EmittedFile[],
  c: ResolvedConfig,
  suffix: string,
  re: RegExp,
  to: string | ((...m: string[]) => string),
  fault: string,
): EmittedFile[] {
  const module = `${c.name}_${suffix}`;
  const f = files.find((x) => x.module === module || x.name === `${module}.v`);
  if (!f) throw new FaultNotApplicable(`${fault}: no module ${module} among the emitted files`);
  const text = f.text.replace(re, to as string);
  if (text === f.text) throw new FaultNotApplicable(`${fault}: pattern ${re} not found in ${f.name}`);
  return files.map((x) => (x === f ? { ...x, text } : x));
}

const ws = (c: ResolvedConfig) => c.dataflow === 'weight-stationary';

export const faults: Fault[] = [
  {
    name: 'acc-off-by-one',
    describe: 'the accumulator adder adds one to every sum',
    appliesTo: (c) => c.precision.accumulator.overflow === 'wrap',
    // One chain (`assign sum_o = acc_i + ...`) or, in carry-save form, its lowest chain (chain0).
    inject: (files, c) =>
      edit(
        files,
        c,
        'acc_add',
        /(assign sum_o = acc_i \+ .+|wire \[\d+:0\] chain0 = .+);/,
        "$1 + 1'b1;",
        'acc-off-by-one',
      ),
  },
  {
    name: 'carry-save-dropped',
    describe: 'the array forgets the carries of a carry-save partial sum below the bottom row',
    appliesTo: (c) => derive(c).sumChains > 1,
    inject: (files, c) =>
      edit(
        files,
        c,
        'array',
        /(assign ps_bot_o\[c\*ACC_BITS \+: ACC_BITS\] = ps_link\[ROWS\*COLS \+ c\]) \+ \{.+\};/,
        '$1;',
        'carry-save-dropped',
      ),
  },
  {
    name: 'swapped-operand',
    describe: 'activation rows 0 and R-1 are swapped at the array edge (row r reads lane R-1-r)',
    appliesTo: (c) => c.array.rows >= 2,
    inject: (files, c) =>
      edit(
        files,
        c,
        'top',
        /a_data_i\[r\*(\w+) \+: (\w+)\]/,
        (_m, b: string, w: string) => `a_data_i[(${c.array.rows - 1}-r)*${b} +: ${w}]`,
        'swapped-operand',
      ),
  },
  {
    name: 'swapped-mul-operands',
    describe:
      "the PE feeds the weight to the multiplier's activation port and vice versa (caught when the operand formats differ)",
    appliesTo: (c) =>
      c.precision.activation.bits === c.precision.weight.bits &&
      c.precision.activation.signed !== c.precision.weight.signed,
    inject: (files, c) =>
      edit(
        files,
        c,
        'pe',
        /\.a_enc_i \(([^)]+)\),(\s+)\.w_enc_i \(([^)]+)\)/,
        (_m, a: string, sp: string, w: string) => `.a_enc_i (${w}),${sp}.w_enc_i (${a})`,
        'swapped-mul-operands',
      ),
  },
  {
    name: 'dropped-zero-flag',
    describe:
      "weight-stationary: the flag that zeroes the partial sums entering the first fold of a command (the first-fold bit of the beat's tag) is ignored, " +
      "so the previous command's sums leak in. (Output-stationary exact arrays have no observable equivalent: their clear " +
      'and operand-valid flags are redundant because padding operands are zero and the drain empties every accumulator.)',
    appliesTo: ws,
    inject: (files, c) =>
      edit(
        files,
        c,
        'top',
        /tags\[\(TAP_RD\+1\)\*TAG_W \+ T_FIRST\] \? \{ACC_BITS\{1'b0\}\} : buf_q/,
        'buf_q',
        'dropped-zero-flag',
      ),
  },
  {
    name: 'dropped-zero-flag-mitchell',
    describe:
      'Mitchell: the activation encoder never raises its zero flag, so a zero activation becomes 2^0 = 1 in the log domain',
    appliesTo: (c) => c.multiplier.kind === 'mitchell',
    inject: (files, c) => {
      // The flag is formed at the row edge (act_pre) when shared, inside the PE otherwise.
      for (const suffix of ['act_pre', 'pe', 'mul']) {
        try {
          return edit(
            files,
            c,
            suffix,
            /wire(\s+)zero(\s*)= \(mag == \d+'d0\);/,
            "wire$1zero$2= 1'b0;",
            'dropped-zero-flag-mitchell',
          );
        } catch (e) {
          if (!(e instanceof FaultNotApplicable)) throw e;
        }
      }
      throw new FaultNotApplicable(
        'dropped-zero-flag-mitchell: no Mitchell zero flag (wire zero = (mag == 0)) in act_pre, pe or mul',
      );
    },
  },
  {
    name: 'dropped-skip-flag',
    describe: 'zero-skip: the PE ignores the skip flags that travel with the operands, so near-zero products are added',
    appliesTo: (c) => {
      const zs = c.zeroSkip as { activation?: number | false; weight?: number | false } | undefined;
      // With thresholds 0 a skipped product is 0 anyway: only a near-zero threshold makes the flag observable.
      return zs !== undefined && [zs.activation, zs.weight].some((t) => typeof t === 'number' && t > 0);
    },
    inject: (files, c) =>
      edit(files, c, 'pe', /wire(\s+)skip(\s*)= a_i\[\d+\] \| \w+\[\d+\];/, "wire$1skip$2= 1'b0;", 'dropped-skip-flag'),
  },
  {
    name: 'refusal-removed',
    describe:
      'the top accepts every command as valid: a zero or over-limit dimension runs (or hangs) instead of being refused with err_o',
    appliesTo: () => true,
    inject: (files, c) => edit(files, c, 'top', /wire cmd_bad = [^;]+;/, "wire cmd_bad = 1'b0;", 'refusal-removed'),
  },
  {
    name: 'sign-extended-exact-mul',
    describe:
      'the exact multiplier multiplies operands sign-extended by hand to the product width (the form axgen emitted before ' +
      'issue 11): right in RTL simulation, but Yosys 0.23 maps it to an unsigned SB_MAC16 with zero-extended inputs ' +
      '(synth_ice40 -dsp), so only the gate-level check sees it',
    gateOnly: true,
    appliesTo: (c) => c.multiplier.kind === 'exact' && (c.precision.activation.signed || c.precision.weight.signed),
    inject: (files, c) => {
      const f = files.find((x) => x.module === `${c.name}_mul`);
      const width = (port: string) => {
        const m = f && new RegExp(`wire \\[(\\d+):0\\] +${port}\\b`).exec(f.text);
        if (!m) throw new FaultNotApplicable(`sign-extended-exact-mul: no port ${port} in ${c.name}_mul`);
        return Number(m[1]) + 1;
      };
      const A = width('a_enc_i');
      const W = width('w_enc_i');
      const P = width('p_o');
      const { activation, weight } = c.precision;
      return edit(
        files,
        c,
        'mul',
        /assign p_o = .+;/,
        () =>
          `wire [${P - 1}:0] a_ext = ${extendExpr('a_enc_i', A, P, activation.signed)};\n` +
          `  wire [${P - 1}:0] w_ext = ${extendExpr('w_enc_i', W, P, weight.signed)};\n` +
          '  assign p_o = a_ext * w_ext;',
        'sign-extended-exact-mul',
      );
    },
  },
  {
    name: 'wide-cut-exact-mul',
    describe:
      'the pipelined exact multiplier holds both partial products in registers of the full product width (the form axgen ' +
      'emitted before the pipelined xilinx fix): right in RTL simulation, but Yosys 0.23 packs the low bits of such a ' +
      "register into the DSP48E1's MREG and leaves the copies of its sign bit undriven (synth_xilinx), so only the " +
      'gate-level check sees it',
    gateOnly: true,
    appliesTo: (c) =>
      c.multiplier.kind === 'exact' &&
      (c.pipeline?.multiplier ?? 0) > 0 &&
      (c.precision.activation.signed || c.precision.weight.signed),
    inject: (files, c) => {
      const f = files.find((x) => x.module === `${c.name}_mul`);
      const m = f && /output wire \[(\d+):0\] +p_o\b/.exec(f.text);
      if (!m) throw new FaultNotApplicable(`wide-cut-exact-mul: no port p_o in ${c.name}_mul`);
      const P = Number(m[1]) + 1;
      const h = Math.floor(c.precision.weight.bits / 2);
      const name = 'wide-cut-exact-mul';
      let out = edit(
        files,
        c,
        'mul',
        /reg +\[\d+:0\] pp_(lo|hi);/g,
        (_x, s: string) => `reg  [${P - 1}:0] pp_${s};`,
        name,
      );
      out = edit(out, c, 'mul', /pp_(lo|hi) <= \d+'d0;/g, (_x, s: string) => `pp_${s} <= ${P}'d0;`, name);
      return edit(out, c, 'mul', /assign p_o = .+;/, `assign p_o = pp_lo + (pp_hi << ${h});`, name);
    },
  },
  {
    name: 'stage-rounding-truncates',
    describe:
      'output stage: the rounding constant 2^(shift-1) is never added, so s*m/2^shift is truncated (rounded toward ' +
      '-infinity on the magnitude) instead of rounded half away from zero',
    appliesTo: (c) => c.outputStage !== undefined,
    inject: (files, c) =>
      edit(
        files,
        c,
        'out_stage',
        /wire(\s*\[\d+:0\]\s*)half(\s*)= [^;]+;/,
        'wire$1half$2= 0;',
        'stage-rounding-truncates',
      ),
  },
  {
    name: 'stage-dropped-bias',
    describe: 'output stage: the bias of the parameter beat is never added to the accumulator',
    appliesTo: (c) => c.outputStage !== undefined,
    inject: (files, c) =>
      edit(files, c, 'out_stage', /wire(\s*\[\d+:0\]\s*)bias(\s*)= [^;]+;/, 'wire$1bias$2= 0;', 'stage-dropped-bias'),
  },
  {
    name: 'wrong-skew',
    describe: 'the activation skew of every row but the first is one cycle too long',
    appliesTo: (c) => c.array.rows >= 2,
    // Every row's edge is registered, then skewed: depth r + 1.
    inject: (files, c) =>
      edit(
        files,
        c,
        'top',
        /\.DEPTH\(r \+ 1\)(, \.RESET\(\d\))?\) u_skew/,
        '.DEPTH(r + 1 + (r > 0 ? 1 : 0))$1) u_skew',
        'wrong-skew',
      ),
  },
];

export function faultNamed(name: string): Fault {
  const f = faults.find((x) => x.name === name);
  if (!f) throw new Error(`internal error: no fault named ${name}`);
  return f;
}
