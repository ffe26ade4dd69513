/**
 * From a ResolvedConfig to the list of emitted Verilog files. All decisions (widths, literals,
 * which modules exist) are made here in TypeScript; templates only print.
 */
import { GENERATOR_VERSION } from '../version.js';
import { derive, unitLabel, type Derived } from '../config/derive.js';
import type { ResolvedConfig } from '../config/resolve.js';
import type { ModuleSpec, SplitProduct, View } from '../units/types.js';
import { carrySaveAdderLines, carryVectorExpr, chainBoundaries, describeChains } from '../units/carry-save.js';
import { ARRAY_FEATURES } from '../config/features.js';
import { commandLimits } from '../model/schedule.js';
import { CMD_SLOTS } from '../config/cycles.js';
import { alignDeclarations } from './align.js';
import { pipelinePeView } from '../units/pipeline.js';
import { render } from './handlebars.js';

export interface EmittedFile {
  /** File name, `<module>.v`. */
  name: string;
  module: string;
  template: string;
  text: string;
}

import { dec as s, extendExpr, formatDesc, lit, msb, saturation, scaleExpr, ubits } from '../units/verilog.js';

/** Emitted lines stay within this many columns (headers included). */
export const MAX_COLUMNS = 100;

/**
 * `// <label>: <text>` as comment lines of at most MAX_COLUMNS columns, broken after ", " (a
 * single item longer than that stays whole); continuation lines are indented under the text.
 */
export function wrapComment(label: string, text: string): string {
  const first = `// ${label}: `;
  const indent = '//' + ' '.repeat(first.length - 2);
  const lines: string[] = [];
  let cur = first;
  for (const [i, part] of text.split(', ').entries()) {
    const piece = i === 0 ? part : `, ${part}`;
    if (i > 0 && (cur + piece.trimEnd()).length + 1 > MAX_COLUMNS) {
      lines.push(cur + ',');
      cur = indent + part;
    } else cur += piece;
  }
  lines.push(cur);
  return lines.join('\n');
}

/**
 * The provenance header of every emitted file: no timestamp, so output is byte-identical. `label`
 * is what the file holds of the config (default unitLabel: the unit, the array features and the
 * pipeline).
 */
export function headerFor(c: ResolvedConfig, d: Derived, template: string, label = unitLabel(c, d)): string {
  return render('partials/header.hbs', {
    version: GENERATOR_VERSION,
    template,
    configName: c.name,
    hashShort: c.hash.slice(0, 12),
    unitLines: wrapComment('unit', label),
  }).trimEnd();
}

/**
 * View of templates/acc_add.v.hbs. With a split product (units/types.ts SplitProduct) p_i is px
 * (pxBits, two's complement) and the extra input pc_i is added as the carry-in of the same sum,
 * so the adder stays one carry chain; px is extended to the sum's width, or cut to it (modular,
 * wrap mode only: an accumulator as narrow as the product) with its dropped bits read as unused.
 */
function accAddView(
  c: ResolvedConfig,
  d: Derived,
  header: string,
  split: SplitProduct | undefined,
  chains: number,
): View {
  const A = d.accBits;
  const P = split ? split.pxBits : d.product.bits;
  const pSigned = split ? true : d.product.signed;
  const sign = d.accSigned ? "two's complement" : 'unsigned';
  const fit = (to: number) => (P > to ? `p_i[${to - 1}:0]` : extendExpr('p_i', P, to, pSigned));
  const carry = (to: number) => (split ? ` + ${extendExpr('pc_i', 1, to, false)}` : '');
  const above = P === A + 1 ? `p_i[${A}]` : `^p_i[${P - 1}:${A}]`;
  const dropped = !d.saturate && P > A ? `  wire unused_p = ${above};  // above the wrapping sum\n` : '';
  return {
    header,
    module: `${c.name}_acc_add`,
    overflowDesc: d.saturate ? 'saturating at the accumulator range after the addition' : `wrapping modulo 2^${A}`,
    accDesc: `${A}-bit ${sign}`,
    pDesc: formatDesc(P, pSigned),
    split: split !== undefined,
    accMsb: msb(A),
    pMsb: msb(P),
    accBits: s(A),
    sumBits: s(A + 1),
    saturate: d.saturate,
    accExtFull: extendExpr('acc_i', A, A + 1, d.accSigned),
    pExtFull: fit(A + 1) + carry(A + 1),
    pExtAcc: fit(A) + carry(A),
    dropped,
    // Carry-save form (units/carry-save.ts): chains > 1.
    cs: chains > 1,
    chains: s(chains),
    chainDesc: describeChains(A, chains),
    csMsb: msb(Math.max(1, chains - 1)),
    csOut: carryTerms('c_o', A, chains),
    csIn: carryTerms('acc_c_i', A, chains),
    pExtPlain: fit(A),
    chainLines: chains > 1 ? carrySaveAdderLines(A, chains, split !== undefined) : '',
    ...saturation(A, d.accSigned),
  };
}

