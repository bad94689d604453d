import { Buffer } from 'node:buffer';
import { FIRMWARE_PROFILES, firmwareProfile, type FirmwareLimits, type FirmwareProfile, type FirmwareProfileName } from './firmware.js';
import { CatError } from '../../util/errors.js';
import { text, type Text } from '../../util/i18n.js';

/**
 * Typed builders for every ECMT command (../shared/protocol/ecmt.md §2, §3). Each returns the
 * exact command line WITHOUT the trailing CR (the AT engine adds it).
 *
 * Quoting rules, as the Eigencomm AT decoder parses a line (S):
 * - Every string is sent quoted: an unquoted `;` ends the command, and leading spaces of an
 *   unquoted value are skipped.
 * - There are no escapes: a `"` inside a quoted string closes it. A builder throws
 *   `ERR_INVALID_COMMAND` for such a value instead of producing a broken command.
 * - Control bytes (0x00–0x1F) cannot be sent in a quoted string either: CR ends the line,
 *   LF/NUL would split or truncate it, and the decoder rejects any other byte below 0x20 with a
 *   syntax `ERROR` (S5 backspace even edits the line). Builders throw for them too.
 * - Numbers must be whole numbers (anything else throws). Their RANGES are not checked here:
 *   that is the lint's job (`lint.ts`), so a tool can still send an out-of-range value on
 *   purpose (e.g. to see how a module answers).
 * - String LENGTHS are not checked here either: they depend on the firmware profile (lint).
 *
 * Inline publish payloads (§2.3): the payload is the last parameter, taken raw to the end of
 * the line; when it starts with `"`, that quote and a trailing quote are stripped. The builder
 * therefore ALWAYS wraps the payload P as `"P"`: the module strips exactly the quotes we added
 * and the broker receives P byte for byte (commas, inner quotes and leading spaces included).
 * See `publishMode` for when a payload goes inline, in data (prompt) mode, or cannot be sent.
 */

/** The one MQTT client these builds have (`<tcpconnectID>` range 0..0). */
export const DEFAULT_CONNECT_ID = 0;
/** Ends a data-mode (prompt) payload. The AT engine writes it after `data`. */
export const PROMPT_END = 0x1a;
/** Cancels data mode: the module answers OK and publishes nothing. */
export const PROMPT_CANCEL = 0x1b;

export type CfgSetting =
  /** keep-alive in seconds, 0–3600 (0 disables PINGREQ); effective default 120 */
  | { type: 'keepalive'; seconds: number }
  /** clean session flag (default clean) */
  | { type: 'session'; clean: boolean }
  /** stored only, not used on EC616S. `retries` defaults to 3 when `notice` is given without it */
  | { type: 'timeout'; packetTimeoutS: number; retries?: number; notice?: boolean }
  | { type: 'will'; enabled: false }
  | { type: 'will'; enabled: true; qos: 0 | 1 | 2; retain: boolean; topic: string; message: string }
  /** 3 = MQTT 3.1, 4 = MQTT 3.1.1 (default) */
  | { type: 'version'; level: 3 | 4 }
  | { type: 'aliauth'; productKey: string; deviceName: string; deviceSecret: string }
  /** 1 OneNET, 2 Aliyun, 3 plain, 4 normal; 0–255 each */
  | { type: 'cloud'; cloudType: number; dataType: number }
  | { type: 'echomode'; on: boolean }
  /** 0 text, 1 hex */
  | { type: 'dataformat'; send: 0 | 1; recv: 0 | 1 }
  | { type: 'ssl'; syntax: 'ec616s'; mode: 'psk'; psk: string; identity: string }
  | { type: 'ssl'; syntax: 'ec616s'; mode: 'ecc'; key: string }
  /** `ca` is the certificate as base64 (no PEM header lines, no line breaks) */
  | { type: 'ssl'; syntax: 'ec616s'; mode: 'ca'; ca: string; hostname?: string }
  /** EC626 builds: file names stored on the module; `level` defaults to 2 (as seen in field logs) */
  | { type: 'ssl'; syntax: 'ec626'; level?: number; caFile: string; certFile: string; keyFile: string };

