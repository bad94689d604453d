/**
 * What people do to a log before they paste it, undone line by line: notes written after the
 * module's lines, line numbers from an editor, power-up garbage, colour codes, cat1's own text
 * output. Every function here is pure and works on one line (or, for the gutter, on the first
 * few lines), linear in its length, so that a fast importer can call them as they are.
 *
 * ## The annotation rule (module lines)
 *
 * A line the module printed is a final result (`OK`, `ERROR`, `+CME ERROR: …`, `+CMS ERROR: …`),
 * a URC or answer whose grammar cat1 knows (a dialect's result, link-loss and state answers as its
 * URC table gives their roles: `+ECMTOPEN/CLOSE/CONN/DISC/SUB/UNS/PUB/STAT` and the ECMT read
 * answers, `+QMTOPEN/…/PUBEX/STAT`, the QMT read answers and `+QIACT`; not test forms, configuration
 * answers or messages), `+CEREG/+CREG/+CGREG`, `+CSQ`, `+CESQ`, `+CPIN`, `+CGATT`, `+CGPADDR`,
 * `+CFUN`, `+ECDNS`, `+ECPING`) or a boot banner. For such a line the grammar tells where the
 * module's text ends; what follows is a note when it starts:
 * - after whitespace, with a comment marker: `//` `#` `<--` `<-` `←` `→` `--` `;;`;
 * - with `←`, `→` or a full-width `（` even without whitespace (a person typed it, never a module);
 * - after whitespace with a parenthesised group that runs to the end of the line (`(掉线)`);
 * - after whitespace with CJK text (a module prints none in these frames outside quotes);
 * - after two or more spaces with text that does not fit the grammar: the whole line does not
 *   read as a known frame, the part before does.
 * Never inside double quotes. The part before must itself read as one of the frames above.
 *
 * Limits: a dialect's message lines (`+ECMTRECV`, `+QMTRECV`, any case) are never cut, and nor are lines inside an open raw payload unless
 * they start a known `+…:` URC (which ends the payload anyway): a payload may hold any of these
 * markers. Lines that are not a known frame (`+XYZ: …` of an unknown family, identity answers
 * such as `EC616S`, `SEND OK`) are never cut, so a note there stays part of the line. A note
 * separated by a single space without a marker from a frame whose last field is free text
 * (`+CPIN: READY sim ok`) stays in the line.
 */
import { isDialectAnswer, messageAt, parseLine } from '../dialects/classify.js';
import type { ModemEvent } from '../urc/types.js';
import { hexPairs, isAtCommandLine, isDigit, isModuleFrame } from './line-shape.js';

// ---------------------------------------------------------------------------------------------
// Module-line annotations

const ANNOTATABLE: ReadonlySet<ModemEvent['type']> = new Set<ModemEvent['type']>([
  'ok',
  'error',
  'cme-error',
  'cms-error',
  'reg',
  'cpin',
  'csq',
  'cesq',
  'cgatt',
  'cgpaddr',
  'cfun',
  'ecdns',
  'ecping',
  'boot',
]);

/** Comment markers, longest first where one is a prefix of another. */
const NOTE_MARKERS = ['<--', '<-', '//', '--', ';;', '#', '←', '→'];

/** Longest line looked at for a note (a module line is short; a longer one is kept whole). */
const NOTE_MAX_LINE = 4096;
/** Cut candidates tried per line (each costs one parse of the part before it). */
const NOTE_MAX_TRIES = 8;

function isSpaceChar(c: number): boolean {
  return c === 32 || c === 9 || c === 0x3000 || c === 0xa0;
}

/** The first characters of NOTE_MARKERS: `<` `/` `-` `;` `#` `←` `→`. */
function mayStartMarker(c: number): boolean {
  return c === 0x3c || c === 0x2f || c === 0x2d || c === 0x3b || c === 0x23 || c === 0x2190 || c === 0x2192;
}

function startsMarker(s: string, i: number): boolean {
  if (!mayStartMarker(s.charCodeAt(i))) return false;
  for (const m of NOTE_MARKERS) if (s.startsWith(m, i)) return true;
  return false;
}

function isCjk(c: number): boolean {
  return c >= 0x2e80;
}

/** Does this text read as a module frame whose grammar cat1 knows? */
export function knownFrameType(text: string): ModemEvent['type'] | null {
  const ev = parseLine(text);
  // the dialects' result, link-loss and state answers (their URC tables say which)
  return ANNOTATABLE.has(ev.type) || isDialectAnswer(ev) ? ev.type : null;
}

export interface NoteSplit {
  /** the module's text */
  text: string;
  /** the note, trimmed, marker included (`← 认证失败`, `(掉线)`) */
  note: string;
}

