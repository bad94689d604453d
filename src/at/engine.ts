import { CatError } from '../util/errors.js';
import { TypedEmitter } from '../util/emitter.js';
import { systemClock, type Clock } from '../util/clock.js';
import type { ModemPort } from '../port/types.js';
import type { ModemEvent, FinalEvent } from '../urc/types.js';
import { AtTracker, type PendingCommand } from './tracker.js';
import type { AtOutcome, CommandProfile, LineGrammar, TimelineItem } from './types.js';
import { finalMeaning } from './meaning.js';
import { redactText } from '../redact/redact.js';

const CTRL_Z = Buffer.from([0x1a]);
const ESC = Buffer.from([0x1b]);

export interface SendOptions {
  /** Timeout for the immediate answer in ms. Default: the command's profile, else the engine default (5000). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Payload for data mode: written after the `> ` prompt, followed by Ctrl-Z (unless the data end is 'none'). */
  data?: Uint8Array | string;
  /**
   * What ends the data: 'ctrl-z' or 'none' for fixed-length forms (Quectel `AT+QMTPUB…,<len>`),
   * where a Ctrl-Z would be payload or swallow the message. Default: what the command's profile
   * says (`dataLength`: 'none' when the command line fixes the length), else 'ctrl-z'.
   */
  dataEnd?: 'ctrl-z' | 'none';
  /** Override which lines are this command's answer. */
  answer?: CommandProfile['answer'];
}

export interface AtEngineOptions {
  grammar: LineGrammar;
  /** Default timeout for the immediate answer, ms. Default 5000 (the firmware's AT guard time). */
  timeoutMs?: number;
  /** Quiet time that ends a raw +ECMTRECV payload, or a line of a module that ends its lines with CR alone, ms. Default 100. */
  quietMs?: number;
  /** Longest line kept, bytes. Default 4096. */
  maxLine?: number;
  /** Longest raw payload kept, bytes. Default 8192. */
  maxBlock?: number;
  /**
   * After a timeout, this command is sent before the next one so that a late answer is never
   * taken as the next command's: finals that arrive before its own answer line are the late
   * command's. Default `AT+CMEE?` (answer `+CMEE: <n>`). null disables the resync.
   */
  resyncCommand?: string | null;
  clock?: Clock;
}

export type AtEngineEvents = {
  /** Every item of the timeline, in order: commands, echoes, answers, finals, URCs... */
  item: [item: TimelineItem];
  /** Unsolicited result codes only. */
  urc: [event: ModemEvent, item: TimelineItem];
  /** The module printed a boot banner: it restarted and lost every session state. */
  boot: [event: ModemEvent];
  /** The port closed (error set when it failed, e.g. unplugged). */
  close: [error: Error | undefined];
};

interface Job {
  command: string;
  opts: SendOptions;
  resolve(o: AtOutcome): void;
  reject(e: Error): void;
  internal: boolean;
  pending: PendingCommand | null;
  started: number;
  timer: unknown;
  timeoutMs: number;
  onAbort: (() => void) | null;
  done: boolean;
}

/** CR, LF, NUL, Ctrl-Z or ESC in the command (`/[\r\n\0\x1a\x1b]/`, without a regex on every send). */
function hasControl(command: string): boolean {
  for (let i = 0; i < command.length; i++) {
    const c = command.charCodeAt(i);
    if (c === 0x0d || c === 0x0a || c === 0 || c === 0x1a || c === 0x1b) return true;
  }
  return false;
}

function newJob(command: string, opts: SendOptions, resolve: (o: AtOutcome) => void, reject: (e: Error) => void, internal: boolean): Job {
  return { command, opts, resolve, reject, internal, pending: null, started: 0, timer: null, timeoutMs: 0, onAbort: null, done: false };
}

/** A command as error messages show it: secrets (passwords, PINs, keys) masked; the context keeps it whole. */
function shown(command: string): string {
  return redactText(command, 'tx');
}

function checkCommand(command: string): void {
  if (typeof command !== 'string' || command.trim().length === 0) {
    throw new CatError('ERR_INVALID_COMMAND', 'empty AT command');
  }
  if (hasControl(command)) {
    // the message names the command, not its values (it may hold a password); the context has it whole
    const at = command.search(/[\r\n\0\x1a\x1b]/);
    throw new CatError('ERR_INVALID_COMMAND', `the command ${JSON.stringify(command.split('=')[0]!.slice(0, 24))}… contains CR, LF, NUL, Ctrl-Z or ESC (at offset ${at}), which would end or corrupt it`, { context: { command } });
  }
}

