/**
 * Lint QMT command values BEFORE sending them, against a model profile (profiles.ts, from
 * ../shared/protocol/qmt.md §2.1–§2.3, §3.1). Findings are data.
 *
 * Where the reference says "not published", the profile holds null and no limit is invented:
 * the lint says nothing about that field's length. Severity: `error` = the module will refuse
 * the command or mangle the value; `warning` = accepted but not what you expect; `info` = worth
 * knowing. A finding never carries a string value (it may be a secret), only its byte length.
 */
import { Buffer } from 'node:buffer';
import { text, type Text } from '../../util/i18n.js';
import { payloadBytes, unsendableInQuoted, type QmtCfgSetting, type QmtPublish, type TopicQos } from './commands.js';
import { QMT_COMMON_CFG_KEYS, type LengthLimit, type Limit, type PublishForm, type QmtModelName, type QmtProfile } from './profiles.js';

export type QmtLintSeverity = 'error' | 'warning' | 'info';

export interface QmtLintFinding {
  code:
    | 'out-of-range'
    | 'not-integer'
    | 'too-long'
    | 'empty'
    | 'unsendable-char'
    | 'msgid-qos'
    | 'wildcard-in-publish'
    | 'ambiguous-topic'
    | 'payload-form'
    | 'form-not-confirmed'
    | 'trailing-line-break'
    | 'password-without-user'
    | 'unknown-key'
    | 'recv-without-length'
    | 'session-keep';
  field: string;
  severity: QmtLintSeverity;
  profile: QmtModelName;
  /** byte length of the offending string — never the value */
  valueLength?: number;
  /** the crossed limit and its source (reference tag) */
  limit?: number;
  range?: readonly [number, number];
  source?: string;
  message: Text;
}

const LABELS: Record<string, Text> = {
  idx: text('client index', '客户端索引'),
  host: text('host', '主机名'),
  port: text('port', '端口'),
  clientId: text('client ID', '客户端 ID'),
  username: text('user name', '用户名'),
  password: text('password', '密码'),
  msgId: text('msgid', 'msgid'),
  qos: text('QoS', 'QoS'),
  topic: text('topic', '主题'),
  payload: text('payload', '负载'),
  keepalive: text('keep-alive', '保活时间'),
  pdpcid: text('PDP context id', 'PDP 上下文 ID'),
  pktTimeout: text('packet timeout', '报文超时'),
  retry: text('retry count', '重试次数'),
  version: text('MQTT version', 'MQTT 版本'),
  'ssl.ctx': text('SSL context id', 'SSL 上下文 ID'),
  'will.qos': text('will QoS', '遗嘱 QoS'),
  'will.topic': text('will topic', '遗嘱主题'),
  'will.message': text('will message', '遗嘱消息'),
  'aliauth.productKey': text('Aliyun product key', '阿里云 ProductKey'),
  'aliauth.deviceName': text('Aliyun device name', '阿里云 DeviceName'),
  'aliauth.deviceSecret': text('Aliyun device secret', '阿里云 DeviceSecret'),
  key: text('QMTCFG key', 'QMTCFG 配置项'),
};

function label(field: string): Text {
  return LABELS[field] ?? text(field, field);
}

class Ctx {
  readonly out: QmtLintFinding[] = [];
  constructor(readonly p: QmtProfile) {}
  add(f: Omit<QmtLintFinding, 'profile'>): void {
    this.out.push({ ...f, profile: this.p.name });
  }
  int(field: string, v: number, range: Limit | null | readonly [number, number, string]): boolean {
    const l = label(field);
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) {
      this.add({ code: 'not-integer', field, severity: 'error', message: text(`${l.en} must be a whole number`, `${l.zh} 必须是整数`) });
      return false;
    }
    if (range === null) return true;
    const [min, max, source] = Array.isArray(range) ? (range as readonly [number, number, string]) : [(range as Limit).min, (range as Limit).max, (range as Limit).source];
    if (v < min || v > max) {
      this.add({
        code: 'out-of-range',
        field,
        severity: 'error',
        range: [min, max],
        source,
        message: text(`${l.en} ${v} is outside ${min}–${max} on ${this.p.name} (${source})`, `${l.zh} ${v} 超出 ${this.p.name} 的范围 ${min}–${max}（${source}）`),
      });
      return false;
    }
    return true;
  }
  str(field: string, v: string, limit: LengthLimit | null, opts: { required?: boolean } = {}): void {
    const l = label(field);
    const n = Buffer.byteLength(v, 'utf8');
    if (opts.required && n === 0) {
      this.add({ code: 'empty', field, severity: 'error', valueLength: 0, message: text(`${l.en} is empty`, `${l.zh} 为空`) });
      return;
    }
    const bad = unsendableInQuoted(v);
    if (bad) {
      this.add({
        code: 'unsendable-char',
        field,
        severity: 'error',
        valueLength: n,
        message: text(`${l.en} contains ${bad}, which cannot be sent inside a quoted AT string`, `${l.zh} 含有无法放入带引号 AT 字符串的字符（${bad}）`),
      });
    }
    if (limit && n > limit.max) {
      this.add({
        code: 'too-long',
        field,
        severity: 'error',
        valueLength: n,
        limit: limit.max,
        source: limit.source,
        message: text(`${l.en} is ${n} bytes; ${this.p.name} takes at most ${limit.max} (${limit.source})`, `${l.zh} 长 ${n} 字节；${this.p.name} 最多 ${limit.max} 字节（${limit.source}）`),
      });
    }
  }
}

