/**
 * The AXI4-Lite register map of `<name>_axi_top`, described ONCE here. Everything else is emitted
 * from this description: the Verilog CSR block (templates/axi/csr.v.hbs, through `csrView`), the C
 * header (`regmapHeader`), the Markdown table (`regmapMarkdown`) and the JSON (`regmapJson`), so
 * they cannot disagree (test/regmap/regmap.test.ts parses the header and the JSON back).
 *
 * Bus: 32-bit data, byte addresses, 8-bit address space (64 words); the low two address bits are
 * ignored. A read or write of an address with no register answers SLVERR (read data 0, a write has
 * no effect). A write to a read-only register answers OKAY, changes nothing, and is flagged: STATUS.ERR_RO_WRITE
 * is set and ERR_ADDR holds the address, until CTRL.CLEAR_ERR. Write strobes apply per byte to the
 * read-write registers; a pulse bit of CTRL acts when its byte's strobe is set.
 */
import { GENERATOR_VERSION } from '../version.js';
import type { Derived } from '../config/derive.js';
import type { ResolvedConfig } from '../config/resolve.js';
import { paramBeatBits, paramLaneBits } from '../units/output-stage.js';

export type Access = 'rw' | 'ro' | 'wo';

export interface Field {
  name: string;
  lsb: number;
  width: number;
  description: string;
  /** `pulse`: write 1 to act, reads 0. `sticky`: set by hardware, cleared by CTRL.CLEAR_ERR or START. */
  kind: 'value' | 'pulse' | 'sticky' | 'const';
  /** Constant value of a `const` field (ID registers). */
  value?: number;
  /** Reset value of a `value` field of a read-write register. */
  reset?: number;
}

export interface Register {
  name: string;
  offset: number;
  access: Access;
  description: string;
  fields: Field[];
}

export interface RegMap {
  name: string;
  dataBits: 32;
  addrBits: 8;
  registers: Register[];
}

export const ID_MAGIC = 0x41584731; // "AXG1"
export const ADDR_BITS = 8;

export function versionWord(v: string): number {
  const [maj, min, pat] = v.split(/[.-]/).map((x) => Number(x) || 0);
  return ((maj! & 0xff) << 16) | ((min! & 0xff) << 8) | (pat! & 0xff);
}

/** CTRL and STATUS at 0x00 / 0x04. */
function controlRegs(): Register[] {
  return [
    {
      name: 'CTRL',
      offset: 0x00,
      access: 'wo',
      description: 'Control: write 1 to a bit to act; reads 0.',
      fields: [
        {
          name: 'START',
          lsb: 0,
          width: 1,
          kind: 'pulse',
          description:
            'Queue one command with the current DIM_M/K/N (clears STATUS.DONE). A START while one is already queued is ignored and sets STATUS.ERR_START.',
        },
        {
          name: 'SOFT_RESET',
          lsb: 1,
          width: 1,
          kind: 'pulse',
          description:
            'Reset the datapath and the stream buffers (beats in flight are dropped); the registers keep their values.',
        },
        {
          name: 'CLEAR_ERR',
          lsb: 2,
          width: 1,
          kind: 'pulse',
          description:
            'Clear STATUS.ERR_RO_WRITE, ERR_START, ERR_TLAST and ERR_ADDR (ERR_DIM follows the last command).',
        },
      ],
    },
    {
      name: 'STATUS',
      offset: 0x04,
      access: 'ro',
      description: 'Status.',
      fields: [
        { name: 'BUSY', lsb: 0, width: 1, kind: 'value', description: 'A command is queued or running.' },
        {
          name: 'DONE',
          lsb: 1,
          width: 1,
          kind: 'sticky',
          description: 'Set when the IP becomes idle after a command; cleared by START.',
        },
        {
          name: 'ERR_RO_WRITE',
          lsb: 2,
          width: 1,
          kind: 'sticky',
          description: 'A write hit a read-only register (ignored; address in ERR_ADDR).',
        },
        {
          name: 'ERR_START',
          lsb: 3,
          width: 1,
          kind: 'sticky',
          description: 'START was written while a command was already queued (ignored).',
        },
        {
          name: 'ERR_TLAST',
          lsb: 4,
          width: 1,
          kind: 'sticky',
          description:
            "An input beat's TLAST disagreed with the tile boundary implied by DIM_M/K/N (the beat was used anyway).",
        },
        {
          name: 'ERR_DIM',
          lsb: 5,
          width: 1,
          kind: 'value',
          description:
            'The last command issued to the array was refused: DIM_M, DIM_K or DIM_N was 0 or past its limit. It moved no beat, the counters read 0 and DONE is set; cleared when the next command is issued.',
        },
      ],
    },
  ];
}

