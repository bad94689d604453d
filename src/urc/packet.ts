/**
 * Packet domain (3GPP TS 27.007 §10.1):
 *   `+CGATT: <0|1>`
 *   `+CGPADDR: <cid>[,<addr>[,<addr2>]]` (addresses quoted or not; empty ones dropped)
 *   `+CGEV: <text>` (kept as text; explain() reads the common forms)
 *   `+CGCONTRDP: <cid>,<bearer id>,<apn>,…` (fields after the cid unquoted, positions kept)
 */
import type { EventOf, ModemEvent } from './types.js';
import { MAX_FIELDS_TEXT, splitFields, toInt, unquote } from './fields.js';

export function parseCgatt(rest: string, raw: string): EventOf<'cgatt'> | null {
  const n = toInt(rest.trim());
  if (n !== 0 && n !== 1) return null;
  return { type: 'cgatt', raw, attached: n === 1 };
}

export function parseCgpaddr(rest: string, raw: string): EventOf<'cgpaddr'> | null {
  if (rest.length > MAX_FIELDS_TEXT) return null;
  const f = splitFields(rest);
  const cid = toInt(f[0]);
  if (cid === null) return null;
  const addresses = f
    .slice(1)
    .map(unquote)
    .filter((a) => a.length > 0);
  return { type: 'cgpaddr', raw, cid, addresses };
}

export function parseCgev(rest: string, raw: string): EventOf<'cgev'> | null {
  return rest.length === 0 || rest.length > MAX_FIELDS_TEXT ? null : { type: 'cgev', raw, text: rest };
}

export function parseCgcontrdp(rest: string, raw: string): EventOf<'cgcontrdp'> | null {
  if (rest.length > MAX_FIELDS_TEXT) return null;
  const f = splitFields(rest);
  const cid = toInt(f[0]);
  if (cid === null) return null;
  return { type: 'cgcontrdp', raw, cid, fields: f.slice(1).map(unquote) };
}

/** Any packet-domain line by its upper-case prefix, or null. */
export function parsePacket(prefix: string, rest: string, raw: string): ModemEvent | null {
  switch (prefix) {
    case '+CGATT':
      return parseCgatt(rest, raw);
    case '+CGPADDR':
      return parseCgpaddr(rest, raw);
    case '+CGEV':
      return parseCgev(rest, raw);
    case '+CGCONTRDP':
      return parseCgcontrdp(rest, raw);
    default:
      return null;
  }
}
