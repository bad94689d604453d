import { AtTracker } from '../at/tracker.js';
import { maskItem } from '../at/mask.js';
import { itemToJson } from '../at/json.js';
import type { LineGrammar, TimelineItem } from '../at/types.js';
import { defaultGrammar } from '../grammar.js';
import { createRedactor, type Redactor } from '../redact/redact.js';
import type { Out } from './io.js';
import { formatItem } from './timeline.js';

/**
 * What the verbs that watch a byte stream share (monitor, term, emulate, replay): a passive
 * decoder of both directions into timeline items (secrets masked for display), printed with
 * wall-clock times. The raw bytes: chunk-tap.ts; the device link: device-link.ts.
 */

/** Wall-clock time as HH:MM:SS.mmm (local time). */
export function clockTime(ms: number = Date.now()): string {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

export interface TimelineTapOptions {
  grammar: LineGrammar;
  /** mask secrets in the items (default true; false for --log-secrets) */
  mask?: boolean;
  /** values to mask wherever they show (a password the user gave) */
  secrets?: readonly string[];
  /** take `AT…` lines from the module as echoes of commands not seen written (a tap on one direction). Default false. */
  echoStartsCommand?: boolean;
  /** a gap in the module's output that ends a raw +ECMTRECV payload, ms. Default 100. */
  quietMs?: number;
  /** the clock of `t` (ms). Default performance.now. */
  now?: () => number;
}

/**
 * Bytes of both directions in, timeline items out (the tracker the engine uses, fed
 * passively), with `t` in seconds since the tap started.
 */
export class TimelineTap {
  readonly #tracker: AtTracker;
  readonly #onItem: (item: TimelineItem) => void;
  readonly #redactor: Redactor | null;
  /** its own: the display redactor remembers the last command (for the IMSI answer of AT+CIMI) */
  readonly #noteRedactor: Redactor | null;
  readonly #quietMs: number;
  readonly #now: () => number;
  readonly #t0: number;
  #quiet: ReturnType<typeof setTimeout> | null = null;
  #ended = false;

  constructor(onItem: (item: TimelineItem) => void, opts: TimelineTapOptions) {
    this.#onItem = onItem;
    this.#redactor = opts.mask === false ? null : createRedactor(undefined, [...(opts.secrets ?? [])]);
    this.#noteRedactor = opts.mask === false ? null : createRedactor(undefined, [...(opts.secrets ?? [])]);
    this.#quietMs = opts.quietMs ?? 100;
    this.#now = opts.now ?? (() => performance.now());
    this.#t0 = this.#now();
    this.#tracker = new AtTracker((item) => this.#emit(item), { grammar: opts.grammar, echoStartsCommand: opts.echoStartsCommand ?? false });
  }

  /** Seconds since the start. */
  elapsed(): number {
    return Math.round(this.#now() - this.#t0) / 1000;
  }

  /** Bytes the host wrote. */
  tx(bytes: Buffer): void {
    if (this.#ended) return;
    if (this.#tracker.blockPending) this.#tracker.quiet(this.elapsed()); // the host spoke: an open payload has ended
    this.#tracker.tx(bytes, this.elapsed());
  }

  /** Bytes the module wrote. */
  rx(bytes: Buffer): void {
    if (this.#ended) return;
    this.#tracker.rx(bytes, this.elapsed());
    if (this.#quiet !== null) clearTimeout(this.#quiet);
    this.#quiet = null;
    if (this.#tracker.blockPending) {
      this.#quiet = setTimeout(() => {
        this.#quiet = null;
        this.#tracker.quiet(this.elapsed());
      }, this.#quietMs);
      this.#quiet.unref();
    }
  }

  /** An annotation in the timeline (an AT command quoted in it is masked like a command line). */
  note(text: string): void {
    if (this.#ended) return;
    const at = this.#noteRedactor ? text.search(/AT[+^%$]/i) : -1;
    const shown = at < 0 ? text : text.slice(0, at) + this.#noteRedactor!.line(Buffer.from(text.slice(at), 'utf8'), 'tx').data.toString('utf8');
    this.#tracker.note(shown, this.elapsed());
  }

  /** End of the stream: what is held (a payload waiting for its end) is emitted. */
  end(): void {
    if (this.#ended) return;
    if (this.#quiet !== null) clearTimeout(this.#quiet);
    this.#quiet = null;
    this.#tracker.end(this.elapsed());
    this.#ended = true;
  }

  #emit(item: TimelineItem): void {
    this.#onItem(this.#redactor ? maskItem(item, this.#redactor) : item);
  }
}

/** A timeline item as JSON with the wall-clock time. */
export function itemJson(item: TimelineItem, out: Out, time: number = Date.now()): Record<string, unknown> {
  return { ...itemToJson(item, out.lang), time: new Date(time).toISOString() };
}

/**
 * A passive timeline over a port that prints each item as it comes (JSON Lines or human lines
 * with the wall clock), secrets masked unless asked; null when `quiet`.
 */
export function printingTap(out: Out, opts: { quiet: boolean; mask: boolean }): TimelineTap | null {
  if (opts.quiet) return null;
  return new TimelineTap(
    (item) => {
      if (out.json) out.obj(itemJson(item, out));
      else for (const l of itemLines(item, out, true)) out.line(l);
      void out.flush();
    },
    { grammar: defaultGrammar(), mask: opts.mask },
  );
}

/** A timeline item as human lines, with the wall-clock time in front when asked. */
export function itemLines(item: TimelineItem, out: Out, withClock: boolean, time: number = Date.now(), opts: { passive?: boolean } = {}): string[] {
  const lines = formatItem(item, out, opts);
  if (!withClock) return lines;
  const clock = out.p.dim(clockTime(time));
  return lines.map((l, i) => (i === 0 ? `${clock} ${l}` : `${' '.repeat(13)}${l}`));
}