const QOS: readonly [number, number, string] = [0, 2, 'D [AN-BG95] (<qos> 0–2)'];
const PORT: readonly [number, number, string] = [1, 65535, 'TCP port range; modules print (1-65535) or (0-65535) (O)'];
const SSL_CTX: readonly [number, number, string] = [0, 5, 'D (§2.2 "ssl" ctx 0–5)'];

function idx(c: Ctx, v: number): void {
  c.int('idx', v, c.p.clientIdx);
}

export function lintOpen(p: QmtProfile, o: { idx: number; host: string; port: number }): QmtLintFinding[] {
  const c = new Ctx(p);
  idx(c, o.idx);
  c.str('host', o.host, p.host, { required: true });
  c.int('port', o.port, PORT);
  return c.out;
}

export function lintConn(p: QmtProfile, o: { idx: number; clientId: string; username?: string; password?: string }): QmtLintFinding[] {
  const c = new Ctx(p);
  idx(c, o.idx);
  c.str('clientId', o.clientId, p.clientId);
  if (o.username !== undefined) c.str('username', o.username, p.username);
  if (o.password !== undefined) c.str('password', o.password, p.password);
  if (o.password !== undefined && (o.username === undefined || o.username === '')) {
    c.add({
      code: 'password-without-user',
      field: 'password',
      severity: 'warning',
      message: text(
        'a password without a user name: MQTT 3.1.1 (§3.1.2.9) does not allow it, and how the module fills the empty user name is not published',
        '只有密码没有用户名：MQTT 3.1.1（§3.1.2.9）不允许，且模组如何处理空用户名未公开',
      ),
    });
  }
  return c.out;
}

