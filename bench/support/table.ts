/** The suite's one table: plain, aligned columns (readable in a CI log and a terminal). */

/** One row: section, measure, value, target. */
export type Row = [string, string, string, string];

/** Renders `rows` under `head` with columns padded to their widest cell. */
export function renderTable(head: Row, rows: readonly Row[]): string {
  const all = [head, ...rows];
  const w = head.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  const line = (r: Row): string =>
    r
      .map((c, i) => (i === 2 ? c.padStart(w[i]!) : c.padEnd(w[i]!)))
      .join('  ')
      .trimEnd();
  return `${[line(head), w.map((n) => '-'.repeat(n)).join('  '), ...rows.map(line)].join('\n')}\n`;
}