export type CfgType = CfgSetting['type'];

export const CFG_TYPES: readonly CfgType[] = ['keepalive', 'session', 'timeout', 'will', 'version', 'aliauth', 'cloud', 'echomode', 'dataformat', 'ssl'];

/**
 * CONNECT credentials. `undefined` = omitted; trailing omitted fields are left out of the
 * command, inner omitted ones are sent as `""`. An empty string is sent as `""` (the firmware
 * treats both the same: empty = not given).
 */
export interface Credentials {
  clientId?: string;
  username?: string;
  password?: string;
}

export interface PublishSpec {
  /** 0–65535 (0 is the usual value for QoS 0) */
  msgId: number;
  qos: 0 | 1 | 2;
  retain: boolean;
  /** release assistance indication, EC616S only: `<retain>` = retain + 10 × rai. Default 0. */
  rai?: 0 | 1 | 2 | 3;
  topic: string;
  /**
   * The payload (a string is sent as UTF-8). Omitted: the command asks for the `> ` prompt and
   * the caller supplies the data itself (`pub()` returns `data: null`).
   */
  payload?: string | Buffer;
}

export interface PubOptions {
  /** firmware profile (or its limits) deciding inline vs prompt. Default `ec616s`. */
  profile?: FirmwareProfileName | FirmwareProfile;
  /** `auto` (default): inline when possible, else prompt. `prompt`: always data mode. */
  mode?: 'auto' | 'prompt';
}

export interface PubCommand {
  /** the command line, without CR */
  command: string;
  /** prompt mode: the payload bytes to write after `> ` (without the terminating Ctrl-Z); null when inline or when no payload was given */
  data: Buffer | null;
  mode: 'inline' | 'prompt';
}

export type PublishMode = { mode: 'inline' } | { mode: 'prompt'; reason: Text } | { mode: 'impossible'; reason: Text };

// ---------------------------------------------------------------------------------------------
// value checks

function fail(command: string, field: string, why: string): never {
  throw new CatError('ERR_INVALID_COMMAND', `${command}: ${field} ${why}`, { context: { command, field } });
}

function charName(code: number): string {
  switch (code) {
    case 0x0d:
      return 'CR';
    case 0x0a:
      return 'LF';
    case 0x00:
      return 'NUL';
    case 0x09:
      return 'TAB';
    case 0x08:
      return 'backspace (0x08)';
    case 0x1a:
      return 'Ctrl-Z (0x1A)';
    case 0x1b:
      return 'ESC (0x1B)';
    default:
      return `control byte 0x${code.toString(16).padStart(2, '0').toUpperCase()}`;
  }
}

/**
 * The first character that cannot be sent inside a quoted AT string, or null. Names the kind of
 * character only (never the value: it may be a secret).
 */
export function unsendableInQuoted(value: string): { char: string; code: number } | null {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x22) return { char: 'double quote (")', code: c };
    if (c < 0x20) return { char: charName(c), code: c };
  }
  return null;
}

/**
 * Quote a string parameter as the firmware parses it. Throws `ERR_INVALID_COMMAND` for a value
 * that cannot be expressed (a `"` or a control byte); the message names the field, never the value.
 */
export function atString(value: string, field: string, command = 'AT'): string {
  if (typeof value !== 'string') fail(command, field, `must be a string (got ${typeof value})`);
  const bad = unsendableInQuoted(value);
  if (bad) {
    const why =
      bad.code === 0x22
        ? 'contains a double quote ("), which cannot be sent inside a quoted AT string (the firmware has no escapes)'
        : `contains ${bad.char}, which cannot be sent inside a quoted AT string (it ends, truncates or breaks the command line)`;
    fail(command, field, why);
  }
  return `"${value}"`;
}

function atInt(value: number, field: string, command: string): string {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    fail(command, field, `must be a whole number (got ${String(value)})`);
  }
  return String(value);
}

function atBool(value: boolean, field: string, command: string): string {
  if (typeof value !== 'boolean') fail(command, field, `must be true or false (got ${String(value)})`);
  return value ? '1' : '0';
}

