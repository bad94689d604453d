import { isAscii } from 'node:buffer';

/** True when the bytes survive a round trip through a UTF-8 JSON string. */
export function isUtf8(buf: Buffer): boolean {
  // Fast path: pure ASCII needs no round trip.
  if (isAscii(buf)) return true;
  return Buffer.from(buf.toString('utf8'), 'utf8').equals(buf);
}
