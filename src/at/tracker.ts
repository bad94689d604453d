import { Framer, type Frame } from '../framing/framer.js';
import { isFinal, type FinalEvent, type ModemEvent } from '../urc/types.js';
import { cleanText } from './profiles.js';
import type { CommandProfile, LineGrammar, Role, TimelineEvent, TimelineItem } from './types.js';

/** final results, as a line's text */
const FINAL_TEXT = /^[\0\s]*(OK|ERROR|\+CME ERROR:.*|\+CMS ERROR:.*)\s*$/;

/** Is this line's text a final result (OK, ERROR, +CME ERROR, +CMS ERROR)? */
export function isFinalText(line: string): boolean {
  return FINAL_TEXT.test(line);
}
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
  /** the data mode takes exactly this many bytes (no Ctrl-Z), from the profile's `dataLength`; null: Ctrl-Z ends it */
  dataLength: number | null;
}

export interface TrackerHooks {
  /** A command line was written (tx) or recognised from its echo. */
  command?(p: PendingCommand): void;
  final?(p: PendingCommand, ev: FinalEvent): void;
  prompt?(p: PendingCommand): void;
  /** A boot banner: the pending command (if any) will never be answered. */
  boot?(ev: ModemEvent, pending: PendingCommand | null): void;
  /** The data-mode payload was written (Ctrl-Z or ESC seen in tx, or the fixed length reached: 'none'). */
  dataSent?(p: PendingCommand, end: 'ctrl-z' | 'esc' | 'none'): void;
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

/** A command line whose UTF-8 bytes decode back to it and hold no line end. */
const PLAIN_COMMAND = /^[^\r\n\ud800-\udfff]*$/;

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
  /** the time of the module's last bytes (a line held up to its CRs ended when they came) */
  #rxT: number | null = null;
  /** bytes of the host's current command line (copies: the caller may reuse its buffers) */
  #txLine: Buffer[] = [];
  #txLineLen = 0;
  /** bytes of the data-mode payload being written */
  #txData: Buffer[] = [];
  #txDataLen = 0;
  pending: PendingCommand | null = null;
  /** a command that timed out or was superseded: its answer may still come */
  late: PendingCommand | null = null;
  /** echo state learned from the stream: null until known */
  echo: boolean | null = null;
  /** the line that ended the last raw block */
  #blockEnd: string | null = null;

