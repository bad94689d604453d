/**
 * Radio: signal quality and functionality level (3GPP TS 27.007 §8.5, §8.69, §8.2).
 *   `+CSQ: <rssi>,<ber>`  dbm = -113 + 2·rssi for 0..31 (0 means ≤ -113, 31 means ≥ -51); null for 99.
 *   `+CESQ: <rxlev>,<ber>,<rscp>,<ecno>,<rsrq>,<rsrp>`
 *       rsrpDbm = rsrp - 141 for 0..97 (else null, 255 = unknown);
 *       rsrqDb  = rsrq / 2 - 20 for 0..34 (else null).
 *   `+CFUN: <fun>`  0 minimum, 1 full, 4 radio off.
 */
import type { EventOf, ModemEvent } from './types.js';
import { MAX_FIELDS_TEXT, allInts, simpleInts, splitFields, toInt } from './fields.js';

/** dBm of a +CSQ rssi, or null for 99 and other values outside 0..31. */
export function rssiToDbm(rssi: number): number | null {
  return rssi >= 0 && rssi <= 31 ? -113 + 2 * rssi : null;
}

/** dBm of a +CESQ rsrp index, or null outside 0..97. */
export function rsrpToDbm(rsrp: number): number | null {
  return rsrp >= 0 && rsrp <= 97 ? rsrp - 141 : null;
}

/** dB of a +CESQ rsrq index, or null outside 0..34. */
export function rsrqToDb(rsrq: number): number | null {
  return rsrq >= 0 && rsrq <= 34 ? rsrq / 2 - 20 : null;
}

function ints(rest: string, count: number): number[] | null {
  if (rest.length > MAX_FIELDS_TEXT) return null;
  const n = simpleInts(rest);
  if (n !== null) return n.length === count ? n : null;
  const f = splitFields(rest);
  return f.length === count ? allInts(f) : null;
}

export function parseCsq(rest: string, raw: string): EventOf<'csq'> | null {
  const n = ints(rest, 2);
  if (!n) return null;
  const rssi = n[0]!;
  return { type: 'csq', raw, rssi, ber: n[1]!, dbm: rssiToDbm(rssi) };
}

export function parseCesq(rest: string, raw: string): EventOf<'cesq'> | null {
  const n = ints(rest, 6);
  if (!n) return null;
  const [rxlev, ber, rscp, ecno, rsrq, rsrp] = n as [number, number, number, number, number, number];
  return { type: 'cesq', raw, rxlev, ber, rscp, ecno, rsrq, rsrp, rsrpDbm: rsrpToDbm(rsrp), rsrqDb: rsrqToDb(rsrq) };
}

export function parseCfun(rest: string, raw: string): EventOf<'cfun'> | null {
  const fun = toInt(rest.trim());
  return fun === null ? null : { type: 'cfun', raw, fun };
}

/** Any radio line by its upper-case prefix, or null. */
export function parseSignal(prefix: string, rest: string, raw: string): ModemEvent | null {
  switch (prefix) {
    case '+CSQ':
      return parseCsq(rest, raw);
    case '+CESQ':
      return parseCesq(rest, raw);
    case '+CFUN':
      return parseCfun(rest, raw);
    default:
      return null;
  }
}