/** A profile name or object → the profile (default `ec616s`); throws ERR_INVALID_OPTION for an unknown name. */
export function resolveProfile(profile: FirmwareProfileName | FirmwareProfile | undefined): FirmwareProfile {
  if (profile === undefined) return FIRMWARE_PROFILES.ec616s;
  return typeof profile === 'string' ? firmwareProfile(profile) : profile;
}

// ---------------------------------------------------------------------------------------------
// publish payloads

function isUtf8RoundTrip(buf: Buffer): boolean {
  return Buffer.from(buf.toString('utf8'), 'utf8').equals(buf);
}

/** Why a payload cannot be inline / cannot be sent at all (internal, richer than `publishMode`). */
export type PayloadClass =
  | { mode: 'inline'; bytes: number }
  | { mode: 'prompt'; bytes: number; because: 'line-break' | 'control' | 'quote-edge' | 'binary' | 'too-long-inline'; limit: number | null; reason: Text }
  | { mode: 'impossible'; bytes: number; because: 'ctrl-z' | 'esc' | 'nul' | 'too-long'; limit: number | null; reason: Text };

/** The bytes a payload is sent as. */
export function payloadBytes(payload: string | Uint8Array): Buffer {
  return typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
}

/**
 * Classify a payload for a firmware's limits. Rules, in order:
 * 1. Ctrl-Z (0x1A) or ESC (0x1B) anywhere → impossible: data mode has no length field and ends
 *    (or cancels) at that byte, and a command line cannot carry it either.
 * 2. NUL → impossible: the inline payload is a C string (NUL truncates it) and the data-mode
 *    buffer is also handled as a C string by the firmware (zero-terminated, string functions for
 *    the cloud/hex paths); delivery intact is not assured on any path, and the module could not
 *    even print it back (`+ECMTRECV` is a C string).
 * 3. Inline when ALL hold: ≤ `limits.inlinePayload` bytes; no byte below 0x20 and no DEL (CR
 *    ends the line, LF/control bytes are not safe in a command line, backspace edits it); valid
 *    UTF-8 (the command line is text); first and last byte are not `"` (the quote stripping is
 *    done in a part of the firmware whose source is not public: with our wrapping, a payload
 *    like `"x"` would reach the broker intact only if exactly one quote is stripped per side —
 *    data mode removes the doubt at no cost). Non-ASCII UTF-8 is fine (counted in bytes).
 * 4. Otherwise data (prompt) mode when ≤ `limits.promptPayload` bytes.
 * 5. Otherwise impossible (too long for this firmware).
 */
