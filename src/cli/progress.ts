// A progress bar on stderr for long runs (functions done / total, rate, ETA),
// drawn only when stderr is a terminal and the output is not JSON. When
// stdout is the same terminal, the bar is cleared before each result line and
// drawn again after it; redraws are throttled.

export class Progress {
  private readonly start = Date.now();
  private lastDraw = 0;
  private done = 0;
  private shown = false;

  private constructor(private readonly total: number) {}

  /** A bar for `total` items, or null when it must stay silent. */
  static create(total: number, json: boolean): Progress | null {
    if (json || !process.stderr.isTTY || total < 2) return null;
    return new Progress(total);
  }

  /** Erases the bar (before a line goes to stdout). */
  clear(): void {
    if (this.shown) process.stderr.write('\r\x1b[K');
    this.shown = false;
  }

  /** Records `done` items and redraws (at most every 100 ms, and at the end). */
  update(done: number): void {
    this.done = done;
    const now = Date.now();
    if (now - this.lastDraw < 100 && done < this.total) return;
    this.lastDraw = now;
    this.draw(now);
  }

  private draw(now: number): void {
    const seconds = Math.max(1e-3, (now - this.start) / 1000);
    const rate = this.done / seconds;
    const eta = rate > 0 ? Math.ceil((this.total - this.done) / rate) : 0;
    const width = 24;
    const filled = Math.round((width * this.done) / this.total);
    const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
    process.stderr.write(`\r\x1b[K[${bar}] ${this.done}/${this.total}  ${rate.toFixed(1)}/s  ETA ${eta}s`);
    this.shown = true;
  }

  /** Removes the bar for good. */
  finish(): void {
    this.clear();
  }
}
