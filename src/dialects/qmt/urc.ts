/**
 * The QMT lines (../shared/protocol/qmt.md §2–§4): frame text → typed event. Pure, no state.
 *
 * URCs (colon + space, or none; spaces around fields tolerated):
 *   +QMTOPEN: <idx>,<result>          +QMTCLOSE: <idx>,<result>       +QMTDISC: <idx>,<result>
 *   +QMTCONN: <idx>,<result>[,<ret_code>]
 *   +QMTSUB: <idx>,<msgid>,<result>[,<value>…]
 *   +QMTUNS: <idx>,<msgid>,<result>
 *   +QMTPUB: / +QMTPUBEX: <idx>,<msgid>,<result>[,<value>]
 *   +QMTSTAT: <idx>,<err_code>        +QMTPING: <idx>,<result>
 *   +QMTRECV: forms a–d (§3.1; multi-line payloads: recv.ts)
 * Read answers, told apart by their shape:
 *   +QMTOPEN: <idx>,"<host>",<port>   → qmt-open-state
 *   +QMTCONN: <idx>,<state>           → qmt-conn-state for 1–4 (the read form, C [EC200U-H], D [AN-BC660K]);
 *                                       `+QMTCONN: <idx>,0` is the old-firmware URC without ret_code (C [C-HIVE]):
 *                                       no state 0 exists. Values 1 and 2 are read as states: the two-field URC
 *                                       is one driver's claim, the read form is documented (I).
 *   +QMTCFG: "<key>",<values…>        → qmt-cfg, key echoed (BG770A, C [LABW]); the idx is not echoed
 *   +QMTCFG: <values…>                → qmt-cfg with key null (values only, BC660K AN, D)
 *   +QMTCFG: "<key>",(0-5),(3,4)      → qmt-cfg 'test'
 *   +QMTxxx: (0-5),…                  → qmt-test (any QMT answer whose fields start with `(`)
 *   +QIACT: <cid>,<state>,<type>[,"<ip>"…] → qiact (the PDP check, §4)
 * A known prefix with any other shape gives null: the caller reports it as `info`.
 */
import { MAX_FIELDS_TEXT, allInts, clean, isQuoted, simpleInts, splitFields, splitPrefix, toInt, unquote } from '../../urc/fields.js';
import { recvFromLine } from './recv.js';
import type { QmtEvent, QmtEventOf } from './events.js';

/** The QMT prefixes this file reads (upper case, without the colon). */
export const QMT_PREFIXES: readonly string[] = [
  '+QMTOPEN',
  '+QMTCLOSE',
  '+QMTCONN',
  '+QMTDISC',
  '+QMTSUB',
  '+QMTUNS',
  '+QMTPUB',
  '+QMTPUBEX',
  '+QMTSTAT',
  '+QMTRECV',
  '+QMTCFG',
  '+QMTPING',
  '+QIACT',
];

const PREFIX_SET = new Set(QMT_PREFIXES);

/** True for `+QMT…`/`+QIACT` prefixes this dialect reads (upper case, no colon). */
export function isQmtPrefix(prefix: string): boolean {
  return PREFIX_SET.has(prefix.toUpperCase());
}

function pair(type: 'qmt-open' | 'qmt-close' | 'qmt-disc' | 'qmt-stat' | 'qmt-ping', n: number[], raw: string): QmtEvent | null {
  if (n.length !== 2) return null;
  if (type === 'qmt-stat') return { type, raw, idx: n[0]!, errCode: n[1]! };
  return { type, raw, idx: n[0]!, result: n[1]! };
}

function conn(n: number[], raw: string): QmtEvent | null {
  if (n.length === 3) return { type: 'qmt-conn', raw, idx: n[0]!, result: n[1]!, retCode: n[2]! };
  if (n.length !== 2) return null;
  if (n[1] === 0) return { type: 'qmt-conn', raw, idx: n[0]!, result: 0, retCode: null };
  return { type: 'qmt-conn-state', raw, idx: n[0]!, state: n[1]! };
}

function sub(n: number[], raw: string): QmtEvent | null {
  if (n.length < 3) return null;
  return { type: 'qmt-sub', raw, idx: n[0]!, msgId: n[1]!, result: n[2]!, values: n.slice(3) };
}

function uns(n: number[], raw: string): QmtEvent | null {
  return n.length === 3 ? { type: 'qmt-uns', raw, idx: n[0]!, msgId: n[1]!, result: n[2]! } : null;
}

function pub(n: number[], raw: string, urc: 'QMTPUB' | 'QMTPUBEX'): QmtEvent | null {
  if (n.length !== 3 && n.length !== 4) return null;
  return { type: 'qmt-pub', raw, idx: n[0]!, msgId: n[1]!, result: n[2]!, value: n[3] ?? null, urc };
}

function recvInts(n: number[], raw: string): QmtEvent | null {
  if (n.length === 2) return { type: 'qmt-recv-notice', raw, idx: n[0]!, recvId: n[1]! };
  if (n.length === 6) return { type: 'qmt-recv-slots', raw, idx: n[0]!, slots: n.slice(1) };
  return null;
}

