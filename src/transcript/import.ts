/**
 * Import of text logs pasted from serial terminals (SSCOM, XCOM, PuTTY/minicom captures, the VS
 * Code serial monitor, Arduino/PlatformIO monitors, printf logs from an MCU, copy-paste from a
 * chat) into transcript entries, so the same decoder runs on them.
 *
 * Streaming: feed one line at a time to `TextLogImporter.push()`; memory stays bounded by one open
 * entry (≤ 64 KiB, longer runs are split) plus, until the first timestamp is seen, at most 1024
 * held entries. Every step is linear in the line length; nothing here throws on input.
 *
 * ## Rules
 *
 * **Line prefix.** At the start of a line the importer recognises a timestamp and a direction
 * marker, in either order, with any whitespace between them, plus an optional `[HEX]` tag. Only
 * that prefix and ONE separating space or tab after it are removed; everything else, including
 * leading spaces of lines without a prefix, is payload and kept byte for byte.
 *
 * **Timestamps.** Bracketed `[…]` or bare at column 0 (a bare one must be followed by whitespace,
 * `[`, a marker or the end of the line):
 * - time of day `12:34:56`, `12:34:56.789`, `12:34:56,789`, `12:34:56:789` (SSCOM),
 *   `12_34_56_789`, 1–9 fraction digits;
 * - date and time `2024-05-01 12:34:56.789`, `2024/05/01 12:34:56`, `2024-05-01T12:34:56.789Z`
 *   (a zone suffix `Z`/`+08:00` is accepted and ignored: only differences matter);
 * - relative seconds, bracketed only and with ≥ 3 decimals: `[   12.345]`, `[    0.000123]`.
 * `t` = seconds since the first timestamp of the log. Time only: a step back of more than 12 h is
 * a midnight wrap (+24 h). Any other step back is clamped (the line keeps the previous `t`, later
 * lines continue from there) with a warning. A switch between relative and clock stamps is
 * treated like a step back. Lines without a stamp take the previous line's time. Entries completed
 * before the first timestamp are held and get `t = 0` once it arrives (beyond 1024 held entries
 * they are released with `t: null` and a warning). A log without any timestamp: `t: null`
 * everywhere.
 *
 * **Direction markers.** tx (host → module): `→` `->` `-->` `>>` `>>>` `TX:` `[TX]` `SEND:` `[SEND]`
 * `SENT:` `SND:` `发→◇` `发→` `[发送]` `发送:`; rx (module → host): `←` `<-` `<--` `<<` `<<<` `RX:` `[RX]`
 * `RECV:` `[RECV]` `RCV:` `RCVD:` `RECEIVED:` `收←◆` `收←` `[接收]` `接收:`. Words are
 * case-insensitive (`Tx:`), a full-width colon is accepted, `[TX]:` too. SSCOM markers saved in
 * GBK and read as Latin-1 (`·¢¡ú¡ó`, `ÊÕ¡û¡ô`) are understood. Exception: a BARE time stamp
 * followed by ` -> ` is the Arduino IDE / PlatformIO monitor layout (`12:34:56.789 -> OK`), which
 * prints it before every RECEIVED line: that arrow is a separator and the line is classified by
 * its content. A single `>` or `<` is not a marker (`>` is the module's data prompt), and a word
 * needs its colon or brackets (`SEND OK` is module output, `TX AT` is not recognised).
 *
 * **Lines without a marker** are classified by content: with `atIsTx` (default) a line starting
 * with an AT command (`AT` case-insensitive followed by end, `+ & ? = ^ $ % * # \`, or a basic
 * command such as `ATE0`, `ATI`, `ATS0=1`, `ATD*99#` — not `Attributes`) is tx; `>` alone is the
 * data prompt (rx `> `, no CRLF); everything else is rx. Exceptions, in this order:
 * 1. After an explicitly marked rx line (SSCOM prints `收←◆` once per received chunk), following
 *    unmarked lines belong to that chunk — an AT line too if the log also marks tx lines (it can
 *    only be the module's echo then). While such a chunk or a +ECMTRECV payload is open, a marker
 *    without a time stamp is payload when every marked line so far had one.
 * 2. After a tx line: SSCOM prints the sent line end as `□` (on the line or alone on the next
 *    line): it makes that tx end in `\r\n` instead of `\r`. Other lines are classified by content
 *    (terminals print each send on one line, and logs that mark only sends print the module's
 *    answer unmarked). A multi-line send outside data mode is therefore not recognised.
 * 3. After a `>` prompt, the next tx line that is not an AT command is the data-mode payload; in
 *    a log without markers the unmarked lines after the prompt are that payload until a line that
 *    looks like module output (`OK`, `ERROR`, `+XXX:`, an empty line…). A visible Ctrl-Z/ESC
 *    notation at its end (`^Z`, `<Ctrl+Z>`, `\x1A`, `<ESC>`…) becomes the byte; without one a
 *    Ctrl-Z is assumed (ECMT data mode ends with it) and a warning says so. Payload lines are
 *    joined with `\r\n`. A `> text` line right after a command is the prompt plus that payload
 *    (unless `text` is itself an AT command: then the whole line is rx text).
 *
 * **Bytes.** tx line → `<line>\r` (`\r\n` with SSCOM's `□`); VS Code's `---- Sent utf8 encoded
 * message: "AT\r\n" ----` → exactly the quoted bytes. rx line → `<line>\r\n`; an explicit rx
 * marker with nothing after it (`收←◆` then a line break) stands for the chunk's leading `\r\n`.
 * Consecutive rx lines merge into one entry unless a line carries a different time stamp or an
 * explicit marker (and an entry is split at 64 KiB, bytes staying contiguous). Empty lines are `\r\n`, except ONE trailing empty line at the end of a chunk
 * opened by an explicit rx marker, which is the terminal's own line break before its next marker
 * (SSCOM prints one). An empty line right after a tx line opens an rx entry (the module's leading
 * CRLF). Each tx line is its own entry.
 *
 * **SSCOM's received chunks.** What this relies on, an ASSUMPTION read from published SSCOM
 * captures (AT sessions in module vendors' application notes and in projects' comments), not
 * from SSCOM's documentation: with time stamps on, SSCOM prints each chunk the port delivered
 * (cut by its packet timeout) as `[time]收←◆` + the chunk's bytes, and after it a line break of
 * its own before the next marker. A chunk whose data ended with CR LF therefore shows an empty
 * line after its last line; one whose data ended elsewhere shows none — seen in those captures
 * for an answer cut after `+BLEMAC` whose next chunk starts with the CR LF, for a `+++` echo and
 * for the `>` prompt. So in a log that shows this convention, an SSCOM chunk (`收←◆`, or its
 * GBK bytes read as Latin-1) that ends with a text line and is followed by the next SSCOM
 * received chunk ended WITHOUT a line end: its last line goes on in the next chunk's first line
 * (no CR LF between them; a next chunk that begins with the bare marker brings its CR LF).
 * The two chunks stay two entries, each with its own time (the bytes are contiguous; the
 * decoder gives a line the time of its first byte, so the whole line has the first chunk's
 * time). Not continued: a chunk followed by a send (the host spoke: its line ends there), by
 * anything that is not an SSCOM rx marker (other terminals' markers such as `[RX]`, `RX:` or
 * `收←` show no such convention), or by the end of the log; a chunk whose last line is the
 * prompt, hex bytes, junk or carries a person's note. The evidence, counted over the first 16
 * SSCOM chunks that end with a line of text or an empty line: E chunks end with the empty line
 * (one at the very end of the log counts), Ts end with a text line before a send and Tr before
 * the next received chunk (one at the very end says nothing: pastes are trimmed). The log
 * shows the convention when E ≥ 1 and 2·E ≥ 2·Ts + Tr (a line cut in three leaves two Tr and
 * one E; in a log of a terminal without that line break nearly every chunk is a T). Until the
 * 16 are seen, output from the first chunk that may continue on is held (at most 1024 entries,
 * then the chunks counted so far decide; at the end of the log, all of them). A log that does
 * not show it (its empty lines removed by a paste) keeps the CR LF after every chunk, as
 * before, and one warning says that a line split across two chunks reads as two lines there —
 * except where pieces of one line, as one line, have more masked by the redaction rules
 * (context-free: no command known) than cut apart (`+ECMT` | `CFG: "aliauth",…`, an IMSI cut in
 * two, `IC` | `CID: 8986001234` | `5678901234`): those are joined (the chunks that a next one
 * follows are held until the run of them ends, and judged by windows of up to 5 pieces:
 * #flushRun), so that whether a secret is masked does not depend on a paste's empty lines.
 *
 * **Notes after module lines** (paste.ts has the rule and its limits): a final result or a URC
 * whose grammar is known loses what a person wrote after it (`+ECMTCONN: 0,0,5  ← 认证失败`);
 * the rx entry keeps the module's text and lists the note in `notes` (byte offset of the line's
 * end), which the decoder attaches to the item of that line. Never in a dialect's message line
 * (+ECMTRECV, +QMTRECV), nor in an open payload's lines unless one starts a known `+…:` URC.
 *
 * **Comments** on a tx line, after balanced double quotes,
 * `→`/`←` after ≥ 1 space, `->`/`=>`/`<-`/`//`/`# ` after ≥ 2 spaces, or a trailing `(…)` group
 * after ≥ 2 spaces start a comment (`AT+ECMTOPEN=0,"host",1883            → +ECMTOPEN: 0,0`): the
 * command keeps the part before the spaces, and the comment becomes a NoteEntry right after the
 * tx entry (it is the author's expectation, not module output). Whole lines starting with `//`
 * or `# ` become notes too, except inside an explicit rx chunk or a +ECMTRECV payload.
 *
 * **Garbage** never throws. Junk that a line starts with before text that reads as AT traffic
 * (`ÿÿ\0RDY`), and lines that are mostly junk, become garbage spans of the rx entry (`garbage`:
 * offset, length, junk bytes, diagnosis `power-up` before the first AT line or right before a
 * boot banner, else `baud-rate`); consecutive junk lines are one span; one warning per run.
 * Other lines with a few control characters or U+FFFD are kept as they are, with a warning
 * naming the line; warnings stop being listed after 1000.
 *
 * **Pasted forms.** ANSI colour codes are removed from every line. Line numbers and editor
 * gutters (`1  AT`, `   1: AT`, `12| …`, `  7 │ …`) are detected from the first (up to 3)
 * non-empty lines — held back until then — and removed from every line of that shape. Lines as
 * cat1 itself prints them (decode, monitor with its wall clock, at: `   0.125  →  AT`,
 * `       -  ←  OK   meaning`) are read as the log they show: the `t` column is a relative stamp,
 * the arrow the direction, cat1's explanations, findings and summary are dropped (recomputed).
 * A line end is CRLF, LF or a lone CR (see log-lines.ts for files).
 *
 * **Terminal noise** becomes a NoteEntry, never module output: port open/close banners (`Open
 * port COM3…`, `打开串口…`, VS Code `---- … ----`, minicom, PuTTY `=~=~=`, miniterm/PlatformIO `--- … ---`) and
 * separator lines (`----`, `====`). A tx marker with nothing after it (`[SEND]`) is dropped with a
 * warning.
 *
 * **Hex mode.** A line of space-separated byte pairs (`41 54 0D 0A`) is decoded to exactly those
 * bytes (no CR/CRLF added) when it carries `[HEX]`, or when the log is in hex mode: the first data
 * line of the log was such a line with ≥ 2 pairs. A text data line in such a log ends hex mode
 * (warning; that line and later ones are text). Everywhere else hex-looking lines are text.
 */
