/**
 * Character classes of a UTF-16 code unit, for the hand-written scanners on hot paths (the same
 * sets as the regex classes they stand for).
 */

/** `[0-9]` */
export function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** `[A-Za-z]` */
export function isLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/** JavaScript's `\s`: white space and line terminators (ASCII, NBSP, the Unicode spaces, BOM). */
export function isRegexSpace(c: number): boolean {
  if (c < 0x80) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}