/**
 * Split a note off a line the module printed (see the rule above), or null when the line holds
 * none. Never splits a dialect's message lines (`+ECMTRECV`, `+QMTRECV`).
 */
export function splitModuleNote(line: string): NoteSplit | null {
  const n = line.length;
  if (n < 3 || n > NOTE_MAX_LINE) return null;
  let s = 0;
  while (s < n && (line.charCodeAt(s) === 0 || isSpaceChar(line.charCodeAt(s)))) s++;
  const c0 = line.charCodeAt(s);
  // a bare number (an IMSI, ICCID or IMEI answer) with a note after it: split it off, so the
  // number is a line of its own (the redaction of bare IMSI/ICCID answers reads whole lines)
  if (c0 >= 0x30 && c0 <= 0x39) return bareNumberNote(line, s);
  // O(K) E(RROR) +… R(DY) ^(SYSSTART)
  if (c0 !== 0x4f && c0 !== 0x45 && c0 !== 0x2b && c0 !== 0x52 && c0 !== 0x5e) return null;
  if (messageAt(line, s, true) !== null) return null;
  const trimmedEnd = line.trimEnd();
  const last = trimmedEnd.charCodeAt(trimmedEnd.length - 1);
  const trailingParen = last === 0x29 || last === 0xff09;
  let quotes = 0;
  let run = 0;
  let tries = 0;
  let whole: boolean | null = null;
  for (let i = s + 1; i < n; i++) {
    const c = line.charCodeAt(i);
    if (isSpaceChar(c)) {
      run++;
      continue;
    }
    const gap = run;
    run = 0;
    if (c === 0x22) {
      quotes++;
      continue;
    }
    if (quotes % 2 === 1) continue;
    let strong = false;
    let weak = false;
    if (gap > 0 && startsMarker(line, i)) strong = true;
    else if (c === 0x2190 || c === 0x2192 || c === 0xff08) strong = true;
    else if (gap > 0 && c === 0x28 && trailingParen) strong = true;
    // a module never prints CJK text in these frames (only inside quotes or a payload)
    else if (gap > 0 && isCjk(c)) strong = true;
    else if (gap >= 2) weak = true;
    if (!strong && !weak) continue;
    if (++tries > NOTE_MAX_TRIES) return null;
    const head = line.slice(0, i - gap).trimEnd();
    if (knownFrameType(head) === null) continue;
    if (!strong) {
      // text after spaces that fits the grammar is part of the line
      whole ??= knownFrameType(line) !== null;
      if (whole) continue;
    }
    return { text: head, note: line.slice(i).trim() };
  }
  return null;
}

/**
 * `460012345678901  ← IMSI`, `89860012345678901234 (SIM)`, `460… // 卡号`: 6 to 22 hex digits
 * (at least one digit first), then blanks and a note marker, a CJK character, or a second run of
 * blanks; the number is the module's text. Null for anything else (a line of numbers is no note).
 */
function bareNumberNote(line: string, s: number): NoteSplit | null {
  let e = s;
  while (e < line.length && isHexDigit(line.charCodeAt(e))) e++;
  if (e - s < 6 || e - s > 22) return null;
  let i = e;
  while (i < line.length && isSpaceChar(line.charCodeAt(i))) i++;
  if (i === e || i >= line.length) return null;
  const c = line.charCodeAt(i);
  const marked = startsMarker(line, i) || c === 0x2190 || c === 0x2192 || c === 0x28 || c === 0xff08 || isCjk(c) || i - e >= 2;
  // hex after the number is more data (a dump's offset and bytes), not a note
  if (!marked || isHexDigit(c)) return null;
  return { text: line.slice(0, e), note: line.slice(i).trim() };
}