import { CatError, oneLine } from '../util/errors.js';
import type { DataEntry, EntryNote, GarbageSpan, NoteEntry, TranscriptEntry } from '../recording/types.js';
import { isKnownFrameStart, messageAt } from '../dialects/classify.js';
import { createRedactor, type Redactor } from '../redact/redact.js';
import { cat1RxText, knownFrameType, detectGutter, garbageByteCount, garbageBytes, isAtShaped, numberPrefix, parseCat1Line, splitGarbage, splitModuleNote, stripAnsi, stripGutter, unvisible, type Gutter } from './paste.js';
import { hexPairs, isAllBlank, isAtCommandLine, isModuleFrame, isPromptLine } from './line-shape.js';
import { parsePrefix, US_PER_S, type Dir, type Stamp } from './import-prefix.js';
import { endControl, isBanner, isCommentLine, isSquareLine, nonTextChars, splitTxComment, stripSquare, vscodeSent } from './import-content.js';

export interface ImportOptions {
  /** Assume lines without a direction marker starting with an AT command are tx (host → module). Default true. */
  atIsTx?: boolean;
}

export interface ImportWarning {
  /** 1-based line number in the log. */
  line: number;
  message: string;
}

const US_PER_DAY = 86_400 * US_PER_S;
const HALF_DAY_US = US_PER_DAY / 2;
/** Longest open entry before it is split (bytes). */
const MAX_ENTRY = 64 * 1024;
/** Entries held back while no timestamp has been seen yet. */
const MAX_HELD = 1024;
const MAX_WARNINGS = 1000;
/** SSCOM chunks closed by a marker that decide whether the log shows SSCOM's empty line after each one. */
const SSCOM_WINDOW = 16;
/** Chunks of a log without SSCOM's empty lines judged together at most (a line cut into more pieces is judged in parts). */
const MAX_RUN = 32;
/** Pieces of one line judged together at most (a line cut into more is judged by windows of this many). */
const MAX_PIECES = 5;

const CRLF = Buffer.from('\r\n');

const wellFormed: (s: string) => boolean =
  typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === 'function'
    ? (s) => (s as unknown as { isWellFormed(): boolean }).isWellFormed()
    : (s) => !/[\ud800-\udfff]/.test(s);

/**
 * An entry the importer made from text alone (its `data` is the text's UTF-8 bytes): it keeps
 * the text, privately, so the decoder reads it as lines without decoding the bytes again (text
 * logs stay text). Its own properties are those of any data entry.
 */
class TextEntry implements DataEntry {
  t: number | null;
  dir: 'tx' | 'rx';
  data: Buffer;
  declare notes?: EntryNote[];
  declare garbage?: GarbageSpan[];
  readonly #text: string | undefined;

  constructor(t: number | null, dir: 'tx' | 'rx', text: string) {
    this.t = t;
    this.dir = dir;
    this.data = Buffer.from(text, 'utf8');
    // a lone surrogate has no UTF-8 form: its bytes read back as U+FFFD, not as this text
    this.#text = wellFormed(text) ? text : undefined;
  }

  static textOf(e: TranscriptEntry): string | undefined {
    return #text in e ? e.#text : undefined;
  }
}

