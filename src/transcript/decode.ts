import { AtTracker } from '../at/tracker.js';
import type { LineGrammar, PasteMistakes, TimelineItem } from '../at/types.js';
import { createRedactor, redactFreeText, type Redactor } from '../redact/redact.js';
import { StreamRedactor } from '../redact/stream-redactor.js';
import { entryText } from './import.js';
import { scannedText } from '../recording/format.js';
import type { DataEntry, TranscriptEntry } from '../recording/types.js';

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
  /**
   * Check each command the host wrote for copy-paste mistakes (e.g. `checkPastedCommand` from
   * dialects/ecmt/paste-lint.ts); a finding is attached to the command item as `paste`, its corrected
   * line masked like the command. Default: none.
   */
  checkCommand?: (command: string) => PasteMistakes | null;
}

/**
 * Transcript entries in, typed timeline out: the same tracker the engine uses, fed passively.
 * Streaming: memory does not grow with the input.
 */
/** How many bytes the spans mask. */
function maskedBytes(spans: readonly { len: number }[]): number {
  let n = 0;
  for (const x of spans) n += x.len;
  return n;
}

/** Anything beyond ASCII (a full-width character of a command pasted from a Chinese document). */
const NON_ASCII = /[^\x00-\x7f]/;

export class SessionDecoder {
  readonly #tracker: AtTracker;
  readonly #stream: StreamRedactor;
  readonly #quiet: number;
  readonly #onItem: (item: TimelineItem) => void;
  readonly #check: ((command: string) => PasteMistakes | null) | null;
  readonly #display: Redactor | null;
  #lastRxT: number | null = null;
  /** items held while an entry with notes is fed (so a note reaches its item before it is out) */
  #held: TimelineItem[] | null = null;
  /** commands masked by the paste check, for the items that name them later (final, echo) */
  readonly #remask = new Map<string, string>();