function fromInts(prefix: string, n: number[], raw: string): QmtEvent | null {
  switch (prefix) {
    case '+QMTOPEN':
      return pair('qmt-open', n, raw);
    case '+QMTCLOSE':
      return pair('qmt-close', n, raw);
    case '+QMTDISC':
      return pair('qmt-disc', n, raw);
    case '+QMTSTAT':
      return pair('qmt-stat', n, raw);
    case '+QMTPING':
      return pair('qmt-ping', n, raw);
    case '+QMTCONN':
      return conn(n, raw);
    case '+QMTSUB':
      return sub(n, raw);
    case '+QMTUNS':
      return uns(n, raw);
    case '+QMTPUB':
      return pub(n, raw, 'QMTPUB');
    case '+QMTPUBEX':
      return pub(n, raw, 'QMTPUBEX');
    case '+QMTRECV':
      return recvInts(n, raw);
    case '+QIACT':
      return n.length === 3 ? { type: 'qiact', raw, cid: n[0]!, state: n[1]!, contextType: n[2]!, addresses: [] } : null;
    default:
      return null;
  }
}

const CFG_KEY = /^[A-Za-z_][A-Za-z0-9_/]*$/;

function cfg(rest: string, raw: string): QmtEvent | null {
  const f = splitFields(rest);
  const first = f[0]!;
  if (isQuoted(first)) {
    const key = unquote(first);
    if (!CFG_KEY.test(key)) return null;
    const second = f[1];
    if (second !== undefined && second.charCodeAt(0) === 0x28) {
      // test form: ranges may hold commas inside parentheses, e.g. (0,1)
      const comma = rest.indexOf(',');
      const values = splitFields(rest.slice(comma + 1), true).map(unquote);
      while (values.length > 0 && values[values.length - 1] === '') values.pop();
      return { type: 'qmt-cfg', raw, key: key.toLowerCase(), values, form: 'test' };
    }
    return { type: 'qmt-cfg', raw, key: key.toLowerCase(), values: f.slice(1).map(unquote), form: 'query' };
  }
  // values only (BC660K): at least one field, each a number or a quoted string
  for (const v of f) if (v === '' || (!isQuoted(v) && toInt(v) === null)) return null;
  return { type: 'qmt-cfg', raw, key: null, values: f.map(unquote), form: 'query' };
}

function openState(f: string[], raw: string): QmtEvent | null {
  if (f.length !== 3) return null;
  const idx = toInt(f[0]);
  const port = toInt(f[2]);
  if (idx === null || port === null || !isQuoted(f[1]!)) return null;
  const host = unquote(f[1]!);
  if (host.length === 0) return null;
  return { type: 'qmt-open-state', raw, idx, host, port };
}

function qiact(f: string[], raw: string): QmtEvent | null {
  if (f.length < 3) return null;
  const n = allInts(f.slice(0, 3));
  if (!n) return null;
  const addresses: string[] = [];
  for (const a of f.slice(3)) {
    if (!isQuoted(a)) return null;
    addresses.push(unquote(a));
  }
  return { type: 'qiact', raw, cid: n[0]!, state: n[1]!, contextType: n[2]!, addresses };
}

/**
 * Any QMT line. `prefix` is the prefix without the colon (any case), `rest` the text after the
 * colon (leading blanks removed, trailing whitespace trimmed), `raw` the line. Null when the
 * prefix is not QMT or the fields are not of a documented shape.
 */
export function parseQmt(prefix: string, rest: string, raw: string): QmtEvent | null {
  const p = prefix.toUpperCase();
  if (!PREFIX_SET.has(p) || rest.length === 0) return null;
  if (p === '+QMTRECV') {
    const ints = simpleInts(rest);
    if (ints !== null) return recvInts(ints, raw);
    return recvFromLine(raw.slice(raw.indexOf('+')));
  }
  if (rest.length > MAX_FIELDS_TEXT) return null;
  if (rest.charCodeAt(0) === 0x28) return { type: 'qmt-test', raw, command: p, ranges: rest };
  if (p === '+QMTCFG') return cfg(rest, raw);
  const ints = simpleInts(rest);
  if (ints !== null) return fromInts(p, ints, raw);
  const f = splitFields(rest);
  if (p === '+QMTOPEN') return openState(f, raw);
  if (p === '+QIACT') return qiact(f, raw);
  return null;
}

/**
 * One whole line (terminator optional; leading NULs and whitespace skipped). Null when it is
 * not a QMT line of a documented shape. A `+QMTRECV` message read here is one line only
 * (`endedBy: 'line'` unless its length field frames it).
 */
export function parseQmtLine(line: string): QmtEvent | null {
  const c = clean(line);
  const sp = splitPrefix(c);
  if (!sp) return null;
  if (sp.prefix.toUpperCase() === '+QMTRECV') {
    const ints = simpleInts(sp.rest);
    if (ints !== null) return recvInts(ints, c);
    return recvFromLine(c);
  }
  return parseQmt(sp.prefix, sp.rest.trimEnd(), c);
}

/** Narrowing helper for tests and callers. */
export function isQmtEvent<T extends QmtEvent['type']>(e: QmtEvent | null, type: T): e is QmtEventOf<T> {
  return e !== null && e.type === type;
}