/**
 * A TextEntry whose bytes are made only when `data` is read: for a reader that takes the text
 * (the decoder reads most entries of a text log that way, and their bytes were never needed).
 * `data` is an accessor of the class, not an own property (a spread or JSON.stringify of the
 * entry does not see it): only the decoder's input asks for these (see lazyTextEntries).
 */
class LazyTextEntry implements DataEntry {
  t: number | null;
  dir: 'tx' | 'rx';
  declare notes?: EntryNote[];
  declare garbage?: GarbageSpan[];
  #text: string;
  #data: Buffer | null = null;
  readonly #wellFormed: boolean;
  /** `data` was given other bytes: the text no longer says what they are */
  #replaced = false;

  constructor(t: number | null, dir: 'tx' | 'rx', text: string) {
    this.t = t;
    this.dir = dir;
    this.#text = text;
    this.#wellFormed = wellFormed(text);
  }

  get data(): Buffer {
    return (this.#data ??= Buffer.from(this.#text, 'utf8'));
  }

  set data(b: Buffer) {
    this.#data = b;
    this.#text = '';
    this.#replaced = true;
  }

  static textOf(e: TranscriptEntry): string | undefined {
    return #text in e && e.#wellFormed && !e.#replaced ? e.#text : undefined;
  }
}

/** The text of an imported entry whose bytes are exactly its UTF-8 encoding, when the importer has it. */
export function entryText(entry: TranscriptEntry): string | undefined {
  return entry instanceof LazyTextEntry ? LazyTextEntry.textOf(entry) : TextEntry.textOf(entry);
}

let makeLazy: (imp: TextLogImporter) => void = () => undefined;

/**
 * From now on this importer's text entries make their bytes only when `data` is read (an
 * accessor, not an own property): for a reader that takes their text with entryText.
 */
export function lazyTextEntries(imp: TextLogImporter): void {
  makeLazy(imp);
}

/**
 * Whether the line holds a character that splitGarbage or nonTextChars looks for: a control
 * character (TAB, Ctrl-Z and ESC included: a superset), DEL, a C1 control or U+FFFD. A prefix
 * (stamp, marker, tag, blanks) is part of the line: a line without one has none in its rest.
 */
function hasNonText(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0xfffd) return true;
  }
  return false;
}

/** UTF-8 length of a string (its length when it is ASCII). */
function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

// ---------------------------------------------------------------------------------------------
// The importer

interface OpenRx {
  dir: 'rx';
  t: number | null;
  /** opened by an explicit rx marker: unmarked lines continue it */
  explicit: boolean;
  /** opened by SSCOM's own rx marker (`收←◆`): a received chunk as SSCOM prints it */
  sscom: boolean;
  /**
   * what the last line of the entry was: a text line (its `\r\n` added by the importer), an
   * empty line, anything else (the prompt, hex bytes, junk, a line with a note), or nothing yet
   */
  last: 'text' | 'blank' | 'other' | null;
  /** the last text line (without the `\r\n` added after it) */
  lastLine: string;
  /** text lines in the entry (a chunk of one text line may carry a line on from the chunk before) */
  textLines: number;
  /** the time stamp (µs) of the line that opened it, for the merge rule */
  stampUs: number | null;
  /** bytes of the entry before `text`, once a part that is not text (junk, hex) came */
  parts: Buffer[];
  /** the entry's text after `parts` (all of it while no binary part came) */
  text: string;
  /** byte length of the entry: parts and the UTF-8 of text */
  size: number;
  blanks: number;
  notes: EntryNote[];
  garbage: GarbageSpan[];
}

interface OpenTx {
  dir: 'tx';
  t: number | null;
  line: number;
  /** exact bytes (hex line, VS Code) — no terminator added */
  raw: Buffer | null;
  lines: string[];
  size: number;
  crlf: boolean;
  dataMode: boolean;
  /** terminating control byte written in the log (Ctrl-Z / ESC) */
  control: number | null;
  notes: NoteEntry[];
}

type Open = OpenRx | OpenTx;

/**
 * An SSCOM chunk that ended with a text line and was followed by the next received chunk, while
 * it is not yet known whether the log shows SSCOM's empty line after each chunk: whether that
 * line ended in the data (its `\r\n`) or continues in the next chunk is decided later.
 */
class PendingChunk {
  constructor(
    readonly rx: OpenRx,
    /** the next chunk's first line */
    readonly next: string,
    /** the log's line where the chunk ended (a warning names it) */
    readonly line: number,
  ) {}
}

export class TextLogImporter {
  readonly #atIsTx: boolean;
  readonly #warnings: ImportWarning[] = [];
  #warningsDropped = 0;
  #lineNo = 0;
  /** the first lines, held until it is known whether they carry a line-number gutter (null: decided) */
  #probe: string[] | null = [];
  #gutter: Gutter | null = null;
  /** a line of AT traffic was seen (garbage before it is power-up noise) */
  #seenAt = false;
  /** the line before was garbage (one warning per run) */
  #inGarbage = false;
  /** cat1's own text output was recognised; its summary block follows the timeline */
  #cat1 = false;
  #cat1Summary = false;
  #open: Open | null = null;
  #out: TranscriptEntry[] = [];
  #held: TranscriptEntry[] = [];
  #heldOverflow = false;
  /** text entries make their bytes when read (lazyTextEntries) */
  #lazy = false;

  // SSCOM's chunks (see "SSCOM's received chunks" in the header comment)
  /** SSCOM chunks ending with the empty line; ending with a text line before a send, before the next received chunk */
  #sscomBlank = 0;
  #sscomTextTx = 0;
  #sscomTextRx = 0;
  /** whether the log shows SSCOM's empty line after each chunk (null: not decided yet) */
  #sscomBreaks: boolean | null = null;
  /** output held from the first undecided chunk on, until it is decided (null: nothing held) */
  #undecided: Array<TranscriptEntry | PendingChunk> | null = null;
  #sscomWarned = false;
  /** the redaction rules, for a chunk's line and the next chunk's first line in a log that does not show SSCOM's empty lines */
  #guard: Redactor | null = null;
  /**
   * In a log that does not show SSCOM's empty lines: the chunks ending with a text line that the
   * next received chunk follows, held until the run of them ends, so that a line cut into three
   * chunks or more is judged whole (#flushRun)
   */
  #run: PendingChunk[] = [];

  static {
    makeLazy = (imp) => {
      imp.#lazy = true;
    };
  }

  // time
  #hasTimes = false;
  #clock: { rel: boolean; origin: number; day: number; dayKnown: boolean; last: number } | null = null;
  #lastUs = 0;

  // log style, learned as lines arrive
  #txMarkers = false;
  /** every line with a prefix had a time stamp (null: no prefixed line yet) */
  #prefixedAllStamped: boolean | null = null;
  /** hex mode: inferred from the first data line ('on'), or off; `[HEX]` tags work in any mode */
  #hex: 'unknown' | 'on' | 'off' = 'unknown';

  // protocol context
  #afterPrompt = false;
  #inRecvPayload = false;
  #lastDir: Dir | null = null;
  #rxSinceTx = 0;

  constructor(opts?: ImportOptions) {
    const v: unknown = (opts ?? {}).atIsTx;
    if (v !== undefined && typeof v !== 'boolean') {
      // Options are validated once at the boundary; a wrong type here is a programming error.
      throw new CatError('ERR_INVALID_OPTION', 'import option "atIsTx" must be true or false', { context: { option: 'atIsTx' } });
    }
    this.#atIsTx = v ?? true;
  }

  get warnings(): ImportWarning[] {
    return this.#warnings;
  }