/**
 * Widths of the top's command port and counters: every module or testbench that connects to
 * `<name>_top` (the top itself, the AXI wrapper and CSR block, the co-simulation checker) prints
 * its port declarations from this one view.
 */
export function portView(d: Derived): Record<string, string> {
  return {
    mBits: s(d.mBits),
    mMsb: msb(d.mBits),
    kBits: s(d.kBits),
    kMsb: msb(d.kBits),
    nBits: s(d.nBits),
    nMsb: msb(d.nBits),
    cycBits: s(d.cycBits),
    cycMsb: msb(d.cycBits),
    macBits: s(d.macBits),
    macMsb: msb(d.macBits),
  };
}

/** Widths shared by the array and PE templates of both dataflows. */
function gridView(c: ResolvedConfig, d: Derived, ae: number, we: number): Record<string, string> {
  const R = d.rows;
  const C = d.cols;
  return {
    prefix: c.name,
    rows: s(R),
    cols: s(C),
    rowsMinus1: s(R - 1),
    colsMinus1: s(C - 1),
    rowsMsb: msb(R),
    aeBits: s(ae),
    aeMsb: msb(ae),
    weBits: s(we),
    weMsb: msb(we),
    pMsb: msb(d.product.bits),
    accBits: s(d.accBits),
    accMsb: msb(d.accBits),
    aRowMsb: msb(R * ae),
    wColMsb: msb(C * we),
    psColMsb: msb(C * d.accBits),
  };
}

/**
 * The top's refusal check (one Verilog expression, true for a command to refuse): each of
 * cmd_m_i, cmd_k_i, cmd_n_i is 0 or past its limit (model/schedule.ts commandLimits), one port per
 * line. A limit the port cannot exceed gets no comparison, so no compare is constant.
 */
function cmdBadExpr(c: ResolvedConfig, d: Derived): string {
  const l = commandLimits(c);
  const lines: string[] = [];
  for (const [port, bits, max] of [
    ['cmd_m_i', d.mBits, l.m],
    ['cmd_k_i', d.kBits, l.k],
    ['cmd_n_i', d.nBits, l.n],
  ] as const) {
    const terms = [`(${port} == ${lit(bits, 0)})`];
    if (max < 2 ** bits - 1) terms.push(`(${port} > ${lit(bits, max)})`);
    lines.push(terms.join(' || '));
  }
  // One dimension per line, under the first: `  wire cmd_bad = ` is 17 columns.
  return lines.join(` ||\n${' '.repeat(17)}`);
}

/** The per-command counter slots and the tag line shared by both tops (`tapLast`: the last tap). */
function streamView(tapLast: number, tagW: number): View {
  const slotBits = ubits(CMD_SLOTS - 1);
  const inflBits = ubits(CMD_SLOTS);
  return {
    slots: s(CMD_SLOTS),
    slotsLast: s(CMD_SLOTS - 1),
    slotBits: s(slotBits),
    slotMsb: msb(slotBits),
    inflBits: s(inflBits),
    inflMsb: msb(inflBits),
    slotsLit: lit(inflBits, CMD_SLOTS),
    inflExt: extendExpr('cmd_take', 1, inflBits, false),
    inflDoneExt: extendExpr('cmd_end', 1, inflBits, false),
    tagW: s(tagW),
    tagLineBits: s(tapLast * tagW),
    tagLineMsb: msb(tapLast * tagW),
    tagsMsb: msb((tapLast + 1) * tagW),
    tagShift: tapLast === 1 ? 'tag_in' : `{tag_q[${(tapLast - 1) * tagW - 1}:0], tag_in}`,
  };
}

