/**
 * The shape of one line of a pasted log: is it an AT command, a module frame, the data prompt,
 * a hex dump? Pure functions, linear in the line, shared by the importer (import.ts), the
 * paste helpers (paste.ts) and the sniff.
 */

import { isDigit, isLetter } from '../util/chars.js';

export { isDigit, isLetter } from '../util/chars.js';

export function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

export function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}

export function isAllBlank(s: string, from: number): boolean {
  for (let i = from; i < s.length; i++) if (!isBlank(s.charCodeAt(i))) return false;
  return true;
}

/** AT command at the start of `s` (see the module doc). */
export function isAtCommandLine(s: string): boolean {
  const a = s.charCodeAt(0);
  const t = s.charCodeAt(1);
  // "ＡＴ+…" in full-width letters (pasted from a Chinese document): the host's line all the same
  if ((a === 0xff21 || a === 0xff41) && (t === 0xff34 || t === 0xff54 || t === 84 || t === 116)) return true;
  if ((a !== 65 && a !== 97) || (t !== 84 && t !== 116)) return false;
  if (s.length === 2) return true;
  const c = s.charCodeAt(2);
  // + & ? = ^ $ % * # \
  if (c === 43 || c === 38 || c === 63 || c === 61 || c === 94 || c === 36 || c === 37 || c === 42 || c === 35 || c === 92) return true;
  if (c === 13 || c === 10) return true; // decoded hex: "AT\r"
  if (isBlank(c)) return isAllBlank(s, 2);
  if (!isLetter(c)) return false;
  if (c === 68 || c === 100) {
    // ATD<dial string>
    const d = s.charCodeAt(3);
    return Number.isNaN(d) || isDigit(d) || '*#+;>"TtPpLlWw,'.includes(String.fromCharCode(d));
  }
  // basic commands: letters in runs of at most two, each optionally followed by digits
  let run = 0;
  for (let j = 2; j < s.length && j < 64; j++) {
    const ch = s.charCodeAt(j);
    if (isLetter(ch)) {
      if (++run > 2) return false;
    } else if (isDigit(ch)) run = 0;
    else if (ch === 61 || ch === 63 || ch === 59 || ch === 38) return true;
    else if (isBlank(ch)) return isAllBlank(s, j);
    else return false;
  }
  return s.length < 64;
}

/** The start of a module frame: a final result, a URC, a prompt. */
/** The first characters of a module frame (isModuleFrame's alternatives): O E R N B C S + ^ >. */
function mayStartFrame(c: number): boolean {
  return c === 79 || c === 69 || c === 82 || c === 78 || c === 66 || c === 67 || c === 83 || c === 43 || c === 94 || c === 62;
}

export function isModuleFrame(s: string): boolean {
  if (!mayStartFrame(s.charCodeAt(0))) return false;
  const head = s.length > 48 ? s.slice(0, 48) : s;
  return /^(?:OK|ERROR|RDY|NO CARRIER|BUSY|NO ANSWER|NO DIALTONE|CONNECT|SEND OK|SEND FAIL)(?:\s|$|:)|^\+[A-Za-z][A-Za-z0-9_]*(?:[:\s]|$)|^\^[A-Z]|^>\s*$/.test(head);
}

export function isPromptLine(s: string): boolean {
  return s.charCodeAt(0) === 62 && isAllBlank(s, 1);
}

/** Space-separated byte pairs → bytes, else null. */
export function hexPairs(s: string, minPairs: number): Buffer | null {
  let i = 0;
  const n = s.length;
  while (i < n && isBlank(s.charCodeAt(i))) i++;
  const bytes: number[] = [];
  while (i < n) {
    const a = s.charCodeAt(i);
    const b = s.charCodeAt(i + 1);
    if (!isHexDigit(a) || !isHexDigit(b)) return null;
    bytes.push(parseInt(s.slice(i, i + 2), 16));
    i += 2;
    if (i < n && !isBlank(s.charCodeAt(i))) return null;
    while (i < n && isBlank(s.charCodeAt(i))) i++;
  }
  return bytes.length >= minPairs ? Buffer.from(bytes) : null;
}

