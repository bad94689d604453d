import { TypedEmitter } from '../util/emitter.js';
import { systemClock, type Clock } from '../util/clock.js';
import type { ModemPort, ModemPortEvents } from './types.js';
import type { TranscriptSink } from '../recording/writer.js';
import { createRedactor, type Redactor } from '../redact/redact.js';
import { StreamRedactor } from '../redact/stream-redactor.js';

export interface RecordingOptions {
  /** Mask secrets at capture time. Default true; false only when the user opts in (--log-secrets). */
  redact?: boolean;
  /** The redactor to use (its addSecret() lets a caller name values it knows). Default: the standard rules. */
  redactor?: Redactor;
  /** A partial line is written after this many ms without bytes. Default 50. */
  quietMs?: number;
  clock?: Clock;
  /** Close the sink when the port closes. Default true. */
  closeSink?: boolean;
}

/**
 * Decorator: tees both directions of a port into a transcript (redacted by default), while
 * the real bytes pass through unchanged.
 */
export class RecordingPort extends TypedEmitter<ModemPortEvents> implements ModemPort {
  readonly inner: ModemPort;
  readonly sink: TranscriptSink;
  readonly redactor: Redactor | null;
  readonly #stream: StreamRedactor;
  readonly #clock: Clock;
  readonly #t0: number;
  readonly #quietMs: number;
  readonly #closeSink: boolean;
  #timer: unknown = null;
  #done = false;

  constructor(inner: ModemPort, sink: TranscriptSink, opts: RecordingOptions = {}) {
    super();
    this.inner = inner;
    this.sink = sink;
    this.#clock = opts.clock ?? systemClock;
    this.#t0 = this.#clock.now();
    this.#quietMs = opts.quietMs ?? 50;
    this.#closeSink = opts.closeSink ?? true;
    this.redactor = opts.redact === false ? null : (opts.redactor ?? createRedactor());
    this.#stream = new StreamRedactor(this.redactor, (p) => {
      if (this.#done) return;
      const e = { t: p.t, dir: p.dir, data: p.data, ...(p.redact.length > 0 ? { redact: p.redact } : {}) };
      this.sink.write(e);
    });
    inner.on('data', (chunk) => {
      this.#push('rx', chunk);
      this.emit('data', chunk);
    });
    inner.on('error', (e) => this.emit('error', e));
    inner.on('close', (e) => {
      this.#finish(e ? `port closed: ${e.message}` : undefined);
      this.emit('close', e);
    });
  }

  get description(): string {
    return this.inner.description;
  }

  get isOpen(): boolean {
    return this.inner.isOpen;
  }

  #now(): number {
    return Math.round(this.#clock.now() - this.#t0) / 1000;
  }

  #push(dir: 'tx' | 'rx', bytes: Buffer): void {
    if (this.#done) return;
    this.#stream.push(dir, bytes, this.#now());
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#stream.holding) {
      this.#timer = this.#clock.setTimeout(() => {
        this.#timer = null;
        this.#stream.flush();
      }, this.#quietMs);
    }
  }

  write(data: Uint8Array | string): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
    this.#push('tx', bytes);
    return this.inner.write(bytes);
  }

  /** Add an annotation to the transcript. */
  note(text: string): void {
    if (this.#done) return;
    this.#stream.flush();
    this.sink.write({ t: this.#now(), dir: 'note', text });
  }

  /** Write everything held, as if the stream ended here (call before exiting on a signal). */
  flush(): void {
    this.#stream.end();
  }

  async close(): Promise<void> {
    await this.inner.close();
    this.#finish(undefined);
  }

  #finish(note: string | undefined): void {
    if (this.#done) return;
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer);
    this.#stream.end();
    if (note) this.sink.write({ t: this.#now(), dir: 'note', text: note });
    this.#done = true;
    if (this.#closeSink) this.sink.close();
  }
}
