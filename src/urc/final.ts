/**
 * Final results: `OK`, `ERROR`, `+CME ERROR: …`, `+CMS ERROR: …`.
 *
 * Accepted error forms (AT+CMEE=1 numeric, AT+CMEE=2 verbose):
 *   `+CME ERROR: 3`, `+CME ERROR:3` (no space; the EC616S prints this for some socket errors),
 *   `+CME ERROR: operation not allowed` (code filled in from the table when the text is known),
 *   `+CME ERROR: "operation not allowed"` (quotes removed), `+CME ERROR:` (code and text null).
 * The same for `+CMS ERROR` (codes only, no text table).
 */
import type { EventOf, FinalEvent } from './types.js';
import { cmeCodeFromText } from './codes.js';
import { clean, splitPrefix, toInt, unquote } from './fields.js';

function errorFields(rest: string, lookup: ((s: string) => number | null) | null): { code: number | null; text: string | null } {
  const r = unquote(rest.trim()).trim();
  if (r.length === 0) return { code: null, text: null };
  const n = toInt(r);
  if (n !== null) return { code: n, text: null };
  return { code: lookup ? lookup(r) : null, text: r };
}

/** `+CME ERROR: <rest>` with the prefix already removed. */
export function cmeError(rest: string, raw: string): EventOf<'cme-error'> {
  return { type: 'cme-error', raw, ...errorFields(rest, cmeCodeFromText) };
}

/** `+CMS ERROR: <rest>` with the prefix already removed. */
export function cmsError(rest: string, raw: string): EventOf<'cms-error'> {
  return { type: 'cms-error', raw, ...errorFields(rest, null) };
}

/**
 * A final result from one line (leading NULs and surrounding whitespace ignored), or null.
 * `OK` and `ERROR` must be exact (upper case, nothing else on the line).
 */
export function parseFinal(line: string): FinalEvent | null {
  const t = clean(line);
  if (t === 'OK') return { type: 'ok', raw: line };
  if (t === 'ERROR') return { type: 'error', raw: line };
  const p = splitPrefix(t);
  if (!p) return null;
  const key = p.prefix.toUpperCase();
  if (key === '+CME ERROR') return cmeError(p.rest, line);
  if (key === '+CMS ERROR') return cmsError(p.rest, line);
  return null;
}
