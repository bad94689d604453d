import { Framer, type Frame } from '../framing/framer.js';
import { isFinal, type FinalEvent, type ModemEvent } from '../urc/types.js';
import { cleanText } from './profiles.js';
import type { CommandProfile, LineGrammar, Role, TimelineEvent, TimelineItem } from './types.js';

const CTRL_Z = 0x1a;
const ESC = 0x1b;
const CR = 0x0d;
const LF = 0x0a;

/** A command the host wrote and the module has not finished answering. */
export interface PendingCommand {
  command: string;
  profile: CommandProfile;
  expectsPrompt: boolean;
  phase: 'answer' | 'prompt' | 'data' | 'after-data';
  echoSeen: boolean;
  lines: ModemEvent[];
  /** set by the engine for its resync probe: finals before its answer line are a late answer */
  requireMarker: boolean;
  markerSeen: boolean;
  /** payload text written in data mode (to recognise its echo) */
  payloadText: string;
}

export interface TrackerHooks {
  /** A command line was written (tx) or recognised from its echo. */
  command?(p: PendingCommand): void;
  final?(p: PendingCommand, ev: FinalEvent): void;
  prompt?(p: PendingCommand): void;
  /** A boot banner: the pending command (if any) will never be answered. */
  boot?(ev: ModemEvent, pending: PendingCommand | null): void;
  /** The data-mode payload was written (Ctrl-Z or ESC seen in tx). */
  dataSent?(p: PendingCommand, end: 'ctrl-z' | 'esc'): void;
}

export interface TrackerOptions {
  grammar: LineGrammar;
  /** Longest line kept (bytes). Default 4096. */
  maxLine?: number;
  /** Longest raw payload block kept (bytes). Default 8192. */
  maxBlock?: number;
  /**
   * An `AT…` line received while no command is pending is taken as the echo of a command the
   * tracker did not see written (logs and taps that show only the module's side). Default false.
   */
  echoStartsCommand?: boolean;
  hooks?: TrackerHooks;
}

function sameCommand(a: string, b: string): boolean {
  return cleanText(a).trim() === b.trim();
}

/**
 * The classifier: fed the bytes of both directions (in time order), it turns them into a
 * timeline of typed items, each with its role. Used passively (decode, monitor, taps) and by
 * the engine, which adds the queue, timers and promises.
 */
export class AtTracker {
  readonly #grammar: LineGrammar;
  readonly #framer: Framer;
  readonly #hooks: TrackerHooks;
  readonly #echoStartsCommand: boolean;
  readonly #onItem: (item: TimelineItem) => void;

  #seq = 0;
  #t: number | null = null;
  #txLine: number[] = [];
  #txData: number[] = [];
  pending: PendingCommand | null = null;
  /** a command that timed out or was superseded: its answer may still come */
  late: PendingCommand | null = null;
  /** echo state learned from the stream: null until known */
  echo: boolean | null = null;

