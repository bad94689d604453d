import { AtTracker } from '../at/tracker.js';
import type { LineGrammar, TimelineItem } from '../at/types.js';
import { createRedactor, type Redactor } from './redact.js';
import { StreamRedactor } from './stream-redactor.js';
import type { TranscriptEntry } from './types.js';

export interface DecoderOptions {
  grammar: LineGrammar;
  /** A gap in the module's output longer than this ends a raw +ECMTRECV payload, ms. Default 100. */
  quietMs?: number;
  /** Mask secrets before anything is decoded (default true). */
  redact?: boolean;
  redactor?: Redactor;
  /** Take `AT…` lines received while no command is pending as echoes of commands not shown (default true). */
  echoStartsCommand?: boolean;
  maxLine?: number;
  maxBlock?: number;
}

/**
 * Transcript entries in, typed timeline out: the same tracker the engine uses, fed passively.
 * Streaming: memory does not grow with the input.
 */
export class SessionDecoder {
  readonly #tracker: AtTracker;
  readonly #stream: StreamRedactor;
  readonly #quiet: number;
  #lastRxT: number | null = null;

  constructor(onItem: (item: TimelineItem) => void, opts: DecoderOptions) {
    this.#quiet = (opts.quietMs ?? 100) / 1000;
    this.#tracker = new AtTracker(onItem, {
      grammar: opts.grammar,
      echoStartsCommand: opts.echoStartsCommand ?? true,
      ...(opts.maxLine !== undefined ? { maxLine: opts.maxLine } : {}),
      ...(opts.maxBlock !== undefined ? { maxBlock: opts.maxBlock } : {}),
    });
    const redactor = opts.redact === false ? null : (opts.redactor ?? createRedactor());
    this.#stream = new StreamRedactor(redactor, (p) => this.#feed(p.dir, p.data, p.t));
  }

  get tracker(): AtTracker {
    return this.#tracker;
  }

  push(entry: TranscriptEntry): void {
    if (entry.dir === 'note') {
      this.#stream.flush();
      this.#tracker.note(entry.text, entry.t);
      return;
    }
    if (entry.dir === 'rx' && entry.t !== null && this.#lastRxT !== null && entry.t - this.#lastRxT > this.#quiet) {
      // a quiet time: a payload in progress has ended (a unit of its own), anything else only pauses
      if (this.#tracker.blockPending) {
        this.#stream.endUnit('rx');
        this.#tracker.quiet(this.#lastRxT);
      } else this.#stream.flush('rx');
    }
    this.#stream.push(entry.dir, entry.data, entry.t);
  }

  end(): void {
    this.#stream.end();
    this.#tracker.end();
  }

  #feed(dir: 'tx' | 'rx', data: Buffer, t: number | null): void {
    if (dir === 'tx') {
      // the host spoke: a payload still open has ended
      if (this.#tracker.blockPending) this.#tracker.quiet();
      this.#tracker.tx(data, t);
    } else {
      if (t !== null) this.#lastRxT = t;
      this.#tracker.rx(data, t);
    }
  }
}
