/**
 * Typed builders for every QMT command (../shared/protocol/qmt.md §2, §2.2, §2.3, §4). Each
 * returns the exact command line WITHOUT the trailing CR (the AT engine adds it).
 *
 * Quoting: strings are sent quoted. No escape mechanism is published for Quectel's AT parser,
 * so a `"` inside a quoted value would close it: the builders throw `ERR_INVALID_COMMAND` for
 * such a value, and for control bytes (CR ends the line). Numbers must be whole numbers. Ranges
 * and lengths are NOT checked here (they depend on the model: `lint.ts`), so a tool can still
 * send an out-of-range value on purpose. Error messages name the field, never the value.
 */
import { Buffer } from 'node:buffer';
import { CatError } from '../../util/errors.js';
import type { PublishForm } from './profiles.js';

/** Ends a variable-length prompt payload (D [AN-BG95][AN-BC660K]). */
export const CTRL_Z = 0x1a;
/** Cancels a prompt payload (D); the module's reply to it is not published. */
export const ESC = 0x1b;

function fail(command: string, field: string, why: string): never {
  throw new CatError('ERR_INVALID_COMMAND', `${command}: ${field} ${why}`, { context: { command, field } });
}

/** The first character that cannot be sent inside a quoted AT string (names the kind only), or null. */
export function unsendableInQuoted(value: string): string | null {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x22) return 'a double quote (")';
    if (c < 0x20 || c === 0x7f) return c === 0x0d ? 'CR' : c === 0x0a ? 'LF' : `control byte 0x${c.toString(16).padStart(2, '0').toUpperCase()}`;
  }
  return null;
}

/** Quote a string parameter; throws for a value that cannot be expressed. */
export function qStr(value: string, field: string, command: string): string {
  if (typeof value !== 'string') fail(command, field, `must be a string (got ${typeof value})`);
  const bad = unsendableInQuoted(value);
  if (bad) fail(command, field, `contains ${bad}, which cannot be sent inside a quoted AT string (no escapes are published for Quectel's parser)`);
  return `"${value}"`;
}

function qInt(value: number, field: string, command: string): string {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) fail(command, field, `must be a whole number (got ${String(value)})`);
  return String(value);
}

function qBool(value: boolean, field: string, command: string): string {
  if (typeof value !== 'boolean') fail(command, field, `must be true or false (got ${String(value)})`);
  return value ? '1' : '0';
}

// ---------------------------------------------------------------------------------------------
// AT+QMTCFG

/** Every AT+QMTCFG setting with a published syntax (§2.2), by key. */
export type QmtCfgSetting =
  /** 3 = MQTT 3.1, 4 = MQTT 3.1.1 (BC660K's example uses 1 for 3.1.1, D) */
  | { key: 'version'; idx: number; version: number }
  | { key: 'pdpcid'; idx: number; cid: number }
  /** `ctx` = the SSL context set up with AT+QSSLCFG (0–5); left out when disabling */
  | { key: 'ssl'; idx: number; enable: boolean; ctx?: number }
  /** seconds, 0 = no PINGREQ (I, MQTT meaning) */
  | { key: 'keepalive'; idx: number; seconds: number }
  /** true = clean session (1), false = keep (0) */
  | { key: 'session'; idx: number; clean: boolean }
  /** packet timeout (s), retry count, notice flag (1 → result-1 URCs on resend, I) */
  | { key: 'timeout'; idx: number; pktTimeoutS: number; retries?: number; notice?: boolean }
  | { key: 'will'; idx: number; enabled: false }
  | { key: 'will'; idx: number; enabled: true; qos: number; retain: boolean; topic: string; message: string }
  /** mode 0 = payload in the URC, 1 = buffered (form c); `withLength` = print <len> in +QMTRECV */
  | { key: 'recv/mode'; idx: number; buffered: boolean; withLength?: boolean }
  /** Aliyun: product key, device name, device SECRET */
  | { key: 'aliauth'; idx: number; productKey: string; deviceName: string; deviceSecret: string }
  /** ASR Cat-1: 0 string / 1 hex (C [EG800AK]) */
  | { key: 'send/mode'; idx: number; hex: boolean }
  /** ASR/BC660K: send, recv 0/1 (O [EC600S] test form `(0,1),(0,1)`; D BC660K) */
  | { key: 'dataformat'; idx: number; send: number; recv: number };

