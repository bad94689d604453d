import { isFinalText, type AtTracker } from '../at/tracker.js';

const CR = 0x0d;
const LF = 0x0a;
const CTRL_Z = 0x1a;
const ESC = 0x1b;

export interface TapMergerOptions {
  /** Module output that comes while no command is pending is held this long, ms. Default 40. */
  skewMs?: number;
  /**
   * A command queued behind one still unanswered is released after this long anyway, ms; so is
   * held module output that ends an answer (a final result or the prompt) when no command for it
   * comes. Default 5000 (long enough for a loaded host and two slow adapters).
   */
  gateMs?: number;
  /** Origin of the timeline's clock (Date.now() value). Default: construction time. */
  t0?: number;
}

/**
 * Does held module output (lines, or the tail of a read) end an answer: a final result or the
 * `> ` prompt, framed as the module frames them (after an empty line, or first in what is held)?
 * A payload line that reads "OK" right after another payload line is not one (ecmt.md §4.1).
 */
function holdsAnswerEnd(held: ReadonlyArray<{ data: Buffer }>): boolean {
  return held.some((c, i) => {
    const line = c.data.toString('latin1');
    if (!isFinalText(line.replace(/\r?\n$/, '')) && !/^> ?$/.test(line)) return false;
    const before = i === 0 ? '' : held[i - 1]!.data.toString('latin1');
    return i === 0 || before === '\r\n' || before === '\n';
  });
}

/**
 * A UART tap is two independent serial inputs, each adapter (and each read of ours) with its
 * own latency: a command can be seen after the answer it produced, and after a stall several
 * commands arrive together before their answers. Both inputs are put back in protocol order:
 * - module output that comes while no command is pending is held for the skew tolerance, and
 *   a command seen meanwhile goes first; held output that holds a final result or the prompt
 *   answers a command the host-side adapter has not delivered yet, however late that is (one
 *   adapter can be read a second after the other on a loaded host): it waits for that command,
 *   up to the gate time, rather than being taken for URCs (which would leave the command
 *   unanswered and pair every later command with its predecessor's answer);
 * - host commands are released one at a time: the next when the tracker has seen the final
 *   result of the previous one (or after gateMs, for a host that does not wait); data-mode
 *   bytes after a prompt go straight to the pending command.
 * URCs are URCs in any order; what this protects is the pairing of answers with commands.
 */
export class TapMerger {
  readonly #tracker: AtTracker;
  readonly #skewMs: number;
  readonly #gateMs: number;
  readonly #t0: number;
  #held: Array<{ data: Buffer; t: number }> = [];
  #heldTimer: ReturnType<typeof setTimeout> | null = null;
  #tx: number[] = [];
  #gateTimer: ReturnType<typeof setTimeout> | null = null;
  #forced = false;
  #quiet: ReturnType<typeof setTimeout> | null = null;

  constructor(tracker: AtTracker, opts: TapMergerOptions = {}) {
    this.#tracker = tracker;
    this.#skewMs = opts.skewMs ?? 40;
    this.#gateMs = opts.gateMs ?? 5000;
    this.#t0 = opts.t0 ?? Date.now();
  }

  #now(): number {
    return (Date.now() - this.#t0) / 1000;
  }

  tx(data: Buffer): void {
    for (const b of data) this.#tx.push(b);
    this.#pump();
  }

  rx(data: Buffer): void {
    const t = this.#now();
    // line by line: one read can hold the answers of several commands, and the next command
    // may still be in the other adapter
    let start = 0;
    for (let i = 0; i < data.length; i++) {
      if (data[i] === LF) {
        this.#held.push({ data: Buffer.from(data.subarray(start, i + 1)), t });
        start = i + 1;
      }
    }
    if (start < data.length) this.#held.push({ data: Buffer.from(data.subarray(start)), t });
    this.#drain();
    this.#pump();
    if (this.#held.length > 0 && !this.#heldTimer) this.#heldTimer = setTimeout(() => this.#release(), this.#skewMs);
  }

  /** Feed held output while a command is pending; stop when it is answered (the rest may belong to the next). */
  #drain(): void {
    let fed = false;
    while (this.#held.length > 0 && this.#tracker.pending !== null) {
      const c = this.#held.shift()!;
      this.#feed(c.data, c.t);
      fed = true;
    }
    // what is left starts a new wait (the skew time, armed by the caller)
    if ((fed || this.#held.length === 0) && this.#heldTimer) {
      clearTimeout(this.#heldTimer);
      this.#heldTimer = null;
    }
  }

  #feed(data: Buffer, t: number): void {
    this.#tracker.rx(data, t);
    if (this.#quiet) clearTimeout(this.#quiet);
    if (this.#tracker.blockPending) this.#quiet = setTimeout(() => this.#tracker.quiet(this.#now()), 100);
  }

  /**
   * The skew time passed and no command came: what is held is not an answer to one — unless it
   * holds a final result or the prompt, which only a command can cause: then it waits for that
   * command (up to the gate time; `force` is that time passed).
   */
  #release(force = false): void {
    this.#heldTimer = null;
    if (!force && holdsAnswerEnd(this.#held)) {
      this.#heldTimer = setTimeout(() => this.#release(true), this.#gateMs);
      return;
    }
    const due = this.#held;
    this.#held = [];
    for (const c of due) this.#feed(c.data, c.t);
    this.#pump();
  }

  /** Release queued host bytes as far as protocol order allows. */
  #pump(): void {
    while (this.#tx.length > 0) {
      const p = this.#tracker.pending;
      if (p && p.expectsPrompt && (p.phase === 'prompt' || p.phase === 'data')) {
        // the payload of a data-mode command: up to Ctrl-Z / ESC
        let end = this.#tx.findIndex((b) => b === CTRL_Z || b === ESC);
        end = end < 0 ? this.#tx.length : end + 1;
        this.#tracker.tx(Buffer.from(this.#tx.splice(0, end)), this.#now());
        continue;
      }
      if (p && !this.#forced) {
        // the previous command is unanswered: wait for its final result (or the gate)
        if (!this.#gateTimer) {
          this.#gateTimer = setTimeout(() => {
            this.#gateTimer = null;
            this.#forced = true;
            this.#pump();
          }, this.#gateMs);
        }
        return;
      }
      const cr = this.#tx.findIndex((b) => b === CR || b === LF);
      if (cr < 0) return; // an incomplete command line: wait for its CR
      this.#forced = false;
      if (this.#gateTimer) clearTimeout(this.#gateTimer);
      this.#gateTimer = null;
      this.#tracker.tx(Buffer.from(this.#tx.splice(0, cr + 1)), this.#now());
      // output held while nothing was pending may answer this command
      this.#drain();
    }
    if (this.#held.length > 0 && !this.#heldTimer) this.#heldTimer = setTimeout(() => this.#release(), this.#skewMs);
  }

  /** Wait (at most maxMs) until queued commands found their answers, then end(). */
  async settle(maxMs = 2000): Promise<void> {
    const until = Date.now() + maxMs;
    while ((this.#tx.length > 0 || this.#held.length > 0) && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 20));
    }
    this.end();
  }

  /** Deliver everything (end of the session). */
  end(): void {
    if (this.#heldTimer) clearTimeout(this.#heldTimer);
    if (this.#gateTimer) clearTimeout(this.#gateTimer);
    for (const c of this.#held) this.#feed(c.data, c.t);
    this.#held = [];
    if (this.#tx.length > 0) this.#tracker.tx(Buffer.from(this.#tx.splice(0)), this.#now());
    if (this.#quiet) clearTimeout(this.#quiet);
    this.#tracker.end(this.#now());
  }
}
