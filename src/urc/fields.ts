/**
 * Small text helpers shared by the URC parsers. Pure; no regex runs on unbounded input.
 */

/**
 * Longest parameter text (after the prefix) the field-based parsers look at. Every 3GPP and
 * ECMT answer the project knows is far shorter; a longer one is not of the documented shape
 * and is left to the caller's fallback (an `info` event), so a huge garbage line costs nothing.
 */
export const MAX_FIELDS_TEXT = 4096;

const QUOTE = 0x22;
const COMMA = 0x2c;
const OPEN_PAREN = 0x28;
const CLOSE_PAREN = 0x29;

/**
 * Split AT parameters on commas outside double quotes (and, with `parens`, outside
 * parentheses, for test-form ranges such as `(0,1)`). Each field is trimmed; quotes are kept.
 * `""` → `['']`, `a,` → `['a', '']`.
 */
export function splitFields(s: string, parens = false): string[] {
  const out: string[] = [];
  let start = 0;
  let inQuote = false;
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === QUOTE) inQuote = !inQuote;
    else if (inQuote) continue;
    else if (parens && c === OPEN_PAREN) depth++;
    else if (parens && c === CLOSE_PAREN) {
      if (depth > 0) depth--;
    } else if (c === COMMA && depth === 0) {
      out.push(s.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(s.slice(start).trim());
  return out;
}

/** True for `"…"` (at least the two quotes). */
export function isQuoted(f: string): boolean {
  return f.length >= 2 && f.charCodeAt(0) === QUOTE && f.charCodeAt(f.length - 1) === QUOTE;
}

/** `"abc"` → `abc`; anything else unchanged. */
export function unquote(f: string): string {
  return isQuoted(f) ? f.slice(1, -1) : f;
}

/** A plain decimal integer (optionally negative, at most 10 digits, no quotes), else null. */
export function toInt(f: string | undefined): number | null {
  if (f === undefined) return null;
  const n = f.length;
  const neg = n > 0 && f.charCodeAt(0) === 0x2d;
  const from = neg ? 1 : 0;
  if (n - from < 1 || n - from > 10) return null;
  let v = 0;
  for (let i = from; i < n; i++) {
    const c = f.charCodeAt(i) - 0x30;
    if (c < 0 || c > 9) return null;
    v = v * 10 + c;
  }
  return neg ? -v : v;
}

/**
 * `splitFields` + `allInts` in one pass for the simple shape: integers separated by commas,
 * spaces allowed around them, nothing else. Null when the text is not of that shape (then
 * split it the general way: a null here says nothing about the fields).
 */
export function simpleInts(s: string): number[] | null {
  const out: number[] = [];
  const n = s.length;
  let i = 0;
  for (;;) {
    while (i < n && s.charCodeAt(i) === 0x20) i++;
    const neg = i < n && s.charCodeAt(i) === 0x2d;
    if (neg) i++;
    const d0 = i;
    let v = 0;
    while (i < n) {
      const c = s.charCodeAt(i) - 0x30;
      if (c < 0 || c > 9) break;
      v = v * 10 + c;
      i++;
    }
    if (i === d0 || i - d0 > 10) return null;
    while (i < n && s.charCodeAt(i) === 0x20) i++;
    out.push(neg ? -v : v);
    if (i === n) return out;
    if (s.charCodeAt(i) !== COMMA) return null;
    i++;
  }
}

/** Every field a plain integer: the numbers; otherwise null. */
export function allInts(fields: readonly string[]): number[] | null {
  const out: number[] = [];
  for (const f of fields) {
    const n = toInt(f);
    if (n === null) return null;
    out.push(n);
  }
  return out;
}

/** A field's unquoted text, or null when absent or empty. */
export function optText(f: string | undefined): string | null {
  if (f === undefined) return null;
  const u = unquote(f);
  return u.length === 0 ? null : u;
}

/** Whitespace the module's framing may leave around a frame (space, tab, CR, LF, VT, FF). */
export function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a || c === 0x0b || c === 0x0c;
}

/**
 * The classification window of a line: leading NUL bytes and whitespace skipped, trailing
 * whitespace dropped. `[start, end)` indexes into the original text.
 */
export function contentBounds(text: string): [start: number, end: number] {
  let s = 0;
  const len = text.length;
  while (s < len) {
    const c = text.charCodeAt(s);
    if (c !== 0 && !isSpace(c)) break;
    s++;
  }
  let e = len;
  while (e > s && isSpace(text.charCodeAt(e - 1))) e--;
  return [s, e];
}

/** The line with its classification window applied (see contentBounds). */
export function clean(text: string): string {
  const [s, e] = contentBounds(text);
  return s === 0 && e === text.length ? text : text.slice(s, e);
}

/**
 * The index of the `:` ending the prefix of `+PREFIX: rest` (already cleaned), or -1 when the
 * line does not start with `+`, has no `:` within 32 characters, or the prefix holds characters
 * other than letters, digits, `_` and single inner spaces (`+CME ERROR`).
 */
export function prefixColon(line: string): number {
  if (line.charCodeAt(0) !== 0x2b) return -1;
  const limit = Math.min(line.length, 33);
  let colon = -1;
  for (let i = 1; i < limit; i++) {
    const c = line.charCodeAt(i);
    if (c === 0x3a) {
      colon = i;
      break;
    }
    const letter = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
    const digit = c >= 0x30 && c <= 0x39;
    if (i === 1 && !letter) return -1;
    if (!letter && !digit && c !== 0x5f && !(c === 0x20 && line.charCodeAt(i - 1) !== 0x20)) return -1;
  }
  if (colon < 2 || line.charCodeAt(colon - 1) === 0x20) return -1;
  return colon;
}

/** Where the rest starts after the prefix's colon: leading blanks skipped. */
export function restStart(line: string, colon: number): number {
  let r = colon + 1;
  while (r < line.length && (line.charCodeAt(r) === 0x20 || line.charCodeAt(r) === 0x09)) r++;
  return r;
}

/**
 * Split `+PREFIX: rest` (already cleaned). Returns null when the line does not start with
 * `+`, has no `:` within 32 characters, or the prefix holds characters other than letters,
 * digits, `_` and single inner spaces (`+CME ERROR`). `rest` has its leading blanks removed.
 */
export function splitPrefix(line: string): { prefix: string; rest: string } | null {
  const colon = prefixColon(line);
  if (colon < 0) return null;
  return { prefix: line.slice(0, colon), rest: line.slice(restStart(line, colon)) };
}