export type QmtCfgKey = QmtCfgSetting['key'];

export const QMT_CFG_KEYS: readonly QmtCfgKey[] = ['version', 'pdpcid', 'ssl', 'keepalive', 'session', 'timeout', 'will', 'recv/mode', 'aliauth', 'send/mode', 'dataformat'];

/** `AT+QMTCFG="<key>",<idx>,<values…>` for a typed setting. */
export function cfg(s: QmtCfgSetting): string {
  const C = 'AT+QMTCFG';
  const head = `${C}="${s.key}",${qInt(s.idx, 'idx', C)}`;
  switch (s.key) {
    case 'version':
      return `${head},${qInt(s.version, 'version', C)}`;
    case 'pdpcid':
      return `${head},${qInt(s.cid, 'cid', C)}`;
    case 'ssl':
      return s.ctx === undefined ? `${head},${qBool(s.enable, 'enable', C)}` : `${head},${qBool(s.enable, 'enable', C)},${qInt(s.ctx, 'ctx', C)}`;
    case 'keepalive':
      return `${head},${qInt(s.seconds, 'seconds', C)}`;
    case 'session':
      return `${head},${qBool(s.clean, 'clean', C)}`;
    case 'timeout': {
      let out = `${head},${qInt(s.pktTimeoutS, 'pktTimeoutS', C)}`;
      if (s.retries !== undefined || s.notice !== undefined) out += `,${qInt(s.retries ?? 3, 'retries', C)}`;
      if (s.notice !== undefined) out += `,${qBool(s.notice, 'notice', C)}`;
      return out;
    }
    case 'will':
      if (!s.enabled) return `${head},0`;
      return `${head},1,${qInt(s.qos, 'will.qos', C)},${qBool(s.retain, 'will.retain', C)},${qStr(s.topic, 'will.topic', C)},${qStr(s.message, 'will.message', C)}`;
    case 'recv/mode':
      return s.withLength === undefined ? `${head},${qBool(s.buffered, 'buffered', C)}` : `${head},${qBool(s.buffered, 'buffered', C)},${qBool(s.withLength, 'withLength', C)}`;
    case 'aliauth':
      return `${head},${qStr(s.productKey, 'aliauth.productKey', C)},${qStr(s.deviceName, 'aliauth.deviceName', C)},${qStr(s.deviceSecret, 'aliauth.deviceSecret', C)}`;
    case 'send/mode':
      return `${head},${qBool(s.hex, 'hex', C)}`;
    case 'dataformat':
      return `${head},${qInt(s.send, 'dataformat.send', C)},${qInt(s.recv, 'dataformat.recv', C)}`;
    default: {
      const never: never = s;
      return never;
    }
  }
}

/** `AT+QMTCFG="<key>",<idx>`: values omitted → the module answers with the current values (a query). */
export function cfgQuery(key: string, idx: number): string {
  return `AT+QMTCFG=${qStr(key, 'key', 'AT+QMTCFG')},${qInt(idx, 'idx', 'AT+QMTCFG')}`;
}

/**
 * A key whose syntax is not published (the ASR extras `"onenet"`, `"hwauth"`, `"qmtping"`,
 * `"edit/timeout"`…, §2.2): the values are sent as given, strings quoted, numbers bare.
 */
export function cfgRaw(key: string, idx: number, values: ReadonlyArray<string | number>): string {
  const C = 'AT+QMTCFG';
  const parts = values.map((v, i) => (typeof v === 'number' ? qInt(v, `value ${i + 1}`, C) : qStr(v, `value ${i + 1}`, C)));
  return [`${C}=${qStr(key, 'key', C)}`, qInt(idx, 'idx', C), ...parts].join(',');
}

// ---------------------------------------------------------------------------------------------
// the two-phase commands

export function open(idx: number, host: string, port: number): string {
  const C = 'AT+QMTOPEN';
  return `${C}=${qInt(idx, 'idx', C)},${qStr(host, 'host', C)},${qInt(port, 'port', C)}`;
}