/** DIM_M / DIM_K / DIM_N at 0x08..0x10: the shape of the next command. */
function commandRegs(d: Derived): Register[] {
  return [
    {
      name: 'DIM_M',
      offset: 0x08,
      access: 'rw',
      description: `Tile rows M of the next command (1..${d.maxM}; any other value is refused, STATUS.ERR_DIM).`,
      fields: [{ name: 'M', lsb: 0, width: d.mBits, kind: 'value', reset: 0, description: 'M' }],
    },
    {
      name: 'DIM_K',
      offset: 0x0c,
      access: 'rw',
      description: `Reduction length K of the next command (1..${d.maxK}; any other value is refused, STATUS.ERR_DIM).`,
      fields: [{ name: 'K', lsb: 0, width: d.kBits, kind: 'value', reset: 0, description: 'K' }],
    },
    {
      name: 'DIM_N',
      offset: 0x10,
      access: 'rw',
      description: `Tile columns N of the next command (1..${d.maxN}; any other value is refused, STATUS.ERR_DIM).`,
      fields: [{ name: 'N', lsb: 0, width: d.nBits, kind: 'value', reset: 0, description: 'N' }],
    },
  ];
}

/** ERR_ADDR at 0x2c. */
function errorRegs(): Register[] {
  return [
    {
      name: 'ERR_ADDR',
      offset: 0x2c,
      access: 'ro',
      description: 'Byte address of the last write to a read-only register.',
      fields: [{ name: 'ADDR', lsb: 0, width: ADDR_BITS, kind: 'value', description: 'address' }],
    },
  ];
}

/**
 * ID_* at 0x30..0x4C and ID_PARAM at 0x58 (after the totals at 0x50, 0x54): magic, generator
 * version, config hash, shape, format and output-stage parameter beat (constants).
 */
function identityRegs(c: ResolvedConfig, d: Derived): Register[] {
  const hashWords = [0, 1, 2, 3].map((i) => parseInt(c.hash.slice(i * 8, i * 8 + 8), 16));
  return [
    {
      name: 'ID_MAGIC',
      offset: 0x30,
      access: 'ro',
      description: 'Constant 0x41584731 ("AXG1"): an axgen accelerator answers here.',
      fields: [{ name: 'MAGIC', lsb: 0, width: 32, kind: 'const', value: ID_MAGIC, description: 'magic' }],
    },
    {
      name: 'ID_VERSION',
      offset: 0x34,
      access: 'ro',
      description: `Generator version major<<16 | minor<<8 | patch (${GENERATOR_VERSION}).`,
      fields: [
        {
          name: 'VERSION',
          lsb: 0,
          width: 24,
          kind: 'const',
          value: versionWord(GENERATOR_VERSION),
          description: 'version',
        },
      ],
    },
    ...hashWords.map((w, i): Register => ({
      name: `ID_HASH${i}`,
      offset: 0x38 + 4 * i,
      access: 'ro',
      description: `Config sha256, hex digits ${i * 8}..${i * 8 + 7} (ID_HASH0 holds the first 8 digits of the hash, most significant first).`,
      fields: [{ name: 'HASH', lsb: 0, width: 32, kind: 'const', value: w, description: 'hash word' }],
    })),
    {
      name: 'ID_SHAPE',
      offset: 0x48,
      access: 'ro',
      description: 'Array shape and operand widths.',
      fields: [
        { name: 'ROWS', lsb: 0, width: 8, kind: 'const', value: d.rows, description: 'PE rows R' },
        { name: 'COLS', lsb: 8, width: 8, kind: 'const', value: d.cols, description: 'PE columns C' },
        { name: 'A_BITS', lsb: 16, width: 8, kind: 'const', value: d.aBits, description: 'activation bits' },
        { name: 'W_BITS', lsb: 24, width: 8, kind: 'const', value: d.wBits, description: 'weight bits' },
      ],
    },
    {
      name: 'ID_FORMAT',
      offset: 0x4c,
      access: 'ro',
      description: 'Result lane width and dataflow.',
      fields: [
        { name: 'ACC_BITS', lsb: 0, width: 8, kind: 'const', value: d.accBits, description: 'accumulator bits' },
        {
          name: 'OUTPUT_STATIONARY',
          lsb: 8,
          width: 1,
          kind: 'const',
          value: c.dataflow === 'output-stationary' ? 1 : 0,
          description: '0: weight-stationary, 1: output-stationary',
        },
        {
          name: 'OUT_STAGE',
          lsb: 9,
          width: 1,
          kind: 'const',
          value: d.out ? 1 : 0,
          description:
            '1: results leave through the requantizing output stage (s_axis_p parameter stream); 0: raw accumulators',
        },
        {
          name: 'OUT_SIGNED',
          lsb: 10,
          width: 1,
          kind: 'const',
          value: d.out?.signed ? 1 : 0,
          description: "output stage: 1 two's complement, 0 unsigned results (0 without a stage)",
        },
        {
          name: 'Y_BITS',
          lsb: 16,
          width: 8,
          kind: 'const',
          value: d.yBits,
          description: 'result lane bits (the output width with a stage, ACC_BITS without)',
        },
      ],
    },
    {
      name: 'ID_PARAM',
      offset: 0x58,
      access: 'ro',
      description:
        'Output stage parameter beat: its width in bits (s_axis_p TDATA holds it, rounded up to bytes) and the width of one column lane {shift[6:0], multiplier[30:0], bias}; 0 without a stage.',
      fields: [
        {
          name: 'BEAT_BITS',
          lsb: 0,
          width: 16,
          kind: 'const',
          value: d.out ? paramBeatBits(d.accBits, d.cols, d.out.bits) : 0,
          description: 'parameter beat bits',
        },
        {
          name: 'LANE_BITS',
          lsb: 16,
          width: 8,
          kind: 'const',
          value: d.out ? paramLaneBits(d.accBits) : 0,
          description: 'bits of one column lane',
        },
      ],
    },
  ];
}

