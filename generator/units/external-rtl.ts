/**
 * The imported circuit's modules: the user's Verilog split into its modules, each renamed
 * `<prefix>_x_<name>` (instantiations too), so two imported circuits, or the same helper cells
 * (EvoApproxLib's PDKGENHAX1 / PDKGENFAX1, re-declared in every generic .v) in two configs, never
 * clash; identity edge modules; and `<prefix>_mul`, which instantiates the circuit with A = the
 * activation, B = the weight and resizes O to the product width.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { bitsFor, identityPre } from './common.js';
import type { ExternalParams } from './external.js';
import type { ModuleSpec, ProductRange, UnitContext, UnitRtl } from './types.js';
import { extendExpr, formatDesc, msb } from './verilog.js';

export interface VerilogModule {
  name: string;
  /** The module's text from `module` to `endmodule`, comments removed. */
  text: string;
}

const IDENT = /[A-Za-z_][A-Za-z0-9_$]*/;

/** Removes `//` and block comments (string literals are not expected in a gate-level netlist). */
export function stripComments(src: string): string {
  return src.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, '');
}

/** The modules of a Verilog file, in file order. */
export function parseVerilog(src: string): VerilogModule[] {
  const text = stripComments(src);
  const out: VerilogModule[] = [];
  const re = new RegExp(`\\bmodule\\s+(${IDENT.source})[\\s\\S]*?\\bendmodule\\b`, 'g');
  for (const m of text.matchAll(re)) out.push({ name: m[1]!, text: m[0] });
  return out;
}

/** Widths of a module's ports (ANSI or non-ANSI declarations), by name. */
export function portWidths(m: VerilogModule): Record<string, number> {
  const out: Record<string, number> = {};
  const re =
    /\b(?:input|output|inout)\s+(?:wire\s+|reg\s+|logic\s+)?(?:signed\s+)?(?:\[\s*(\d+)\s*:\s*(\d+)\s*\]\s*)?([A-Za-z_][\w$]*(?:\s*,\s*(?!input|output|inout)[A-Za-z_][\w$]*)*)/g;
  for (const d of m.text.matchAll(re)) {
    const bits = d[1] === undefined ? 1 : Math.abs(Number(d[1]) - Number(d[2])) + 1;
    for (const name of d[3]!.split(',').map((s) => s.trim())) out[name] = bits;
  }
  return out;
}

/** Names of the modules `m` instantiates among `known`: an identifier followed by an instance name or `#(`. */
function instantiated(m: VerilogModule, known: Set<string>): string[] {
  const found = new Set<string>();
  for (const x of m.text.matchAll(/(?<![.\w$])([A-Za-z_][\w$]*)\s+(?=#|[A-Za-z_\\])/g))
    if (known.has(x[1]!) && x[1] !== m.name) found.add(x[1]!);
  return [...found];
}

/** The module `top` and every module it reaches, each renamed by `rename` in its header and instantiations. */
export function renamedModules(
  src: string,
  top: string,
  rename: (name: string) => string,
): { name: string; original: string; text: string }[] {
  const mods = parseVerilog(src);
  const known = new Set(mods.map((m) => m.name));
  const byName = new Map(mods.map((m) => [m.name, m]));
  const order: string[] = [];
  const visit = (n: string) => {
    if (order.includes(n)) return;
    order.push(n);
    for (const c of instantiated(byName.get(n)!, known)) visit(c);
  };
  visit(top);
  return order.map((n) => {
    const text = byName
      .get(n)!
      .text.replace(/\bmodule\s+([A-Za-z_][\w$]*)/, (_s, id: string) => `module ${rename(id)}`)
      .replace(/(?<![.\w$])([A-Za-z_][\w$]*)(\s+)(?=#|[A-Za-z_\\])/g, (s, id: string, sp: string) =>
        known.has(id) && id !== n ? `${rename(id)}${sp}` : s,
      );
    return { name: rename(n), original: n, text };
  });
}

/** The unit's modules; `range` is its product range (from the table). */
export function externalRtl(
  p: ExternalParams,
  ctx: UnitContext,
  range: ProductRange,
  prefix: string,
  header: (t: string) => string,
): UnitRtl {
  const A = ctx.activation.bits;
  const W = ctx.weight.bits;
  const src = readVerilog(p);
  const rename = (n: string) => `${prefix}_x_${n}`;
  const mods = renamedModules(src, p.module, rename);
  const oBits = portWidths(parseVerilog(src).find((m) => m.name === p.module)!).O!;
  const pf = bitsFor(range.min, range.max);
  const file = basename(p.verilog);
  const modTemplate = 'units/external_module.v.hbs';
  const imported: ModuleSpec[] = mods.map((m) => ({
    module: m.name,
    template: modTemplate,
    view: {
      header: header(modTemplate),
      original: m.original,
      file,
      sha: p.sha256!.verilog.slice(0, 12),
      body: m.text.replace(/[ \t]+$/gm, '').replace(/\n{3,}/g, '\n\n'),
    },
  }));
  const module = `${prefix}_mul`;
  const template = 'units/external_mul.v.hbs';
  const pExpr = pf.bits >= oBits ? extendExpr('o', oBits, pf.bits, pf.signed) : `o[${pf.bits - 1}:0]`;
  return {
    actEncBits: A,
    wgtEncBits: W,
    modules: [
      identityPre(prefix, 'act', A, header),
      identityPre(prefix, 'wgt', W, header),
      ...imported,
      {
        module,
        template,
        view: {
          header: header(template),
          module,
          circuit: rename(p.module),
          original: p.module,
          file,
          sha: p.sha256!.verilog.slice(0, 12),
          oDesc: formatDesc(oBits, pf.signed),
          pDesc: formatDesc(pf.bits, pf.signed),
          aMsb: msb(A),
          wMsb: msb(W),
          oMsb: msb(oBits),
          pMsb: msb(pf.bits),
          pExpr,
          unusedLine:
            pf.bits < oBits
              ? `  // The table shows O's bits above ${pf.bits - 1} only repeat the sign (or are 0).\n  wire unused_o = |o[${oBits - 1}:${pf.bits}];\n`
              : '',
        },
      },
    ],
  };
}

/** The Verilog text of resolved params, read again and checked against its sha256. */
function readVerilog(p: ExternalParams): string {
  const bytes = readFileSync(p.verilog);
  const h = createHash('sha256').update(bytes).digest('hex');
  if (p.sha256 && h !== p.sha256.verilog)
    throw new Error(`${p.verilog} changed since the config was resolved (sha256 ${h}, expected ${p.sha256.verilog})`);
  return bytes.toString('utf8');
}