export function classifyPayload(payload: string | Uint8Array, limits: FirmwareLimits): PayloadClass {
  const buf = payloadBytes(payload);
  const bytes = buf.length;
  if (buf.includes(0x1a)) {
    return {
      mode: 'impossible',
      bytes,
      because: 'ctrl-z',
      limit: null,
      reason: text(
        'the payload contains Ctrl-Z (0x1A): data mode ends at that byte (there is no length field) and a command line cannot carry it',
        '负载含 Ctrl-Z (0x1A)：数据模式在该字节处结束（没有长度字段），命令行也无法携带它',
      ),
    };
  }
  if (buf.includes(0x1b)) {
    return {
      mode: 'impossible',
      bytes,
      because: 'esc',
      limit: null,
      reason: text(
        'the payload contains ESC (0x1B): in data mode it cancels the publish, and a command line cannot carry it',
        '负载含 ESC (0x1B)：在数据模式下它会取消发布，命令行也无法携带它',
      ),
    };
  }
  if (buf.includes(0x00)) {
    return {
      mode: 'impossible',
      bytes,
      because: 'nul',
      limit: null,
      reason: text(
        'the payload contains NUL (0x00): the module handles payloads as C strings (NUL truncates an inline payload; the data-mode path is not binary-safe either), so it cannot be delivered intact',
        '负载含 NUL (0x00)：模组把负载当作 C 字符串处理（NUL 会截断行内负载，数据模式也不保证二进制安全），无法完整送达',
      ),
    };
  }
  let because: Extract<PayloadClass, { mode: 'prompt' }>['because'] | null = null;
  if (bytes > limits.inlinePayload) because = 'too-long-inline';
  else if (buf.includes(0x0d) || buf.includes(0x0a)) because = 'line-break';
  else if (buf.some((b) => b < 0x20 || b === 0x7f)) because = 'control';
  else if (!isUtf8RoundTrip(buf)) because = 'binary';
  else if (bytes > 0 && (buf[0] === 0x22 || buf[bytes - 1] === 0x22)) because = 'quote-edge';
  if (because === null) return { mode: 'inline', bytes };
  if (bytes > limits.promptPayload) {
    return {
      mode: 'impossible',
      bytes,
      because: 'too-long',
      limit: limits.promptPayload,
      reason: text(
        `the payload is ${bytes} bytes; this firmware accepts at most ${limits.inlinePayload} inline and ${limits.promptPayload} in data mode`,
        `负载为 ${bytes} 字节；该固件行内最多 ${limits.inlinePayload} 字节，数据模式最多 ${limits.promptPayload} 字节`,
      ),
    };
  }
  const reasons: Record<typeof because, Text> = {
    'too-long-inline': text(
      `the payload is ${bytes} bytes, more than the ${limits.inlinePayload} this firmware accepts inline: sent in data mode`,
      `负载为 ${bytes} 字节，超过该固件行内上限 ${limits.inlinePayload} 字节：改用数据模式发送`,
    ),
    'line-break': text('the payload contains CR or LF, which would end the command line: sent in data mode', '负载含 CR 或 LF，会结束命令行：改用数据模式发送'),
    control: text('the payload contains control bytes that are not safe in a command line: sent in data mode', '负载含在命令行中不安全的控制字节：改用数据模式发送'),
    binary: text('the payload is not valid UTF-8 text, so it cannot be written into a command line: sent in data mode', '负载不是有效的 UTF-8 文本，无法写入命令行：改用数据模式发送'),
    'quote-edge': text(
      'the payload starts or ends with a double quote, which the module strips from inline payloads: sent in data mode so the broker gets the exact bytes',
      '负载以双引号开头或结尾，模组会剥掉行内负载的引号：改用数据模式发送以保证代理收到原样字节',
    ),
  };
  return { mode: 'prompt', bytes, because, limit: because === 'too-long-inline' ? limits.inlinePayload : null, reason: reasons[because] };
}

/** How a payload can be sent with a firmware's limits (see `classifyPayload` for the rules). */
export function publishMode(payload: Buffer | Uint8Array | string, limits: FirmwareLimits): PublishMode {
  const c = classifyPayload(payload, limits);
  if (c.mode === 'inline') return { mode: 'inline' };
  return { mode: c.mode, reason: c.reason };
}

// ---------------------------------------------------------------------------------------------
// builders

