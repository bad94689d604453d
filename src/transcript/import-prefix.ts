/**
 * The prefix of a pasted log's line (import.ts has the rules): a time stamp and a direction
 * marker in either order, and a `[HEX]` tag. Pure functions, linear in the line; the first
 * character decides whether a line can have a prefix at all (most lines of a bare log cannot).
 */
import { isBlank, isDigit, isLetter } from './line-shape.js';

export type Dir = 'tx' | 'rx';

export const US_PER_S = 1_000_000;

/** Digits at `i`: at least `min`, at most `max`, and not followed by another digit. */
function readDigits(s: string, i: number, min: number, max: number): { v: number; n: number; end: number } | null {
  let j = i;
  let v = 0;
  while (j < s.length && j - i < max) {
    const c = s.charCodeAt(j);
    if (!isDigit(c)) break;
    v = v * 10 + (c - 48);
    j++;
  }
  const n = j - i;
  if (n < min || isDigit(s.charCodeAt(j))) return null;
  return { v, n, end: j };
}

// ---------------------------------------------------------------------------------------------
// Timestamps

/** wall: `us` is the time of day (and `day` the date, days since 1970, when written); otherwise `us` is relative seconds × 1e6. */
export interface Stamp {
  wall: boolean;
  day: number | null;
  us: number;
}

function fractionUs(v: number, n: number): number {
  return n <= 6 ? v * 10 ** (6 - n) : Math.floor(v / 10 ** (n - 6));
}

function parseClock(s: string, i: number): { us: number; end: number } | null {
  const h = readDigits(s, i, 1, 2);
  if (!h) return null;
  const sep = s.charCodeAt(h.end);
  if (sep !== 58 /* : */ && sep !== 95 /* _ */) return null;
  const m = readDigits(s, h.end + 1, 2, 2);
  if (!m || s.charCodeAt(m.end) !== sep) return null;
  const sec = readDigits(s, m.end + 1, 2, 2);
  if (!sec || h.v > 23 || m.v > 59 || sec.v > 60) return null;
  let us = ((h.v * 60 + m.v) * 60 + sec.v) * US_PER_S;
  let end = sec.end;
  const f = s.charCodeAt(end);
  const fracSep = sep === 95 ? f === 95 || f === 46 : f === 46 || f === 44 || f === 58;
  if (fracSep && isDigit(s.charCodeAt(end + 1))) {
    const fr = readDigits(s, end + 1, 1, 9);
    if (!fr) return null;
    us += fractionUs(fr.v, fr.n);
    end = fr.end;
  }
  return { us, end };
}

function parseDate(s: string, i: number): { day: number; end: number } | null {
  const y = readDigits(s, i, 4, 4);
  if (!y) return null;
  const sep = s.charCodeAt(y.end);
  if (sep !== 45 /* - */ && sep !== 47 /* / */ && sep !== 46 /* . */) return null;
  const mo = readDigits(s, y.end + 1, 1, 2);
  if (!mo || s.charCodeAt(mo.end) !== sep) return null;
  const d = readDigits(s, mo.end + 1, 1, 2);
  if (!d || mo.v < 1 || mo.v > 12 || d.v < 1 || d.v > 31) return null;
  return { day: Math.floor(Date.UTC(y.v, mo.v - 1, d.v) / 86_400_000), end: d.end };
}

/** Skip a zone suffix (`Z`, `+08:00`, `-0500`) directly after a time. */
function skipZone(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c === 90 /* Z */) return i + 1;
  if (c === 43 || c === 45) {
    const h = readDigits(s, i + 1, 2, 4);
    if (!h) return i;
    if (h.n === 4) return h.end;
    if (h.n === 2) {
      if (s.charCodeAt(h.end) === 58) {
        const m = readDigits(s, h.end + 1, 2, 2);
        if (m) return m.end;
      }
      return h.end;
    }
  }
  return i;
}

function parseWall(s: string, i: number): { stamp: Stamp; end: number } | null {
  const d = parseDate(s, i);
  if (d) {
    let j = d.end;
    const c = s.charCodeAt(j);
    if (c === 84 /* T */ || c === 95 /* _ */) j++;
    else {
      while (s.charCodeAt(j) === 32 && j - d.end < 3) j++;
      if (j === d.end) return null;
    }
    const k = parseClock(s, j);
    if (!k) return null;
    return { stamp: { wall: true, day: d.day, us: k.us }, end: skipZone(s, k.end) };
  }
  const k = parseClock(s, i);
  if (!k) return null;
  return { stamp: { wall: true, day: null, us: k.us }, end: skipZone(s, k.end) };
}