/** 64-bit counters split into two 32-bit registers each. */
function counterRegs(base: number, name: string, what: string, bits: number): Register[] {
  const lo = Math.min(bits, 32);
  const hi = Math.max(0, bits - 32);
  return [
    {
      name: `${name}_LO`,
      offset: base,
      access: 'ro',
      description: `${what}, bits 31..0 (${bits}-bit counter; cleared when a command starts, held after it ends).`,
      fields: [{ name: 'VALUE', lsb: 0, width: lo, kind: 'value', description: `${what} [${lo - 1}:0]` }],
    },
    {
      name: `${name}_HI`,
      offset: base + 4,
      access: 'ro',
      description: `${what}, bits 63..32${hi === 0 ? ' (always 0 for this config)' : ''}.`,
      fields:
        hi > 0 ? [{ name: 'VALUE', lsb: 0, width: hi, kind: 'value', description: `${what} [${bits - 1}:32]` }] : [],
    },
  ];
}

/** Free-running totals since reset (32 bits, wrapping), over every command, overlapped or not. */
function totalRegs(): Register[] {
  const reg = (name: string, offset: number, what: string): Register => ({
    name,
    offset,
    access: 'ro',
    description: `${what} since reset (32 bits, wrapping; not cleared by START).`,
    fields: [{ name: 'VALUE', lsb: 0, width: 32, kind: 'value', description: what }],
  });
  return [
    reg('TOT_CYCLES', 0x50, 'Advancing cycles with a command unfinished (busy cycles that are not stalls)'),
    reg('TOT_MACS', 0x54, 'MACs issued by every command'),
  ];
}

export function regMap(c: ResolvedConfig, d: Derived): RegMap {
  const regs: Register[] = [
    ...controlRegs(),
    ...commandRegs(d),
    ...counterRegs(0x14, 'CYCLES', 'advancing cycles of the last command', d.cycBits),
    ...counterRegs(0x1c, 'MACS', 'MACs issued by the last command', d.macBits),
    ...counterRegs(0x24, 'SKIPPED', 'MACs skipped by zero-skip in the last command', d.macBits),
    ...errorRegs(),
    ...identityRegs(c, d),
    ...totalRegs(),
  ];
  // In address order (ID_PARAM at 0x58 follows the totals).
  regs.sort((a, b) => a.offset - b.offset);
  return { name: c.name, dataBits: 32, addrBits: 8, registers: regs };
}

const hex32 = (v: number) => `0x${(v >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
const fieldMask = (f: Field) => Number((((1n << BigInt(f.width)) - 1n) << BigInt(f.lsb)) & 0xffffffffn);
/** Reset value of a register as software reads it. */
export function resetValue(r: Register): number {
  let v = 0;
  for (const f of r.fields) if (f.kind === 'const') v = (v | ((f.value! << f.lsb) >>> 0)) >>> 0;
  return v;
}

/** The C header. */
export function regmapHeader(m: RegMap): string {
  const P = m.name.toUpperCase();
  const L = [
    `/* GENERATED by axgen ${GENERATOR_VERSION} (generator/regmap/regmap.ts) - register map of ${m.name}_axi_top. Do not edit. */`,
    `#ifndef ${P}_REGMAP_H`,
    `#define ${P}_REGMAP_H`,
    '',
    `/* AXI4-Lite, ${m.dataBits}-bit data, ${m.addrBits}-bit byte addresses. Unmapped addresses answer SLVERR. */`,
  ];
  for (const r of m.registers) {
    L.push('', `/* ${r.name} (${r.access}): ${r.description} */`);
    L.push(`#define ${P}_${r.name}_OFFSET ${hex32(r.offset)}u`);
    L.push(`#define ${P}_${r.name}_RESET ${hex32(resetValue(r))}u`);
    for (const f of r.fields) {
      L.push(`#define ${P}_${r.name}_${f.name}_LSB ${f.lsb}u`);
      L.push(`#define ${P}_${r.name}_${f.name}_WIDTH ${f.width}u`);
      L.push(`#define ${P}_${r.name}_${f.name}_MASK ${hex32(fieldMask(f))}u`);
    }
  }
  L.push('', `#endif /* ${P}_REGMAP_H */`, '');
  return L.join('\n');
}

