/**
 * Column alignment of declarations in emitted Verilog, done on the rendered text so that padding
 * follows the printed widths (`[15:0]` vs `[7:0]`), not the length of a template placeholder.
 *
 * A block is a run of consecutive lines with the same indentation that each declare one thing
 * (`input wire`, `output wire`, `output reg`, `wire`, `reg`, `localparam`, optionally with a
 * range). In a block the keyword, the range, the name (when an initializer follows), and a
 * trailing `//` comment each start in one column. Only spaces change, so the meaning cannot.
 */
const DECL =
  /^( *)((?:input|output|inout) +(?:wire|reg)|wire|reg|localparam(?: +integer)?|integer|genvar)( *\[[^\]]*\])? +([A-Za-z_]\w*)(.*)$/;

interface Decl {
  indent: string;
  kw: string;
  range: string;
  name: string;
  /** ` = expr;`, `,`, `;`, `)`... with leading spaces removed. */
  tail: string;
  assigns: boolean;
  comment: string;
}

function parse(line: string): Decl | null {
  const m = DECL.exec(line);
  if (!m) return null;
  const [, indent, kwRaw, rangeRaw, name, restRaw] = m;
  let rest = restRaw!;
  let comment = '';
  const c = rest.indexOf('//');
  if (c >= 0) {
    comment = rest.slice(c);
    rest = rest.slice(0, c);
  }
  const tail = rest.trim();
  const kw = kwRaw!.replace(/^(input|output|inout) +/, (_m, dir: string) => dir.padEnd(6, ' ') + ' ');
  return {
    indent: indent!,
    kw,
    range: (rangeRaw ?? '').trim(),
    name: name!,
    tail,
    assigns: /^(=|<=)/.test(tail),
    comment,
  };
}

function alignBlock(block: Decl[]): string[] {
  const kwW = Math.max(...block.map((d) => d.kw.length));
  const anyRange = block.some((d) => d.range !== '');
  const rangeW = Math.max(...block.map((d) => d.range.length));
  const nameW = Math.max(0, ...block.filter((d) => d.assigns).map((d) => d.name.length));
  const code = block.map((d) => {
    const head = `${d.indent}${d.kw.padEnd(kwW)} ${anyRange ? d.range.padEnd(rangeW) + ' ' : ''}`;
    if (d.tail === '') return head + d.name;
    if (d.assigns) return `${head}${d.name.padEnd(nameW)} ${d.tail}`;
    return d.tail.startsWith('[') ? `${head}${d.name} ${d.tail}` : `${head}${d.name}${d.tail}`;
  });
  const commented = block.map((d, i) => (d.comment ? code[i]!.length : 0));
  const codeW = Math.max(...commented);
  return block.map((d, i) => (d.comment ? `${code[i]!.padEnd(codeW)}  ${d.comment}` : code[i]!));
}

/** The text with every declaration block aligned (see the file comment); other lines untouched. */
export function alignDeclarations(text: string): string {
  const lines = text.split('\n');
  const out: string[] = [];
  let block: Decl[] = [];
  const flush = () => {
    if (block.length > 0) out.push(...alignBlock(block));
    block = [];
  };
  for (const line of lines) {
    const d = parse(line);
    if (d && (block.length === 0 || block[0]!.indent === d.indent)) {
      block.push(d);
      continue;
    }
    flush();
    if (d) block.push(d);
    else out.push(line);
  }
  flush();
  return out.join('\n');
}
