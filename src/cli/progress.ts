/**
 * A one-line progress bar on stderr for long inputs: drawn only when stderr is a terminal, the
 * input is big (over ~20 MB) and the output is not JSON; redrawn at most ~10 times a second and
 * erased when done, so nothing of it remains in a terminal's scroll-back or in a pipe.
 */
export const PROGRESS_MIN_BYTES = 20 * 1024 * 1024;

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(s: string): unknown;
}

/** Whether a bar is drawn: big input, a terminal, no --json. */
export function wantProgress(size: number | null, opts: { json: boolean; isTTY: boolean }): boolean {
  return !opts.json && opts.isTTY && size !== null && size > PROGRESS_MIN_BYTES;
}

/** The bar's text for `read` of `total` bytes in `width` columns. */
export function progressLine(read: number, total: number, width = 80): string {
  const frac = total > 0 ? Math.min(1, Math.max(0, read / total)) : 0;
  const mb = (n: number): string => (n / (1024 * 1024)).toFixed(1);
  const label = ` ${String(Math.floor(frac * 100)).padStart(3)}%  ${mb(read)}/${mb(total)} MB`;
  const barWidth = Math.max(10, Math.min(50, width - label.length - 10));
  const full = Math.round(frac * barWidth);
  return `decode [${'#'.repeat(full)}${'.'.repeat(barWidth - full)}]${label}`;
}

export class Progress {
  readonly #stream: ProgressStream;
  readonly #total: number;
  readonly #now: () => number;
  #last = -Infinity;
  #drawn = false;

  constructor(total: number, stream: ProgressStream, now: () => number = Date.now) {
    this.#total = total;
    this.#stream = stream;
    this.#now = now;
  }

  /** A bar for this input, or null when none is wanted (see wantProgress). */
  static forInput(size: number | null, opts: { json: boolean; stream: ProgressStream }): Progress | null {
    return wantProgress(size, { json: opts.json, isTTY: opts.stream.isTTY === true }) ? new Progress(size!, opts.stream) : null;
  }

  update(read: number): void {
    const t = this.#now();
    if (t - this.#last < 100) return;
    this.#last = t;
    this.#drawn = true;
    this.#stream.write(`\r${progressLine(read, this.#total, this.#stream.columns ?? 80)}\x1b[K`);
  }

  /** Erase the bar. */
  done(): void {
    if (this.#drawn) this.#stream.write('\r\x1b[K');
    this.#drawn = false;
  }
}
