import { Buffer } from 'node:buffer';
import { FIRMWARE_PROFILES, PROFILE_NAMES, type FirmwareProfile, type FirmwareProfileName } from './firmware.js';
import { classifyPayload, payloadBytes, resolveProfile, unsendableInQuoted, type CfgSetting, type Credentials, type PublishSpec } from './commands.js';
import { text, type Text } from '../../util/i18n.js';

/**
 * Lint ECMT command values BEFORE sending them, against the limits and quirks of a firmware
 * profile (../shared/protocol/ecmt.md §2.1–§3, `firmware.ts`). Findings are data.
 *
 * Severity: `error` = the module will reject the command or mangle the value; `warning` = it
 * will be accepted but behave differently from what you expect; `info` = worth knowing.
 *
 * Secrets: a finding never carries a string value, only its length in UTF-8 bytes. Messages
 * quote numbers (ports, msgIDs, ranges) but never a string the caller passed.
 */

export type LintSeverity = 'error' | 'warning' | 'info';

export type LintCode =
  | 'too-long'
  | 'out-of-range'
  | 'not-integer'
  | 'unsendable-char'
  | 'credential-quirk'
  | 'empty'
  | 'payload-mode'
  | 'ignored-setting'
  | 'wrong-syntax'
  | 'invalid-topic'
  | 'host-format'
  | 'msgid-zero'
  | 'not-base64'
  | 'keepalive-off'
  | 'cloud-type';

export interface LintFinding {
  code: LintCode | (string & {});
  /** 'host', 'port', 'clientId', 'username', 'password', 'credentials', 'msgId', 'topic', 'qos', 'retain', 'rai', 'payload', 'keepalive', 'will.topic', 'aliauth.deviceSecret', 'ssl.psk', … */
  field: string;
  severity: LintSeverity;
  profile: FirmwareProfileName;
  /** length of the offending string in UTF-8 bytes — never the value itself (it may be a secret) */
  valueLength?: number;
  /** the limit that was crossed: longest length, or the range bound; null when none applies */
  limit?: number | null;
  /** the accepted range, for `out-of-range` */
  range?: readonly [number, number];
  /** one line, English and Simplified Chinese, no secret values */
  message: Text;
}

export type ProfileArg = FirmwareProfileName | FirmwareProfile;

interface Ctx {
  p: FirmwareProfile;
  out: LintFinding[];
}

const LABELS: Record<string, Text> = {
  host: text('host', '主机名'),
  port: text('port', '端口'),
  clientId: text('client ID', '客户端 ID'),
  username: text('user name', '用户名'),
  password: text('password', '密码'),
  msgId: text('msgID', 'msgID'),
  topic: text('topic', '主题'),
  qos: text('QoS', 'QoS'),
  retain: text('<retain> field (retain + 10 × RAI)', '<retain> 字段（retain + 10 × RAI）'),
  rai: text('RAI', 'RAI'),
  payload: text('payload', '负载'),
  keepalive: text('keep-alive', '保活时间'),
  session: text('clean-session flag', '清除会话标志'),
  echomode: text('echo mode', '回显模式'),
  'timeout.notice': text('timeout notice flag', '超时通知标志'),
  'will.retain': text('will retain flag', '遗嘱保留标志'),
  'timeout.packetTimeoutS': text('packet timeout', '报文超时'),
  'timeout.retries': text('retry count', '重试次数'),
  'will.qos': text('will QoS', '遗嘱 QoS'),
  'will.topic': text('will topic', '遗嘱主题'),
  'will.message': text('will message', '遗嘱消息'),
  version: text('MQTT version', 'MQTT 版本'),
  'aliauth.productKey': text('Aliyun product key', '阿里云 ProductKey'),
  'aliauth.deviceName': text('Aliyun device name', '阿里云 DeviceName'),
  'aliauth.deviceSecret': text('Aliyun device secret', '阿里云 DeviceSecret'),
  'cloud.cloudType': text('cloud type', '云平台类型'),
  'cloud.dataType': text('cloud data type', '云平台数据类型'),
  'dataformat.send': text('send data format', '发送数据格式'),
  'dataformat.recv': text('receive data format', '接收数据格式'),
  'ssl.psk': text('TLS PSK', 'TLS PSK'),
  'ssl.identity': text('TLS PSK identity', 'TLS PSK 身份'),
  'ssl.key': text('TLS ECC key', 'TLS ECC 密钥'),
  'ssl.ca': text('TLS CA certificate', 'TLS CA 证书'),
  'ssl.hostname': text('TLS host name', 'TLS 主机名'),
  'ssl.level': text('TLS level', 'TLS 级别'),
  'ssl.caFile': text('TLS CA file name', 'TLS CA 文件名'),
  'ssl.certFile': text('TLS certificate file name', 'TLS 证书文件名'),
  'ssl.keyFile': text('TLS key file name', 'TLS 密钥文件名'),
};

