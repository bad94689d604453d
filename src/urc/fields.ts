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

const INT_RE = /^-?\d{1,10}$/;

/** A plain decimal integer (optionally negative, at most 10 digits, no quotes), else null. */
export function toInt(f: string | undefined): number | null {
  if (f === undefined || f.length > 11 || !INT_RE.test(f)) return null;
  return Number(f);
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
 * Split `+PREFIX: rest` (already cleaned). Returns null when the line does not start with
 * `+`, has no `:` within 32 characters, or the prefix holds characters other than letters,
 * digits, `_` and single inner spaces (`+CME ERROR`). `rest` has its leading blanks removed.
 */
export function splitPrefix(line: string): { prefix: string; rest: string } | null {
  if (line.charCodeAt(0) !== 0x2b) return null;
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
    if (i === 1 && !letter) return null;
    if (!letter && !digit && c !== 0x5f && !(c === 0x20 && line.charCodeAt(i - 1) !== 0x20)) return null;
  }
  if (colon < 2 || line.charCodeAt(colon - 1) === 0x20) return null;
  let r = colon + 1;
  while (r < line.length && (line.charCodeAt(r) === 0x20 || line.charCodeAt(r) === 0x09)) r++;
  return { prefix: line.slice(0, colon), rest: line.slice(r) };
}