/**
 * The AT engine: one command in flight, a queue behind it, unsolicited handlers always live.
 * Outcomes are values (ok | error | timeout | aborted | reset); it throws only for misuse
 * and rejects with ERR_PORT_CLOSED when the port goes away.
 */
export class AtEngine extends TypedEmitter<AtEngineEvents> {
  readonly port: ModemPort;
  readonly #tracker: AtTracker;
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #quietMs: number;
  readonly #resync: string | null;
  readonly #t0: number;
  #queue: Job[] = [];
  #inFlight: Job | null = null;
  #quietTimer: unknown = null;
  /** the bytes of the last command line written (a poll loop sends the same line again) */
  #lastLine: { command: string; bytes: Buffer } | null = null;
  /** while a received chunk is classified: when it arrived (clock ms) */
  #rxNow: number | null = null;
  #closed: Error | null = null;
  #needResync = false;
  /** set by reserve(): only its sender may still write */
  #reserved: string | null = null;
  /**
   * The resync probe itself timed out: its answer (and the one it was waiting behind) may still
   * come. Until a command is answered for certain, finals before a command's own answer line or
   * echo are taken as late (a spurious timeout rather than a wrong answer).
   */
  #unsure = false;

  constructor(port: ModemPort, opts: AtEngineOptions) {
    super();
    const timeoutMs = opts.timeoutMs ?? 5000;
    const quietMs = opts.quietMs ?? 100;
    if (!(timeoutMs > 0)) throw new CatError('ERR_INVALID_OPTION', `timeoutMs must be > 0 (got ${String(opts.timeoutMs)})`);
    if (!(quietMs > 0)) throw new CatError('ERR_INVALID_OPTION', `quietMs must be > 0 (got ${String(opts.quietMs)})`);
    this.port = port;
    this.#clock = opts.clock ?? systemClock;
    this.#timeoutMs = timeoutMs;
    this.#quietMs = quietMs;
    this.#resync = opts.resyncCommand === undefined ? 'AT+CMEE?' : opts.resyncCommand;
    this.#t0 = this.#clock.now();
    this.#tracker = new AtTracker((item) => this.#item(item), {
      grammar: opts.grammar,
      ...(opts.maxLine !== undefined ? { maxLine: opts.maxLine } : {}),
      ...(opts.maxBlock !== undefined ? { maxBlock: opts.maxBlock } : {}),
      hooks: {
        command: (p) => this.#onCommand(p),
        final: (p, ev) => this.#onFinal(p, ev),
        prompt: (p) => this.#onPrompt(p),
        boot: (ev, p) => this.#onBoot(ev, p),
      },
    });
    port.on('data', this.#onData);
    port.on('close', this.#onPortClose);
  }

  readonly #onData = (chunk: Buffer): void => this.#rx(chunk);
  readonly #onPortClose = (err: Error | undefined): void => this.#onClose(err);

  /**
   * Stop listening to the port without closing it (to hand the port to another engine).
   * Pending and queued commands are rejected with ERR_PORT_CLOSED.
   */
  dispose(): void {
    this.port.off('data', this.#onData);
    this.port.off('close', this.#onPortClose);
    this.#onClose(undefined);
  }

  /** Echo as learned from the module's output: null until known. */
  get echo(): boolean | null {
    return this.#tracker.echo;
  }

  /** Number of commands waiting behind the one in flight. */
  get queued(): number {
    return this.#queue.length;
  }

  get busy(): boolean {
    return this.#inFlight !== null;
  }

  /** Seconds since the engine started (the timeline's clock). */
  elapsed(): number {
    return (this.#clock.now() - this.#t0) / 1000;
  }

  /**
   * Send one command (without the trailing CR). Resolves with its outcome when the final
   * result, the timeout, an abort or a module reset ends it.
   */
  send(command: string, opts: SendOptions = {}): Promise<AtOutcome> {
    return this.#send(command, opts, false);
  }

  /**
   * The last word to the module (tidying up after an interruption): from now on every queued
   * command and every later send() ends `aborted` with `reason`, unwritten, except those sent
   * through the function returned here. The command in flight finishes normally first.
   */
  reserve(reason: string): (command: string, opts?: SendOptions) => Promise<AtOutcome> {
    this.#reserved = reason;
    for (const job of this.#queue.splice(0)) {
      job.done = true;
      if (job.onAbort && job.opts.signal) job.opts.signal.removeEventListener('abort', job.onAbort);
      job.resolve({ status: 'aborted', command: job.command, lines: [], reason, elapsedMs: 0 });
    }
    return (command, opts = {}) => this.#send(command, opts, true);
  }

  #send(command: string, opts: SendOptions, privileged: boolean): Promise<AtOutcome> {
    checkCommand(command);
    if (opts.timeoutMs !== undefined && !(opts.timeoutMs > 0)) {
      throw new CatError('ERR_INVALID_OPTION', `timeoutMs must be > 0 (got ${String(opts.timeoutMs)})`);
    }
    if (this.#closed) {
      return Promise.reject(new CatError('ERR_PORT_CLOSED', `the port ${this.port.description} is closed`, { context: { command } }));
    }
    if (this.#reserved !== null && !privileged) {
      return Promise.resolve({ status: 'aborted', command, lines: [], reason: this.#reserved, elapsedMs: 0 });
    }
    return new Promise<AtOutcome>((resolve, reject) => {
      const job = newJob(command, opts, resolve, reject, false);
      if (opts.signal) {
        if (opts.signal.aborted) {
          resolve({ status: 'aborted', command, lines: [], reason: 'aborted before it was sent', elapsedMs: 0 });
          return;
        }
        job.onAbort = () => this.#abort(job);
        opts.signal.addEventListener('abort', job.onAbort, { once: true });
      }
      this.#queue.push(job);
      this.#pump();
    });
  }

  /** Record an annotation in the timeline. */
  note(text: string): void {
    this.#tracker.note(text, this.elapsed());
  }

  /**
   * The device behind the port went away while the port object lives on (--follow: it may come
   * back). The command in flight can never be answered: it is rejected at once with
   * ERR_PORT_CLOSED ("the port went away while <command> was pending", secrets masked), never
   * left to its timeout; whatever the device says after it is back is never taken as that
   * command's answer or the next one's (a resync comes first). Queued commands stay queued.
   */
  portLost(reason: string): void {
    const job = this.#inFlight;
    if (!job || job.done || this.#closed) return;
    if (this.#quietTimer !== null) {
      this.#clock.clearTimeout(this.#quietTimer);
      this.#quietTimer = null;
    }
    this.#tracker.abandon();
    this.#needResync = !job.internal;
    this.#unsure = true;
    const e = new CatError('ERR_PORT_CLOSED', `the port went away while ${shown(job.command)} was pending (${this.port.description}: ${reason})`, { context: { command: job.command } });
    this.#finish(job, null, e);
  }

  /** Close the port; pending and queued commands are rejected with ERR_PORT_CLOSED. */
  async close(): Promise<void> {
    await this.port.close();
    this.#onClose(undefined);
  }

  // ---- internals ----

  /**
   * The module's last line and when it came (seconds on the engine's clock), or null before it
   * said anything: what a caller needs to say when a module stopped answering. As received:
   * mask it before showing it.
   */
  get lastRx(): { t: number; line: string } | null {
    return this.#lastRx;
  }

  #lastRx: { t: number; line: string } | null = null;

  #item(item: TimelineItem): void {
    if (item.dir === 'rx') this.#lastRx = { t: item.t ?? this.elapsed(), line: item.event.raw };
    // (emit() with nobody listening costs more than asking: every line of every answer comes here)
    if (this.listenerCount('item') > 0) this.emit('item', item);
    if (item.role === 'urc' && this.listenerCount('urc') > 0) this.emit('urc', item.event as ModemEvent, item);
  }

  #rx(chunk: Buffer): void {
    // the arrival time of the chunk: the time of its items, and the end of a command it finishes
    const now = this.#clock.now();
    this.#rxNow = now;
    try {
      this.#tracker.rx(chunk, (now - this.#t0) / 1000);
    } finally {
      this.#rxNow = null;
    }
    if (this.#quietTimer !== null) {
      this.#clock.clearTimeout(this.#quietTimer);
      this.#quietTimer = null;
    }
    // a raw payload, or a line up to its CRs (a module that ends its lines with CR alone), ends after a quiet time
    if (this.#tracker.blockPending || this.#tracker.crPending) {
      this.#quietTimer = this.#clock.setTimeout(() => {
        this.#quietTimer = null;
        // what the quiet time completes came with the last chunk: its time, and the end of a command it finishes
        this.#rxNow = now;
        try {
          this.#tracker.quiet((now - this.#t0) / 1000);
        } finally {
          this.#rxNow = null;
        }
      }, this.#quietMs);
    }
  }

  #pump(): void {
    if (this.#inFlight || this.#closed) return;
    let job: Job | undefined;
    if (this.#needResync && this.#resync && this.#queue.length > 0) {
      this.#needResync = false;
      job = this.#probeJob(this.#resync);
    } else {
      job = this.#queue.shift();
    }
    if (!job) return;
    this.#inFlight = job;
    this.#start(job);
  }

  #probeJob(command: string): Job {
    const settled = (o: AtOutcome): void => {
      if (o.status === 'ok' || o.status === 'error') {
        this.#unsure = false;
        this.#tracker.clearLate();
      } else if (o.status === 'timeout') this.#unsure = true;
    };
    return newJob(command, { timeoutMs: 2000 }, settled, () => undefined, true);
  }

  #start(job: Job): void {
    const now = this.#clock.now();
    job.started = now;
    const bytes = this.#bytesOf(job.command);
    this.#tracker.txCommand(job.command, bytes, (now - this.#t0) / 1000); // makes it the pending command (see #onCommand)
    if (job.pending && (job.internal || this.#unsure)) job.pending.requireMarker = true;
    job.timeoutMs = job.opts.timeoutMs ?? job.pending?.profile.timeoutMs ?? this.#timeoutMs;
    this.#arm(job, job.pending?.expectsPrompt ? 'prompt' : 'final');
    const failed = (err: unknown): void => {
      this.#tracker.abandon();
      this.#finish(job, null, err instanceof CatError ? err : new CatError('ERR_PORT_WRITE', `could not write to ${this.port.description}: ${err instanceof Error ? err.message : String(err)}`, { cause: err }));
    };
    let written: Promise<void>;
    try {
      written = this.port.write(bytes);
    } catch (err) {
      failed(err);
      return;
    }
    written.then(undefined, failed);
  }

  #arm(job: Job, waitedFor: 'final' | 'prompt'): void {
    if (job.timer !== null) this.#clock.clearTimeout(job.timer);
    job.timer = this.#clock.setTimeout(() => {
      job.timer = null;
      if (job.done) return;
      this.#tracker.abandon();
      // a probe that timed out is not probed again
      this.#needResync = !job.internal;
      this.#finish(job, { status: 'timeout', command: job.command, lines: job.pending?.lines ?? [], waitedFor, timeoutMs: job.timeoutMs, elapsedMs: this.#clock.now() - job.started });
    }, job.timeoutMs);
  }

  #finish(job: Job, outcome: AtOutcome | null, error?: Error): void {
    if (job.done) return;
    job.done = true;
    if (job.timer !== null) this.#clock.clearTimeout(job.timer);
    job.timer = null;
    if (job.onAbort && job.opts.signal) job.opts.signal.removeEventListener('abort', job.onAbort);
    if (this.#inFlight === job) this.#inFlight = null;
    if (outcome) job.resolve(outcome);
    else job.reject(error ?? new CatError('ERR_PORT_CLOSED', 'closed'));
    this.#pump();
  }

  #onCommand(p: PendingCommand): void {
    const job = this.#inFlight;
    if (!job || job.pending || p.command !== job.command.trim()) return;
    job.pending = p;
    if (job.opts.answer !== undefined) p.profile = { ...p.profile, answer: job.opts.answer };
    if (job.opts.data !== undefined && !p.expectsPrompt) {
      p.expectsPrompt = true;
      p.phase = 'prompt';
    }
  }

  #onFinal(p: PendingCommand, ev: FinalEvent): void {
    const job = this.#inFlight;
    if (!job || job.pending !== p) return;
    const elapsedMs = (this.#rxNow ?? this.#clock.now()) - job.started;
    if (this.#unsure && !job.internal) {
      // the module answers in order: this command's own final came, so every earlier answer did
      this.#unsure = false;
      this.#tracker.clearLate();
    }
    if (ev.type === 'ok') this.#finish(job, { status: 'ok', command: job.command, lines: p.lines, elapsedMs });
    else this.#finish(job, { status: 'error', command: job.command, lines: p.lines, error: ev, meaning: finalMeaning(ev), elapsedMs });
  }

  #onPrompt(p: PendingCommand): void {
    const job = this.#inFlight;
    if (!job || job.pending !== p) return;
    const data = job.opts.data;
    if (data === undefined) {
      // the module waits for a payload nobody gave: cancel with ESC rather than hang
      this.#writeRaw(ESC);
      this.#tracker.abandon();
      this.#finish(job, { status: 'aborted', command: job.command, lines: p.lines, reason: 'the module asked for data (> prompt) but no payload was given; cancelled with ESC', elapsedMs: this.#clock.now() - job.started });
      return;
    }
    const payload = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
    const end = job.opts.dataEnd ?? (p.dataLength !== null ? 'none' : 'ctrl-z');
    // a length given by the caller alone: the tracker counts the payload as the module does
    if (end === 'none' && p.dataLength === null) p.dataLength = payload.length;
    const bytes = end === 'none' ? payload : Buffer.concat([payload, CTRL_Z]);
    this.#writeRaw(bytes);
    this.#arm(job, 'final');
  }

  /** `command` + CR as UTF-8; the same buffer for the same line (nothing writes into it). */
  #bytesOf(command: string): Buffer {
    const last = this.#lastLine;
    if (last !== null && last.command === command) return last.bytes;
    const bytes = Buffer.from(`${command}\r`, 'utf8');
    this.#lastLine = { command, bytes };
    return bytes;
  }

  #writeRaw(bytes: Buffer): void {
    this.#tracker.tx(bytes, this.elapsed());
    this.port.write(bytes).catch(() => undefined); // a failed write surfaces as the port's close or the timeout
  }

  #onBoot(ev: ModemEvent, _p: PendingCommand | null): void {
    this.emit('boot', ev);
    this.#needResync = false;
    this.#unsure = false;
    const job = this.#inFlight;
    if (job && !job.done) {
      this.#finish(job, { status: 'reset', command: job.command, lines: job.pending?.lines ?? [], banner: ev.raw, elapsedMs: this.#clock.now() - job.started });
    }
  }

  #abort(job: Job): void {
    if (job.done) return;
    const idx = this.#queue.indexOf(job);
    if (idx >= 0) {
      this.#queue.splice(idx, 1);
      job.done = true;
      job.resolve({ status: 'aborted', command: job.command, lines: [], reason: 'aborted before it was sent', elapsedMs: 0 });
      return;
    }
    if (this.#inFlight === job) {
      const p = job.pending;
      if (p && p.expectsPrompt && (p.phase === 'prompt' || p.phase === 'data')) this.#writeRaw(ESC);
      this.#tracker.abandon();
      this.#needResync = true;
      this.#finish(job, { status: 'aborted', command: job.command, lines: p?.lines ?? [], reason: 'aborted by the caller', elapsedMs: this.#clock.now() - job.started });
    }
  }

  #onClose(err: Error | undefined): void {
    if (this.#closed) return;
    this.#closed = new CatError('ERR_PORT_CLOSED', err ? `the port ${this.port.description} closed: ${err.message}` : `the port ${this.port.description} is closed`, err ? { cause: err } : {});
    if (this.#quietTimer !== null) this.#clock.clearTimeout(this.#quietTimer);
    this.#tracker.end(this.elapsed());
    const jobs = [...(this.#inFlight ? [this.#inFlight] : []), ...this.#queue];
    this.#queue = [];
    for (const j of jobs) {
      const e = new CatError('ERR_PORT_CLOSED', `${this.#closed.message} while "${shown(j.command)}" was ${j === this.#inFlight ? 'waiting for its answer' : 'queued'}`, { cause: err, context: { command: j.command } });
      this.#finish(j, null, e);
    }
    this.emit('close', err);
  }
}
