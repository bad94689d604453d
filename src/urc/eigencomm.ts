/**
 * Eigencomm network tools (EC616S SDK, atec_tcpip_cnf_ind.c):
 *   `+ECDNS: "<ip>"` or `+ECDNS: <ip>`, several addresses comma-separated, quoted or not.
 *   `+ECPING: SUCC, dest: <ip>, RTT: <n> ms`          → kind 'succ'
 *   `+ECPING: FAIL, dest: <ip>, time out: <n> ms`     → kind 'fail' (also `timeout:`/`RTT:` spellings)
 *   `+ECPING: SEND FAIL: <n>, dest: <ip>`             → kind 'fail', no time
 *   `+ECPING: TIMEOUT`                                → kind 'fail' (some builds, as host drivers match it)
 *   `+ECPING: DONE`                                   → kind 'done'
 * Case and spacing are free. Other +ECPING lines (the statistics line after DONE,
 * `ERROR, cause: <n>`) have no field in the event and are left to the `info` fallback.
 */
import type { EventOf } from './types.js';
import { MAX_FIELDS_TEXT, splitFields, unquote } from './fields.js';

const ADDRESS = /^[0-9A-Fa-f:.]+$/;

export function parseEcdns(rest: string, raw: string): EventOf<'ecdns'> | null {
  if (rest.length === 0 || rest.length > MAX_FIELDS_TEXT) return null;
  const addresses = splitFields(rest).map((f) => unquote(f).trim());
  for (const a of addresses) if (!ADDRESS.test(a)) return null;
  return { type: 'ecdns', raw, addresses };
}

const SUCC = /^SUCC\s*,\s*dest\s*:\s*([^,\s]+)\s*,\s*RTT\s*:\s*(\d{1,9})\s*ms$/i;
const FAIL = /^FAIL\s*,\s*dest\s*:\s*([^,\s]+)\s*,\s*(?:time\s*out|RTT)\s*:\s*(\d{1,9})\s*ms$/i;
const SEND_FAIL = /^SEND\s*FAIL\s*:?\s*-?\d{1,9}\s*,\s*dest\s*:\s*([^,\s]+)$/i;
const DONE = /^DONE$/i;
const TIMEOUT = /^TIME\s*OUT$/i;

export function parseEcping(rest: string, raw: string): EventOf<'ecping'> | null {
  if (rest.length > 512) return null;
  const r = rest.trim();
  let m = SUCC.exec(r);
  if (m) return { type: 'ecping', raw, kind: 'succ', dest: m[1]!, rttMs: Number(m[2]), timeoutMs: null };
  m = FAIL.exec(r);
  if (m) return { type: 'ecping', raw, kind: 'fail', dest: m[1]!, rttMs: null, timeoutMs: Number(m[2]) };
  if (DONE.test(r)) return { type: 'ecping', raw, kind: 'done', dest: null, rttMs: null, timeoutMs: null };
  m = SEND_FAIL.exec(r);
  if (m) return { type: 'ecping', raw, kind: 'fail', dest: m[1]!, rttMs: null, timeoutMs: null };
  if (TIMEOUT.test(r)) return { type: 'ecping', raw, kind: 'fail', dest: null, rttMs: null, timeoutMs: null };
  return null;
}