function isHexDigit(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

// ---------------------------------------------------------------------------------------------
// Line numbers and editor gutters

export interface NumberPrefix {
  /** the number */
  n: number;
  /** index where the line's own text starts */
  end: number;
  /** the separator after the number: `:` `|` `.` `)` `]` `│` `¦`, or ' ' for whitespace only */
  sep: string;
}

const GUTTER_SEPS = ':|.)]│¦';

/**
 * A line number at the start of a line: `1  AT`, `   1: AT`, `0012  OK`, `12| +ECMTRECV…`,
 * `  7 │ OK`, `3) AT`. `:` and `.` must be followed by whitespace or the end (`12:34:56` is a
 * time, `12.345` a number); a hex dump line (`41 54 0D`) is not numbered.
 */
export function numberPrefix(line: string): NumberPrefix | null {
  let i = 0;
  const len = line.length;
  while (i < len && (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9)) i++;
  const d = i;
  let n = 0;
  while (i < len && isDigit(line.charCodeAt(i)) && i - d < 7) n = n * 10 + (line.charCodeAt(i++) - 48);
  if (i === d || isDigit(line.charCodeAt(i))) return null;
  let j = i;
  while (j < len && (line.charCodeAt(j) === 32 || line.charCodeAt(j) === 9)) j++;
  const c = line.charAt(j);
  if (c !== '' && GUTTER_SEPS.includes(c)) {
    const after = line.charCodeAt(j + 1);
    if ((c === ':' || c === '.') && !(j + 1 >= len || after === 32 || after === 9)) return null;
    let k = j + 1;
    if (k < len && (line.charCodeAt(k) === 32 || line.charCodeAt(k) === 9)) k++;
    return { n, end: k, sep: c };
  }
  if (j === i) return j >= len ? { n, end: j, sep: ' ' } : null;
  if (hexPairs(line, 2)) return null;
  return { n, end: j, sep: ' ' };
}

/** How the first lines of a log are numbered, or null when they are not. */
export interface Gutter {
  sep: string;
}

/**
 * Decide from the first non-empty lines of a log whether they carry a line-number column: every
 * one of them numbered, with the same separator, the numbers strictly increasing by at most 2
 * (editors number every line; a step of 2 is a blank line removed). Two lines are needed, or
 * one with an explicit separator (`12| …`, `1: …`).
 */
export function detectGutter(first: readonly string[]): Gutter | null {
  const lines = first.filter((l) => l.trim().length > 0);
  if (lines.length === 0) return null;
  let sep: string | null = null;
  let prev = -1;
  for (const l of lines) {
    const p = numberPrefix(l);
    if (!p) return null;
    if (sep === null) sep = p.sep;
    else if (p.sep !== sep) return null;
    if (prev >= 0 && (p.n <= prev || p.n - prev > 2)) return null;
    prev = p.n;
    // the numbered text must be a line of its own (not "1 2 3")
    const rest = l.slice(p.end);
    if (rest.length > 0 && isDigit(rest.charCodeAt(0)) && p.sep === ' ') return null;
  }
  if (sep === null) return null;
  if (lines.length === 1 && sep === ' ') return null;
  return { sep };
}

/** Remove the gutter from one line (a line without a number of that shape is kept whole). */
export function stripGutter(line: string, g: Gutter): string {
  const p = numberPrefix(line);
  if (!p || p.sep !== g.sep) return line;
  return line.slice(p.end);
}

// ---------------------------------------------------------------------------------------------
// Garbage: power-up noise, a wrong baud rate

/** Control characters other than TAB, Ctrl-Z and ESC; DEL; C1 controls; U+FFFD (a byte the decoder could not read). */
export function isNonText(c: number): boolean {
  return (c < 32 && c !== 9 && c !== 0x1a && c !== 0x1b) || (c >= 0x7f && c <= 0x9f) || c === 0xfffd;
}

/** A line that reads as AT traffic: a command, a module frame, a boot banner. */
export function isAtShaped(s: string): boolean {
  return isAtCommandLine(s) || isModuleFrame(s) || /^(?:RDY|\^SYSSTART|\+?CPIN|OK|ERROR)/.test(s);
}

export interface GarbageSplit {
  /** the garbage characters (the start of the line, or all of it) */
  garbage: string;
  /** what follows that reads as AT traffic ('' when the whole line is garbage) */
  text: string;
}

/**
 * Split binary junk off a line: when the text after the last non-text character reads as AT
 * traffic (`ÿÿ\0RDY`), the part before it is garbage; a line that is mostly non-text (at
 * least 3 such characters and a quarter of the line) is garbage whole. Null otherwise (a
 * stray control character in a text line stays in the line).
 */
export function splitGarbage(line: string): GarbageSplit | null {
  let count = 0;
  let last = -1;
  let first = -1;
  for (let i = 0; i < line.length; i++) {
    if (isNonText(line.charCodeAt(i))) {
      count++;
      last = i;
      if (first < 0) first = i;
    }
  }
  if (count === 0) return null;
  const rest = line.slice(last + 1);
  const text = rest.trimStart();
  if (text.length > 0 && isAtShaped(text) && (first === 0 || !isAtShaped(line.slice(0, first).trimStart()))) {
    return { garbage: line.slice(0, line.length - text.length), text };
  }
  if (first > 0 && isAtShaped(line.slice(0, first).trimStart())) return null;
  if (count >= 3 && count * 4 >= line.length) return { garbage: line, text: '' };
  return null;
}

/** Bytes of garbage as read from the file: an undecodable byte (U+FFFD) counts one. */
export function garbageByteCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0xfffd || c < 0x80) n++;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** The bytes that stand for garbage text in a transcript entry (U+FFFD → 0xFF, Latin-1 as is). */
export function garbageBytes(s: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0xfffd) out.push(0xff);
    else if (c < 0x100) out.push(c);
    else for (const b of Buffer.from(s.charAt(i), 'utf8')) out.push(b);
  }
  return Buffer.from(out);
}