  /** true once any line had a timestamp */
  get hasTimes(): boolean {
    return this.#hasTimes;
  }

  /** Feed one line of the log (without its line terminator). Returns the entries completed so far. */
  push(line: string): TranscriptEntry[] {
    this.#accept(typeof line === 'string' ? line : String(line));
    return this.#take();
  }

  /** Like push, the entries completed so far go to `sink` (no array per line). */
  feed(line: string, sink: (e: TranscriptEntry) => void): void {
    this.#accept(typeof line === 'string' ? line : String(line));
    const out = this.#out;
    if (out.length === 0) return;
    this.#out = [];
    for (let i = 0; i < out.length; i++) sink(out[i]!);
  }

  #accept(l: string): void {
    const probe = this.#probe;
    if (probe !== null) {
      // hold the first lines while they all carry a number: they may be an editor's gutter
      probe.push(l);
      const first = probe.length === 1 && l.charCodeAt(0) === 0xfeff ? l.slice(1) : l;
      const numbered = first.trim().length === 0 || numberPrefix(first) !== null;
      const filled = probe.filter((x) => x.trim().length > 0).length >= 3 || probe.length >= 16;
      if (numbered && !filled) return;
      this.#release();
      return;
    }
    this.#one(l);
  }

  /** Decide on the gutter from the held lines, then import them. */
  #release(): void {
    const probe = this.#probe;
    if (probe === null) return;
    this.#probe = null;
    const first = probe.map((x, i) => (i === 0 && x.charCodeAt(0) === 0xfeff ? x.slice(1) : x));
    this.#gutter = detectGutter(first.map(stripAnsi));
    for (const x of probe) this.#one(x);
  }

  #one(line: string): void {
    this.#lineNo++;
    try {
      this.#line(line);
    } catch (err) {
      // Never throw on input: report and go on with the next line.
      this.#open = null;
      this.#warn(`internal error while importing this line, skipped: ${oneLine(err)}`);
    }
  }

  /** End of input: returns the remaining entries. */
  end(): TranscriptEntry[] {
    try {
      this.#release();
      const o = this.#open;
      if (o !== null && o.dir === 'rx' && o.sscom) this.#countChunk(o, null);
      this.#close();
      this.#decideSscom();
      this.#flushRun();
      for (const e of this.#held) this.#out.push(e);
      this.#held = [];
    } catch (err) {
      this.#warn(`internal error at the end of the log: ${oneLine(err)}`);
    }
    return this.#take();
  }

  #take(): TranscriptEntry[] {
    const out = this.#out;
    this.#out = [];
    return out;
  }

  #warn(message: string, line = this.#lineNo): void {
    if (this.#warnings.length < MAX_WARNINGS) {
      this.#warnings.push({ line, message });
      return;
    }
    this.#warningsDropped++;
    if (this.#warningsDropped === 1) this.#warnings.push({ line, message: `more than ${MAX_WARNINGS} warnings; the rest are not listed` });
  }

  // ----- one line -----

  #line(input: string): void {
    let s = input;
    if (this.#lineNo === 1 && s.charCodeAt(0) === 0xfeff) s = s.slice(1);
    let e = s.length;
    while (e > 0 && (s.charCodeAt(e - 1) === 13 || s.charCodeAt(e - 1) === 10)) e--;
    if (e !== s.length) s = s.slice(0, e);
    s = stripAnsi(s);
    if (this.#gutter) s = stripGutter(s, this.#gutter);
    if (this.#cat1Line(s)) return;

    let p = parsePrefix(s);
    let stampUs: number | null = null;
    let stamped = false;
    // a line of text characters only (most lines) has no junk to split off or count
    const dirty = hasNonText(s);
    const g = dirty ? splitGarbage(p.rest) : null;
    if (g) {
      if (!this.#inGarbage) this.#warn(`${garbageByteCount(g.garbage)} bytes of binary junk (control or undecodable characters): a garbage item (power-up noise or a wrong baud rate?)`);
      this.#inGarbage = true;
      if (p.stamp) {
        stampUs = this.#time(p.stamp);
        stamped = true;
      }
      this.#addGarbage(g.garbage, g.text, this.#hasTimes ? this.#lastUs / US_PER_S : null, stampUs);
      if (g.text.length === 0) return;
      p = { ...p, rest: g.text };
      if (!p.headed) s = g.text;
    } else {
      this.#inGarbage = false;
      const junk = dirty ? nonTextChars(s) : 0;
      if (junk > 0) this.#warn(`${junk} control or undecodable character${junk === 1 ? '' : 's'} in this line (binary data or a wrong text encoding?); kept as they are`);
    }
    if (!this.#seenAt && isAtShaped(p.rest)) this.#seenAt = true;
    // Inside a received chunk or a +ECMTRECV payload, in a log whose prefixes always carry a time,
    // a marker without one is payload text.
    if (p.headed && !p.stamp && this.#prefixedAllStamped === true && this.#inChunk()) {
      p = { stamp: null, dir: null, hex: false, headed: false, sscom: false, rest: s };
    }
    if (p.headed) this.#prefixedAllStamped = (this.#prefixedAllStamped ?? true) && p.stamp !== null;

    if (p.stamp && !stamped) stampUs = this.#time(p.stamp);
    const t = this.#hasTimes ? this.#lastUs / US_PER_S : null;

    if (p.dir) this.#explicit(p.dir, p.rest, t, stampUs, p.hex, p.sscom);
    else if (p.headed) this.#classify(p.rest, t, stampUs, p.hex); // a stamp but no marker
    else this.#bare(s, t);
  }

  #inChunk(): boolean {
    const o = this.#open;
    return (o !== null && o.dir === 'rx' && o.explicit) || this.#inRecvPayload;
  }

  /** A line with an explicit direction marker (`sscom`: SSCOM's own). */
  #explicit(dir: Dir, rest: string, t: number | null, stampUs: number | null, hexTag: boolean, sscom = false): void {
    const o = this.#open;
    let next: string | null = null;
    if (o !== null && o.dir === 'rx' && o.sscom) {
      // an SSCOM chunk ends at this marker: how it ends is evidence of SSCOM's convention, and
      // one ending with a text line followed by the next received chunk may continue in it
      this.#countChunk(o, dir);
      if (dir === 'rx' && sscom && o.last === 'text') next = rest;
    }
    this.#close(next);
    this.#inRecvPayload = false;
    if (dir === 'tx') {
      this.#txMarkers = true;
      if (isAllBlank(rest, 0)) {
        this.#warn('a send marker with nothing after it (terminal noise), ignored');
        return;
      }
      if (isSquareLine(rest)) {
        // SSCOM: a bare line end was sent
        this.#startTxRaw(CRLF, t);
        return;
      }
      const hex = this.#hexOf(rest, hexTag);
      if (hex) this.#startTxRaw(hex, t);
      else this.#startTx(rest, t);
      return;
    }
    const rx = this.#openRx(t, stampUs, true, sscom);
    if (rest.length === 0) {
      // "收←◆" then a line break: the received chunk began with CRLF
      rx.blanks++;
      return;
    }
    const hex = this.#hexOf(rest, hexTag);
    if (hex) this.#appendRxBytes(rx, hex);
    else this.#rxText(rx, rest);
  }

  /** A line without any prefix. */
  #bare(s: string, t: number | null): void {
    const o = this.#open;
    if (o && o.dir === 'rx' && o.explicit) {
      if (s.length === 0) {
        o.blanks++;
        o.last = 'blank';
        return;
      }
      if (isSquareLine(s)) {
        this.#warn('a "□" line end marker outside a sent line, ignored');
        return;
      }
      if (this.#atIsTx && !this.#txMarkers && isAtCommandLine(s)) {
        // the log marks received chunks but not sends: an unmarked command is the host's
        this.#close();
        this.#startTx(s, t);
        return;
      }
      const hex = this.#hexOf(s, false);
      if (hex) this.#appendRxBytes(this.#splitIfFull(o), hex);
      else this.#rxText(this.#splitIfFull(o), s);
      return;
    }
    if (o && o.dir === 'tx') {
      if (isSquareLine(s)) {
        o.crlf = true;
        return;
      }
      if (o.dataMode && o.control === null && s.length > 0 && !isModuleFrame(s) && !isAtCommandLine(s)) {
        this.#appendData(o, s);
        return;
      }
    }
    this.#classify(s, t, null, false);
  }

  /** Content classification of a line without an explicit direction. */
  #classify(text: string, t: number | null, stampUs: number | null, hexTag: boolean): void {
    const o = this.#open;
    /** the open rx entry this line may join: same moment (no stamp of its own, or the same stamp) */
    const joinable: OpenRx | null = o !== null && o.dir === 'rx' && (stampUs === null || stampUs === o.stampUs) ? o : null;
    if (text.length === 0) {
      (joinable ?? this.#openRx(t, stampUs, false)).blanks++;
      return;
    }
    const inPayload = this.#inRecvPayload && o !== null && o.dir === 'rx';
    if (!inPayload) {
      const sent = vscodeSent(text);
      if (sent) {
        this.#close();
        this.#startTxRaw(sent, t);
        this.#close();
        return;
      }
      if (isBanner(text) || isCommentLine(text)) {
        this.#close();
        this.#emit({ t, dir: 'note', text: text.trim() });
        return;
      }
    }
    if (isSquareLine(text)) {
      this.#warn('a "□" line end marker outside a sent line, ignored');
      return;
    }
    const hex = this.#hexOf(text, hexTag);
    if (hex) {
      const tx = this.#atIsTx && isAtCommandLine(hex.toString('latin1'));
      if (tx) {
        this.#close();
        this.#startTxRaw(hex, t);
      } else {
        this.#appendRxBytes(joinable ? this.#splitIfFull(joinable) : this.#openRx(t, stampUs, false), hex);
      }
      return;
    }
    if (isPromptLine(text)) {
      this.#rxText(joinable ?? this.#openRx(t, stampUs, false), text);
      return;
    }
    if (text.charCodeAt(0) === 62 /* > */ && this.#lastDir === 'tx' && this.#rxSinceTx === 0 && (o === null || o.dir === 'tx' || (o.dir === 'rx' && o.size === 0))) {
      // "> payload": the prompt and, typed after it on the same screen line, the data-mode payload
      const body = text.charCodeAt(1) === 32 ? text.slice(2) : text.slice(1);
      if (!isAtCommandLine(body)) {
        this.#rxText(joinable ?? this.#openRx(t, stampUs, false), '>');
        this.#close();
        this.#startTx(body, t);
        return;
      }
    }
    if (this.#atIsTx && isAtCommandLine(text)) {
      this.#close();
      this.#startTx(text, t);
      return;
    }
    if (this.#afterPrompt && this.#atIsTx && !inPayload && !isModuleFrame(text)) {
      // unmarked text after the "> " prompt: the host's data-mode payload
      this.#close();
      this.#startTx(text, t);
      return;
    }
    this.#rxText(joinable ? this.#splitIfFull(joinable) : this.#openRx(t, stampUs, false), text);
  }

  // ----- garbage -----

  /** A run of junk: into the open rx entry (a run across lines stays one span), else a new one. */
  #addGarbage(garbage: string, after: string, t: number | null, stampUs: number | null): void {
    const o = this.#open;
    const rx = o !== null && o.dir === 'rx' && (stampUs === null || stampUs === o.stampUs) ? this.#splitIfFull(o) : this.#openRx(t, stampUs, false);
    this.#flushBlanks(rx, rx.blanks);
    const whole = after.length === 0;
    const data = whole ? Buffer.concat([garbageBytes(garbage), CRLF]) : garbageBytes(garbage);
    const bytes = garbageByteCount(garbage);
    const last = rx.garbage[rx.garbage.length - 1];
    const diagnosis = !this.#seenAt || /^(?:RDY|\^SYSSTART)/.test(after) ? 'power-up' : 'baud-rate';
    if (last && last.at + last.len === rx.size) {
      last.len += data.length;
      last.bytes += bytes;
      if (diagnosis === 'power-up') last.diagnosis = diagnosis;
    } else rx.garbage.push({ at: rx.size, len: data.length, bytes, diagnosis });
    this.#push(rx, data);
    rx.last = 'other';
    this.#lastDir = 'rx';
  }

  // ----- cat1's own text output -----

  /** A line as cat1 prints it (decode, monitor, at): imported as what it shows. True when handled. */
  #cat1Line(s: string): boolean {
    const c = parseCat1Line(s);
    if (!c) {
      // the column header cat1 monitor prints once
      const c0 = s.charCodeAt(0);
      if ((c0 === 0x77 || c0 === 0x65f6) && /^(?:wall clock +since +dir|时钟 +相对秒 +方向)/.test(s)) return true;
      if (!this.#cat1) return false;
      const u = s.trim();
      if (u === 'Summary' || u === '概要') {
        // cat1's own conclusions: recomputed from the timeline, not read back
        this.#cat1Summary = true;
        this.#warn("cat1's own summary block: skipped (the summary is recomputed from the timeline)");
        return true;
      }
      if (this.#cat1Summary && (u.length === 0 || s.startsWith('  '))) return true;
      this.#cat1Summary = false;
      // the copy-paste findings cat1 printed under a command: recomputed too
      if (/^ {13}(?:⚠ | {2}\S)/.test(s)) return true;
      // what cat1 at says of an outcome (a timeout, a reboot): its words, not traffic
      if (/^ {10}\S/.test(s)) {
        this.#close();
        this.#emit({ t: this.#hasTimes ? this.#lastUs / US_PER_S : null, dir: 'note', text: s.trim() });
        return true;
      }
      if (u.startsWith('cat1: ')) {
        this.#close();
        this.#emit({ t: this.#hasTimes ? this.#lastUs / US_PER_S : null, dir: 'note', text: u });
        return true;
      }
      return false;
    }
    this.#cat1 = true;
    this.#cat1Summary = false;
    if (c.kind === 'more') {
      const o = this.#open;
      const text = unvisible(c.body);
      if (o && o.dir === 'rx') this.#rxLine(this.#splitIfFull(o), text);
      else this.#bare(text, this.#hasTimes ? this.#lastUs / US_PER_S : null);
      return true;
    }
    let stampUs: number | null = null;
    if (c.t !== null) stampUs = this.#time({ wall: false, day: null, us: Math.round(c.t * US_PER_S) });
    const t = this.#hasTimes ? this.#lastUs / US_PER_S : null;
    if (c.kind === 'note') {
      this.#close();
      const body = c.body.startsWith('# ') ? c.body.slice(2) : c.body;
      this.#emit({ t, dir: 'note', text: body });
      return true;
    }
    if (c.kind === 'tx') {
      const data = /^(?:data|数据): (.*)$/.exec(c.body);
      this.#seenAt = true;
      if (data) {
        // the payload written after the prompt, its end shown as ⟨^Z⟩ / ⟨ESC⟩ (and a word)
        const body = (data[1] ?? '').replace(/(⟨ESC⟩) \S+$/, '$1');
        this.#explicit('tx', unvisible(body.endsWith('⟨^Z⟩') || body.endsWith('⟨ESC⟩') ? body : `${body}⟨^Z⟩`), t, stampUs, false);
      } else this.#explicit('tx', unvisible(c.body), t, stampUs, false);
      return true;
    }
    const junk = /^(?:[0-9a-f]{2} )*[0-9a-f]{2}(?: …)?  (?:garbage: (\d+) bytes|乱码：(\d+) 字节)(.*)$/.exec(c.body);
    if (junk) {
      // a garbage item as cat1 showed it: its byte count and diagnosis, the bytes themselves are gone
      const n = Number(junk[1] ?? junk[2]);
      const powerUp = /power-up|上电/.test(junk[3] ?? '');
      const seen = this.#seenAt;
      this.#seenAt = !powerUp;
      this.#addGarbage('\ufffd'.repeat(Math.min(n, MAX_ENTRY)), '', t, stampUs);
      this.#seenAt = seen;
      return true;
    }
    const rx = cat1RxText(c.body);
    if (isAtShaped(rx.text)) this.#seenAt = true;
    this.#explicit('rx', rx.text, t, stampUs, false);
    return true;
  }

  // ----- hex -----

  #hexOf(text: string, tagged: boolean): Buffer | null {
    if (tagged) {
      const b = hexPairs(text, 1);
      if (!b) this.#warn('marked [HEX] but not a list of hex byte pairs; kept as text');
      return b;
    }
    if (this.#hex === 'off') return null;
    if (this.#hex === 'on') {
      const b = hexPairs(text, 1);
      if (!b) {
        // the log is not all hex after all: stop decoding hex-looking lines from here on
        this.#warn('text line in a log that looked like a hex dump; hex decoding stops here');
        this.#hex = 'off';
      }
      return b;
    }
    const b = hexPairs(text, 2);
    this.#hex = b ? 'on' : 'off';
    return b;
  }

  // ----- rx -----

  #openRx(t: number | null, stampUs: number | null, explicit: boolean, sscom = false): OpenRx {
    this.#close();
    const rx: OpenRx = { dir: 'rx', t, explicit, sscom, last: null, lastLine: '', textLines: 0, stampUs, parts: [], text: '', size: 0, blanks: 0, notes: [], garbage: [] };
    this.#open = rx;
    return rx;
  }

  /** Split an overlong open rx entry (bytes stay contiguous across the two entries). */
  #splitIfFull(o: OpenRx): OpenRx {
    if (o.size < MAX_ENTRY) return o;
    const { blanks } = o;
    o.blanks = 0;
    this.#close();
    const next: OpenRx = { ...o, parts: [], text: '', size: 0, blanks, notes: [], garbage: [] };
    this.#open = next;
    return next;
  }

  #push(rx: OpenRx, b: Buffer): void {
    if (rx.text.length > 0) {
      rx.parts.push(Buffer.from(rx.text, 'utf8'));
      rx.text = '';
    }
    rx.parts.push(b);
    rx.size += b.length;
  }

  #pushText(rx: OpenRx, text: string, bytes: number): void {
    rx.text += text;
    rx.size += bytes;
  }

  #flushBlanks(rx: OpenRx, n: number): void {
    for (let i = 0; i < n; i++) this.#pushText(rx, '\r\n', 2);
    rx.blanks = 0;
  }

  #rxText(rx: OpenRx, line: string): void {
    this.#flushBlanks(rx, rx.blanks);
    let text = line;
    let note: string | null = null;
    const split = splitModuleNote(line);
    // inside an open +ECMTRECV payload only a line that starts a known URC is cut (it ends the
    // payload whatever follows it); any other line may be payload text
    if (split && (!this.#inRecvPayload || (split.text.startsWith('+') && isKnownFrameStart(split.text)))) {
      text = split.text;
      note = split.note;
    }
    this.#rxLine(rx, text);
    if (note !== null) {
      rx.notes.push({ at: rx.size, text: note });
      // a person wrote after this line: it is whole, not a piece of a longer one
      rx.last = 'other';
    }
  }

  #rxLine(rx: OpenRx, text: string): void {
    if (rx.garbage.length > 0 && /^(?:RDY|\^SYSSTART)/.test(text)) {
      // junk right before a boot banner is the module powering up
      const last = rx.garbage[rx.garbage.length - 1]!;
      if (last.at + last.len === rx.size) last.diagnosis = 'power-up';
    }
    this.#lastDir = 'rx';
    if (isPromptLine(text)) {
      this.#pushText(rx, '> ', 2);
      rx.last = 'other';
      this.#afterPrompt = true;
      this.#inRecvPayload = false;
      return;
    }
    rx.last = 'text';
    rx.lastLine = text;
    rx.textLines++;
    this.#rxSinceTx++;
    if (messageAt(text) !== null) this.#inRecvPayload = true;
    else if (isModuleFrame(text)) this.#inRecvPayload = false;
    this.#pushText(rx, `${text}\r\n`, utf8Length(text) + 2);
  }

  #appendRxBytes(rx: OpenRx, b: Buffer): void {
    this.#flushBlanks(rx, rx.blanks);
    rx.last = 'other';
    this.#lastDir = 'rx';
    this.#rxSinceTx++;
    this.#push(rx, b);
  }

  // ----- tx -----

  #newTx(t: number | null): OpenTx {
    const tx: OpenTx = { dir: 'tx', t, line: this.#lineNo, raw: null, lines: [], size: 0, crlf: false, dataMode: false, control: null, notes: [] };
    this.#open = tx;
    this.#lastDir = 'tx';
    this.#rxSinceTx = 0;
    this.#inRecvPayload = false;
    return tx;
  }

  #startTxRaw(bytes: Buffer, t: number | null): void {
    this.#close();
    const tx = this.#newTx(t);
    tx.raw = bytes;
    tx.size = bytes.length;
    this.#afterPrompt = false;
  }

  #startTx(text: string, t: number | null): void {
    this.#close();
    const dataMode = this.#afterPrompt && !isAtCommandLine(text);
    this.#afterPrompt = false;
    const tx = this.#newTx(t);
    if (dataMode) {
      tx.dataMode = true;
      this.#appendData(tx, text);
      return;
    }
    const sq = stripSquare(text);
    let command = sq.text;
    tx.crlf = sq.crlf;
    if (!sq.crlf) {
      const c = splitTxComment(command);
      if (c) {
        command = c.command;
        tx.notes.push({ t, dir: 'note', text: c.comment });
      }
    }
    tx.lines.push(command);
    tx.size += command.length;
  }

  #appendData(tx: OpenTx, text: string): void {
    const ctl = endControl(text);
    const body = ctl ? ctl.text : text;
    tx.lines.push(body);
    tx.size += body.length + 2;
    if (ctl) {
      tx.control = ctl.byte;
      this.#close();
    } else if (tx.size > MAX_ENTRY) {
      this.#warn('data-mode payload longer than 64 KiB: ended here');
      this.#close();
    }
  }

  // ----- closing and emitting -----

  /**
   * Complete the open entry. `next`: it is an SSCOM chunk that ended with a text line, and the
   * next received chunk follows with this first line (its line may continue there: #rxEntry).
   */
  #close(next: string | null = null): void {
    const o = this.#open;
    if (!o) return;
    this.#open = null;
    if (o.dir === 'rx') {
      // In a chunk opened by a marker (SSCOM), one trailing empty line is the terminal's own line
      // break before the next marker; elsewhere an empty line is a line the module sent.
      const keep = o.explicit ? o.blanks - 1 : o.blanks;
      if (keep > 0) this.#flushBlanks(o, keep);
      if (o.size === 0) return;
      if (next !== null && this.#sscomBreaks === null) {
        // not known yet whether the log shows SSCOM's empty lines: hold this chunk (and what
        // follows it) until it is
        this.#undecided ??= [];
        this.#emit(new PendingChunk(o, next, this.#lineNo - 1));
        return;
      }
      if (next !== null && this.#sscomBreaks === false) {
        this.#run.push(new PendingChunk(o, next, this.#lineNo - 1));
        if (this.#run.length >= MAX_RUN) this.#flushRun();
        return;
      }
      this.#emit(this.#rxEntry(o, next, this.#lineNo - 1));
      return;
    }
    if (o.raw) this.#emit({ t: o.t, dir: 'tx', data: o.raw });
    else {
      let text: string;
      if (o.dataMode) {
        let control = o.control;
        if (control === null) {
          control = 0x1a;
          this.#warn('data-mode payload without a visible Ctrl-Z; assumed one after it', o.line);
        }
        text = o.lines.join('\r\n') + String.fromCharCode(control);
      } else {
        const term = o.crlf ? '\r\n' : '\r';
        text = o.lines.length === 1 ? o.lines[0]! + term : o.lines.map((l) => l + term).join('');
      }
      this.#emit(this.#lazy ? new LazyTextEntry(o.t, 'tx', text) : new TextEntry(o.t, 'tx', text));
    }
    for (const n of o.notes) this.#emit(n);
  }

  /**
   * The entry of a completed rx chunk. `next` (an SSCOM chunk ending with a text line, the next
   * received chunk after it, beginning with this line): in a log that shows SSCOM's empty line
   * after each chunk, no empty line means the chunk's data did not end with a line end — its
   * last line goes on in the next chunk, and the `\r\n` added after it is taken back. In a log
   * that does not show it, only where `joinForSecret` says so: #flushRun found that cutting the
   * line there shows bytes the redaction rules mask in it as one line (a secret must not depend
   * on a paste's empty lines).
   */
  #rxEntry(o: OpenRx, next: string | null, line = this.#lineNo, joinForSecret = false): DataEntry {
    if (next !== null && o.text.endsWith('\r\n')) {
      let join = this.#sscomBreaks === true;
      if (this.#sscomBreaks === false) {
        join = joinForSecret;
        if (!this.#sscomWarned) {
          this.#sscomWarned = true;
          this.#warn(
            "SSCOM log without the empty line SSCOM prints after each received chunk (removed when pasted?): each chunk is read as ending with its last line, so a module line that arrived in two chunks reads as two lines (unless, as one, the redaction rules mask more of it: then it is one)",
            line,
          );
        }
      }
      if (join) {
        o.text = o.text.slice(0, -2);
        o.size -= 2;
      }
    }
    let entry: DataEntry;
    if (o.parts.length === 0) entry = this.#lazy ? new LazyTextEntry(o.t, 'rx', o.text) : new TextEntry(o.t, 'rx', o.text);
    else {
      if (o.text.length > 0) o.parts.push(Buffer.from(o.text, 'utf8'));
      entry = { t: o.t, dir: 'rx', data: Buffer.concat(o.parts, o.size) };
    }
    if (o.notes.length > 0) entry.notes = o.notes;
    if (o.garbage.length > 0) entry.garbage = o.garbage;
    return entry;
  }

  /** Bytes the redaction rules (no context) mask in `s` read as one module line. */
  #masked(s: string): number {
    const r = (this.#guard ??= createRedactor());
    let n = 0;
    for (const x of r.line(Buffer.from(`${s}\r\n`, 'utf8'), 'rx').redact) n += x.len;
    return n;
  }

  /**
   * Emit the held run of chunks (#run) of a log without SSCOM's empty lines. A line may go on
   * across several chunks: in a chain of pieces (a chunk of one text line carries the chain on),
   * a chunk end is a line join where some window of up to MAX_PIECES pieces around it has more
   * masked by the rules as one line than cut there (a keyword, a label or a value cut in two,
   * three or more pieces: `IC` | `CID: 8986001234` | `5678901234`); the other chunk ends stay
   * line ends, as before. Safe rather than exact: a chunk that follows a quoted secret without a
   * line end of its own (`…,"pw"` | `OK`) is joined to it, because a quoted value's trailing junk
   * is masked as the value's (SSCOM prints the module's CR LF before `OK` as a chunk that begins
   * with an empty line, which no chunk carries on into).
   */
  #flushRun(): void {
    const run = this.#run;
    if (run.length === 0) return;
    this.#run = [];
    const join = new Array<boolean>(run.length).fill(false);
    for (let a = 0; a < run.length; ) {
      // the chain of boundaries a..b: the chunk after boundary j holds one text line, which is the
      // next boundary's left side
      let b = a;
      while (b + 1 < run.length && run[b]!.next.length > 0 && run[b + 1]!.rx.textLines === 1 && run[b + 1]!.rx.lastLine === run[b]!.next) b++;
      if (run[a]!.next.length > 0) {
        // segs[i] and segs[i + 1] meet at boundary a + i
        const segs = [run[a]!.rx.lastLine];
        for (let j = a; j <= b; j++) segs.push(run[j]!.next);
        // every window of up to MAX_PIECES pieces: a boundary inside it is a line join when the
        // window as one line has more masked than the window cut there (a piece before a label,
        // `OK` | `IC` | `CID: …`, must not hide the label by gluing a letter to it)
        for (let from = 0; from < segs.length - 1; from++) {
          for (let to = from + 2; to <= Math.min(segs.length, from + MAX_PIECES); to++) {
            const win = segs.slice(from, to);
            const whole = this.#masked(win.join(''));
            if (whole === 0) continue;
            for (let k = 1; k < win.length; k++) {
              if (join[a + from + k - 1] === true) continue;
              if (this.#masked(win.slice(0, k).join('')) + this.#masked(win.slice(k).join('')) < whole) join[a + from + k - 1] = true;
            }
          }
        }
      }
      a = b + 1;
    }
    for (let i = 0; i < run.length; i++) this.#emit(this.#rxEntry(run[i]!.rx, run[i]!.next, run[i]!.line, join[i]));
  }

  /**
   * An SSCOM chunk closed by the next marker (`next`: its direction) or by the end of the log
   * (null): the evidence of SSCOM's empty lines.
   */
  #countChunk(o: OpenRx, next: Dir | null): void {
    if (this.#sscomBreaks !== null) return;
    if (o.last === 'blank') this.#sscomBlank++;
    else if (o.last === 'text') {
      // the end of a paste is often trimmed: a last chunk without its empty line says nothing
      if (next === 'tx') this.#sscomTextTx++;
      else if (next === 'rx') this.#sscomTextRx++;
    }
    if (this.#sscomBlank + this.#sscomTextTx + this.#sscomTextRx >= SSCOM_WINDOW) this.#decideSscom();
  }

  /**
   * Decide from the chunks counted so far whether the log shows SSCOM's empty line after each
   * chunk (the rule is in the header comment), then let the held output go on.
   */
  #decideSscom(): void {
    if (this.#sscomBreaks !== null) return;
    const blank = this.#sscomBlank;
    this.#sscomBreaks = blank > 0 && 2 * blank >= 2 * this.#sscomTextTx + this.#sscomTextRx;
    const held = this.#undecided;
    this.#undecided = null;
    if (held === null) return;
    for (const e of held) {
      if (e instanceof PendingChunk && this.#sscomBreaks === false) {
        this.#run.push(e);
        if (this.#run.length >= MAX_RUN) this.#flushRun();
      } else this.#emit(e instanceof PendingChunk ? this.#rxEntry(e.rx, e.next, e.line) : e);
    }
  }

  #emit(e: TranscriptEntry | PendingChunk): void {
    if (this.#run.length > 0) this.#flushRun();
    const u = this.#undecided;
    if (u !== null) {
      u.push(e);
      // bounded: past the limit, the chunks seen so far decide
      if (u.length > MAX_HELD) this.#decideSscom();
      return;
    }
    // a chunk is pending only while #undecided is open
    if (!(e instanceof PendingChunk)) this.#emitNow(e);
  }

  #emitNow(e: TranscriptEntry): void {
    if (!this.#hasTimes && !this.#heldOverflow) {
      this.#held.push(e);
      if (this.#held.length > MAX_HELD) {
        this.#heldOverflow = true;
        for (const h of this.#held) this.#out.push(h);
        this.#held = [];
      }
      return;
    }
    this.#out.push(e);
  }

  // ----- time -----

  /** Convert a stamp to the log's time line (µs since the first stamp); updates state. Returns the raw stamp value for merge checks. */
  #time(st: Stamp): number {
    let v: number;
    const c = this.#clock;
    if (!c) {
      const day = st.wall ? (st.day ?? 0) : 0;
      v = st.wall ? day * US_PER_DAY + st.us : st.us;
      this.#clock = { rel: !st.wall, origin: v, day, dayKnown: st.day !== null, last: v };
      this.#firstTime();
      return v;
    }
    if (!st.wall) {
      v = st.us;
      if (!c.rel) {
        this.#warn('relative time stamp in a log of clock times; time continues from the previous line');
        c.rel = true;
        c.origin = v - this.#lastUs;
      } else if (v < c.last) this.#back(c, v, c.last - v);
    } else if (c.rel) {
      const day = st.day ?? c.day;
      v = day * US_PER_DAY + st.us;
      this.#warn('clock time stamp in a log of relative times; time continues from the previous line');
      c.rel = false;
      c.day = day;
      c.dayKnown = c.dayKnown || st.day !== null;
      c.origin = v - this.#lastUs;
    } else if (st.day !== null) {
      if (!c.dayKnown) {
        // earlier stamps had no date: assume they were on this date
        const shift = (st.day - c.day) * US_PER_DAY;
        c.origin += shift;
        c.last += shift;
        c.dayKnown = true;
      }
      c.day = st.day;
      v = st.day * US_PER_DAY + st.us;
      if (v < c.last) this.#back(c, v, c.last - v);
    } else {
      v = c.day * US_PER_DAY + st.us;
      if (v < c.last - HALF_DAY_US) {
        // a time of day more than 12 h earlier: the clock passed midnight
        c.day++;
        v += US_PER_DAY;
      } else if (v < c.last) this.#back(c, v, c.last - v);
    }
    c.last = v;
    this.#lastUs = Math.max(v - c.origin, this.#lastUs);
    return v;
  }

  #back(c: { origin: number }, v: number, byUs: number): void {
    this.#warn(`time stamp goes back ${(byUs / US_PER_S).toFixed(3)} s; kept at the previous time`);
    c.origin = v - this.#lastUs;
  }

  #firstTime(): void {
    this.#hasTimes = true;
    this.#lastUs = 0;
    if (this.#heldOverflow) {
      this.#warn('the first time stamp comes late in the log; earlier entries have no time (t: null)');
    }
    for (const e of this.#held) {
      if (e.t === null) e.t = 0;
      this.#out.push(e);
    }
    this.#held = [];
    for (const e of this.#undecided ?? []) {
      const x = e instanceof PendingChunk ? e.rx : e;
      if (x.t === null) x.t = 0;
    }
    const o = this.#open;
    if (o && o.t === null) {
      o.t = 0;
      if (o.dir === 'tx') for (const n of o.notes) if (n.t === null) n.t = 0;
    }
  }
}

