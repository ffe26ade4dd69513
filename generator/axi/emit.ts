/**
 * The AXI wrapper of a config (`interface: "axi"`): the Verilog modules of templates/axi/ (AXI top,
 * CSR block, skid buffer, reset synchronizer) and the register-map documents (regmap.h, regmap.md,
 * regmap.json). With the default `stream` interface both lists are empty.
 */
import { derive, type Derived } from '../config/derive.js';
import type { ResolvedConfig } from '../config/resolve.js';
import { emitModules, headerFor, portView, type EmittedFile } from '../emit/rtl.js';
import type { ModuleSpec } from '../units/types.js';
import { dec as s, extendExpr, msb, ubits } from '../units/verilog.js';
import type { OutFile } from '../infra/write.js';
import { csrView, regMap, regmapHeader, regmapJson, regmapMarkdown, type RegMap } from '../regmap/regmap.js';
import type { InterfacePlugin } from '../interface/plugin.js';
import { paramBeatBits } from '../units/output-stage.js';

const bytes = (b: number) => Math.ceil(b / 8) * 8;

export const isAxi = (c: ResolvedConfig) => c.interface === 'axi';
export const axiTopModule = (c: ResolvedConfig) => `${c.name}_axi_top`;

/**
 * TDATA widths of the streams: lanes rounded up to whole bytes. Result lanes are in the result
 * format (the output stage's with one); `p`/`pLanes` is the output stage's parameter beat (0
 * without a stage).
 */
export function axisWidths(d: Derived): {
  w: number;
  a: number;
  y: number;
  p: number;
  wLanes: number;
  aLanes: number;
  yLanes: number;
  pLanes: number;
} {
  const wLanes = d.cols * d.wBits;
  const aLanes = d.rows * d.aBits;
  const yLanes = d.cols * d.yBits;
  const pLanes = d.out ? paramBeatBits(d.accBits, d.cols, d.out.bits) : 0;
  return { w: bytes(wLanes), a: bytes(aLanes), y: bytes(yLanes), p: bytes(pLanes), wLanes, aLanes, yLanes, pLanes };
}

const regWord = (m: RegMap, name: string) => {
  const r = m.registers.find((x) => x.name === name);
  if (!r) throw new Error(`internal error: register ${name} missing`);
  return `6'd${r.offset / 4}`;
};
const fieldBit = (m: RegMap, reg: string, field: string) => {
  const f = m.registers.find((x) => x.name === reg)?.fields.find((x) => x.name === field);
  if (!f) throw new Error(`internal error: field ${reg}.${field} missing`);
  return s(f.lsb);
};

function counterSources(name: string, sig: string, bits: number): Record<string, string> {
  return {
    [`${name}_LO.VALUE`]: `${sig}[${Math.min(bits, 32) - 1}:0]`,
    ...(bits > 32 ? { [`${name}_HI.VALUE`]: `${sig}[${bits - 1}:32]` } : {}),
  };
}

/** `<p>_csr`: the AXI4-Lite register block, its cases printed from the register map. */
function csrSpec(c: ResolvedConfig, d: Derived, m: RegMap, header: (t: string) => string): ModuleSpec {
  const ext64 = (sig: string, bits: number) => (bits >= 64 ? sig : extendExpr(sig, bits, 64, false));
  const src = {
    'STATUS.BUSY': 'busy_i',
    'STATUS.DONE': 'done_q',
    'STATUS.ERR_RO_WRITE': 'err_ro_q',
    'STATUS.ERR_START': 'err_start_q',
    'STATUS.ERR_TLAST': 'err_tlast_q',
    'STATUS.ERR_DIM': 'err_dim_i',
    'DIM_M.M': 'dim_m_q',
    'DIM_K.K': 'dim_k_q',
    'DIM_N.N': 'dim_n_q',
    ...counterSources('CYCLES', 'cycles64', d.cycBits),
    ...counterSources('MACS', 'macs64', d.macBits),
    ...counterSources('SKIPPED', 'skipped64', d.macBits),
    'TOT_CYCLES.VALUE': 'tot_cycles_i',
    'TOT_MACS.VALUE': 'tot_macs_i',
    'ERR_ADDR.ADDR': 'err_addr_q',
  };
  const cv = csrView(m, src);
  const rw = m.registers.filter((r) => r.access !== 'ro').map((r) => `6'd${r.offset / 4}`);
  return {
    module: `${c.name}_csr`,
    template: 'axi/csr.v.hbs',
    view: {
      prefix: c.name,
      header: header('axi/csr.v.hbs'),
      ...portView(d),
      wmaskExpr: '{{8{wstrb_i[3]}}, {8{wstrb_i[2]}}, {8{wstrb_i[1]}}, {8{wstrb_i[0]}}}',
      rwCases: `      ${rw.join(', ')}: werr_kind = 2'd0;  // writable`,
      roCases: cv.roCases,
      readCases: cv.readCases,
      ctrlWord: regWord(m, 'CTRL'),
      dimMWord: regWord(m, 'DIM_M'),
      dimKWord: regWord(m, 'DIM_K'),
      dimNWord: regWord(m, 'DIM_N'),
      startBit: fieldBit(m, 'CTRL', 'START'),
      softResetBit: fieldBit(m, 'CTRL', 'SOFT_RESET'),
      clearBit: fieldBit(m, 'CTRL', 'CLEAR_ERR'),
      cyc64: ext64('cycles_i', d.cycBits),
      macs64: ext64('macs_i', d.macBits),
      skipped64: ext64('skipped_i', d.macBits),
    },
  };
}