function topView(c: ResolvedConfig, d: Derived, ae: number, we: number): View {
  const R = d.rows;
  const C = d.cols;
  const ws = c.dataflow === 'weight-stationary';
  const kvBits = ubits(R);
  const macIncBits = ubits(R * C);
  const addrBits = ubits(c.array.accDepth - 1);
  const rowIdxBits = ubits(R - 1);
  const common: View = {
    ...gridView(c, d, ae, we),
    // pipeline.edge: a register in front of the edge encoders (units/pipeline.ts).
    edgeIn: d.edgeStages > 1,
    edgeStages: s(d.edgeStages),
    edgeWeightSlack: d.edgeStages > 1 ? `E = ${d.edgeStages} cycles` : 'one cycle',
    maxK: s(d.maxK),
    accDepth: s(c.array.accDepth),
    aBits: s(d.aBits),
    aMsb: msb(d.aBits),
    wBits: s(d.wBits),
    wMsb: msb(d.wBits),
    aDataMsb: msb(R * d.aBits),
    wDataMsb: msb(C * d.wBits),
    ...portView(d),
    macIncBits: s(macIncBits),
    macIncMsb: msb(macIncBits),
    nExt: extendExpr('n_q', d.nBits, macIncBits, false),
    skipCounter: `  assign cnt_skipped_o = ${d.macBits}'d0;`,
    macIncExt: scaleExpr(extendExpr('mac_inc', macIncBits, d.macBits, false), d.macBits, d.macsPerProduct),
    cmdBad: cmdBadExpr(c, d),
  };
  if (ws) {
    const S = d.peStages;
    const E = d.edgeStages;
    const tapY = R + E + S + C - 1;
    const tagW = 5 + d.mBits + ubits(CMD_SLOTS - 1);
    const sinceBits = ubits(R + 1);
    const tot = 32;
    return {
      ...common,
      ...streamView(tapY, tagW),
      rowsPlus1: s(R + 1),
      rowsBits: s(R),
      aloneOverhead: s(R + C + S + E),
      backToBackM: s(Math.max(R + 1, C + S + E - 1)),
      peStages: s(S),
      tapRel: s(E + C - 1 + S),
      tapY: s(tapY),
      tapRd0: s(E + S - 1),
      tapWr0: s(R + E + S),
      addrBits: s(addrBits),
      tagSlotLo: s(5 + d.mBits),
      tapSk: s(E + R),
      kRows: lit(d.kBits, R),
      kvBits: s(kvBits),
      kvMsb: msb(kvBits),
      kvRows: lit(kvBits, R),
      kvExt: extendExpr('ld_kv', kvBits, macIncBits, false),
      nExt: extendExpr('ld_n_q', d.nBits, macIncBits, false),
      macIncTot: scaleExpr(extendExpr('mac_inc', macIncBits, tot, false), tot, d.macsPerProduct),
      rowIdxBits: s(rowIdxBits),
      rowIdxMsb: msb(rowIdxBits),
      rowIdxLast: lit(rowIdxBits, R - 1),
      sinceBits: s(sinceBits),
      sinceMsb: msb(sinceBits),
      sinceMin: lit(sinceBits, R + 1),
      addrMsb: msb(addrBits),
    };
  }
  // The PE's extra stages delay when its result reaches the output register (derive(c).peStages).
  const E = d.edgeStages;
  const S = d.peStages;
  const tapDrain = E + R + C - 1 + S;
  const holdBits = ubits(R + C - 2 + S + R);
  return {
    ...common,
    ...streamView(tapDrain, 2 + d.mBits),
    aloneOverhead: s(R + C + S + E - 2),
    holdDesc: `${R + C - 1 + S} + M`,
    tapDrain: s(tapDrain),
    tapDrainMinus1: s(tapDrain - 1),
    holdBits: s(holdBits),
    holdMsb: msb(holdBits),
    holdSet: `${lit(holdBits, R + C - 2 + S)} + ${extendExpr('m_q', d.mBits, holdBits, false)}`,
    mIncExt: extendExpr('m_q', d.mBits, macIncBits, false),
    macIncTot: scaleExpr(extendExpr('mac_inc', macIncBits, 32, false), 32, d.macsPerProduct),
  };
}

/** `c * 2^11` or `c[0] * 2^8 + c[1] * 2^15`: the carries of a carry-save sum, for comments. */
function carryTerms(c: string, accBits: number, chains: number): string {
  const b = chainBoundaries(accBits, chains);
  return b.length === 1 ? `${c} * 2^${b[0]}` : b.map((x, i) => `${c}[${i}] * 2^${x}`).join(' + ');
}