  constructor(onItem: (item: TimelineItem) => void, opts: DecoderOptions) {
    this.#quiet = (opts.quietMs ?? 100) / 1000;
    this.#onItem = onItem;
    this.#check = opts.checkCommand ?? null;
    this.#display = opts.redact === false ? null : createRedactor();
    this.#tracker = new AtTracker((item) => this.#item(item), {
      grammar: opts.grammar,
      echoStartsCommand: opts.echoStartsCommand ?? true,
      ...(opts.maxLine !== undefined ? { maxLine: opts.maxLine } : {}),
      ...(opts.maxBlock !== undefined ? { maxBlock: opts.maxBlock } : {}),
    });
    const redactor = opts.redact === false ? null : (opts.redactor ?? createRedactor());
    this.#stream = new StreamRedactor(redactor, (p) => this.#feed(p.dir, p.data, p.t), { outText: (dir, text, t) => this.#feedText(dir, text, t) });
  }

  get tracker(): AtTracker {
    return this.#tracker;
  }

  push(entry: TranscriptEntry): void {
    if (entry.dir === 'note') {
      this.#stream.flush();
      this.#tracker.endLine(); // a module line up to its CRs (released by the flush) ended before the note
      this.#tracker.note(this.#maskNote(entry.text), entry.t);
      return;
    }
    if (entry.dir === 'rx' && entry.t !== null && this.#lastRxT !== null && entry.t - this.#lastRxT > this.#quiet) {
      // a quiet time: a payload in progress has ended (a unit of its own), anything else only pauses
      if (this.#tracker.blockPending) {
        this.#stream.endUnit('rx');
        this.#tracker.quiet(this.#lastRxT);
      } else {
        this.#stream.flush('rx');
        // a module line up to its CRs (released by the flush): no LF came, it ended there
        if (this.#tracker.crPending) this.#tracker.quiet(this.#lastRxT);
      }
    }
    // quiet is measured from the module's last byte to arrive, not the last one released (a held
    // partial line must not make the next entry look like it came after a pause)
    if (entry.dir === 'rx' && entry.t !== null) this.#lastRxT = entry.t;
    if (entry.dir === 'rx' && (entry.notes !== undefined || entry.garbage !== undefined)) this.#pushMarked(entry);
    else {
      // an imported log's entry made of text stays text (no bytes decoded again); so does a
      // transcript's entry read from cat1's text shape, when that reads as its bytes
      const text = entryText(entry) ?? this.#scannedText(entry);
      if (text !== undefined) this.#stream.pushText(entry.dir, text, entry.t);
      else this.#stream.push(entry.dir, entry.data, entry.t);
    }
  }

  /**
   * The text of a transcript's entry (recording/format.ts scanEntry), when reading it as text
   * gives the items its bytes give: not while a partial line is held (the byte path decides the
   * time of a held line without time that a timed entry completes), and on the host's side only
   * one line ended by its CR (the tracker reads the rest of a line in data mode by how it was cut).
   */
  #scannedText(entry: DataEntry): string | undefined {
    if (this.#stream.holding) return undefined;
    const text = scannedText(entry);
    if (text === undefined || entry.dir === 'rx') return text;
    return text.indexOf('\r') === text.length - 1 && text.indexOf('\n') < 0 ? text : undefined;
  }

  /** An rx entry of an imported log with notes after some of its lines and runs of junk in it. */
  #pushMarked(entry: DataEntry): void {
    const marks: Array<{ at: number; end: number; note: string | null; bytes: number; diagnosis: 'power-up' | 'baud-rate' }> = [];
    for (const n of entry.notes ?? []) marks.push({ at: n.at, end: n.at, note: n.text, bytes: 0, diagnosis: 'baud-rate' });
    for (const g of entry.garbage ?? []) marks.push({ at: g.at, end: g.at + g.len, note: null, bytes: g.bytes, diagnosis: g.diagnosis });
    marks.sort((a, b) => a.at - b.at || a.end - b.end);
    const data = entry.data;
    const t = entry.t;
    this.#held ??= [];
    let pos = 0;
    let mark = this.#held.length;
    try {
      for (const m of marks) {
        if (m.at > pos) this.#stream.push('rx', data.subarray(pos, m.at), t);
        pos = Math.max(pos, m.at);
        this.#stream.flush('rx');
        this.#tracker.endLine();
        if (m.note === null) {
          this.#tracker.garbage(data.subarray(m.at, m.end), m.bytes, m.diagnosis, t);
          pos = Math.max(pos, m.end);
          mark = this.#held.length;
          continue;
        }
        // the note belongs to the module line that ends here: the last rx item since the last mark
        let target: TimelineItem | null = null;
        for (let i = this.#held.length - 1; i >= mark; i--) {
          const it = this.#held[i]!;
          if (it.dir === 'rx' && it.note === undefined) {
            target = it;
            break;
          }
        }
        const note = this.#maskNote(m.note);
        if (target) target.note = note;
        else this.#tracker.note(note, t);
        mark = this.#held.length;
      }
      if (pos < data.length) this.#stream.push('rx', data.subarray(pos), t);
    } finally {
      const held = this.#held;
      this.#held = null;
      for (const it of held) this.#onItem(it);
    }
  }

  /** A person's note may quote a command with its credentials, or an answer (`+CIMI: …`): masked by the same rules, the host's and the module's. */
  #maskNote(text: string): string {
    return this.#display ? redactFreeText(text, this.#display) : text;
  }

  #item(item: TimelineItem): void {
    if (this.#check && item.role === 'command' && item.event.type === 'command') this.#pasteCheck(item, item.event);
    else {
      if (this.#remask.size > 0) {
        if (item.command !== undefined) item.command = this.#remask.get(item.command) ?? item.command;
        // the module's echo of a command the paste check masked is that command's text: masked
        // alike, also inside a longer line (a module that ends lines with CR alone)
        const ev = item.event;
        const echoed = this.#remask.get(ev.raw);
        if (echoed !== undefined) ev.raw = echoed;
        else {
          // the echo then starts the line, up to its CR (blanks before it allowed): one lookup,
          // not a search of every masked command on every item
          const cr = ev.raw.indexOf('\r');
          const head = (cr < 0 ? ev.raw : ev.raw.slice(0, cr)).trimStart();
          const masked = head !== ev.raw ? this.#remask.get(head) : undefined;
          if (masked !== undefined) ev.raw = ev.raw.split(head).join(masked);
        }
      }
      // an echo of a command written with full-width characters (its command unseen in an
      // echo-only capture, the line is then of no known type): the rules do not read it, the
      // paste check does
      const ev = item.event;
      if (this.#check && (ev.type === 'echo' || ev.type === 'unknown') && item.dir === 'rx' && NON_ASCII.test(ev.raw)) {
        const found = this.#check(ev.raw);
        const masked = found ? this.#hidden(ev.raw, this.#display?.line(Buffer.from(found.corrected, 'utf8'), 'tx').redact ?? []) : null;
        if (masked !== null) {
          // the items after it name it as their command (its OK): masked alike
          if (this.#remask.size >= 4096) this.#remask.clear();
          this.#remask.set(ev.raw, masked);
          if (item.command === ev.raw) item.command = masked;
          ev.raw = masked;
        }
      }
    }
    if (this.#held) this.#held.push(item);
    else this.#onItem(item);
  }

  #pasteCheck(item: TimelineItem, ev: { raw: string; command: string }): void {
    const found = this.#check!(ev.command);
    if (!found) return;
    const d = this.#display;
    if (d) {
      const fixed = d.line(Buffer.from(found.corrected, 'utf8'), 'tx');
      if (fixed.redact.length > 0) {
        const masked = this.#hidden(ev.command, fixed.redact);
        found.corrected = fixed.data.toString('utf8');
        if (masked !== null) {
          if (this.#remask.size >= 4096) this.#remask.clear();
          this.#remask.set(ev.command, masked);
          ev.command = masked;
          ev.raw = masked;
          if (item.command !== undefined) item.command = masked;
        }
      }
    }
    item.paste = found;
  }

  /**
   * A line whose corrected form (the paste check's; its spans as the rules mask it) holds more secret bytes than the rules find
   * in the line as written (its mistakes, an unknown name, odd separators or quotes, full-width
   * characters, hide all or part of a value from them): the line masked from its first parameter
   * on. Null when the rules read the line as well as its corrected form, or without redaction.
   */
  #hidden(text: string, correctedSpans: readonly { len: number }[]): string | null {
    const d = this.#display;
    if (!d) return null;
    const want = maskedBytes(correctedSpans);
    if (want === 0 || maskedBytes(d.line(Buffer.from(text, 'utf8'), 'tx').redact) >= want) return null;
    const eq = text.search(/[=＝:：\s]/u);
    const from = eq < 0 ? text.length : eq + 1;
    return text.slice(0, from) + '*'.repeat(Math.max(0, text.length - from));
  }

  end(): void {
    this.#stream.end();
    this.#tracker.end();
  }

  /** Text released unchanged by the redaction (complete lines, as the importer made them): line by line to the tracker. */
  #feedText(dir: 'tx' | 'rx', text: string, t: number | null): void {
    const tracker = this.#tracker;
    const n = text.length;
    let start = 0;
    if (dir === 'tx') {
      // the host spoke: a module line up to its CRs has ended, and a payload still open (maybe opened by that line)
      tracker.endLine();
      if (tracker.blockPending) tracker.quiet();
      while (start < n) {
        const cr = text.indexOf('\r', start);
        if (cr < 0) {
          tracker.tx(Buffer.from(text.slice(start), 'utf8'), t);
          return;
        }
        tracker.txLine(text.slice(start, cr), t);
        start = cr + 1;
      }
      return;
    }
    while (start < n) {
      const lf = text.indexOf('\n', start);
      if (lf < 0) {
        tracker.rx(Buffer.from(text.slice(start), 'utf8'), t);
        return;
      }
      if (lf > start && text.charCodeAt(lf - 1) === 13) tracker.rxLine(text.slice(start, lf - 1), t);
      else tracker.rx(Buffer.from(text.slice(start, lf + 1), 'utf8'), t);
      start = lf + 1;
    }
  }

  #feed(dir: 'tx' | 'rx', data: Buffer, t: number | null): void {
    if (dir === 'tx') {
      // the host spoke: a module line up to its CRs has ended, and a payload still open (maybe opened by that line)
      this.#tracker.endLine();
      if (this.#tracker.blockPending) this.#tracker.quiet();
      this.#tracker.tx(data, t);
    } else {
      this.#tracker.rx(data, t);
    }
  }
}