export function close(idx: number): string {
  return `AT+QMTCLOSE=${qInt(idx, 'idx', 'AT+QMTCLOSE')}`;
}

/**
 * `AT+QMTCONN=<idx>,"<clientID>"[,"<user>"[,"<pass>"]]`. A password without a user name is
 * sent with an empty user name (the syntax has no other way to place it).
 */
export function conn(idx: number, clientId: string, username?: string, password?: string): string {
  const C = 'AT+QMTCONN';
  let out = `${C}=${qInt(idx, 'idx', C)},${qStr(clientId, 'clientId', C)}`;
  if (username !== undefined || password !== undefined) out += `,${qStr(username ?? '', 'username', C)}`;
  if (password !== undefined) out += `,${qStr(password, 'password', C)}`;
  return out;
}

export function disc(idx: number): string {
  return `AT+QMTDISC=${qInt(idx, 'idx', 'AT+QMTDISC')}`;
}

export interface TopicQos {
  topic: string;
  qos: number;
}

/** `AT+QMTSUB=<idx>,<msgid>,"<t1>",<q1>[,"<t2>",<q2>…]` */
export function sub(idx: number, msgId: number, filters: readonly TopicQos[]): string {
  const C = 'AT+QMTSUB';
  if (filters.length === 0) fail(C, 'filters', 'must hold at least one topic filter');
  const parts = filters.map((f, i) => `${qStr(f.topic, `topic ${i + 1}`, C)},${qInt(f.qos, `qos ${i + 1}`, C)}`);
  return `${C}=${qInt(idx, 'idx', C)},${qInt(msgId, 'msgId', C)},${parts.join(',')}`;
}

/** `AT+QMTUNS=<idx>,<msgid>,"<t1>"[,"<t2>"…]` */
export function uns(idx: number, msgId: number, topics: readonly string[]): string {
  const C = 'AT+QMTUNS';
  if (topics.length === 0) fail(C, 'topics', 'must hold at least one topic filter');
  return `${C}=${qInt(idx, 'idx', C)},${qInt(msgId, 'msgId', C)},${topics.map((t, i) => qStr(t, `topic ${i + 1}`, C)).join(',')}`;
}

export interface QmtPublish {
  idx: number;
  /** 0 exactly when QoS 0, else 1–65535 (D [NUMODEM][AN-BG95]; the lint checks it) */
  msgId: number;
  qos: number;
  retain: boolean;
  topic: string;
  payload: string | Uint8Array;
}

/** A publish ready to send: the command line, then (after the `> ` prompt) `data`, then `terminator` if any. */
export interface QmtPublishCommand {
  command: string;
  form: PublishForm;
  /** the bytes to write after the `> ` prompt; null for the inline form (no prompt) */
  data: Buffer | null;
  /** Ctrl-Z after the data (variable-length prompt form), else null */
  terminator: number | null;
  /** the URC that completes it on the model the form was chosen for (§2.3) */
  urc: 'QMTPUB' | 'QMTPUBEX';
}

export function payloadBytes(payload: string | Uint8Array): Buffer {
  return typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
}

function pubHead(cmd: 'AT+QMTPUB' | 'AT+QMTPUBEX', p: QmtPublish): string {
  return `${cmd}=${qInt(p.idx, 'idx', cmd)},${qInt(p.msgId, 'msgId', cmd)},${qInt(p.qos, 'qos', cmd)},${qBool(p.retain, 'retain', cmd)},${qStr(p.topic, 'topic', cmd)}`;
}

/**
 * Build a publish in the given form (§2.3):
 * - `pub-prompt`: `AT+QMTPUB=…,"<topic>"`, data, Ctrl-Z. The payload cannot hold 0x1A/0x1B (throws).
 * - `pub-length`: `AT+QMTPUB=…,"<topic>",<len>`, exactly <len> bytes, no Ctrl-Z.
 * - `pubex-length`: `AT+QMTPUBEX=…,"<topic>",<len>` (ASR Cat-1), exactly <len> bytes; answered by `+QMTPUBEX:`.
 * - `pubex-inline`: `AT+QMTPUBEX=…,"<topic>","<msg>"` (BGx); no `"` or control bytes in the message; answered by `+QMTPUB:`.
 */