/** A field's name for people ("user name" / "用户名"). */
export function fieldLabel(field: string): Text {
  return label(field);
}

function label(field: string): Text {
  return LABELS[field] ?? text(field, field);
}

function bytesOf(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

function add(ctx: Ctx, f: Omit<LintFinding, 'profile'>): void {
  ctx.out.push({ ...f, profile: ctx.p.name });
}

function ctxOf(profile: ProfileArg | undefined): Ctx {
  return { p: resolveProfile(profile), out: [] };
}

// ---------------------------------------------------------------------------------------------
// generic checks

const CREDENTIAL_FIELDS = new Set(['clientId', 'username', 'password']);

interface StrOpts {
  /** longest accepted length in bytes; null/undefined = no known limit */
  limit?: number | null;
  /** an empty value is an error */
  required?: boolean;
}

/** Returns false when the value is not a string at all (nothing else checked). */
function checkString(ctx: Ctx, field: string, value: unknown, opts: StrOpts = {}): value is string {
  const l = label(field);
  if (typeof value !== 'string') {
    add(ctx, { code: 'empty', field, severity: 'error', limit: null, message: text(`${l.en} is missing (not a string)`, `${l.zh}缺失（不是字符串）`) });
    return false;
  }
  const n = bytesOf(value);
  if (n === 0 && opts.required) {
    add(ctx, { code: 'empty', field, severity: 'error', valueLength: 0, limit: null, message: text(`${l.en} is empty`, `${l.zh}为空`) });
  }
  const bad = unsendableInQuoted(value);
  if (bad) {
    const en =
      bad.code === 0x22
        ? `${l.en} contains a double quote ("), which cannot be sent inside a quoted AT string (the firmware has no escapes)`
        : `${l.en} contains ${bad.char}, which cannot be sent inside a quoted AT string (it ends, truncates or breaks the command line)`;
    const zh =
      bad.code === 0x22
        ? `${l.zh}含双引号 (")，无法放进带引号的 AT 字符串（固件不支持转义）`
        : `${l.zh}含 ${bad.char}，无法放进带引号的 AT 字符串（会结束、截断或破坏命令行）`;
    add(ctx, { code: 'unsendable-char', field, severity: 'error', valueLength: n, limit: null, message: text(en, zh) });
  }
  if (opts.limit !== undefined && opts.limit !== null && n > opts.limit) {
    const cuts = ctx.p.quirks.overLongCredential === 'truncate' && CREDENTIAL_FIELDS.has(field);
    add(ctx, {
      code: 'too-long',
      field,
      severity: 'error',
      valueLength: n,
      limit: opts.limit,
      message: cuts
        ? text(
            `${l.en} is ${n} bytes; firmware profile ${ctx.p.name} cuts it to ${opts.limit} and sends that (the module answers OK; the broker sees a different value)`,
            `${l.zh}为 ${n} 字节；固件配置 ${ctx.p.name} 会截断为 ${opts.limit} 字节后发送（模组回复 OK，服务器收到的是另一个值）`,
          )
        : text(
            `${l.en} is ${n} bytes; firmware profile ${ctx.p.name} accepts at most ${opts.limit} (the module answers +CME ERROR: 3)`,
            `${l.zh}为 ${n} 字节；固件配置 ${ctx.p.name} 最多接受 ${opts.limit} 字节（模组会回复 +CME ERROR: 3）`,
          ),
    });
  }
  return true;
}

interface IntOpts {
  severity?: LintSeverity;
  /** what happens when out of range (appended to the message) */
  consequence?: Text;
}

const REJECTED = text('the module answers ERROR or +CME ERROR: 3', '模组会回复 ERROR 或 +CME ERROR: 3');

/** Returns true when the value is a whole number inside [min, max]. */
function checkInt(ctx: Ctx, field: string, value: unknown, min: number, max: number, opts: IntOpts = {}): boolean {
  const l = label(field);
  const severity = opts.severity ?? 'error';
  const why = opts.consequence ?? REJECTED;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    add(ctx, {
      code: 'not-integer',
      field,
      severity: 'error',
      limit: null,
      range: [min, max],
      message: text(`${l.en} must be a whole number from ${min} to ${max} (got ${String(value)})`, `${l.zh}必须是 ${min} 到 ${max} 的整数（实际为 ${String(value)}）`),
    });
    return false;
  }
  if (value < min || value > max) {
    add(ctx, {
      code: 'out-of-range',
      field,
      severity,
      limit: value < min ? min : max,
      range: [min, max],
      message: text(`${l.en} ${value} is outside ${min}–${max}: ${why.en}`, `${l.zh} ${value} 超出 ${min}–${max}：${why.zh}`),
    });
    return false;
  }
  return true;
}

