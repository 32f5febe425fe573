// Progress of a long job on stderr: a redrawn bar with rate and ETA on a terminal, plain periodic lines otherwise (CI).

export type ProgressMode = 'bar' | 'lines' | 'none';

export interface ProgressOptions {
  /** `bar`: redrawn in place (`\r`); `lines`: one line every `intervalMs`; `none`: silent. */
  mode: ProgressMode;
  total: number;
  /** What is counted, e.g. `runs`. */
  unit?: string;
  /** Label at the start of the line. */
  label?: string;
  /** Minimum time between two lines (lines mode) or two redraws (bar mode). */
  intervalMs?: number;
  /** Where to write (default: process.stderr). */
  write?: (s: string) => void;
  /** Terminal width for the bar (default: the stream's columns, or 80). */
  columns?: number;
  now?: () => number;
}

/** `1:05:03`, `4:07`, `12s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`;
  if (m > 0) return `${m}:${String(sec).padStart(2, '0')}`;
  return `${sec}s`;
}

export function autoMode(quiet: boolean, isTTY: boolean | undefined): ProgressMode {
  return quiet ? 'none' : isTTY ? 'bar' : 'lines';
}

export class Progress {
  private readonly start: number;
  private last = -Infinity;
  private done = 0;
  private failed = 0;
  private drawn = false;
  private drawnDone = -1;
  private readonly write: (s: string) => void;
  private readonly now: () => number;
  private readonly interval: number;

  constructor(private readonly opts: ProgressOptions) {
    this.write = opts.write ?? ((s) => void process.stderr.write(s));
    this.now = opts.now ?? (() => performance.now());
    this.interval = opts.intervalMs ?? (opts.mode === 'bar' ? 100 : 5000);
    this.start = this.now();
  }

  /** Sets the counts (`done` includes runs done before, e.g. in an interrupted sweep). Draws when due. */
  update(done: number, failed = 0, startedAt = 0): void {
    this.done = done;
    this.failed = failed;
    if (this.opts.mode === 'none') return;
    const t = this.now();
    if (t - this.last < this.interval && done < this.opts.total) return;
    this.last = t;
    this.draw(startedAt);
  }

  private stats(startedAt: number): { pct: number; rate: number; eta: number; elapsed: number } {
    const elapsed = (this.now() - this.start) / 1000;
    const total = this.opts.total;
    const fresh = this.done - startedAt;
    const rate = elapsed > 0 ? fresh / elapsed : 0;
    const eta = rate > 0 ? (total - this.done) / rate : Infinity;
    return { pct: total > 0 ? this.done / total : 1, rate, eta, elapsed };
  }

  /** The text of one status line (without bar). */
  line(startedAt = 0): string {
    const { pct, rate, eta, elapsed } = this.stats(startedAt);
    const unit = this.opts.unit ?? 'runs';
    const fail = this.failed > 0 ? `, ${this.failed} failed` : '';
    const tail = this.done >= this.opts.total ? `in ${formatDuration(elapsed)}` : `ETA ${formatDuration(eta)}`;
    return `${this.done}/${this.opts.total} ${unit} (${(pct * 100).toFixed(0)}%), ${rate.toFixed(1)} ${unit}/s, ${tail}${fail}`;
  }

  private draw(startedAt: number): void {
    this.drawnDone = this.done;
    const label = this.opts.label ? `${this.opts.label} ` : '';
    if (this.opts.mode === 'lines') {
      this.write(`${label}${this.line(startedAt)}\n`);
      return;
    }
    const text = this.line(startedAt);
    const cols = this.opts.columns ?? (process.stderr.columns || 80);
    const width = Math.max(10, Math.min(40, cols - label.length - text.length - 4));
    const filled = Math.round(width * Math.min(1, this.stats(startedAt).pct));
    const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
    this.write(`\r${label}${bar} ${text}\x1b[K`);
    this.drawn = true;
  }

  /** Final state (always drawn unless mode is none); ends the bar's line. */
  finish(startedAt = 0): void {
    if (this.opts.mode === 'none') return;
    if (this.drawnDone !== this.done) this.draw(startedAt);
    if (this.drawn) this.write('\n');
    this.drawn = false;
  }

  /** Ends a bar's line without a final redraw (before printing something else). */
  clear(): void {
    if (this.drawn) this.write('\n');
    this.drawn = false;
  }
}