/** Split text into lines: CRLF, LF or a lone CR end a line; a final terminator adds no empty line. */
function* splitLines(text: string): Generator<string> {
  let start = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) {
      yield text.slice(start, i);
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
  }
  if (start < n) yield text.slice(start);
}

/** Import a whole log held in memory. */
export function importTextLog(
  text: string,
  opts?: ImportOptions,
): { entries: TranscriptEntry[]; warnings: ImportWarning[]; timing: 'recorded' | 'none' } {
  const imp = new TextLogImporter(opts);
  const entries: TranscriptEntry[] = [];
  for (const line of splitLines(typeof text === 'string' ? text : String(text))) {
    for (const e of imp.push(line)) entries.push(e);
  }
  for (const e of imp.end()) entries.push(e);
  if (imp.hasTimes) for (const e of entries) if (e.t === null) e.t = 0;
  return { entries, warnings: imp.warnings, timing: imp.hasTimes ? 'recorded' : 'none' };
}

/**
 * Cheap sniff: does this look like a log of AT traffic (vs binary junk or an unrelated file)?
 * Looks at the first 64 KiB, read as the importer reads it (line numbers, colour codes and
 * cat1's own layout removed, junk split off): at least one line is an AT command, a final
 * result (`OK`, `ERROR`, `+CME ERROR: …`) or a URC of a family cat1 knows, a note after it
 * allowed; or, without such a line, two `+XXX:` lines next to direction markers; hex dumps are
 * decoded first. One line is enough: a single command, or only the module's side, is a log.
 */