/** The Markdown table. */
export function regmapMarkdown(m: RegMap): string {
  const L = [
    `# Register map of ${m.name}_axi_top`,
    '',
    `Generated by axgen ${GENERATOR_VERSION} from generator/regmap/regmap.ts; do not edit.`,
    `AXI4-Lite, ${m.dataBits}-bit data, ${m.addrBits}-bit byte addresses. Unmapped addresses answer SLVERR; writes to read-only`,
    'registers are ignored, answer OKAY, set STATUS.ERR_RO_WRITE and record ERR_ADDR.',
    '',
    '| Offset | Register | Access | Reset | Field | Bits | Description |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const r of m.registers) {
    L.push(`| ${hex32(r.offset)} | ${r.name} | ${r.access} | ${hex32(resetValue(r))} | | | ${r.description} |`);
    for (const f of r.fields) {
      const bits = f.width === 1 ? `${f.lsb}` : `${f.lsb + f.width - 1}:${f.lsb}`;
      L.push(
        `| | | | | ${f.name} | ${bits} | ${f.description}${f.kind === 'const' ? ` (= ${hex32(f.value!)})` : ''} |`,
      );
    }
  }
  return L.join('\n') + '\n';
}

/** The JSON form. */
export function regmapJson(m: RegMap): string {
  const out = {
    name: `${m.name}_axi_top`,
    generatorVersion: GENERATOR_VERSION,
    dataBits: m.dataBits,
    addrBits: m.addrBits,
    registers: m.registers.map((r) => ({
      name: r.name,
      offset: r.offset,
      access: r.access,
      reset: resetValue(r),
      description: r.description,
      fields: r.fields.map((f) => ({
        name: f.name,
        lsb: f.lsb,
        width: f.width,
        kind: f.kind,
        ...(f.value !== undefined ? { value: f.value } : {}),
        description: f.description,
      })),
    })),
  };
  return JSON.stringify(out, null, 2) + '\n';
}

/** Where each non-constant readable field comes from in the CSR block (Verilog names). */
export interface CsrSources {
  /** field path `REG.FIELD` → Verilog expression of exactly `width` bits. */
  [path: string]: string;
}

/**
 * View of the CSR block: the read mux, the write decode and the read-only list, as Verilog lines.
 * `src` names the signal of every `value`/`sticky` field of a readable register.
 */
export function csrView(m: RegMap, src: CsrSources): { readCases: string; roCases: string } {
  const word = (r: Register) => `${ADDR_BITS - 2}'d${r.offset / 4}`;
  const read: string[] = [];
  const ro: string[] = [];
  for (const r of m.registers) {
    if (r.access === 'wo') {
      read.push(`      ${word(r)}: begin rdata_d = 32'h0000_0000; rerr_d = 1'b0; end  // ${r.name}`);
      continue;
    }
    const parts: string[] = [];
    let bit = 32;
    for (const f of [...r.fields].sort((a, b) => b.lsb - a.lsb)) {
      const top = f.lsb + f.width;
      if (bit > top) parts.push(`${bit - top}'d0`);
      if (f.kind === 'const') parts.push(`${f.width}'h${f.value!.toString(16)}`);
      else {
        const e = src[`${r.name}.${f.name}`];
        if (e === undefined) throw new Error(`internal error: no CSR source for ${r.name}.${f.name}`);
        parts.push(e);
      }
      bit = f.lsb;
    }
    if (bit > 0) parts.push(`${bit}'d0`);
    read.push(`      ${word(r)}: begin rdata_d = {${parts.join(', ')}}; rerr_d = 1'b0; end  // ${r.name}`);
    if (r.access === 'ro') ro.push(word(r));
  }
  return {
    readCases: read.join('\n'),
    roCases: ro.length > 0 ? `      ${ro.join(', ')}: werr_kind = 2'd1;  // read-only: ignored, flagged` : '',
  };
}