function cfgBody(s: CfgSetting, cid: string): string {
  const C = 'AT+ECMTCFG';
  switch (s.type) {
    case 'keepalive':
      return `"keepalive",${cid},${atInt(s.seconds, 'keepalive seconds', C)}`;
    case 'session':
      return `"session",${cid},${atBool(s.clean, 'session clean', C)}`;
    case 'timeout': {
      let out = `"timeout",${cid},${atInt(s.packetTimeoutS, 'timeout packetTimeoutS', C)}`;
      if (s.retries !== undefined || s.notice !== undefined) {
        // the firmware default for <retry> is 3: filled in when only <notice> is given
        out += `,${atInt(s.retries ?? 3, 'timeout retries', C)}`;
      }
      if (s.notice !== undefined) out += `,${atBool(s.notice, 'timeout notice', C)}`;
      return out;
    }
    case 'will':
      if (!s.enabled) return `"will",${cid},0`;
      return `"will",${cid},1,${atInt(s.qos, 'will qos', C)},${atBool(s.retain, 'will retain', C)},${atString(s.topic, 'will topic', C)},${atString(s.message, 'will message', C)}`;
    case 'version':
      return `"version",${cid},${atInt(s.level, 'version level', C)}`;
    case 'aliauth':
      return `"aliauth",${cid},${atString(s.productKey, 'aliauth productKey', C)},${atString(s.deviceName, 'aliauth deviceName', C)},${atString(s.deviceSecret, 'aliauth deviceSecret', C)}`;
    case 'cloud':
      return `"cloud",${cid},${atInt(s.cloudType, 'cloud cloudType', C)},${atInt(s.dataType, 'cloud dataType', C)}`;
    case 'echomode':
      return `"echomode",${cid},${atBool(s.on, 'echomode on', C)}`;
    case 'dataformat':
      return `"dataformat",${cid},${atInt(s.send, 'dataformat send', C)},${atInt(s.recv, 'dataformat recv', C)}`;
    case 'ssl':
      // no connect id in either ssl syntax
      if (s.syntax === 'ec626') {
        return `"ssl",${atInt(s.level ?? 2, 'ssl level', C)},${atString(s.caFile, 'ssl caFile', C)},${atString(s.certFile, 'ssl certFile', C)},${atString(s.keyFile, 'ssl keyFile', C)}`;
      }
      switch (s.mode) {
        case 'psk':
          return `"ssl","psk",${atString(s.psk, 'ssl psk', C)},${atString(s.identity, 'ssl identity', C)}`;
        case 'ecc':
          return `"ssl","ecc",${atString(s.key, 'ssl key', C)}`;
        case 'ca':
          return `"ssl","ca",${atString(s.ca, 'ssl ca', C)}${s.hostname === undefined ? '' : `,${atString(s.hostname, 'ssl hostname', C)}`}`;
        default:
          return fail(C, 'ssl mode', `is unknown (${String((s as { mode?: unknown }).mode)}); use psk, ecc or ca`);
      }
    default: {
      const never: never = s;
      return fail(C, 'type', `is unknown (${String((never as { type?: unknown }).type)}); known: ${CFG_TYPES.join(', ')}`);
    }
  }
}

function connText(connectId: number | undefined, command: string): string {
  return atInt(connectId ?? DEFAULT_CONNECT_ID, 'connect id', command);
}

