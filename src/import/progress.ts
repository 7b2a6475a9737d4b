/** Where progress goes: stderr, redrawn in place on a terminal, plain lines otherwise. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Plain-line mode reports a long step at most this often, so logs stay short. */
const LINE_INTERVAL_MS = 5000;
const BAR_WIDTH = 30;

/** One step at a time (a table, the file copy): a bar on a TTY, start/done lines otherwise. */
export class Progress {
  private label = '';
  private total = 0;
  private done = 0;
  private lastLine = 0;
  private lastDraw = 0;

  constructor(private readonly out: ProgressStream) {}

  start(label: string, total: number): void {
    this.label = label;
    this.total = total;
    this.done = 0;
    this.lastLine = Date.now();
    if (this.out.isTTY) this.draw();
    else this.out.write(`${label}: ${total} rows to read\n`);
  }

  advance(n: number): void {
    this.done += n;
    const now = Date.now();
    if (this.out.isTTY) {
      // Redrawing costs little, but not on every row of a million-row table.
      if (now - this.lastDraw >= 100) this.draw();
    } else if (now - this.lastLine >= LINE_INTERVAL_MS) {
      this.lastLine = now;
      this.out.write(`${this.label}: ${this.done}/${this.total}\n`);
    }
  }

  finish(summary: string): void {
    this.out.write(`${this.out.isTTY ? '\r\x1b[K' : ''}${this.label}: ${summary}\n`);
    this.label = '';
  }

  /** A message between steps, without breaking the bar. */
  note(line: string): void {
    this.out.write(this.out.isTTY ? `\r\x1b[K${line}\n` : `${line}\n`);
    if (this.out.isTTY && this.label) this.draw();
  }

  private draw(): void {
    this.lastDraw = Date.now();
    const ratio = this.total > 0 ? Math.min(1, this.done / this.total) : 1;
    const filled = Math.round(ratio * BAR_WIDTH);
    const bar = `${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}`;
    const pct = `${Math.floor(ratio * 100)}%`.padStart(4);
    const line = `${this.label.padEnd(26)} [${bar}] ${pct} ${this.done}/${this.total}`;
    // A pseudo-terminal may report 0 columns.
    this.out.write(`\r\x1b[K${line.slice(0, (this.out.columns || 80) - 1)}`);
  }
}
