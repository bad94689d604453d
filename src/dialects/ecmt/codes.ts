/**
 * ECMT result and status codes as tables (ecmt.md §4), English and Chinese. Built from the
 * meanings in urc/codes.ts (the functions decode and `at` already use), so there is one source.
 */
import type { CodeTable } from '../types.js';
import { connackMeaning, connResultMeaning, connStateMeaning, ecmtResultMeaning, statErrMeaning, type EcmtOp } from '../../urc/codes.js';
import type { Text } from '../../util/i18n.js';

function table(codes: readonly number[], meaning: (c: number) => Text | null): CodeTable {
  const out: Record<number, Text> = {};
  for (const c of codes) {
    const m = meaning(c);
    if (m) out[c] = m;
  }
  return out;
}

const op = (o: EcmtOp) => (c: number) => ecmtResultMeaning(o, c);

/** Named code tables of the ECMT dialect. */
export const ECMT_CODES: Readonly<Record<string, CodeTable>> = {
  /** +ECMTOPEN result */
  'open-result': table([0, -1], op('open')),
  /** +ECMTCLOSE result */
  'close-result': table([0, -1], op('close')),
  /** +ECMTDISC result */
  'disc-result': table([0, -1], op('disc')),
  /** +ECMTSUB result */
  'sub-result': table([0, 1, 2], op('sub')),
  /** +ECMTUNS result */
  'uns-result': table([0, 1, 2], op('uns')),
  /** +ECMTPUB result */
  'pub-result': table([0, 1, 2], op('pub')),
  /** +ECMTCONN result */
  'conn-result': table([0, 1, 2], connResultMeaning),
  /** +ECMTCONN ret_code: MQTT 3.1.1 CONNACK 0–5 (6: vendor, CONNACK not decodable) */
  connack: table([0, 1, 2, 3, 4, 5, 6], connackMeaning),
  /** +ECMTCONN:0,<state> (read form) */
  'conn-state': table([1, 2, 3, 4], connStateMeaning),
  /** +ECMTSTAT err_code */
  stat: table([1], statErrMeaning),
};