/** Relative seconds `12.345` spanning exactly [a, b). */
function parseRelative(s: string, a: number, b: number): Stamp | null {
  const int = readDigits(s, a, 1, 10);
  if (!int || s.charCodeAt(int.end) !== 46) return null;
  const fr = readDigits(s, int.end + 1, 3, 9);
  if (!fr || fr.end !== b) return null;
  return { wall: false, day: null, us: int.v * US_PER_S + fractionUs(fr.v, fr.n) };
}

function parseStamp(s: string, i: number, allowBare: boolean): { stamp: Stamp; end: number; bracketed: boolean } | null {
  if (s.charCodeAt(i) === 91 /* [ */) {
    let close = -1;
    for (let j = i + 1; j < s.length && j <= i + 48; j++) {
      if (s.charCodeAt(j) === 93) {
        close = j;
        break;
      }
    }
    if (close < 0) return null;
    let a = i + 1;
    let b = close;
    while (a < b && isBlank(s.charCodeAt(a))) a++;
    while (b > a && isBlank(s.charCodeAt(b - 1))) b--;
    if (a === b) return null;
    const w = parseWall(s, a);
    if (w && w.end === b) return { stamp: w.stamp, end: close + 1, bracketed: true };
    const r = parseRelative(s, a, b);
    return r ? { stamp: r, end: close + 1, bracketed: true } : null;
  }
  if (!allowBare) return null;
  const w = parseWall(s, i);
  if (!w) return null;
  const c = s.charCodeAt(w.end);
  if (!(w.end === s.length || isBlank(c) || c === 91 || parseMarker(s, w.end) !== null)) return null;
  return { stamp: w.stamp, end: w.end, bracketed: false };
}

// ---------------------------------------------------------------------------------------------
// Direction markers

interface Marker {
  dir: Dir;
  end: number;
  /** the ASCII `->` (Arduino/PlatformIO use it as a separator after a bare time) */
  asciiArrow: boolean;
  /** SSCOM's own marker (`发→◇`, `收←◆`, or their GBK bytes read as Latin-1) */
  sscom: boolean;
}

/** Longest first where one is a prefix of another. */
const LITERAL_MARKERS: ReadonlyArray<readonly [string, Dir]> = [
  ['发→◇', 'tx'],
  ['收←◆', 'rx'],
  ['发→', 'tx'],
  ['收←', 'rx'],
  // SSCOM saves its logs in GBK; read as Latin-1 the markers look like this
  ['·¢¡ú¡ó', 'tx'],
  ['ÊÕ¡û¡ô', 'rx'],
  ['[发送]', 'tx'],
  ['[接收]', 'rx'],
  ['【发送】', 'tx'],
  ['【接收】', 'rx'],
  ['发送:', 'tx'],
  ['发送：', 'tx'],
  ['接收:', 'rx'],
  ['接收：', 'rx'],
  ['→', 'tx'],
  ['←', 'rx'],
  ['-->', 'tx'],
  ['<--', 'rx'],
  ['->', 'tx'],
  ['<-', 'rx'],
  ['>>>', 'tx'],
  ['<<<', 'rx'],
  ['>>', 'tx'],
  ['<<', 'rx'],
];

const TX_WORDS: ReadonlySet<string> = new Set(['TX', 'SEND', 'SENT', 'SND']);
const RX_WORDS: ReadonlySet<string> = new Set(['RX', 'RECV', 'RCV', 'RCVD', 'RECEIVE', 'RECEIVED']);

function isColon(c: number): boolean {
  return c === 58 || c === 0xff1a;
}

/** SSCOM's markers, as it prints them and as its GBK log reads in Latin-1. */
const SSCOM_MARKERS: ReadonlySet<string> = new Set(['发→◇', '收←◆', '·¢¡ú¡ó', 'ÊÕ¡û¡ô']);

/** The first characters of the literal markers: no other line can start with one. */
const MARKER_FIRST: ReadonlySet<number> = new Set(LITERAL_MARKERS.map(([lit]) => lit.charCodeAt(0)));