export function looksLikeAtLog(sample: string): boolean {
  if (typeof sample !== 'string' || sample.length === 0) return false;
  const s = (sample.length > 65_536 ? sample.slice(0, 65_536) : sample).replace(/^\uFEFF/, '');
  let answers = 0;
  let markers = 0;
  let lines = 0;
  const hexBytes: Buffer[] = [];
  const all: string[] = [];
  for (const raw of splitLines(s)) {
    if (++lines > 4000) break;
    all.push(stripAnsi(raw.length > 512 ? raw.slice(0, 512) : raw));
  }
  const gutter = detectGutter(all.slice(0, 3));
  for (const l of all) {
    const line = gutter ? stripGutter(l, gutter) : l;
    const cat1 = parseCat1Line(line);
    const p = parsePrefix(cat1 ? (cat1.kind === 'rx' ? cat1RxText(cat1.body).text : cat1.body) : line);
    if (p.dir) markers++;
    const g = splitGarbage(p.rest);
    const text = g ? g.text : p.rest;
    if (text.length === 0) continue;
    const hex = hexPairs(text, 2);
    if (hex) {
      if (hexBytes.length < 256) hexBytes.push(hex);
      continue;
    }
    if (isAtCommandLine(text)) return true;
    const frame = splitModuleNote(text)?.text ?? text;
    if (isKnownFrameStart(frame.trimEnd()) || knownFrameType(frame) !== null) return true;
    if (isModuleFrame(text)) answers++;
  }
  if (hexBytes.length > 0) {
    const decoded = Buffer.concat(hexBytes).toString('latin1');
    return /AT[+&A-Z?]/i.test(decoded) && /\r\n(?:OK|ERROR|\+[A-Z])/.test(decoded);
  }
  return answers >= 2 && markers >= 1;
}