export const ecmtCmd = {
  /** `AT+ECMTCFG="keepalive",0,60`; ssl has no connect id: `AT+ECMTCFG="ssl","psk","<psk>","<id>"`, `AT+ECMTCFG="ssl",2,"<ca>","<cert>","<key>"` */
  cfg(s: CfgSetting, connectId?: number): string {
    return `AT+ECMTCFG=${cfgBody(s, connText(connectId, 'AT+ECMTCFG'))}`;
  },
  /** Query form (values omitted): `AT+ECMTCFG="keepalive",0`; for ssl (no connect id) `AT+ECMTCFG="ssl"`. */
  cfgQuery(type: CfgType, connectId?: number): string {
    if (!CFG_TYPES.includes(type)) fail('AT+ECMTCFG', 'type', `is unknown (${String(type)}); known: ${CFG_TYPES.join(', ')}`);
    if (type === 'ssl') return 'AT+ECMTCFG="ssl"';
    return `AT+ECMTCFG="${type}",${connText(connectId, 'AT+ECMTCFG')}`;
  },
  cfgTest(): string {
    return 'AT+ECMTCFG=?';
  },
  /** `AT+ECMTOPEN=0,"<host>",<port>` */
  open(host: string, port: number, connectId?: number): string {
    const C = 'AT+ECMTOPEN';
    return `${C}=${connText(connectId, C)},${atString(host, 'host', C)},${atInt(port, 'port', C)}`;
  },
  /** `AT+ECMTOPEN?` → `+ECMTOPEN:0,"<host>",<port>` or just OK */
  openRead(): string {
    return 'AT+ECMTOPEN?';
  },
  openTest(): string {
    return 'AT+ECMTOPEN=?';
  },
  /**
   * `AT+ECMTCONN=0[,"<clientID>"[,"<username>"[,"<password>"]]]`: trailing `undefined` fields are
   * left out; an `undefined` field before a given one is sent as `""`.
   */
  conn(c: Credentials, connectId?: number): string {
    const C = 'AT+ECMTCONN';
    const fields: Array<[string | undefined, string]> = [
      [c.clientId, 'clientId'],
      [c.username, 'username'],
      [c.password, 'password'],
    ];
    let last = -1;
    fields.forEach(([v], i) => {
      if (v !== undefined) last = i;
    });
    let out = `${C}=${connText(connectId, C)}`;
    for (let i = 0; i <= last; i++) {
      const [v, name] = fields[i]!;
      out += `,${atString(v ?? '', name, C)}`;
    }
    return out;
  },
  /** `AT+ECMTCONN?` → `+ECMTCONN:0,<state>` (1 other, 2 connecting, 3 connected, 4 disconnected) */
  connRead(): string {
    return 'AT+ECMTCONN?';
  },
  connTest(): string {
    return 'AT+ECMTCONN=?';
  },
  /** `AT+ECMTSUB=0,<msgID>,"<topic>",<qos>` (one topic per command) */
  sub(msgId: number, topic: string, qos: 0 | 1 | 2, connectId?: number): string {
    const C = 'AT+ECMTSUB';
    return `${C}=${connText(connectId, C)},${atInt(msgId, 'msgId', C)},${atString(topic, 'topic', C)},${atInt(qos, 'qos', C)}`;
  },
  subTest(): string {
    return 'AT+ECMTSUB=?';
  },
  /** `AT+ECMTUNS=0,<msgID>,"<topic>"` */
  uns(msgId: number, topic: string, connectId?: number): string {
    const C = 'AT+ECMTUNS';
    return `${C}=${connText(connectId, C)},${atInt(msgId, 'msgId', C)},${atString(topic, 'topic', C)}`;
  },
  unsTest(): string {
    return 'AT+ECMTUNS=?';
  },
  /**
   * `AT+ECMTPUB=0,<msgID>,<qos>,<retain + 10 × rai>,"<topic>"[,"<payload>"]`.
   * Inline: the payload is wrapped in quotes that the module strips (`data` null). Prompt: the
   * command has no payload; `data` is what to write after `> ` (the engine appends Ctrl-Z).
   * Throws `ERR_PAYLOAD` when the payload cannot be sent with the profile (Ctrl-Z, ESC, NUL,
   * over the data-mode limit) and `ERR_INVALID_COMMAND` for an unsendable topic or a bad number.
   */
  pub(p: PublishSpec, connectId?: number, opts: PubOptions = {}): PubCommand {
    const C = 'AT+ECMTPUB';
    if (typeof p.retain !== 'boolean') fail(C, 'retain', `must be true or false (got ${String(p.retain)})`);
    const rai = Number(atInt(p.rai ?? 0, 'rai', C));
    const retainField = (p.retain ? 1 : 0) + 10 * rai;
    const head = `${C}=${connText(connectId, C)},${atInt(p.msgId, 'msgId', C)},${atInt(p.qos, 'qos', C)},${atInt(retainField, 'retain/rai', C)},${atString(p.topic, 'topic', C)}`;
    if (p.payload === undefined) return { command: head, data: null, mode: 'prompt' };
    const profile = resolveProfile(opts.profile);
    const buf = payloadBytes(p.payload);
    const c = classifyPayload(buf, profile.limits);
    if (c.mode === 'impossible') {
      throw new CatError('ERR_PAYLOAD', `${C}: ${c.reason.en} (profile ${profile.name})`, { context: { command: C, field: 'payload', bytes: c.bytes, profile: profile.name } });
    }
    if (c.mode === 'prompt' || opts.mode === 'prompt') return { command: head, data: buf, mode: 'prompt' };
    return { command: `${head},"${buf.toString('utf8')}"`, data: null, mode: 'inline' };
  },
  pubTest(): string {
    return 'AT+ECMTPUB=?';
  },
  /** `AT+ECMTDISC=0` */
  disc(connectId?: number): string {
    return `AT+ECMTDISC=${connText(connectId, 'AT+ECMTDISC')}`;
  },
  discTest(): string {
    return 'AT+ECMTDISC=?';
  },
  /** `AT+ECMTCLOSE=0` */
  close(connectId?: number): string {
    return `AT+ECMTCLOSE=${connText(connectId, 'AT+ECMTCLOSE')}`;
  },
  closeTest(): string {
    return 'AT+ECMTCLOSE=?';
  },
} as const;

