/**
 * A Markdown table with padded columns, as the benches print it (and the README copies it):
 * header, separator, one line per row. `rows` are cells as printed; a missing cell prints empty.
 */
export function markdownTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) => `| ${width.map((w, i) => (r[i] ?? '').padEnd(w)).join(' | ')} |`;
  return [line(head), `|${width.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
