/** Examples kept per skip reason, so the report names what to look at without listing 10⁵ ids. */
const EXAMPLES = 10;

/** What happened to one PySOGS table. */
export class TableStat {
  read = 0;
  imported = 0;
  /** Set when the table was not read at all (absent, or a layout this importer cannot map). */
  note: string | null = null;
  readonly skipped = new Map<string, { count: number; examples: string[] }>();

  constructor(readonly table: string) {}

  skip(reason: string, example?: string | number | null): void {
    const entry = this.skipped.get(reason) ?? { count: 0, examples: [] };
    entry.count++;
    if (example !== undefined && example !== null && entry.examples.length < EXAMPLES) {
      entry.examples.push(String(example));
    }
    this.skipped.set(reason, entry);
  }

  get skippedCount(): number {
    let n = 0;
    for (const e of this.skipped.values()) n += e.count;
    return n;
  }
}

export class ImportReport {
  readonly tables: TableStat[] = [];
  readonly notes: string[] = [];

  table(name: string): TableStat {
    const stat = new TableStat(name);
    this.tables.push(stat);
    return stat;
  }

  /** The final summary: counts per table, then every skip reason and note. */
  format(source: string): string {
    const lines = [`Imported ${source}`, ''];
    const width = Math.max(...this.tables.map((t) => t.table.length), 5);
    lines.push(`  ${'table'.padEnd(width)}  ${'read'.padStart(8)}  imported  skipped`);
    for (const t of this.tables) {
      const counts = t.note
        ? `  (${t.note})`
        : `  ${String(t.read).padStart(8)}  ${String(t.imported).padStart(8)}  ${String(t.skippedCount).padStart(7)}`;
      lines.push(`  ${t.table.padEnd(width)}${counts}`);
    }
    const skips = this.tables.flatMap((t) =>
      [...t.skipped].map(([reason, e]) => {
        const ex = e.examples.length
          ? ` (${e.examples.join(', ')}${e.count > e.examples.length ? ', …' : ''})`
          : '';
        return `  ${t.table}: ${e.count} ${reason}${ex}`;
      }),
    );
    if (skips.length) lines.push('', 'Skipped:', ...skips);
    if (this.notes.length) lines.push('', 'Notes:', ...this.notes.map((n) => `  ${n}`));
    return lines.join('\n');
  }
}