function parseMarker(s: string, i: number): Marker | null {
  const c0 = s.charCodeAt(i);
  if (Number.isNaN(c0)) return null;
  if (MARKER_FIRST.has(c0)) {
    for (const [lit, dir] of LITERAL_MARKERS) {
      if (s.startsWith(lit, i)) return { dir, end: i + lit.length, asciiArrow: lit === '->', sscom: SSCOM_MARKERS.has(lit) };
    }
  }
  const bracket = c0 === 91;
  const w0 = bracket ? i + 1 : i;
  let j = w0;
  while (j < s.length && j - w0 < 9 && isLetter(s.charCodeAt(j))) j++;
  if (j === w0) return null;
  // a word marker ends with its bracket or its colon: a word without one is text (`OK`, `AT+…`),
  // told before any copy of it is made
  if (bracket ? s.charCodeAt(j) !== 93 : !isColon(s.charCodeAt(j))) return null;
  const word = s.slice(w0, j).toUpperCase();
  const dir: Dir | null = TX_WORDS.has(word) ? 'tx' : RX_WORDS.has(word) ? 'rx' : null;
  if (dir === null) return null;
  if (bracket) {
    if (s.charCodeAt(j) !== 93) return null;
    j++;
    if (isColon(s.charCodeAt(j))) j++;
    return { dir, end: j, asciiArrow: false, sscom: false };
  }
  return isColon(s.charCodeAt(j)) ? { dir, end: j + 1, asciiArrow: false, sscom: false } : null;
}

/** `[HEX]` or `HEX:` at i → end, or -1. */
function parseHexTag(s: string, i: number): number {
  const c0 = s.charCodeAt(i);
  // `[`, `h` or `H` first (anything else is quickly not a tag)
  if (c0 !== 91 && c0 !== 104 && c0 !== 72) return -1;
  if (s.charCodeAt(i) === 91 && s.charCodeAt(i + 4) === 93 && s.slice(i + 1, i + 4).toUpperCase() === 'HEX') return i + 5;
  if (s.slice(i, i + 3).toUpperCase() === 'HEX' && isColon(s.charCodeAt(i + 3))) return i + 4;
  return -1;
}

export interface Prefix {
  stamp: Stamp | null;
  dir: Dir | null;
  hex: boolean;
  /** something was recognised and removed */
  headed: boolean;
  /** the direction marker is SSCOM's own (`dir` is then set) */
  sscom: boolean;
  rest: string;
}

/**
 * Could a prefix start with this character? A stamp starts with a digit or `[`, a word marker or
 * a hex tag with an ASCII letter or `[`, a literal marker with one of MARKER_FIRST; other
 * characters (most non-ASCII ones included) are looked at the slow way.
 */
function mayStartPrefix(c: number): boolean {
  if (c >= 128) return true;
  return isDigit(c) || isLetter(c) || c === 91 || MARKER_FIRST.has(c);
}

export function parsePrefix(s: string): Prefix {
  // first-character gating: most lines of a log without prefixes (URCs, `+…`, blank lines) end here
  if (!mayStartPrefix(s.charCodeAt(0))) return { stamp: null, dir: null, hex: false, headed: false, sscom: false, rest: s };
  let i = 0;
  let stamp: { stamp: Stamp; bracketed: boolean } | null = null;
  let marker: Marker | null = null;
  let markerGap = -1;
  let hex = false;
  let any = false;
  for (let k = 0; k < 4; k++) {
    let j = i;
    if (any) while (j < s.length && j - i < 16 && isBlank(s.charCodeAt(j))) j++;
    if (!stamp) {
      const r = parseStamp(s, j, !any);
      if (r) {
        stamp = r;
        i = r.end;
        any = true;
        continue;
      }
    }
    if (!marker) {
      const m = parseMarker(s, j);
      if (m) {
        marker = m;
        markerGap = stamp ? j - i : -1;
        i = m.end;
        any = true;
        continue;
      }
    }
    if (!hex) {
      const h = parseHexTag(s, j);
      if (h >= 0) {
        hex = true;
        i = h;
        any = true;
        continue;
      }
    }
    break;
  }
  if (any && isBlank(s.charCodeAt(i))) i++;
  let dir = marker ? marker.dir : null;
  // Arduino IDE / PlatformIO: "12:34:56.789 -> text" for every received line.
  if (marker?.asciiArrow && stamp && !stamp.bracketed && markerGap === 1) dir = null;
  return { stamp: stamp ? stamp.stamp : null, dir, hex, headed: any, sscom: dir !== null && marker !== null && marker.sscom, rest: any ? s.slice(i) : s };
}