  constructor(onItem: (item: TimelineItem) => void, opts: TrackerOptions) {
    this.#grammar = opts.grammar;
    this.#onItem = onItem;
    this.#hooks = opts.hooks ?? {};
    this.#echoStartsCommand = opts.echoStartsCommand ?? false;
    const rb = opts.grammar.rawBlock;
    // A final result ends a raw payload only when some command waits for one: with nothing
    // pending, "OK" inside a payload is payload. The line that ended a block is remembered.
    const rule = rb
      ? {
          headerLength: (t: string) => rb.headerLength(t),
          ...(rb.payloadLength ? { payloadLength: (h: string) => rb.payloadLength!(h) } : {}),
          isFrameStart: (t: string) => {
            const yes = rb.isFrameStart(t) && (this.pending !== null || this.late !== null || !FINAL_TEXT.test(t));
            if (yes) this.#blockEnd = t;
            return yes;
          },
        }
      : null;
    this.#framer = new Framer((f) => this.#frame(f), {
      ...(opts.maxLine !== undefined ? { maxLine: opts.maxLine } : {}),
      ...(opts.maxBlock !== undefined ? { maxBlock: opts.maxBlock } : {}),
      rule,
      onLine: (text) => this.#line(text, this.#t),
    });
  }

  get framerStats(): Framer['stats'] {
    return this.#framer.stats;
  }

  /** Bytes the framer holds right now (bounded by maxLine + maxBlock). */
  get framerBuffered(): number {
    return this.#framer.buffered;
  }

  /** True while a raw payload block waits for its end (call quiet() after a quiet time). */
  get blockPending(): boolean {
    return this.#framer.blockPending;
  }

  /**
   * True while the module's last line ends with CRs and nothing came after them (a module that
   * ends its lines with CR alone): it ended there unless an LF or a CR comes next. Call quiet()
   * after a quiet time, or before the host's bytes.
   */
  get crPending(): boolean {
    return this.#framer.crPending;
  }

  /** Bytes from the module. */
  rx(chunk: Uint8Array, t: number | null = null): void {
    if (chunk.length > 0) this.#crLineEnds(chunk[0]!);
    this.#t = t;
    this.#rxT = t;
    this.#framer.feed(chunk);
  }

  /**
   * The module's next byte is `next`: a line held up to its CRs that neither an LF nor a CR
   * continues ended with the bytes before, and has their time (not the time of what follows it).
   */
  #crLineEnds(next: number): void {
    if (next !== LF && next !== CR) this.endLine();
  }

  /**
   * The module's line held up to its CRs (`crPending`) ended there: something else came before
   * any more of its bytes (the host's bytes, an annotation, a run of junk), and its items come
   * first, with the time of its bytes. Nothing when no such line is held; a raw payload stays
   * open (the caller ends that with quiet()).
   */
  endLine(): void {
    if (!this.#framer.crPending) return;
    this.#t = this.#rxT;
    this.#framer.endLine();
  }

  /**
   * A complete line from the module, as text (the caller has it: an imported log): the same as
   * `rx(<its UTF-8 bytes> + CRLF, t)`, read by the same framer and grammar without the bytes.
   */
  rxLine(text: string, t: number | null = null): void {
    this.#crLineEnds(text.length > 0 ? text.charCodeAt(0) : CR);
    this.#t = t;
    this.#rxT = t;
    this.#framer.feedLine(text);
  }

  /**
   * A line the host wrote, as text, then CR: the same as `tx(<its UTF-8 bytes> + CR, t)`. A
   * command line in the ordinary phase is read at once; anything else (a data-mode payload, a
   * line with a CR or LF in it, a partial line before it) takes the byte path.
   */
  txLine(text: string, t: number | null = null): void {
    this.endLine(); // the host spoke: a module line held up to its CRs ended before
    const p = this.pending;
    if (this.#txLineLen > 0 || (p && p.expectsPrompt && (p.phase === 'prompt' || p.phase === 'data' || (p.phase === 'after-data' && p.dataLength !== null))) || !PLAIN_COMMAND.test(text)) {
      this.tx(Buffer.from(`${text}\r`, 'utf8'), t);
      return;
    }
    this.#t = t;
    if (text.length > 0) this.#command(text);
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

  /** A run of junk bytes that a pasted log showed between its lines (never fed to the framer). */
  garbage(bytes: Buffer, length: number, diagnosis: 'power-up' | 'baud-rate', t: number | null = null): void {
    const raw = bytes.subarray(0, 8).toString('hex').replace(/(..)(?!$)/g, '$1 ') + (bytes.length > 8 ? ' …' : '');
    this.#emit(t, 'rx', 'garbage', { type: 'garbage', raw, length, diagnosis });
  }

  /** Bytes from the host. */
  tx(chunk: Uint8Array, t: number | null = null): void {
    this.endLine(); // the host spoke: a module line held up to its CRs ended before
    this.#t = t;
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const len = buf.length;
    // Byte by byte, the pending command's phase decides where a byte goes; it only changes at a
    // line end or a payload end, so the bytes between those are taken in runs. The next
    // position of each special byte is searched again only once passed (linear in the chunk):
    // -2 not searched yet, -1 none left.
    let cr = -2;
    let lf = -2;
    let sub = -2;
    let esc = -2;
    let i = 0;
    while (i < len) {
      const p = this.pending;
      if (p && p.expectsPrompt && p.dataLength !== null && p.phase !== 'answer') {
        if (p.phase === 'after-data') {
          // the module took its count: more bytes before its answer are not payload
          const rest = buf.subarray(i, len);
          this.#emit(t, 'tx', 'data', { type: 'data', raw: rest.toString('utf8'), payload: Buffer.from(rest), end: 'excess' }, p.command);
          return;
        }
        // a fixed-length payload: exactly dataLength bytes, Ctrl-Z and ESC included
        const take = Math.min(p.dataLength - this.#txDataLen, len - i);
        this.#txData.push(Buffer.from(buf.subarray(i, i + take)));
        this.#txDataLen += take;
        i += take;
        if (this.#txDataLen < p.dataLength) return;
        const payload = Buffer.concat(this.#txData);
        this.#txData = [];
        this.#txDataLen = 0;
        p.payloadText = payload.toString('utf8');
        p.phase = 'after-data';
        this.#emit(t, 'tx', 'data', { type: 'data', raw: p.payloadText, payload, end: 'none' }, p.command);
        this.#hooks.dataSent?.(p, 'none');
        continue;
      }
      if (p && p.expectsPrompt && (p.phase === 'prompt' || p.phase === 'data')) {
        if (sub === -2 || (sub >= 0 && sub < i)) sub = buf.indexOf(CTRL_Z, i);
        if (esc === -2 || (esc >= 0 && esc < i)) esc = buf.indexOf(ESC, i);
        const end = sub < 0 ? esc : esc < 0 || sub < esc ? sub : esc;
        if (end < 0) {
          this.#txData.push(Buffer.from(buf.subarray(i, len)));
          return;
        }
        const parts = this.#txData;
        this.#txData = [];
        if (end > i) parts.push(buf.subarray(i, end));
        const payload = Buffer.concat(parts);
        const b = buf[end]!;
        i = end + 1;
        const how = b === CTRL_Z ? 'ctrl-z' : 'esc';
        p.payloadText = payload.toString('utf8');
        p.phase = 'after-data';
        this.#emit(t, 'tx', 'data', { type: 'data', raw: p.payloadText, payload, end: how }, p.command);
        this.#hooks.dataSent?.(p, how);
        continue;
      }
      if (cr === -2 || (cr >= 0 && cr < i)) cr = buf.indexOf(CR, i);
      if (lf === -2 || (lf >= 0 && lf < i)) lf = buf.indexOf(LF, i);
      const end = cr < 0 ? lf : lf < 0 || cr < lf ? cr : lf;
      if (end < 0) {
        this.#txLine.push(Buffer.from(buf.subarray(i, len)));
        this.#txLineLen += len - i;
        return;
      }
      if (this.#txLineLen === 0) {
        if (end > i) this.#command(buf.toString(undefined, i, end));
      } else {
        if (end > i) this.#txLine.push(buf.subarray(i, end));
        this.#flushTxLine();
      }
      i = end + 1;
    }
  }

  /**
   * The host wrote `command` followed by CR, as `bytes`: the same as `tx(bytes, t)`, without
   * decoding text the caller already has (the engine's own command writes).
   */
  txCommand(command: string, bytes: Buffer, t: number | null = null): void {
    this.endLine(); // the host spoke: a module line held up to its CRs ended before
    const p = this.pending;
    if (this.#txLineLen > 0 || (p && p.expectsPrompt && (p.phase === 'prompt' || p.phase === 'data' || (p.phase === 'after-data' && p.dataLength !== null))) || !PLAIN_COMMAND.test(command)) {
      this.tx(bytes, t);
      return;
    }
    this.#t = t;
    this.#command(command);
  }

  /**
   * A payload ended by the final result of a pending command may have swallowed that command's
   * answer (a bare line like ATI's is no known frame start): when every line after the
   * payload's last empty line is an answer of the pending command, they are split off.
   */
  #trailingAnswer(payload: Buffer): { payload: Buffer; answer: string[] } | null {
    const p = this.pending;
    const answer = p?.profile.answer;
    if (!p || !answer) return null;
    const s = payload.toString('latin1');
    const sep = Math.max(s.lastIndexOf('\r\n\r\n'), s.lastIndexOf('\n\n'));
    if (sep < 0) return null;
    const start = s.indexOf('\n', s.indexOf('\n', sep) + 1) + 1;
    const lines = payload.subarray(start).toString('utf8').split(/\r?\n/).map((l) => l.replace(/\r+$/, ''));
    if (lines.length === 0 || lines.some((l) => l.length === 0 || !answer(l, this.#grammar.parseLine(l)))) return null;
    return { payload: payload.subarray(0, sep), answer: lines };
  }

  /** The engine gave up on the pending command (timeout, abort): its answer may still come. */
  abandon(): PendingCommand | null {
    const p = this.pending;
    if (p) {
      this.late = p;
      this.pending = null;
      this.#txData = [];
      this.#txDataLen = 0;
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
    const parts = this.#txLine;
    this.#txLine = [];
    this.#txLineLen = 0;
    const raw = parts.length === 1 ? parts[0]!.toString('utf8') : Buffer.concat(parts).toString('utf8');
    this.#command(raw);
  }

  /** A complete command line the host wrote (terminator removed). */
  #command(raw: string): void {
    const command = raw.trim();
    if (command.length === 0) return;
    this.#startCommand(command, false);
    this.#emit(this.#t, 'tx', 'command', { type: 'command', raw, command }, command);
  }

  #startCommand(command: string, echoSeen: boolean): PendingCommand {
    if (this.pending) this.late = this.pending; // superseded before it was answered
    this.#txData = [];
    this.#txDataLen = 0;
    const profile = this.#grammar.profileFor(command);
    const expectsPrompt = profile.prompt?.(command) ?? false;
    const dataLength = expectsPrompt ? (profile.dataLength?.(command) ?? null) : null;
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
      dataLength,
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
        const ended = this.#blockEnd;
        this.#blockEnd = null;
        const split = ended !== null && f.endedBy === 'frame' && !f.truncated && FINAL_TEXT.test(ended) ? this.#trailingAnswer(f.payload) : null;
        const ev = rb.toEvent(f.header, split ? split.payload : f.payload, f.endedBy, f.truncated);
        // a split is a guess: any message event (every dialect's carries `boundary`) says so
        if (split && 'boundary' in ev) ev.boundary = 'inferred';
        this.#emit(t, 'rx', 'urc', ev);
        // lines after the payload's last empty line that answer the command waiting for this final
        if (split) for (const line of split.answer) this.#line(line, t);
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
      this.echo = null; // the restarted module has its power-up echo setting: learn it again
      this.#txData = [];
      this.#txDataLen = 0;
      this.#hooks.boot?.(ev, dead);
    }
  }
}