/** `<p>_axi_top`: the three AXI4-Stream ports and the CSR port around `<p>_top`. */
function axiTopSpec(c: ResolvedConfig, d: Derived, header: (t: string) => string): ModuleSpec {
  const ws = c.dataflow === 'weight-stationary';
  const R = d.rows;
  const wd = axisWidths(d);
  const pad = (lanes: number, tdata: number, what: string) =>
    tdata > lanes ? `, TDATA[${tdata - 1}:${lanes}] ${what}` : '';
  const unusedPad = [
    wd.w > wd.wLanes ? `w_tdata[${wd.w - 1}:${wd.wLanes}]` : '',
    wd.a > wd.aLanes ? `a_tdata[${wd.a - 1}:${wd.aLanes}]` : '',
    wd.p > wd.pLanes ? `p_tdata[${wd.p - 1}:${wd.pLanes}]` : '',
  ].filter(Boolean);
  const stage = d.out !== null;
  const wiBits = ws ? ubits(R - 1) : 1;
  const aiBits = ws ? d.mBits : 1;
  return {
    module: axiTopModule(c),
    template: 'axi/axi_top.v.hbs',
    view: {
      prefix: c.name,
      header: header('axi/axi_top.v.hbs'),
      rows: s(d.rows),
      cols: s(d.cols),
      wBits: s(d.wBits),
      aBits: s(d.aBits),
      yLaneBits: s(d.yBits),
      outStage: stage,
      pTdataBits: s(wd.p),
      pTdataMsb: msb(Math.max(wd.p, 1)),
      pLanesMsb: msb(Math.max(wd.pLanes, 1)),
      pPadDesc: pad(wd.pLanes, wd.p, 'ignored'),
      pSkidBits: s(wd.p + 1),
      wTdataBits: s(wd.w),
      aTdataBits: s(wd.a),
      yTdataBits: s(wd.y),
      wTdataMsb: msb(wd.w),
      aTdataMsb: msb(wd.a),
      yTdataMsb: msb(wd.y),
      wLanesMsb: msb(wd.wLanes),
      aLanesMsb: msb(wd.aLanes),
      yLanesMsb: msb(wd.yLanes),
      wPadDesc: pad(wd.wLanes, wd.w, 'ignored'),
      aPadDesc: pad(wd.aLanes, wd.a, 'ignored'),
      yPadDesc: pad(wd.yLanes, wd.y, 'zero'),
      wSkidBits: s(wd.w + 1),
      aSkidBits: s(wd.a + 1),
      ySkidBits: s(wd.y + 1),
      ySkidData: `{y_last, ${extendExpr('y_data', wd.yLanes, wd.y, false)}}`,
      ...portView(d),
      wiBits: s(wiBits),
      wiMsb: msb(wiBits),
      aiBits: s(aiBits),
      aiMsb: msb(aiBits),
      wGroupLast: ws ? `${wiBits}'d${R - 1}` : `1'd0`,
      aGroupLast: ws ? `trk_m_q - ${d.mBits}'d1` : `1'd0`,
      kStep: ws ? `${d.kBits}'d${R}` : `${d.kBits}'d1`,
      wGroupDesc: ws ? `${R} (one fold)` : '1',
      aGroupDesc: ws ? 'M (one fold)' : '1',
      kStepDesc: ws ? s(R) : '1',
      unusedExpr: `^{${['s_axil_awprot_i', 's_axil_arprot_i', ...unusedPad].join(', ')}}`,
    },
  };
}

/** The AXI wrapper's modules (empty with the stream interface): reset synchronizer, skid buffer, CSR block, AXI top. */
export function axiModuleSpecs(c: ResolvedConfig): ModuleSpec[] {
  if (!isAxi(c)) return [];
  const d = derive(c);
  const header = (t: string) => headerFor(c, d, t);
  const common = { prefix: c.name };
  return [
    {
      module: `${c.name}_rst_sync`,
      template: 'axi/rst_sync.v.hbs',
      view: { ...common, header: header('axi/rst_sync.v.hbs') },
    },
    {
      module: `${c.name}_axis_skid`,
      template: 'axi/axis_skid.v.hbs',
      view: { ...common, header: header('axi/axis_skid.v.hbs') },
    },
    csrSpec(c, d, regMap(c, d), header),
    axiTopSpec(c, d, header),
  ];
}

/** The AXI wrapper's Verilog files (empty unless interface is axi). */
export function emitAxiRtl(c: ResolvedConfig): EmittedFile[] {
  return emitModules(axiModuleSpecs(c));
}

/** regmap.h, regmap.md and regmap.json (empty unless interface is axi). */
export function axiDocFiles(c: ResolvedConfig): OutFile[] {
  if (!isAxi(c)) return [];
  const m = regMap(c, derive(c));
  return [
    { name: 'regmap.h', text: regmapHeader(m) },
    { name: 'regmap.md', text: regmapMarkdown(m) },
    { name: 'regmap.json', text: regmapJson(m) },
  ];
}

/** `interface: "axi"` as an interface plugin (generator/interface/index.ts lists it). */
export const axiInterface: InterfacePlugin = { name: 'axi', rtl: emitAxiRtl, top: axiTopModule, docs: axiDocFiles };