export function publish(p: QmtPublish, form: PublishForm): QmtPublishCommand {
  const data = payloadBytes(p.payload);
  switch (form) {
    case 'pub-prompt': {
      if (data.includes(CTRL_Z) || data.includes(ESC)) fail('AT+QMTPUB', 'payload', 'contains Ctrl-Z (0x1A) or ESC (0x1B), which end or cancel a prompt-mode payload: use the length form');
      return { command: pubHead('AT+QMTPUB', p), form, data, terminator: CTRL_Z, urc: 'QMTPUB' };
    }
    case 'pub-length':
      return { command: `${pubHead('AT+QMTPUB', p)},${data.length}`, form, data, terminator: null, urc: 'QMTPUB' };
    case 'pubex-length':
      return { command: `${pubHead('AT+QMTPUBEX', p)},${data.length}`, form, data, terminator: null, urc: 'QMTPUBEX' };
    case 'pubex-inline': {
      const text = data.toString('utf8');
      if (!Buffer.from(text, 'utf8').equals(data)) fail('AT+QMTPUBEX', 'payload', 'is not valid UTF-8 text, which an inline (quoted) message cannot carry');
      return { command: `${pubHead('AT+QMTPUBEX', p)},${qStr(text, 'payload', 'AT+QMTPUBEX')}`, form, data: null, terminator: null, urc: 'QMTPUB' };
    }
    default: {
      const never: never = form;
      return never;
    }
  }
}

/** `AT+QMTRECV=<idx>[,<recv_id>]`: read buffered messages (recv/mode 1); no recv_id = all slots. */
export function recvRead(idx: number, recvId?: number): string {
  const C = 'AT+QMTRECV';
  return recvId === undefined ? `${C}=${qInt(idx, 'idx', C)}` : `${C}=${qInt(idx, 'idx', C)},${qInt(recvId, 'recvId', C)}`;
}

/** The QMT commands by name (without `AT`). */
export const QMT_COMMANDS = ['+QMTCFG', '+QMTOPEN', '+QMTCLOSE', '+QMTCONN', '+QMTDISC', '+QMTSUB', '+QMTUNS', '+QMTPUB', '+QMTPUBEX', '+QMTRECV'] as const;
export type QmtCommandName = (typeof QMT_COMMANDS)[number];

/** Read forms: `AT+QMTOPEN?` (open clients), `AT+QMTCONN?` (states), `AT+QMTRECV?` (buffer slots). */
export function read(name: '+QMTOPEN' | '+QMTCONN' | '+QMTRECV'): string {
  return `AT${name}?`;
}

/** Test form: `AT+QMTxxx=?` (the ranges). */
export function test(name: QmtCommandName): string {
  return `AT${name}=?`;
}

// ---------------------------------------------------------------------------------------------
// before MQTT (§4)

/** `AT+QIACT?`: the PDP contexts that are active (bare OK when none). */
export const QIACT_READ = 'AT+QIACT?';

/** `AT+QIACT=<cid>`: activate a context (≤150 s, D). */
export function qiact(cid: number): string {
  return `AT+QIACT=${qInt(cid, 'cid', 'AT+QIACT')}`;
}

/**
 * `AT+QICSGP=<cid>,<type>,"<apn>","<user>","<pass>",<auth>` (type 1 IPv4, 2 IPv6, 3 IPv4v6;
 * auth 0 none, 1 PAP, 2 CHAP, 3 either; D [AN-BG95]). User and password are secrets.
 */
export function qicsgp(cid: number, type: number, apn: string, username = '', password = '', auth = 0): string {
  const C = 'AT+QICSGP';
  return `${C}=${qInt(cid, 'cid', C)},${qInt(type, 'type', C)},${qStr(apn, 'apn', C)},${qStr(username, 'username', C)},${qStr(password, 'password', C)},${qInt(auth, 'auth', C)}`;
}

/** `AT+QURCCFG="urcport","uart1"`: route URCs to the UART (EG800K factory default is USB, O [NUMODEM]; saved to NV). */
export const URCPORT_UART1 = 'AT+QURCCFG="urcport","uart1"';