function checkBool(ctx: Ctx, field: string, value: unknown): void {
  if (typeof value !== 'boolean') {
    const l = label(field);
    add(ctx, { code: 'not-integer', field, severity: 'error', limit: null, range: [0, 1], message: text(`${l.en} must be true or false (got ${String(value)})`, `${l.zh}必须是 true 或 false（实际为 ${String(value)}）`) });
  }
}

/** MQTT topic name (publish): no wildcards. Topic filter (subscribe): `+` a whole level, `#` last and whole. */
function checkTopicSyntax(ctx: Ctx, field: string, topic: string, kind: 'name' | 'filter'): void {
  if (topic.length === 0) return;
  const l = label(field);
  let bad = false;
  if (kind === 'name') bad = /[+#]/.test(topic);
  else {
    const levels = topic.split('/');
    levels.forEach((lv, i) => {
      if (lv.includes('#') && (lv !== '#' || i !== levels.length - 1)) bad = true;
      if (lv.includes('+') && lv !== '+') bad = true;
    });
  }
  if (!bad) return;
  add(ctx, {
    code: 'invalid-topic',
    field,
    severity: 'warning',
    valueLength: bytesOf(topic),
    limit: null,
    message:
      kind === 'name'
        ? text(`${l.en} contains a wildcard (+ or #), which a PUBLISH may not use: the broker will close the connection`, `${l.zh}含通配符（+ 或 #），PUBLISH 不允许使用：代理会断开连接`)
        : text(`${l.en} is not a valid MQTT topic filter (+ must be a whole level, # a whole last level): the broker will close the connection`, `${l.zh}不是合法的 MQTT 主题过滤器（+ 须占整级，# 须为最后整级）：代理会断开连接`),
  });
}

function checkTopic(ctx: Ctx, field: string, topic: unknown, limit: number, kind: 'name' | 'filter'): void {
  if (checkString(ctx, field, topic, { limit, required: true })) checkTopicSyntax(ctx, field, topic, kind);
}

// ---------------------------------------------------------------------------------------------
// per command

/** `AT+ECMTOPEN=0,"<host>",<port>` */
export function lintOpen(host: string, port: number, profile?: ProfileArg): LintFinding[] {
  const ctx = ctxOf(profile);
  if (checkString(ctx, 'host', host, { limit: ctx.p.limits.host, required: true })) {
    if (host.includes('://') || host.includes('/') || host.trim() !== host) {
      add(ctx, {
        code: 'host-format',
        field: 'host',
        severity: 'warning',
        valueLength: bytesOf(host),
        limit: null,
        message: text(
          'host looks like a URL or has spaces around it: give the bare host name or IP address (the port goes in its own parameter); DNS will fail otherwise',
          '主机名看起来像 URL 或前后有空格：请只填主机名或 IP 地址（端口单独填写），否则 DNS 解析会失败',
        ),
      });
    }
  }
  checkInt(ctx, 'port', port, 1, 65535);
  return ctx.out;
}

function presence(v: string | undefined): Text {
  if (v === undefined || v.length === 0) return text('empty', '空');
  const n = bytesOf(v);
  return text(`set (${n} bytes)`, `已填（${n} 字节）`);
}

/** `AT+ECMTCONN=0[,"<clientID>"[,"<username>"[,"<password>"]]]` */
export function lintConnect(c: Credentials, profile?: ProfileArg): LintFinding[] {
  const ctx = ctxOf(profile);
  const L = ctx.p.limits;
  const fields: Array<[keyof Credentials, number]> = [
    ['clientId', L.clientId],
    ['username', L.username],
    ['password', L.password],
  ];
  for (const [f, limit] of fields) {
    const v = c[f];
    if (v !== undefined) checkString(ctx, f, v, { limit });
  }
  const set = (v: string | undefined): boolean => typeof v === 'string' && v.length > 0;
  if (ctx.p.quirks.credentialQuirk && !(set(c.clientId) && set(c.username) && set(c.password))) {
    const cid = presence(c.clientId);
    const user = presence(c.username);
    const pass = presence(c.password);
    const dropped = set(c.clientId)
      ? text(
          ' Your client ID is NOT sent: if the platform identifies devices by client ID, the module will look connected while the platform shows the device offline.',
          '您填写的客户端 ID 不会被发送：如果平台按客户端 ID 识别设备，模组会显示已连接，而平台上设备显示离线。',
        )
      : text('', '');
    add(ctx, {
      code: 'credential-quirk',
      field: 'credentials',
      severity: 'warning',
      limit: null,
      message: text(
        `This module uses client ID, user name and password only when all three are non-empty (here: client ID ${cid.en}, user name ${user.en}, password ${pass.en}), so it will send an anonymous CONNECT with an EMPTY client ID and no credentials; the broker may refuse it (CONNACK 2, 4 or 5) or accept it under a random ID.${dropped.en} Field workaround: give every missing field a dummy non-empty value (e.g. client ID " ").`,
        `该模组只有在客户端 ID、用户名和密码三者都非空时才会使用它们（当前：客户端 ID ${cid.zh}，用户名 ${user.zh}，密码 ${pass.zh}），因此会发送客户端 ID 为空、不带用户名密码的匿名 CONNECT；代理可能拒绝（CONNACK 2、4 或 5）或以随机 ID 接受。${dropped.zh}现场变通办法：给每个缺少的字段填一个非空的占位值（例如客户端 ID 填 " "）。`,
      ),
    });
  }
  return ctx.out;
}

/** `AT+ECMTSUB=0,<msgID>,"<topic>",<qos>` */
/** What one known firmware profile would do with a credential over its limit. */
export interface ProfileCredentialCheck {
  profile: FirmwareProfileName;
  field: 'clientId' | 'username' | 'password';
  /** UTF-8 bytes of the value given (never the value) */
  valueLength: number;
  limit: number;
  /** refused with +CME ERROR: 3, or cut to the limit and sent */
  effect: 'refuse' | 'truncate';
}

/**
 * The given credentials against EVERY known firmware profile, not only the one chosen: which
 * builds would refuse or cut which value. A module whose build is not the one the user named
 * (an older firmware) is found this way. Lengths only, never values.
 */
export function lintCredentialsAcrossProfiles(c: Credentials): ProfileCredentialCheck[] {
  const out: ProfileCredentialCheck[] = [];
  for (const name of PROFILE_NAMES) {
    const p = FIRMWARE_PROFILES[name];
    for (const f of ['clientId', 'username', 'password'] as const) {
      const v = c[f];
      if (v === undefined) continue;
      const n = bytesOf(v);
      const limit = p.limits[f];
      if (n > limit) out.push({ profile: name, field: f, valueLength: n, limit, effect: p.quirks.overLongCredential });
    }
  }
  return out;
}

export function lintSubscribe(msgId: number, topic: string, qos: number, profile?: ProfileArg): LintFinding[] {
  const ctx = ctxOf(profile);
  checkInt(ctx, 'msgId', msgId, 1, 65535);
  checkTopic(ctx, 'topic', topic, ctx.p.limits.topic, 'filter');
  checkInt(ctx, 'qos', qos, 0, 2);
  return ctx.out;
}

/** `AT+ECMTUNS=0,<msgID>,"<topic>"` */
export function lintUnsubscribe(msgId: number, topic: string, profile?: ProfileArg): LintFinding[] {
  const ctx = ctxOf(profile);
  checkInt(ctx, 'msgId', msgId, 1, 65535);
  checkTopic(ctx, 'topic', topic, ctx.p.limits.topic, 'filter');
  return ctx.out;
}

/** `AT+ECMTPUB=0,<msgID>,<qos>,<retain>,"<topic>"[,<payload>]` */
export function lintPublish(p: PublishSpec, profile?: ProfileArg): LintFinding[] {
  const ctx = ctxOf(profile);
  const L = ctx.p.limits;
  const msgOk = checkInt(ctx, 'msgId', p.msgId, 0, 65535);
  const qosOk = checkInt(ctx, 'qos', p.qos, 0, 2);
  if (msgOk && qosOk && p.msgId === 0 && p.qos > 0) {
    add(ctx, {
      code: 'msgid-zero',
      field: 'msgId',
      severity: 'warning',
      limit: null,
      message: text(
        `msgID 0 with QoS ${p.qos}: MQTT requires a non-zero packet identifier for QoS 1 and 2, so the broker may drop the connection or the acknowledgement may never match`,
        `QoS ${p.qos} 使用 msgID 0：MQTT 要求 QoS 1/2 的报文标识符非零，代理可能断开连接，确认也可能无法对应`,
      ),
    });
  }
  checkBool(ctx, 'retain', p.retain);
  const rai = p.rai ?? 0;
  if (checkInt(ctx, 'rai', rai, 0, 3) && typeof p.retain === 'boolean') {
    const field = (p.retain ? 1 : 0) + 10 * rai;
    if (field > L.retainMax) {
      add(ctx, {
        code: 'out-of-range',
        field: 'retain',
        severity: 'error',
        limit: L.retainMax,
        range: [0, L.retainMax],
        message: text(
          `the <retain> field would be ${field} (retain + 10 × RAI) but firmware profile ${ctx.p.name} accepts at most ${L.retainMax}${L.retainMax < 10 ? ' (no RAI on this build)' : ''}: ${REJECTED.en}`,
          `<retain> 字段将为 ${field}（retain + 10 × RAI），而固件配置 ${ctx.p.name} 最多接受 ${L.retainMax}${L.retainMax < 10 ? '（该版本不支持 RAI）' : ''}：${REJECTED.zh}`,
        ),
      });
    }
  }
  checkTopic(ctx, 'topic', p.topic, L.topic, 'name');
  if (p.payload !== undefined) {
    const buf = payloadBytes(p.payload);
    const c = classifyPayload(buf, L);
    if (c.mode === 'impossible') {
      add(ctx, {
        code: c.because === 'too-long' ? 'too-long' : 'unsendable-char',
        field: 'payload',
        severity: 'error',
        valueLength: c.bytes,
        limit: c.limit,
        message: c.reason,
      });
    } else if (c.mode === 'prompt') {
      add(ctx, { code: 'payload-mode', field: 'payload', severity: 'info', valueLength: c.bytes, limit: c.limit, message: c.reason });
    } else if (c.bytes === 0) {
      add(ctx, {
        code: 'empty',
        field: 'payload',
        severity: 'info',
        valueLength: 0,
        limit: null,
        message: text(
          `the payload is empty (sent inline as ""); ${p.retain ? 'with retain set, an empty message clears the retained message of the topic on the broker' : 'the broker receives a zero-length message'}`,
          `负载为空（以 "" 行内发送）；${p.retain ? '设置了 retain 时，空消息会清除代理上该主题的保留消息' : '代理收到的是零长度消息'}`,
        ),
      });
    }
  }
  return ctx.out;
}

const STORED_ONLY = text('the module stores it but does not use it', '模组只保存该值而不使用');

/** `AT+ECMTCFG=…` */
export function lintCfg(s: CfgSetting, profile?: ProfileArg): LintFinding[] {
  const ctx = ctxOf(profile);
  const L = ctx.p.limits;
  switch (s.type) {
    case 'keepalive':
      if (checkInt(ctx, 'keepalive', s.seconds, 0, L.keepaliveMax) && s.seconds === 0) {
        add(ctx, {
          code: 'keepalive-off',
          field: 'keepalive',
          severity: 'info',
          limit: null,
          message: text('keep-alive 0 disables PINGREQ: neither the module nor the broker will notice a dead link by itself', '保活时间为 0 会关闭 PINGREQ：模组和代理都无法自行发现断链'),
        });
      }
      break;
    case 'session':
      checkBool(ctx, 'session', s.clean);
      break;
    case 'timeout': {
      const ignored = ctx.p.quirks.timeoutIgnored;
      const opts: IntOpts = ignored
        ? { severity: 'warning', consequence: text('the module still answers OK, and stores the value without using it', '模组仍回复 OK，只保存该值而不使用') }
        : {};
      checkInt(ctx, 'timeout.packetTimeoutS', s.packetTimeoutS, 1, 60, opts);
      if (s.retries !== undefined) checkInt(ctx, 'timeout.retries', s.retries, 1, 10, opts);
      if (s.notice !== undefined) checkBool(ctx, 'timeout.notice', s.notice);
      if (ignored) {
        add(ctx, {
          code: 'ignored-setting',
          field: 'timeout',
          severity: 'info',
          limit: null,
          message: text(
            `"timeout" is stored but not used on firmware profile ${ctx.p.name}: the module's own packet timer stays 10 s and it prints no timeout URC, so run a host timer per operation`,
            `固件配置 ${ctx.p.name} 只保存 "timeout" 而不使用：模组自身的报文计时器仍为 10 秒且不会输出超时 URC，请在主机侧为每个操作计时`,
          ),
        });
      }
      break;
    }
    case 'will':
      if (!s.enabled) break;
      checkInt(ctx, 'will.qos', s.qos, 0, 2);
      checkBool(ctx, 'will.retain', s.retain);
      checkTopic(ctx, 'will.topic', s.topic, L.willTopic, 'name');
      checkString(ctx, 'will.message', s.message, { limit: L.willMessage });
      break;
    case 'version':
      checkInt(ctx, 'version', s.level, 3, 4, { consequence: text('3 = MQTT 3.1, 4 = MQTT 3.1.1; the module answers +CME ERROR: 3', '3 = MQTT 3.1，4 = MQTT 3.1.1；模组会回复 +CME ERROR: 3') });
      break;
    case 'aliauth':
      checkString(ctx, 'aliauth.productKey', s.productKey, { limit: L.aliauth.productKey, required: true });
      checkString(ctx, 'aliauth.deviceName', s.deviceName, { limit: L.aliauth.deviceName, required: true });
      checkString(ctx, 'aliauth.deviceSecret', s.deviceSecret, { limit: L.aliauth.deviceSecret, required: true });
      break;
    case 'cloud':
      if (checkInt(ctx, 'cloud.cloudType', s.cloudType, 0, 255)) {
        if (s.cloudType === 1 || s.cloudType === 2) {
          add(ctx, {
            code: 'cloud-type',
            field: 'cloud.cloudType',
            severity: 'info',
            limit: null,
            message: text(
              `cloud type ${s.cloudType} (${s.cloudType === 1 ? 'OneNET' : 'Aliyun'}): the module alters or validates payloads for this platform, so the broker may not receive your exact bytes`,
              `云平台类型 ${s.cloudType}（${s.cloudType === 1 ? 'OneNET' : '阿里云'}）：模组会为该平台改写或校验负载，代理收到的可能不是原样字节`,
            ),
          });
        } else if (s.cloudType === 3) {
          add(ctx, {
            code: 'cloud-type',
            field: 'cloud.cloudType',
            severity: 'info',
            limit: null,
            message: text('cloud type 3 (plain): the module sends no client ID, user name or password', '云平台类型 3（plain）：模组不发送客户端 ID、用户名和密码'),
          });
        }
      }
      checkInt(ctx, 'cloud.dataType', s.dataType, 0, 255);
      break;
    case 'echomode':
      checkBool(ctx, 'echomode', s.on);
      add(ctx, {
        code: 'ignored-setting',
        field: 'echomode',
        severity: s.on === true ? 'warning' : 'info',
        limit: null,
        message: text(`"echomode": ${STORED_ONLY.en}`, `"echomode"：${STORED_ONLY.zh}`),
      });
      break;
    case 'dataformat': {
      const sendOk = checkInt(ctx, 'dataformat.send', s.send, 0, 1);
      const recvOk = checkInt(ctx, 'dataformat.recv', s.recv, 0, 1);
      const hex = (sendOk && s.send === 1) || (recvOk && s.recv === 1);
      add(ctx, {
        code: 'ignored-setting',
        field: 'dataformat',
        severity: hex ? 'warning' : 'info',
        limit: null,
        message: hex
          ? text('"dataformat" hex is stored but not used on EC616S builds: payloads are still sent and received as text', 'EC616S 版本只保存 "dataformat" 的十六进制设置而不使用：负载仍按文本收发')
          : text(`"dataformat": ${STORED_ONLY.en}`, `"dataformat"：${STORED_ONLY.zh}`),
      });
      break;
    }
    case 'ssl': {
      const want = ctx.p.quirks.sslSyntax;
      if (s.syntax !== want) {
        add(ctx, {
          code: 'wrong-syntax',
          field: 'ssl',
          severity: 'error',
          limit: null,
          message:
            want === 'ec626'
              ? text(`firmware profile ${ctx.p.name} takes the EC626 "ssl" syntax ("ssl",<level>,"<ca file>","<cert file>","<key file>")`, `固件配置 ${ctx.p.name} 使用 EC626 的 "ssl" 语法（"ssl",<级别>,"<CA 文件>","<证书文件>","<密钥文件>"）`)
              : text(`firmware profile ${ctx.p.name} takes the EC616S "ssl" syntax ("ssl","psk"|"ecc"|"ca",…)`, `固件配置 ${ctx.p.name} 使用 EC616S 的 "ssl" 语法（"ssl","psk"|"ecc"|"ca",…）`),
        });
      }
      if (s.syntax === 'ec626') {
        if (s.level !== undefined) checkInt(ctx, 'ssl.level', s.level, 0, 255);
        checkString(ctx, 'ssl.caFile', s.caFile, { required: true });
        checkString(ctx, 'ssl.certFile', s.certFile, { required: true });
        checkString(ctx, 'ssl.keyFile', s.keyFile, { required: true });
        break;
      }
      switch (s.mode) {
        case 'psk':
          checkString(ctx, 'ssl.psk', s.psk, { required: true });
          checkString(ctx, 'ssl.identity', s.identity, { required: true });
          break;
        case 'ecc':
          checkString(ctx, 'ssl.key', s.key, { required: true });
          break;
        case 'ca':
          if (checkString(ctx, 'ssl.ca', s.ca, { required: true }) && !/^[A-Za-z0-9+/]*={0,2}$/.test(s.ca)) {
            add(ctx, {
              code: 'not-base64',
              field: 'ssl.ca',
              severity: 'warning',
              valueLength: bytesOf(s.ca),
              limit: null,
              message: text('the CA certificate is not plain base64: send the base64 body only (no PEM header lines, no line breaks)', 'CA 证书不是纯 base64：只发送 base64 正文（不含 PEM 头尾行和换行）'),
            });
          }
          if (s.hostname !== undefined) checkString(ctx, 'ssl.hostname', s.hostname);
          break;
      }
      break;
    }
  }
  return ctx.out;
}

export function hasErrors(findings: readonly LintFinding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}

/** Everything one MQTT session will send: open, connect, the settings, and its traffic. */
export interface SessionPlan {
  host: string;
  port: number;
  credentials: Credentials;
  settings?: readonly CfgSetting[];
  /** subscribed (filter) */
  subscribe?: readonly string[];
  /** published to, with this payload */
  publish?: { topics: readonly string[]; payload: string | Buffer; qos: 0 | 1 | 2 };
}

/** Lint a whole session at once, before any of it runs. */
export function lintSession(plan: SessionPlan, profile?: ProfileArg): LintFinding[] {
  const out: LintFinding[] = [];
  for (const s of plan.settings ?? []) out.push(...lintCfg(s, profile));
  out.push(...lintOpen(plan.host, plan.port, profile), ...lintConnect(plan.credentials, profile));
  for (const t of plan.subscribe ?? []) out.push(...lintSubscribe(1, t, 0, profile));
  for (const t of plan.publish?.topics ?? []) out.push(...lintPublish({ msgId: 1, qos: plan.publish!.qos, retain: false, topic: t, payload: plan.publish!.payload }, profile));
  return out;
}

/**
 * The findings that mean a value cannot reach the module as given: a character no quoting can
 * carry (`"`, CR, LF, control bytes) or a length over the firmware's limit.
 */
export function unsendable(findings: readonly LintFinding[]): LintFinding[] {
  return findings.filter((f) => f.severity === 'error' && (f.code === 'unsendable-char' || f.code === 'too-long'));
}
