/**
 * Parsing of Yosys `stat` text reports. The JSON form (`stat -json`) is malformed on hierarchies
 * three levels deep in Yosys 0.23 (toolchain.md), so the text report is parsed instead: one section
 * per module (`=== name ===`) with its cell counts and, with `-tech cmos`, its transistor estimate.
 * Hierarchical totals are computed here from the per-module sections (cells whose type is another
 * module are instances), not read from Yosys's own summary, so the same code serves a report of one
 * flattened module and one of a kept hierarchy with blackboxes.
 */

export interface ModuleStat {
  name: string;
  /** Cell type → count, as listed under "Number of cells" (instances of other modules included). */
  cells: Record<string, number>;
  /** The "Number of cells" line. */
  cellCount: number;
  /** `stat -tech cmos`: the estimate, and whether Yosys marked it a lower bound (`N+`: cells it has no figure for, e.g. flip-flops). */
  transistors: number | null;
  transistorsLowerBound: boolean;
}

export class StatParseError extends Error {}

/** Every module section of a `stat` text report (the "design hierarchy" summary is skipped). */
export function parseStat(text: string): ModuleStat[] {
  const out: ModuleStat[] = [];
  let cur: ModuleStat | null = null;
  let inCells = false;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\s+$/, '');
    const head = /^=== (.+) ===$/.exec(line);
    if (head) {
      inCells = false;
      if (head[1] === 'design hierarchy') {
        cur = null;
        continue;
      }
      cur = { name: head[1]!, cells: {}, cellCount: 0, transistors: null, transistorsLowerBound: false };
      out.push(cur);
      continue;
    }
    if (!cur) continue;
    const count = /^\s+Number of cells:\s+(\d+)$/.exec(line);
    if (count) {
      cur.cellCount = Number(count[1]);
      inCells = true;
      continue;
    }
    const tr = /^\s+Estimated number of transistors:\s+(\d+)(\+?)$/.exec(line);
    if (tr) {
      cur.transistors = Number(tr[1]);
      cur.transistorsLowerBound = tr[2] === '+';
      inCells = false;
      continue;
    }
    if (inCells) {
      const cell = /^\s{5,}(\S+)\s+(\d+)$/.exec(line);
      if (cell) {
        cur.cells[cell[1]!] = (cur.cells[cell[1]!] ?? 0) + Number(cell[2]);
        continue;
      }
      if (line.trim() !== '') inCells = false;
    }
  }
  for (const m of out) {
    const listed = Object.values(m.cells).reduce((a, b) => a + b, 0);
    if (listed !== m.cellCount)
      throw new StatParseError(`Yosys stat report: module ${m.name} lists ${listed} cells but says ${m.cellCount}`);
  }
  if (out.length === 0) throw new StatParseError('Yosys stat report: no module section found');
  return out;
}

export interface HierTotals {
  /** Primitive cell type → count over the whole hierarchy under `top` (module instances expanded). */
  cells: Record<string, number>;
  /** Instances of each module (and of each blackbox cell type that is not a module in the report). */
  instances: Record<string, number>;
  /** Transistor estimate summed over the hierarchy (null without `-tech cmos`). */
  transistors: number | null;
  transistorsLowerBound: boolean;
}

/**
 * Totals of the hierarchy under `top`: each module's own primitive cells times its instance count.
 * Cell types listed in `blackboxes` are counted as instances only, never as primitive cells.
 */
export function hierarchyTotals(mods: ModuleStat[], top: string, blackboxes: readonly string[] = []): HierTotals {
  const byName = new Map(mods.map((m) => [m.name, m]));
  if (!byName.has(top)) throw new StatParseError(`Yosys stat report: no section for the top module ${top}`);
  const bb = new Set(blackboxes);
  const instances: Record<string, number> = {};
  const cells: Record<string, number> = {};
  let transistors: number | null = null;
  let lower = false;
  const visit = (name: string, times: number, depth: number) => {
    if (depth > 64) throw new StatParseError(`Yosys stat report: hierarchy under ${top} is deeper than 64 levels`);
    instances[name] = (instances[name] ?? 0) + times;
    const m = byName.get(name);
    if (!m) return; // a blackbox
    if (m.transistors !== null) {
      transistors = (transistors ?? 0) + m.transistors * times;
      lower ||= m.transistorsLowerBound;
    }
    for (const [type, n] of Object.entries(m.cells)) {
      if (byName.has(type) || bb.has(type)) visit(type, times * n, depth + 1);
      else cells[type] = (cells[type] ?? 0) + times * n;
    }
  };
  visit(top, 1, 0);
  return { cells: sortKeys(cells), instances: sortKeys(instances), transistors, transistorsLowerBound: lower };
}

export function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
