/**
 * Content classification of a pasted log's lines (import.ts has the rules): terminal banners and
 * separators, comments, VS Code's sent messages, C escapes, comments after a command, visible
 * Ctrl-Z/ESC notations, SSCOM's sent line end `□`. Pure functions, linear in the line.
 */

import { isBlank } from './line-shape.js';

/** Banners and whole-line comments are short; longer lines are never taken for one. */
const BANNER_MAX = 256;

// ---------------------------------------------------------------------------------------------
// Character helpers

/** Control characters other than TAB, Ctrl-Z, ESC, and U+FFFD (bytes a decoder could not read). */
export function nonTextChars(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 0x1a && c !== 0x1b) || c === 0x7f || c === 0xfffd) n++;
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// Content classification

const SEPARATOR_CHARS = '-=*~_#';

/** A terminal's own banner or a separator line (never module output). */
/** What a banner's first visible character can be (see isBanner's forms). */
const BANNER_FIRST: ReadonlySet<number> = new Set([...'-=*~_#oOcCsSpPwWdD打关串'].map((c) => c.charCodeAt(0)));

/**
 * The second letter (lower case) of the banner words after a first letter (lower case):
 * open/opened/opening/options, close/closed/closing/compiled/connected, serial, port/press,
 * welcome, disconnected.
 */
const SECOND: ReadonlyMap<number, string> = new Map([
  [0x6f, 'p'],
  [0x63, 'lo'],
  [0x73, 'e'],
  [0x70, 'or'],
  [0x77, 'e'],
  [0x64, 'i'],
]);

export function isBanner(s: string): boolean {
  if (s.length > BANNER_MAX) return false;
  // the first visible character decides most lines, before any copy of the line is made
  let f = 0;
  for (; f < s.length; f++) {
    const c = s.charCodeAt(f);
    if (c === 0x20 || c === 0x09) continue;
    if ((c > 0x20 && c < 0x7f) || !/\s/.test(s.charAt(f))) break;
  }
  const c0 = s.charCodeAt(f);
  if (!BANNER_FIRST.has(c0)) return false;
  // a word's second letter too (`OK`, `CONNECT OK`, `SEND OK` stop here); a non-ASCII one is
  // left to the rules below (lower-casing may turn it into ASCII)
  const c1 = s.charCodeAt(f + 1);
  if (((c0 >= 0x41 && c0 <= 0x5a) || (c0 >= 0x61 && c0 <= 0x7a)) && !(c1 >= 0x80) && !SECOND.get(c0 | 0x20)?.includes(String.fromCharCode(c1 | 0x20))) return false;
  const t = s.trim();
  if (t.length >= 3) {
    let sep = true;
    for (let i = 0; i < t.length; i++) {
      if (!SEPARATOR_CHARS.includes(t.charAt(i))) {
        sep = false;
        break;
      }
    }
    if (sep) return true;
  }
  if (t.startsWith('=~=~=~')) return true; // PuTTY log header
  if (/^-{3,}\s.*\s-{3,}$/.test(t)) return true; // VS Code "---- Opened the serial port COM3 ----", miniterm "--- … ---"
  if (/^-{3,}\s/.test(t)) return true; // miniterm / PlatformIO "--- Quit: Ctrl+C | …"
  const u = t.toLowerCase();
  return (
    /^(?:open|opened|close|closed|opening|closing)\s+(?:the\s+)?(?:serial\s+)?port\b/.test(u) ||
    /^(?:serial\s+)?port\s+\S+\s+(?:is\s+)?(?:opened|closed|open|close)\b/.test(u) ||
    /^(?:serial\s+)?port\s+(?:opened|closed)\b/.test(u) ||
    /^(?:打开|关闭)串口|^串口(?:已)?(?:打开|关闭)/.test(t) ||
    u.startsWith('welcome to minicom') ||
    u.startsWith('options: ') ||
    u.startsWith('compiled on ') ||
    /^port \/dev\/|^port com\d/.test(u) ||
    u.startsWith('press ctrl-a') ||
    /^(?:connected to|disconnected from)\s+(?:com\d+|\/dev\/)/.test(u)
  );
}

export function isCommentLine(s: string): boolean {
  if (s.length > BANNER_MAX) return false;
  return s.startsWith('//') || s === '#' || s.startsWith('# ');
}