// ---------------------------------------------------------------------------------------------
// Terminal colour codes

/** Remove ANSI colour/cursor sequences (`ESC [ … letter`) that a terminal copy may carry. */
export function stripAnsi(s: string): string {
  if (s.indexOf('\x1b[') < 0) return s;
  // eslint-disable-next-line no-control-regex
  return s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
}

// ---------------------------------------------------------------------------------------------
// cat1's own text output (decode, monitor, at)

export interface Cat1Line {
  /** seconds from the `t` column, or null for `-` */
  t: number | null;
  kind: 'tx' | 'rx' | 'note' | 'more';
  body: string;
}

/**
 * One line as `cat1 decode`, `cat1 monitor` or `cat1 at` print it: an optional wall clock
 * (monitor), the `t` column (`   0.125` or `       -`), two spaces, `→`/`←`/`·`, two spaces,
 * the line. `more` is the continuation of a multi-line payload (`             │ text`).
 */
export function parseCat1Line(line: string): Cat1Line | null {
  // both forms start with a digit, a space or '-' (the common line is rejected here, without a regex)
  const c0 = line.charCodeAt(0);
  if (c0 !== 0x20 && c0 !== 0x2d && !(c0 >= 0x30 && c0 <= 0x39)) return null;
  if (c0 === 0x20) {
    // after its run of spaces a cat1 line goes on with the t column (a digit or '-') or, 13
    // spaces or more in, the '│' of a continuation: an indented line (a payload's JSON) ends here
    let i = 1;
    while (line.charCodeAt(i) === 0x20) i++;
    const c = line.charCodeAt(i);
    if (c !== 0x2d && !(c >= 0x30 && c <= 0x39) && !(c === 0x2502 && i >= 13)) return null;
  }
  const m = /^(?:\d{2}:\d{2}:\d{2}\.\d{3} )? *(\d+\.\d{3}|-)  ([→←·])  (.*)$/.exec(line);
  if (m) {
    const t = m[1] === '-' ? null : Number(m[1]);
    const kind = m[2] === '→' ? 'tx' : m[2] === '←' ? 'rx' : 'note';
    return { t, kind, body: m[3] ?? '' };
  }
  const c = /^ {13,}│ (.*)$/.exec(line);
  if (c) return { t: null, kind: 'more', body: c[1] ?? '' };
  return null;
}

/** Undo `visible()`: `⟨^Z⟩`, `⟨ESC⟩`, `⟨0d⟩` back to the bytes. */
export function unvisible(s: string): string {
  if (s.indexOf('⟨') < 0) return s;
  return s.replace(/⟨(\^Z|ESC|[0-9a-f]{2})⟩/g, (_m, x: string) => (x === '^Z' ? '\x1a' : x === 'ESC' ? '\x1b' : String.fromCharCode(parseInt(x, 16))));
}

const CAT1_TAGS = [/ {2}\((?:echo|回显)\)$/, / {2}\((?:no command was waiting for this|没有命令在等待它)\)$/, / {2}\((?:late answer to .*|.* 的迟到应答)\)$/];

/**
 * The module's text of a cat1 rx line: the explanation cat1 printed after it (`  meaning`,
 * `  (echo)`) removed. A message line with a raw payload (`+ECMTRECV`: no quotes, so no rule tells
 * its end) keeps everything but cat1's own `message on <topic>, N bytes` explanation; a quoted one
 * (`+QMTRECV`) is read like any other line.
 */
export function cat1RxText(body: string): { text: string; echo: boolean } {
  let b = body;
  let echo = false;
  for (const re of CAT1_TAGS) {
    const m = re.exec(b);
    if (m) {
      if (re === CAT1_TAGS[0]) echo = true;
      b = b.slice(0, m.index);
    }
  }
  if (messageAt(b, 0, true) === 'raw') {
    const m = / {2,}(?:message on .*, \d+ bytes.*|收到主题 .*的消息，\d+ 字节.*)$/.exec(b);
    return { text: m ? b.slice(0, m.index) : b, echo };
  }
  const split = /^> {2,}\S/.test(b) ? { text: '>' } : splitModuleNote(b);
  return { text: unvisible(split ? split.text : b.trimEnd()), echo };
}