function topicChecks(c: Ctx, field: string, t: string, publish: boolean): void {
  c.str(field, t, c.p.topic, { required: true });
  if (publish && /[+#]/.test(t)) {
    c.add({ code: 'wildcard-in-publish', field, severity: 'error', message: text(`${label(field).en} of a publish holds a wildcard (+ or #), which MQTT forbids`, `发布的${label(field).zh}含通配符（+ 或 #），MQTT 不允许`) });
  }
  if (t.includes('",')) {
    c.add({
      code: 'ambiguous-topic',
      field,
      severity: 'warning',
      message: text('the topic holds `",`: a +QMTRECV line for it cannot be split unambiguously (§3.1)', '主题含 `",`：其 +QMTRECV 行无法被无歧义地拆分（§3.1）'),
    });
  }
}

export function lintSub(p: QmtProfile, o: { idx: number; msgId: number; filters: readonly TopicQos[] }): QmtLintFinding[] {
  const c = new Ctx(p);
  idx(c, o.idx);
  c.int('msgId', o.msgId, [1, 65535, 'D [NUMODEM][AN-BG95] (SUB/UNS msgid 1–65535)']);
  o.filters.forEach((f) => {
    topicChecks(c, 'topic', f.topic, false);
    c.int('qos', f.qos, QOS);
  });
  return c.out;
}

export function lintUns(p: QmtProfile, o: { idx: number; msgId: number; topics: readonly string[] }): QmtLintFinding[] {
  const c = new Ctx(p);
  idx(c, o.idx);
  c.int('msgId', o.msgId, [1, 65535, 'D [NUMODEM][AN-BG95] (SUB/UNS msgid 1–65535)']);
  for (const t of o.topics) topicChecks(c, 'topic', t, false);
  return c.out;
}

export function lintPublish(p: QmtProfile, o: QmtPublish, form: PublishForm): QmtLintFinding[] {
  const c = new Ctx(p);
  idx(c, o.idx);
  const qosOk = c.int('qos', o.qos, QOS);
  if (c.int('msgId', o.msgId, [0, 65535, 'D [NUMODEM][AN-BG95] (PUB msgid 0–65535)']) && qosOk) {
    if ((o.qos === 0) !== (o.msgId === 0)) {
      c.add({
        code: 'msgid-qos',
        field: 'msgId',
        severity: 'error',
        message: text('msgid must be 0 exactly when QoS is 0 (D [NUMODEM][AN-BG95])', 'msgid 必须且仅在 QoS 为 0 时为 0（D [NUMODEM][AN-BG95]）'),
      });
    }
  }
  topicChecks(c, 'topic', o.topic, true);
  const data = payloadBytes(o.payload);
  const n = data.length;
  if (!p.publishForms.includes(form)) {
    const wrong = (form === 'pubex-inline' && p.pubexUrc === 'QMTPUBEX') || (form === 'pubex-length' && p.pubexUrc === 'QMTPUB');
    c.add({
      code: 'form-not-confirmed',
      field: 'payload',
      severity: wrong ? 'error' : 'warning',
      message: wrong
        ? text(
            `AT+QMTPUBEX has the other meaning on ${p.name} (${p.pubexUrc === 'QMTPUBEX' ? 'length form: text in the last parameter → ERROR, D [NUMODEM]' : 'inline quoted message, C [LOOUQ]'})`,
            `AT+QMTPUBEX 在 ${p.name} 上是另一种含义（${p.pubexUrc === 'QMTPUBEX' ? '长度形式：最后一个参数为文本会返回 ERROR，D [NUMODEM]' : '行内带引号消息，C [LOOUQ]'}）`,
          )
        : text(`this publish form (${form}) is not confirmed for ${p.name} by any source reached`, `该发布形式（${form}）在已查阅资料中未得到 ${p.name} 的确认`),
    });
  }
  if (form === 'pub-prompt' && (data.includes(0x1a) || data.includes(0x1b))) {
    c.add({
      code: 'payload-form',
      field: 'payload',
      severity: 'error',
      valueLength: n,
      message: text('the payload holds Ctrl-Z (0x1A) or ESC (0x1B), which end or cancel a prompt-mode payload: use a length form', '负载含 Ctrl-Z (0x1A) 或 ESC (0x1B)，会结束或取消提示符模式的输入：请使用带长度的形式'),
    });
  }
  if (form === 'pubex-inline') {
    const t = data.toString('utf8');
    if (t.includes('"') || unsendableInQuoted(t)) {
      c.add({
        code: 'payload-form',
        field: 'payload',
        severity: 'error',
        valueLength: n,
        message: text('an inline AT+QMTPUBEX message cannot hold a double quote or control bytes (C [LOOUQ])', '行内 AT+QMTPUBEX 消息不能含双引号或控制字符（C [LOOUQ]）'),
      });
    }
    if (p.inlinePayload && n > p.inlinePayload.max) {
      c.add({
        code: 'too-long',
        field: 'payload',
        severity: 'error',
        valueLength: n,
        limit: p.inlinePayload.max,
        source: p.inlinePayload.source,
        message: text(`the inline message is ${n} bytes; ${p.name} takes at most ${p.inlinePayload.max} inline (${p.inlinePayload.source})`, `行内消息长 ${n} 字节；${p.name} 行内最多 ${p.inlinePayload.max} 字节（${p.inlinePayload.source}）`),
      });
    }
  } else if (p.publishPayload && (n < p.publishPayload.min || n > p.publishPayload.max)) {
    const l = p.publishPayload;
    c.add({
      code: n > l.max ? 'too-long' : 'out-of-range',
      field: 'payload',
      severity: 'error',
      valueLength: n,
      limit: n > l.max ? l.max : l.min,
      range: [l.min, l.max],
      source: l.source,
      message: text(`the payload is ${n} bytes; ${p.name} takes ${l.min}–${l.max} (${l.source})`, `负载长 ${n} 字节；${p.name} 支持 ${l.min}–${l.max} 字节（${l.source}）`),
    });
  }
  if ((form === 'pub-length' || form === 'pubex-length') && n > 0 && (data[n - 1] === 0x0a || data[n - 1] === 0x0d)) {
    c.add({
      code: 'trailing-line-break',
      field: 'payload',
      severity: 'info',
      valueLength: n,
      message: text('the payload ends with CR/LF: in a length form they are payload bytes and are counted (C [NUMODEM])', '负载以 CR/LF 结尾：在带长度的形式中它们属于负载并计入长度（C [NUMODEM]）'),
    });
  }
  return c.out;
}

export function lintCfg(p: QmtProfile, s: QmtCfgSetting): QmtLintFinding[] {
  const c = new Ctx(p);
  idx(c, s.idx);
  switch (s.key) {
    case 'version':
      if (p.family !== 'nb-iot') c.int('version', s.version, [3, 4, 'D [AN-BG95] (3 = 3.1, 4 = 3.1.1)']);
      else c.int('version', s.version, null);
      break;
    case 'pdpcid':
      c.int('pdpcid', s.cid, p.pdpcid);
      break;
    case 'ssl':
      if (s.ctx !== undefined) c.int('ssl.ctx', s.ctx, SSL_CTX);
      break;
    case 'keepalive':
      c.int('keepalive', s.seconds, p.keepalive);
      break;
    case 'session':
      if (!s.clean) {
        c.add({
          code: 'session-keep',
          field: 'session',
          severity: 'info',
          message: text('session 0 (keep) only works if the broker keeps sessions (D)', '会话 0（保留）仅在服务器保存会话时有效（D）'),
        });
      }
      break;
    case 'timeout':
      c.int('pktTimeout', s.pktTimeoutS, p.pktTimeout);
      if (s.retries !== undefined) c.int('retry', s.retries, p.retry);
      break;
    case 'will':
      if (s.enabled) {
        c.int('will.qos', s.qos, QOS);
        c.str('will.topic', s.topic, p.willTopic, { required: true });
        c.str('will.message', s.message, p.willMessage);
      }
      break;
    case 'recv/mode':
      if (!s.buffered && s.withLength !== true) {
        c.add({
          code: 'recv-without-length',
          field: 'recv/mode',
          severity: 'info',
          message: text(
            'without the length field a +QMTRECV payload holding `"` before a line break can only be framed by a guess: AT+QMTCFG="recv/mode",<idx>,0,1 is recommended (§3.1)',
            '不带长度字段时，负载中若有引号后跟换行，+QMTRECV 只能靠推测分帧：建议 AT+QMTCFG="recv/mode",<idx>,0,1（§3.1）',
          ),
        });
      }
      break;
    case 'aliauth':
      c.str('aliauth.productKey', s.productKey, null, { required: true });
      c.str('aliauth.deviceName', s.deviceName, null, { required: true });
      c.str('aliauth.deviceSecret', s.deviceSecret, null, { required: true });
      break;
    case 'send/mode':
    case 'dataformat':
      break;
    default: {
      const never: never = s;
      return never;
    }
  }
  if (!QMT_COMMON_CFG_KEYS.includes(s.key) && !p.extraCfgKeys.includes(s.key)) {
    c.add({
      code: 'unknown-key',
      field: 'key',
      severity: 'warning',
      message: text(`"${s.key}" is not listed for ${p.name} in any source reached; expect ERROR`, `已查阅资料中 ${p.name} 没有 "${s.key}" 配置项；可能返回 ERROR`),
    });
  }
  return c.out;
}

/** An AT+QMTCFG key as written by a user or a driver: "clean_session" and "message_recieve_mode" are not aliases (C [SIXFAB]). */
export function lintCfgKey(p: QmtProfile, key: string): QmtLintFinding[] {
  const k = key.toLowerCase();
  if (QMT_COMMON_CFG_KEYS.includes(k) || p.extraCfgKeys.includes(k)) return [];
  return [
    {
      code: 'unknown-key',
      field: 'key',
      severity: 'warning',
      profile: p.name,
      valueLength: Buffer.byteLength(key),
      message: text(`this QMTCFG key is not listed for ${p.name} in any source reached; expect ERROR`, `已查阅资料中 ${p.name} 没有该 QMTCFG 配置项；可能返回 ERROR`),
    },
  ];
}