/** VS Code serial monitor: `---- Sent utf8 encoded message: "AT\r\n" ----` → the bytes. */
export function vscodeSent(s: string): Buffer | null {
  if (!s.startsWith('---- Sent ')) return null;
  const m = /^---- Sent (\w+) encoded message: "(.*)" ----\s*$/.exec(s);
  if (!m) return null;
  const enc = m[1] ?? '';
  const body = m[2] ?? '';
  if (enc.toLowerCase() === 'hex') {
    const compact = body.replace(/\s+/g, '');
    if (compact.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(compact)) return null;
    return Buffer.from(compact, 'hex');
  }
  return Buffer.from(unescapeC(body), 'utf8');
}

function unescapeC(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charAt(i);
    if (c !== '\\' || i + 1 >= s.length) {
      out += c;
      continue;
    }
    const n = s.charAt(++i);
    switch (n) {
      case 'r':
        out += '\r';
        break;
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case '0':
        out += '\0';
        break;
      case 'x': {
        const h = s.slice(i + 1, i + 3);
        if (/^[0-9a-fA-F]{2}$/.test(h)) {
          out += String.fromCharCode(parseInt(h, 16));
          i += 2;
        } else out += '\\x';
        break;
      }
      case 'u': {
        const h = s.slice(i + 1, i + 5);
        if (/^[0-9a-fA-F]{4}$/.test(h)) {
          out += String.fromCharCode(parseInt(h, 16));
          i += 4;
        } else out += '\\u';
        break;
      }
      default:
        out += n;
    }
  }
  return out;
}

/**
 * A trailing human comment on a tx line: index where the command ends and the comment text,
 * or null. Linear: one pass tracking the quote parity and the current run of blanks.
 */
export function splitTxComment(s: string): { command: string; comment: string } | null {
  let quotes = 0;
  let run = 0;
  const endsWithParen = s.trimEnd().endsWith(')');
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isBlank(c)) {
      run++;
      continue;
    }
    if (run > 0 && quotes % 2 === 0 && i > run) {
      let hit = false;
      if (c === 0x2192 || c === 0x2190) hit = true; // → ←
      else if (run >= 2) {
        const two = s.slice(i, i + 2);
        if (two === '->' || two === '=>' || two === '<-' || two === '//') hit = true;
        else if (c === 35 && (i + 1 === s.length || isBlank(s.charCodeAt(i + 1)))) hit = true; // "# "
        else if (c === 40 /* ( */ && endsWithParen) hit = true;
      }
      if (hit) return { command: s.slice(0, i - run), comment: s.slice(i).trim() };
    }
    run = 0;
    if (c === 34) quotes++;
  }
  return null;
}

const CTRL_Z_NOTATIONS = ['^Z', '<CTRL+Z>', '<CTRL-Z>', '<CTRL_Z>', '<CTRL Z>', '[CTRL+Z]', '[CTRL-Z]', '<SUB>', '\\X1A', '\\U001A', '\\032', '<1A>', '[1A]', '0X1A', '\u241a', '\x1a'];
const ESC_NOTATIONS = ['^[', '<ESC>', '[ESC]', '\\X1B', '\\U001B', '\\033', '<1B>', '[1B]', '0X1B', '\u241b', '\x1b'];

/** A visible Ctrl-Z / ESC at the end of a data-mode payload line. */
export function endControl(s: string): { text: string; byte: number } | null {
  const trimmed = s.trimEnd();
  const tail = trimmed.slice(-12).toUpperCase();
  for (const [list, byte] of [
    [CTRL_Z_NOTATIONS, 0x1a],
    [ESC_NOTATIONS, 0x1b],
  ] as const) {
    for (const n of list) {
      if (tail.endsWith(n)) return { text: trimmed.slice(0, trimmed.length - n.length), byte };
    }
  }
  return null;
}

/** SSCOM shows the sent line end as "□" (GBK read as Latin-1: "¡õ"). */
export function stripSquare(s: string): { text: string; crlf: boolean } {
  if (s.endsWith('□')) return { text: s.slice(0, -1), crlf: true };
  if (s.endsWith('¡õ')) return { text: s.slice(0, -2), crlf: true };
  return { text: s, crlf: false };
}

export function isSquareLine(s: string): boolean {
  // a printable ASCII character first is not trimmed away, and is neither '□' nor '¡'
  const c = s.charCodeAt(0);
  if (c > 0x20 && c < 0x7f) return false;
  const t = s.trim();
  return t === '□' || t === '¡õ';
}