/** Every module of the configured accelerator, in a stable order. */
export function moduleSpecs(c: ResolvedConfig): ModuleSpec[] {
  const d = derive(c);
  const header = (t: string) => headerFor(c, d, t);
  const unit = d.unit.rtl(c.multiplier, d.ctx, c.name, header, d.mulStages);
  const ws = c.dataflow === 'weight-stationary';
  const chains = d.sumChains;
  const rtlContext = {
    prefix: c.name,
    ctx: d.ctx,
    ws,
    rows: d.rows,
    cols: d.cols,
    ae: unit.actEncBits,
    we: unit.wgtEncBits,
    accBits: d.accBits,
    accSigned: d.accSigned,
    saturate: d.saturate,
    macBits: d.macBits,
    macsPerProduct: d.macsPerProduct,
    mBits: d.mBits,
    nBits: d.nBits,
    header,
  };
  // Array features (config/features.ts: zero-skip, output stage): each may add operand bits, modules,
  // and PE / top view keys.
  const feats = ARRAY_FEATURES.map((f) => f.rtl(c, rtlContext));
  const features = {
    extraBits: feats.reduce((n, f) => n + f.extraBits, 0),
    modules: feats.flatMap((f) => f.modules),
    pe: Object.assign({}, ...feats.map((f) => f.pe)) as View,
    top: Object.assign({}, ...feats.map((f) => f.top)) as View,
  };
  // With zero-skip, each operand carries its skip flag through the array in one extra top bit.
  const ae = unit.actEncBits + features.extraBits;
  const we = unit.wgtEncBits + features.extraBits;
  const flow = ws ? 'ws' : 'os';
  const grid = gridView(c, d, ae, we);
  const specs: ModuleSpec[] = [...unit.modules, ...features.modules];
  specs.push({
    module: `${c.name}_acc_add`,
    template: 'acc_add.v.hbs',
    view: accAddView(c, d, header('acc_add.v.hbs'), unit.split, chains),
  });
  // Skew and de-skew lines; the registered array edge is one too.
  specs.push({
    module: `${c.name}_delay`,
    template: 'delay.v.hbs',
    view: { header: header('delay.v.hbs'), module: `${c.name}_delay` },
  });
  if (ws) {
    const addrBits = ubits(c.array.accDepth - 1);
    specs.push({
      module: `${c.name}_accbuf`,
      template: 'accbuf.v.hbs',
      view: {
        header: header('accbuf.v.hbs'),
        prefix: c.name,
        depth: s(c.array.accDepth),
        depthLast: s(c.array.accDepth - 1),
        accBits: s(d.accBits),
        accMsb: msb(d.accBits),
        addrMsb: msb(addrBits),
      },
    });
  }
  // The partial sum's carries in carry-save form (chains > 1), in the PE and the array.
  const csView: View = {
    cs: chains > 1,
    csBits: s(Math.max(1, chains - 1)),
    csMsb: msb(Math.max(1, chains - 1)),
    pscNext: features.pe.zeroSkip === true ? 'psc_keep' : 'psc_d',
    chainDesc: describeChains(d.accBits, chains),
    carryVector: chains > 1 ? carryVectorExpr('psc_bot', d.accBits, chains) : '',
  };
  specs.push({
    module: `${c.name}_pe`,
    template: `pe_${flow}.v.hbs`,
    view: {
      header: header(`pe_${flow}.v.hbs`),
      ...grid,
      ...features.pe,
      ...pipelinePeView({
        ws,
        zeroSkip: features.pe.zeroSkip === true,
        mulStages: d.mulStages,
        peStages: d.peStages,
        pBits: d.product.bits,
        split: unit.split,
      }),
      ...csView,
    },
  });
  specs.push({
    module: `${c.name}_array`,
    template: `array_${flow}.v.hbs`,
    view: { header: header(`array_${flow}.v.hbs`), ...grid, ...csView },
  });
  specs.push({
    module: `${c.name}_top`,
    template: `top_${flow}.v.hbs`,
    view: { header: header(`top_${flow}.v.hbs`), ...topView(c, d, ae, we), ...features.top },
  });
  return specs;
}

/** Renders module specs to files `<module>.v`, declarations aligned (emit/align.ts). */
export function emitModules(specs: ModuleSpec[]): EmittedFile[] {
  return specs.map((m) => ({
    name: `${m.module}.v`,
    module: m.module,
    template: m.template,
    text: alignDeclarations(render(m.template, m.view)),
  }));
}

export function emitRtl(c: ResolvedConfig): EmittedFile[] {
  return emitModules(moduleSpecs(c));
}

export const topModule = (c: ResolvedConfig) => `${c.name}_top`;