  constructor(onItem: (item: TimelineItem) => void, opts: TrackerOptions) {
    this.#grammar = opts.grammar;
    this.#onItem = onItem;
    this.#hooks = opts.hooks ?? {};
    this.#echoStartsCommand = opts.echoStartsCommand ?? false;
    const rb = opts.grammar.rawBlock;
    this.#framer = new Framer((f) => this.#frame(f), {
      ...(opts.maxLine !== undefined ? { maxLine: opts.maxLine } : {}),
      ...(opts.maxBlock !== undefined ? { maxBlock: opts.maxBlock } : {}),
      rule: rb ? { headerLength: (t) => rb.headerLength(t), isFrameStart: (t) => rb.isFrameStart(t) } : null,
    });
  }

  get framerStats(): Framer['stats'] {
    return this.#framer.stats;
  }

  /** True while a raw payload block waits for its end (call quiet() after a quiet time). */
  get blockPending(): boolean {
    return this.#framer.blockPending;
  }

  /** Bytes from the module. */
  rx(chunk: Uint8Array, t: number | null = null): void {
    this.#t = t;
    this.#framer.feed(chunk);
  }

  /** No byte arrived for the quiet time. */
  quiet(t: number | null = this.#t): void {
    this.#t = t;
    this.#framer.quiet();
  }

  /** End of the stream. */
  end(t: number | null = this.#t): void {
    this.#t = t;
    this.#framer.end();
    this.#flushTxLine();
  }

  /** An annotation in the stream. */
  note(text: string, t: number | null = null): void {
    this.#emit(t, null, 'note', { type: 'note', raw: text });
  }

  /** Bytes from the host. */
  tx(chunk: Uint8Array, t: number | null = null): void {
    this.#t = t;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      const p = this.pending;
      if (p && p.expectsPrompt && (p.phase === 'prompt' || p.phase === 'data')) {
        if (b === CTRL_Z || b === ESC) {
          const payload = Buffer.from(this.#txData);
          this.#txData = [];
          const end = b === CTRL_Z ? 'ctrl-z' : 'esc';
          p.payloadText = payload.toString('utf8');
          p.phase = 'after-data';
          this.#emit(t, 'tx', 'data', { type: 'data', raw: p.payloadText, payload, end }, p.command);
          this.#hooks.dataSent?.(p, end);
        } else {
          this.#txData.push(b);
        }
        continue;
      }
      if (b === CR || b === LF) this.#flushTxLine();
      else this.#txLine.push(b);
    }
  }

  /** The engine gave up on the pending command (timeout, abort): its answer may still come. */
  abandon(): PendingCommand | null {
    const p = this.pending;
    if (p) {
      this.late = p;
      this.pending = null;
      this.#txData = [];
    }
    return p;
  }

  /** Forget a late command (the resync finished). */
  clearLate(): void {
    this.late = null;
  }

  // ---- internals ----

  #flushTxLine(): void {
    if (this.#txLine.length === 0) return;
    const raw = Buffer.from(this.#txLine).toString('utf8');
    this.#txLine = [];
    const command = raw.trim();
    if (command.length === 0) return;
    this.#startCommand(command, false);
    this.#emit(this.#t, 'tx', 'command', { type: 'command', raw, command }, command);
  }

  #startCommand(command: string, echoSeen: boolean): PendingCommand {
    if (this.pending) this.late = this.pending; // superseded before it was answered
    const profile = this.#grammar.profileFor(command);
    const expectsPrompt = profile.prompt?.(command) ?? false;
    const p: PendingCommand = {
      command,
      profile,
      expectsPrompt,
      phase: expectsPrompt ? 'prompt' : 'answer',
      echoSeen,
      lines: [],
      requireMarker: false,
      markerSeen: false,
      payloadText: '',
    };
    this.pending = p;
    this.#hooks.command?.(p);
    return p;
  }

  #emit(t: number | null, dir: 'tx' | 'rx' | null, role: Role, event: TimelineEvent, command?: string): void {
    const item: TimelineItem = { seq: this.#seq++, t, dir, role, event };
    if (command !== undefined) item.command = command;
    this.#onItem(item);
  }

  #frame(f: Frame): void {
    const t = this.#t;
    switch (f.kind) {
      case 'prompt': {
        const p = this.pending;
        if (p && p.expectsPrompt && p.phase === 'prompt') {
          p.phase = 'data';
          this.#emit(t, 'rx', 'prompt', { type: 'prompt', raw: '> ' }, p.command);
          this.#hooks.prompt?.(p);
        } else {
          this.#emit(t, 'rx', 'stray', { type: 'prompt', raw: '> ' });
        }
        return;
      }
      case 'overlong':
        this.#emit(t, 'rx', 'garbage', { type: 'overlong', raw: f.head.toString('latin1'), length: f.length, head: f.head, complete: f.complete });
        return;
      case 'block': {
        const rb = this.#grammar.rawBlock!;
        this.#emit(t, 'rx', 'urc', rb.toEvent(f.header, f.payload, f.endedBy, f.truncated));
        return;
      }
      case 'line':
        this.#line(f.text, t);
        return;
      default: {
        const never: never = f;
        throw new Error(`unhandled frame ${String(never)}`);
      }
    }
  }

  #line(text: string, t: number | null): void {
    const p = this.pending;
    // 1. echo
    if (p && !p.echoSeen && p.phase !== 'after-data' && sameCommand(text, p.command)) {
      p.echoSeen = true;
      this.echo = true;
      this.#emit(t, 'rx', 'echo', { type: 'echo', raw: text }, p.command);
      return;
    }
    if (p && p.phase === 'after-data' && this.echo !== false && p.payloadText.length > 0) {
      const bare = text.replace(/[\x1a\x1b]/g, '');
      if (bare.length > 0 && p.payloadText.includes(bare)) {
        this.#emit(t, 'rx', 'echo', { type: 'echo', raw: text }, p.command);
        return;
      }
    }
    const ev = this.#grammar.parseLine(text);
    if (this.#echoStartsCommand && (ev.type === 'unknown' || ev.type === 'info') && /^AT/i.test(cleanText(text))) {
      const cmd = cleanText(text).trim();
      if (!p || p.echoSeen || p.command !== cmd) {
        const np = this.#startCommand(cmd, true);
        this.echo = true;
        this.#emit(t, 'rx', 'echo', { type: 'echo', raw: text }, np.command);
        return;
      }
    }
    const late = this.late;
    const lateFirst = late !== null && p !== null && p.requireMarker && !p.markerSeen && !p.echoSeen;
    // 2. answer to the pending command (the late one first while a resync probe waits for its marker)
    if (lateFirst && late.profile.answer?.(text, ev)) {
      this.#emit(t, 'rx', 'late', ev, late.command);
      return;
    }
    if (p && p.profile.answer?.(text, ev)) {
      p.lines.push(ev);
      p.markerSeen = true;
      this.#emit(t, 'rx', 'answer', ev, p.command);
      return;
    }
    // 3. final result
    if (isFinal(ev)) {
      if (lateFirst) {
        this.late = null;
        this.#emit(t, 'rx', 'late', ev, late.command);
        return;
      }
      if (p) {
        this.pending = null;
        if (!p.echoSeen && this.echo === null) this.echo = false;
        this.#emit(t, 'rx', 'final', ev, p.command);
        this.#hooks.final?.(p, ev);
        return;
      }
      if (late) {
        this.late = null;
        this.#emit(t, 'rx', 'late', ev, late.command);
        return;
      }
      this.#emit(t, 'rx', 'stray', ev);
      return;
    }
    // 4. (the prompt is a frame of its own) 5. unsolicited
    if (late && !p && late.profile.answer?.(text, ev)) {
      this.#emit(t, 'rx', 'late', ev, late.command);
      return;
    }
    this.#emit(t, 'rx', 'urc', ev);
    if (ev.type === 'boot') {
      const dead = this.pending;
      this.pending = null;
      this.late = null;
      this.#txData = [];
      this.#hooks.boot?.(ev, dead);
    }
  }
}
