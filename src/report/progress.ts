/**
 * A one-line progress bar for long report runs, on stderr: stacks done / total (when known),
 * rate and time left. Drawn only when enabled (the CLI enables it on a TTY without `--quiet`),
 * only after the run has lasted a moment (short runs never flicker), at most ten times a second.
 */

export interface ProgressStream {
  write(text: string): unknown;
  readonly columns?: number;
}

export interface ProgressOptions {
  readonly stream: ProgressStream;
  readonly enabled: boolean;
  /** Milliseconds clock (injected for tests). */
  readonly now?: () => number;
  /** Nothing is drawn before this many ms have passed (default 400). */
  readonly delayMs?: number;
  /** Minimum ms between redraws (default 100). */
  readonly intervalMs?: number;
}

export class ProgressBar {
  private total = 0;
  private done = 0;
  private readonly started: number;
  private lastDraw = -Infinity;
  private visible = false;
  private readonly clock: () => number;

  constructor(private readonly options: ProgressOptions) {
    this.clock = options.now ?? (() => performance.now());
    this.started = this.clock();
  }

  /** More stacks are known to come (an input was listed). */
  plan(stacks: number): void {
    if (Number.isFinite(stacks) && stacks > 0) this.total += stacks;
  }

  /** `done` stacks (or unreadable inputs) handled so far. */
  update(done: number): void {
    this.done = done;
    if (!this.options.enabled) return;
    const t = this.clock();
    if (t - this.started < (this.options.delayMs ?? 400)) return;
    if (t - this.lastDraw < (this.options.intervalMs ?? 100)) return;
    this.lastDraw = t;
    this.draw(t);
  }

  /** Removes the bar (before other output, and at the end). */
  clear(): void {
    if (!this.visible) return;
    this.options.stream.write("\r\x1b[2K");
    this.visible = false;
  }

  /** The line as it would be drawn at `t` (exported for tests). */
  line(t: number = this.clock()): string {
    const elapsed = Math.max(0.001, (t - this.started) / 1000);
    const rate = this.done / elapsed;
    const total = Math.max(this.total, this.done);
    const rateText = `${rate >= 10 ? Math.round(rate) : rate.toFixed(1)} stacks/s`;
    if (total === 0) return `carbonguard report: ${this.done} stacks · ${rateText}`;
    const width = Math.max(10, Math.min(30, (this.options.stream.columns ?? 80) - 60));
    const filled = Math.round((this.done / total) * width);
    const left = rate > 0 ? (total - this.done) / rate : Infinity;
    const eta = Number.isFinite(left) ? `${duration(left)} left` : "";
    return `carbonguard report [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${this.done}/${total} stacks · ${rateText}${eta ? ` · ${eta}` : ""}`;
  }

  private draw(t: number): void {
    const columns = this.options.stream.columns ?? 80;
    const text = this.line(t);
    this.options.stream.write(`\r\x1b[2K${text.length > columns - 1 ? text.slice(0, Math.max(0, columns - 1)) : text}`);
    this.visible = true;
  }
}

function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}
