/**
 * The Quectel QMT dialect (EC800N/EC800M/EC600S/EG800K, EC200U/EG915U, BG95/BG96/BG77/BG770A,
 * BC660K) as data: ../shared/protocol/qmt.md turned into the `Dialect` description, with the
 * one table of command ↔ result URC ↔ step (`COMMANDS`) and the hooks a table cannot express.
 */
import type { CommandProfile } from '../../at/types.js';
import { intOf, splitArgs, type Param } from '../../at/command-line.js';
import type { ModemEvent, PayloadEnd } from '../../urc/types.js';
import { text, type Text } from '../../util/i18n.js';
import type { CodeTable, CommandSpec, ConfigSpec, Dialect, DialectSetting, FirmwareProfileSpec, MqttCommand, MqttResult, MqttSetting, ParamSpec, Quirk, UnsolicitedSignal, UrcSpec } from '../types.js';
import { CatError } from '../../util/errors.js';
import { PUB_LENGTH_PARAM, qmtProfiles } from './at-profiles.js';
import { CLOSE_RESULT, CONNACK, CONN_RESULT, CONN_STATE, DISC_RESULT, OPEN_RESULT, STAT_ERR, explainQmt, type CodeEntry } from './codes.js';
import { QMT_PROFILES, QMT_MODEL_NAMES } from './profiles.js';
import { isQmtFrameStart, scanHead } from './recv.js';
import { QMT_REDACTION } from './redaction.js';
import { QmtSession, type QmtSetting } from './session.js';
import type { QmtEvent, QmtEventOf, QmtPayloadEnd } from './events.js';
import { QMT_PREFIXES, parseQmt, parseQmtLine } from './urc.js';

const p = (name: string, type: ParamSpec['type'], doc: Text, more: Partial<ParamSpec> = {}): ParamSpec => ({ name, type, doc, ...more });
const IDX = p('connectId', 'int', text('client index (0–5; BC660K 0–4)', '客户端索引（0–5；BC660K 为 0–4）'), { limit: 'clientIdx' });
const TOPIC = p('topic', 'string', text('topic (no escapes: cannot contain `"`)', '主题（无转义：不能含 `"`）'), { quoted: true, limit: 'topic' });
const QOS = p('qos', 'int', text('QoS 0–2', 'QoS 0–2'), { range: [0, 2] });
const SUB_MSGID = p('msgId', 'int', text('packet identifier 1–65535', '报文标识符 1–65535'), { range: [1, 65535] });
const PUB_MSGID = p('msgId', 'int', text('packet identifier, 0 exactly when QoS 0', '报文标识符，仅 QoS 0 时为 0'), { range: [0, 65535] });

/**
 * Host timers (qmt.md §1): the module sends no timeout URC. Open: 120 s in the EG800K AN (D),
 * Quectel's driver waits 121 s (Q). Connect/SUB/UNS/PUB: pkt_timeout × retry_times = 15 s by
 * default (D), plus the 1 s Quectel's driver adds (Q). Disconnect: 31 s as Quectel's driver (Q);
 * close: not published, the same (I).
 */
const OPEN_MS = 121_000;
const ACK_MS = 16_000;
const DISC_MS = 31_000;
const GUARD_MS = 5000;
const PUB_GUARD_MS = 20_000;

const result = (prefix: string, event: ModemEvent['type'], correlate: ('connectId' | 'msgId')[], hostTimeoutMs: number, fields: string[], variants?: string[]) => ({
  prefix,
  event,
  correlate,
  hostTimeoutMs,
  fields,
  ...(variants ? { variants } : {}),
});

/** Commands, one per MQTT step (PUB and PUBEX share `publish`), with the URC that completes each (qmt.md §2, §3). */
export const COMMANDS: readonly CommandSpec[] = [
  {
    name: '+QMTCFG',
    op: 'config',
    params: [p('key', 'string', text('setting name (case-insensitive)', '配置项名称（不区分大小写）'), { quoted: true }), IDX],
    result: null,
    prompt: 'none',
    immediateTimeoutMs: GUARD_MS,
    syntax: 'AT+QMTCFG="<key>",<idx>[,<values>…]',
    doc: text('configure a client; values omitted → query. Lost at reboot (D)', '配置客户端；省略取值即查询。重启后丢失（D）'),
  },
  {
    name: '+QMTOPEN',
    op: 'open',
    params: [IDX, p('host', 'string', text('broker host', '服务器地址'), { quoted: true, limit: 'host' }), p('port', 'int', text('broker port', '服务器端口'), { range: [0, 65535] })],
    result: result('+QMTOPEN', 'qmt-open', ['connectId'], OPEN_MS, ['idx', 'result']),
    prompt: 'none',
    immediateTimeoutMs: GUARD_MS,
    syntax: 'AT+QMTOPEN=<idx>,"<host>",<port>',
    doc: text('open the network link (TCP or TLS) for a client', '为客户端打开网络链路（TCP 或 TLS）'),
  },
  {
    name: '+QMTCONN',
    op: 'connect',
    params: [
      IDX,
      p('clientId', 'string', text('client ID', '客户端 ID'), { quoted: true, limit: 'clientId' }),
      p('username', 'string', text('user name', '用户名'), { quoted: true, optional: true, limit: 'username', secret: 'username' }),
      p('password', 'string', text('password', '密码'), { quoted: true, optional: true, limit: 'password', secret: 'password' }),
    ],
    result: result('+QMTCONN', 'qmt-conn', ['connectId'], ACK_MS, ['idx', 'result', 'retCode']),
    prompt: 'none',
    immediateTimeoutMs: GUARD_MS,
    syntax: 'AT+QMTCONN=<idx>,"<clientID>"[,"<user>"[,"<pass>"]]',
    doc: text('send CONNECT; the verdict is the CONNACK ret_code in +QMTCONN', '发送 CONNECT；结论是 +QMTCONN 中的 CONNACK ret_code'),
  },
  {
    name: '+QMTSUB',
    op: 'subscribe',
    params: [IDX, SUB_MSGID, TOPIC, QOS],
    result: result('+QMTSUB', 'qmt-sub', ['connectId', 'msgId'], ACK_MS, ['idx', 'msgId', 'result', 'values']),
    prompt: 'none',
    immediateTimeoutMs: GUARD_MS,
    syntax: 'AT+QMTSUB=<idx>,<msgid>,"<t1>",<q1>[,"<t2>",<q2>…]',
    doc: text('subscribe one or more topic filters; values = granted QoS, 128 refused', '订阅一个或多个主题过滤器；value 为授予的 QoS，128 表示被拒绝'),
  },
  {
    name: '+QMTUNS',
    op: 'unsubscribe',
    params: [IDX, SUB_MSGID, TOPIC],
    result: result('+QMTUNS', 'qmt-uns', ['connectId', 'msgId'], ACK_MS, ['idx', 'msgId', 'result']),
    prompt: 'none',
    immediateTimeoutMs: GUARD_MS,
    syntax: 'AT+QMTUNS=<idx>,<msgid>,"<t1>"[,"<t2>"…]',
    doc: text('unsubscribe topic filters', '取消订阅主题过滤器'),
  },
  {
    name: '+QMTPUB',
    op: 'publish',
    params: [
      IDX,
      PUB_MSGID,
      QOS,
      p('retain', 'int', text('retain 0/1', '保留标志 0/1'), { range: [0, 1] }),
      TOPIC,
      p('length', 'int', text('payload length: after `> ` exactly that many bytes, no Ctrl-Z; absent → Ctrl-Z ends the payload', '负载长度：`> ` 后恰好发送该字节数，无需 Ctrl-Z；省略则以 Ctrl-Z 结束'), { optional: true, limit: 'promptPayload' }),
    ],
    result: result('+QMTPUB', 'qmt-pub', ['connectId', 'msgId'], ACK_MS, ['idx', 'msgId', 'result', 'value']),
    prompt: 'ctrl-z',
    lengthParam: PUB_LENGTH_PARAM,
    immediateTimeoutMs: PUB_GUARD_MS,
    syntax: 'AT+QMTPUB=<idx>,<msgid>,<qos>,<retain>,"<topic>"[,<len>]',
    doc: text('publish after the `> ` prompt (Ctrl-Z sends, ESC cancels; with <len>: exactly <len> bytes)', '在 `> ` 提示后发布（Ctrl-Z 发送，ESC 取消；带 <len> 时恰好 <len> 字节）'),
  },
  {
    name: '+QMTPUBEX',
    op: 'publish',
    params: [
      IDX,
      PUB_MSGID,
      QOS,
      p('retain', 'int', text('retain 0/1', '保留标志 0/1'), { range: [0, 1] }),
      TOPIC,
      p('payload', 'raw', text('ASR Cat-1: <length>, then `> ` and the bytes; BGx: the message inline in quotes', 'ASR Cat-1：<length>，随后 `> ` 与数据；BGx：带引号的行内消息'), { limit: 'inlinePayload' }),
    ],
    // BGx answers the inline form with +QMTPUB: (O [BG95LOG]); the ASR length form with +QMTPUBEX: (D [NUMODEM])
    result: result('+QMTPUBEX', 'qmt-pub', ['connectId', 'msgId'], ACK_MS, ['idx', 'msgId', 'result', 'value'], ['+QMTPUB']),
    prompt: 'length',
    lengthParam: PUB_LENGTH_PARAM,
    immediateTimeoutMs: PUB_GUARD_MS,
    syntax: 'AT+QMTPUBEX=<idx>,<msgid>,<qos>,<retain>,"<topic>",<length> (ASR Cat-1) | …,"<topic>","<msg>" (BGx)',
    doc: text('publish, two incompatible forms by model (qmt.md §2.3)', '发布，两种互不兼容的形式，因型号而异（qmt.md §2.3）'),
  },
  {
    name: '+QMTDISC',
    op: 'disconnect',
    params: [IDX],
    result: result('+QMTDISC', 'qmt-disc', ['connectId'], DISC_MS, ['idx', 'result']),
    prompt: 'none',
    immediateTimeoutMs: GUARD_MS,
    syntax: 'AT+QMTDISC=<idx>',
    doc: text('send DISCONNECT (then +QMTSTAT 5 may follow)', '发送 DISCONNECT（随后可能出现 +QMTSTAT 5）'),
  },
  {
    name: '+QMTCLOSE',
    op: 'close',
    params: [IDX],
    result: result('+QMTCLOSE', 'qmt-close', ['connectId'], DISC_MS, ['idx', 'result']),
    prompt: 'none',
    immediateTimeoutMs: GUARD_MS,
    syntax: 'AT+QMTCLOSE=<idx>',
    doc: text('close the network link of a client', '关闭客户端的网络链路'),
  },
];

const s = (name: string, doc: Text, more: Partial<ParamSpec> = {}): ParamSpec => p(name, 'string', doc, { quoted: true, ...more });
const i = (name: string, doc: Text, range?: readonly [number, number], more: Partial<ParamSpec> = {}): ParamSpec => p(name, 'int', doc, { ...(range ? { range } : {}), ...more });

/** AT+QMTCFG keys (qmt.md §2.2). Ranges that vary per model are `limit`s of the profiles. */
export const CONFIGS: readonly ConfigSpec[] = [
  { key: 'version', params: [IDX, i('version', text('3 = MQTT 3.1, 4 = 3.1.1', '3 = MQTT 3.1，4 = 3.1.1'), undefined, { optional: true })], mqtt: 'version', doc: text('protocol level (default 3.1.1 on BG95, D; BG96 np)', '协议级别（BG95 默认 3.1.1，D；BG96 未公开）'), evidence: [{ mark: 'D', source: '[AN-BG95]' }] },
  { key: 'pdpcid', params: [IDX, i('cid', text('PDP context id', 'PDP 上下文 ID'), undefined, { optional: true, limit: 'pdpcid' })], mqtt: 'none', doc: text('the PDP context the client uses (must be active, AT+QIACT?)', '客户端使用的 PDP 上下文（须已激活，见 AT+QIACT?）') },
  {
    key: 'ssl',
    params: [IDX, i('enable', text('0 TCP / 1 TLS', '0 TCP / 1 TLS'), [0, 1], { optional: true }), i('ctx', text('SSL context 0–5 (set up by AT+QSSLCFG)', 'SSL 上下文 0–5（由 AT+QSSLCFG 配置）'), [0, 5], { optional: true })],
    mqtt: 'tls',
    doc: text('TLS on/off and the SSL context; certificates are files named by AT+QSSLCFG (no secret here)', 'TLS 开关与 SSL 上下文；证书为 AT+QSSLCFG 指定的文件（此处无机密）'),
  },
  { key: 'keepalive', params: [IDX, i('seconds', text('keep-alive s (0 = no PINGREQ)', '保活时间（秒，0 = 不发 PINGREQ）'), undefined, { optional: true, limit: 'keepaliveMax' })], mqtt: 'keepalive', doc: text('keep-alive (default 120 s, D)', '保活时间（默认 120 秒，D）') },
  { key: 'session', params: [IDX, i('clean', text('1 clean / 0 keep', '1 清除 / 0 保留'), [0, 1], { optional: true })], mqtt: 'clean', doc: text('clean session (default 1); 0 needs a broker that keeps sessions (D)', '清除会话（默认 1）；0 需服务器保存会话（D）') },
  {
    key: 'timeout',
    params: [IDX, i('pktTimeout', text('packet timeout s', '报文超时（秒）'), undefined, { optional: true, limit: 'pktTimeout' }), i('retries', text('retries', '重试次数'), undefined, { optional: true, limit: 'retry' }), i('notice', text('report retransmissions', '上报重发'), [0, 1], { optional: true })],
    mqtt: 'timeout',
    doc: text('packet timeout, retries, notice (defaults 5, 3, 0); governs CONN/SUB/UNS/PUB (D)', '报文超时、重试次数、重发提示（默认 5、3、0）；作用于 CONN/SUB/UNS/PUB（D）'),
  },
  {
    key: 'will',
    params: [IDX, i('flag', text('will flag', '遗嘱标志'), [0, 1], { optional: true }), { ...QOS, optional: true }, i('retain', text('will retain', '遗嘱保留'), [0, 1], { optional: true }), s('topic', text('will topic', '遗嘱主题'), { optional: true, limit: 'willTopic' }), s('message', text('will message', '遗嘱消息'), { optional: true, limit: 'willMessage' })],
    mqtt: 'will',
    doc: text('CONNECT will; flag 1 needs all four values (D)', 'CONNECT 遗嘱；标志为 1 时四项都必须给出（D）'),
  },
  {
    key: 'recv/mode',
    params: [IDX, i('mode', text('0 payload in the URC / 1 buffered', '0 载荷在 URC 中 / 1 缓存'), [0, 1], { optional: true }), i('length', text('1 = print <len> in +QMTRECV', '1 = 在 +QMTRECV 中输出 <len>'), [0, 1], { optional: true })],
    mqtt: 'none',
    doc: text('how +QMTRECV carries messages; 0,1 (length on) makes payload framing exact (qmt.md §3.1)', '+QMTRECV 的消息格式；0,1（带长度）可精确分帧（qmt.md §3.1）'),
  },
  {
    key: 'aliauth',
    params: [IDX, s('productKey', text('product key', '产品密钥'), { optional: true, secret: 'aliauth' }), s('deviceName', text('device name', '设备名'), { optional: true, secret: 'aliauth' }), s('deviceSecret', text('device secret', '设备密钥'), { optional: true, secret: 'aliauth' })],
    mqtt: 'aliauth',
    doc: text('Aliyun authentication: AT+QMTCONN may then omit user name and password (D; O [EC800M])', '阿里云鉴权：此后 AT+QMTCONN 可省略用户名和密码（D；O [EC800M]）'),
  },
  { key: 'send/mode', params: [IDX, i('hex', text('0 string / 1 hex', '0 字符串 / 1 十六进制'), [0, 1], { optional: true })], mqtt: 'none', doc: text('ASR Cat-1: payload as text or hex (C [EG800AK])', 'ASR Cat-1：负载为文本或十六进制（C [EG800AK]）') },
  { key: 'dataformat', params: [IDX, i('send', text('0/1', '0/1'), [0, 1], { optional: true }), i('recv', text('0/1', '0/1'), [0, 1], { optional: true })], mqtt: 'none', doc: text('ASR Cat-1 / BC660K: send and receive data format (O [EC600S]; D)', 'ASR Cat-1 / BC660K：收发数据格式（O [EC600S]；D）') },
];

const u = (prefix: string, role: UrcSpec['role'], formats: string[], doc: Text): UrcSpec => ({ prefix, role, formats, doc });

/** Every URC and answer prefix (qmt.md §3, §2 read forms, §4). */
export const URCS: readonly UrcSpec[] = [
  u('+QMTOPEN', 'result', ['+QMTOPEN: <idx>,<result>', '+QMTOPEN: <idx>,"<host>",<port> (read form)'], text('open result', '打开结果')),
  u('+QMTCLOSE', 'result', ['+QMTCLOSE: <idx>,<result>'], text('close result', '关闭结果')),
  u('+QMTCONN', 'result', ['+QMTCONN: <idx>,<result>[,<ret_code>]', '+QMTCONN: <idx>,<state> (read form, 1–4)'], text('connect result (CONNACK in ret_code)', '连接结果（ret_code 为 CONNACK）')),
  u('+QMTDISC', 'result', ['+QMTDISC: <idx>,<result>'], text('disconnect result', '断开结果')),
  u('+QMTSUB', 'result', ['+QMTSUB: <idx>,<msgid>,<result>[,<value>…]'], text('subscribe result', '订阅结果')),
  u('+QMTUNS', 'result', ['+QMTUNS: <idx>,<msgid>,<result>'], text('unsubscribe result', '取消订阅结果')),
  u('+QMTPUB', 'result', ['+QMTPUB: <idx>,<msgid>,<result>[,<value>]'], text('publish result (also for BGx inline AT+QMTPUBEX)', '发布结果（BGx 行内 AT+QMTPUBEX 亦然）')),
  u('+QMTPUBEX', 'result', ['+QMTPUBEX: <idx>,<msgid>,<result>[,<value>]'], text('publish result of the ASR length form', 'ASR 长度形式的发布结果')),
  u('+QMTSTAT', 'link-lost', ['+QMTSTAT: <idx>,<err_code>'], text('the client was closed (no auto-reconnect)', '客户端已关闭（不会自动重连）')),
  u('+QMTRECV', 'message', ['+QMTRECV: <idx>,<msgid>,"<topic>"[,<len>],"<payload>"', '+QMTRECV: <idx>,<recv_id> (buffer mode)', '+QMTRECV: <idx>,<s0>,…,<s4> (AT+QMTRECV?)'], text('received message (payload quoted, not escaped)', '收到消息（载荷带引号，不转义）')),
  u('+QMTCFG', 'config', ['+QMTCFG: "<key>",<values>', '+QMTCFG: <values> (BC660K)'], text('configuration query answer', '配置查询应答')),
  u('+QMTPING', 'other', ['+QMTPING: <idx>,<result>'], text('ASR/Unisoc Cat-1 ping report (meaning not published)', 'ASR/展锐 Cat-1 的 ping 上报（含义未公开）')),
  u('+QIACT', 'state', ['+QIACT: <cid>,<state>,<type>[,"<ip>"…]'], text('active PDP contexts (AT+QIACT?)', '已激活的 PDP 上下文（AT+QIACT?）')),
];

/** Quirks with their evidence (qmt.md §1, §2.3, §3, §5, §7). */
export const QUIRKS: readonly Quirk[] = [
  { id: 'no-auto-reconnect', doc: text('after +QMTSTAT the client is closed; reopening is the host\'s job', '+QMTSTAT 后客户端已关闭；需由主机重新打开'), evidence: [{ mark: 'D', source: '[AN-BG95][AN-BC660K]' }, { mark: 'I', source: 'qmt.md §1' }] },
  { id: 'no-timeout-urc', doc: text('no timeout URC is guaranteed: host timers decide', '不保证有超时 URC：由主机计时'), evidence: [{ mark: 'D', source: '[AN-BG95]' }, { mark: 'Q', source: '[UFP]' }] },
  { id: 'pubex-answered-by-pub', doc: text('BGx inline AT+QMTPUBEX is answered by +QMTPUB:, not +QMTPUBEX:', 'BGx 行内 AT+QMTPUBEX 以 +QMTPUB: 应答，而非 +QMTPUBEX:'), evidence: [{ mark: 'O', source: '[BG95LOG] BG95M3LAR02A03' }] },
  { id: 'pubex-length-form', doc: text('ASR Cat-1 AT+QMTPUBEX takes <length> and a `> ` prompt; text there → ERROR', 'ASR Cat-1 的 AT+QMTPUBEX 带 <length> 与 `> ` 提示；该处为文本则 ERROR'), evidence: [{ mark: 'D', source: '[NUMODEM]' }, { mark: 'O', source: '[EC800M][EC600S]' }] },
  { id: 'recv-unescaped-quotes', doc: text('+QMTRECV payloads are quoted but never escaped; CR/LF raw', '+QMTRECV 载荷带引号但从不转义；CR/LF 原样输出'), evidence: [{ mark: 'O', source: '[EC20X][BG95LOG][AZBG95]' }] },
  { id: 'open-identifier-occupied', doc: text('+QMTOPEN result 2: the client index is still open (host restarted without QMTCLOSE)', '+QMTOPEN 结果 2：该客户端索引仍处于打开状态（主机重启前未 QMTCLOSE）'), evidence: [{ mark: 'C', source: '[C-RECON][C-DRV]' }] },
  { id: 'urc-port-usb', doc: text('EG800K: URCs go to USB until AT+QURCCFG="urcport","uart1"', 'EG800K：在 AT+QURCCFG="urcport","uart1" 之前 URC 输出到 USB'), evidence: [{ mark: 'O', source: '[NUMODEM]' }] },
  { id: 'single-crlf-test-forms', doc: text('BG770A prints QMT test forms with a single CRLF before OK', 'BG770A 的 QMT 测试命令应答在 OK 前只有一个 CRLF'), evidence: [{ mark: 'O', source: '[LABW]' }] },
  { id: 'conn-no-ret-code', doc: text('older firmware prints +QMTCONN: <idx>,0 without ret_code', '旧固件输出不带 ret_code 的 +QMTCONN: <idx>,0'), evidence: [{ mark: 'C', source: '[C-HIVE]' }] },
  { id: 'stat-8', doc: text('+QMTSTAT 8 (client closed the connection) on Unisoc/ASR Cat-1', 'Unisoc/ASR Cat-1 上的 +QMTSTAT 8（客户端关闭连接）'), evidence: [{ mark: 'C', source: '[EC200U-H][EC20X][EG800AK]' }] },
  { id: 'stat-1-after-open', doc: text('+QMTSTAT: 0,1 right after +QMTOPEN: 0,0 when CONNECT comes too late, or on an EG800AK firmware bug', 'CONNECT 发得太晚或 EG800AK 固件缺陷时，+QMTOPEN: 0,0 之后立即出现 +QMTSTAT: 0,1'), evidence: [{ mark: 'C', source: '[EC800M-N][EG800AK]' }] },
];

const QUIRKS_BY_FAMILY: Record<string, string[]> = {
  bgx: ['pubex-answered-by-pub'],
  'asr-cat1': ['pubex-length-form', 'stat-8', 'urc-port-usb'],
  'unisoc-cat1': ['stat-8'],
  'nb-iot': [],
};

/** Model profiles as limits (null = not published) and quirk ids. */
export const PROFILES: readonly FirmwareProfileSpec[] = QMT_MODEL_NAMES.map((name) => {
  const f = QMT_PROFILES[name];
  const len = (l: { max: number } | null): number | null => (l ? l.max : null);
  const quirks = ['no-auto-reconnect', 'no-timeout-urc', 'recv-unescaped-quotes', 'open-identifier-occupied', ...(QUIRKS_BY_FAMILY[f.family] ?? [])];
  if (name === 'BG770A') quirks.push('single-crlf-test-forms');
  return {
    name,
    description: `${name} (${f.family}): ${f.basis}`,
    identity: [new RegExp(`\\b${name}`, 'i')],
    limits: {
      clientIdx: f.clientIdx ? f.clientIdx.max : null,
      host: len(f.host),
      clientId: len(f.clientId),
      username: len(f.username),
      password: len(f.password),
      topic: len(f.topic),
      willTopic: len(f.willTopic),
      willMessage: len(f.willMessage),
      promptPayload: f.publishPayload ? f.publishPayload.max : null,
      inlinePayload: len(f.inlinePayload),
      keepaliveMax: f.keepalive ? f.keepalive.max : null,
      pdpcid: f.pdpcid ? f.pdpcid.max : null,
      pktTimeout: f.pktTimeout ? f.pktTimeout.max : null,
      retry: f.retry ? f.retry.max : null,
    },
    quirks,
  };
});

function table(m: ReadonlyMap<number, CodeEntry>): CodeTable {
  return Object.fromEntries([...m].map(([k, v]) => [k, v.meaning]));
}

/** Named code tables (qmt.md §3), meanings only (the source tags and checks are in codes.ts). */
export const QMT_CODES: Readonly<Record<string, CodeTable>> = {
  'open-result': table(OPEN_RESULT),
  'close-result': table(CLOSE_RESULT),
  'disc-result': table(DISC_RESULT),
  'conn-result': table(CONN_RESULT),
  connack: table(CONNACK),
  'ack-result': {
    0: text('acknowledged (QoS 0 publish: sent)', '已确认（QoS 0 发布：已发送）'),
    1: text('retransmitting (value = retransmission count)', '正在重发（value = 重发次数）'),
    2: text('failed to send', '发送失败'),
  },
  stat: table(STAT_ERR),
  'conn-state': table(CONN_STATE),
};

const RESULT_OP: Partial<Record<ModemEvent['type'], CommandSpec>> = Object.fromEntries(COMMANDS.filter((c) => c.result).map((c) => [c.result!.event, c]));

function isQmt(ev: ModemEvent): ev is QmtEvent {
  return ev.type.startsWith('qmt-') || ev.type === 'qiact';
}

function meaningOf(ev: QmtEvent): Text {
  return explainQmt(ev) ?? text(ev.raw, ev.raw);
}

/** A QMT result URC, normalised (qmt.md §3: a result 0 with ret_code ≠ 0 is a failed connect). */
export function qmtResultOf(ev: ModemEvent): MqttResult | null {
  if (!isQmt(ev) || !RESULT_OP[ev.type]) return null;
  const meaning = meaningOf(ev);
  switch (ev.type) {
    case 'qmt-open':
      return { op: 'open', connectId: ev.idx, msgId: null, ok: ev.result === 0, result: ev.result, retCode: null, meaning };
    case 'qmt-close':
      return { op: 'close', connectId: ev.idx, msgId: null, ok: ev.result === 0, result: ev.result, retCode: null, meaning };
    case 'qmt-disc':
      return { op: 'disconnect', connectId: ev.idx, msgId: null, ok: ev.result === 0, result: ev.result, retCode: null, meaning };
    case 'qmt-conn':
      return { op: 'connect', connectId: ev.idx, msgId: null, ok: ev.result === 0 && (ev.retCode ?? 0) === 0, result: ev.result, retCode: ev.retCode, meaning };
    case 'qmt-sub':
      return { op: 'subscribe', connectId: ev.idx, msgId: ev.msgId, ok: ev.result === 0 && !ev.values.includes(128), result: ev.result, retCode: ev.values[0] ?? null, meaning };
    case 'qmt-uns':
      return { op: 'unsubscribe', connectId: ev.idx, msgId: ev.msgId, ok: ev.result === 0, result: ev.result, retCode: null, meaning };
    case 'qmt-pub':
      return { op: 'publish', connectId: ev.idx, msgId: ev.msgId, ok: ev.result === 0, result: ev.result, retCode: ev.value, meaning };
    default:
      return null;
  }
}

/**
 * `+QMTOPEN: <idx>,"<host>",<port>` (printed only for an open client) or `+QMTCONN: <idx>,<state>`
 * with 2 connecting / 3 connected (qmt.md §2 "Read forms").
 */
function activeSessionOf(ev: ModemEvent): { connectId: number } | null {
  if (!isQmt(ev)) return null;
  if (ev.type === 'qmt-open-state') return { connectId: ev.idx };
  if (ev.type === 'qmt-conn-state' && (ev.state === 2 || ev.state === 3)) return { connectId: ev.idx };
  return null;
}

function unsolicitedOf(ev: ModemEvent): UnsolicitedSignal | null {
  if (!isQmt(ev)) return null;
  switch (ev.type) {
    case 'qmt-recv':
      return { kind: 'message', connectId: ev.idx, msgId: ev.msgId, topic: ev.topic, payload: ev.payload, boundary: ev.boundary };
    case 'qmt-stat': {
      const e = STAT_ERR.get(ev.errCode);
      return {
        kind: 'link-lost',
        connectId: ev.idx,
        errCode: ev.errCode,
        meaning: e ? e.meaning : text(`undocumented +QMTSTAT code ${ev.errCode}`, `未定义的 +QMTSTAT 错误码 ${ev.errCode}`),
        hint: e?.check
          ? text(`${e.check.en}; the module does not reconnect by itself: AT+QMTOPEN and AT+QMTCONN again`, `${e.check.zh}；模组不会自行重连：需重新 AT+QMTOPEN 与 AT+QMTCONN`)
          : text('the module does not reconnect by itself: AT+QMTOPEN and AT+QMTCONN again', '模组不会自行重连：需重新 AT+QMTOPEN 与 AT+QMTCONN'),
      };
    }
    default:
      return null;
  }
}

const utf8 = (latin1: string): string => Buffer.from(latin1, 'latin1').toString('utf8');
const q = (n: number | null): 0 | 1 | 2 => (n === 1 || n === 2 ? n : 0);
const BY_NAME: ReadonlyMap<string, CommandSpec> = new Map(COMMANDS.map((c) => [c.name, c]));

/** A set command line's MQTT meaning. */
export function qmtReadCommand(name: string, args: string): MqttCommand | null {
  const spec = BY_NAME.get(name.toUpperCase());
  if (!spec) return null;
  const pub = spec.op === 'publish';
  const ps: Param[] = splitArgs(args, pub ? 5 : -1) ?? [];
  const str = (k: number): string | undefined => (ps[k] && !ps[k]!.empty ? utf8(ps[k]!.text) : ps[k] ? '' : undefined);
  const id = intOf(ps[0]) ?? 0;
  switch (spec.op) {
    case 'config':
      return { op: 'config', connectId: intOf(ps[1]), key: (ps[0]?.text ?? '').toLowerCase(), values: ps.slice(2).map((x) => utf8(x.text)) };
    case 'open':
      return { op: 'open', connectId: id, host: str(1) ?? '', port: intOf(ps[2]) ?? 1883 };
    case 'connect':
      return { op: 'connect', connectId: id, clientId: str(1), username: str(2), password: str(3) };
    case 'subscribe':
      return { op: 'subscribe', connectId: id, msgId: intOf(ps[1]) ?? 0, topic: str(2) ?? '', qos: q(intOf(ps[3])) };
    case 'unsubscribe':
      return { op: 'unsubscribe', connectId: id, msgId: intOf(ps[1]) ?? 0, topic: str(2) ?? '' };
    case 'publish': {
      const last = ps[5];
      let payload: Buffer | null = null;
      let length: number | null = null;
      if (last && !last.empty) {
        const t = last.text.trim();
        if (/^\d+$/.test(t)) length = Number(t);
        else {
          // an inline message: quoted, inner quotes not escaped (BGx QMTPUBEX, BC660K/UFP QMTPUB)
          const body = t.startsWith('"') && t.endsWith('"') && t.length >= 2 ? t.slice(1, -1) : t;
          payload = Buffer.from(body, 'latin1');
        }
      }
      return { op: 'publish', connectId: id, msgId: intOf(ps[1]) ?? 0, qos: q(intOf(ps[2])), retain: intOf(ps[3]) === 1, topic: str(4) ?? '', payload, mode: payload ? 'inline' : 'prompt', length };
    }
    case 'disconnect':
      return { op: 'disconnect', connectId: id };
    case 'close':
      return { op: 'close', connectId: id };
    default: {
      const never: never = spec.op;
      return never;
    }
  }
}

// ---- framing: the line-based hook of the shared framer ----

const RECV_WORD = '+QMTRECV:';

/** Header of a +QMTRECV message line: up to and including the payload's opening quote. */
function headerLength(line: string): number {
  // scanHead's own first test without the copies: after leading NULs, the word in any ASCII case
  // (a line of any other dialect, asked for every line outside a block, stops here; a character
  // beyond ASCII is a byte >= 0x80 there, never a letter of the word)
  let i = 0;
  while (line.charCodeAt(i) === 0) i++;
  for (let k = 0; k < RECV_WORD.length; k++) {
    const c = line.charCodeAt(i + k);
    const w = RECV_WORD.charCodeAt(k);
    if (c !== w && !(w >= 0x41 && w <= 0x5a && c === w + 0x20)) return -1;
  }
  const h = scanHead(Buffer.from(line, 'utf8').toString('latin1') + '\r\n');
  if (h.status !== 'head' || h.head.nextLine) return -1;
  // characters = bytes for an ASCII header; a non-ASCII topic: count characters of the UTF-8 text
  const bytes = h.head.payloadStart;
  const prefix = Buffer.from(line, 'utf8').subarray(0, bytes).toString('utf8');
  return prefix.length;
}

/**
 * Bytes the framer should take after the header when the header announces a length: `<len>`
 * payload bytes plus the closing quote (toEvent strips it). Null without a length field.
 */
function payloadLength(header: string): number | null {
  const h = scanHead(Buffer.from(header, 'utf8').toString('latin1'));
  return h.status === 'head' && h.head.length !== null ? h.head.length + 1 : null;
}

/**
 * The qmt-recv event from the header bytes and the block's payload bytes (the framer stripped
 * the final line terminator). The closing quote is the last byte when the module's framing was
 * intact; the length field, when present, must match.
 */
export function qmtRecvBlockEvent(header: Buffer, block: Buffer, endedBy: PayloadEnd, truncated: boolean): ModemEvent {
  const h = scanHead(header.toString('latin1') + '"');
  if (h.status !== 'head') {
    const raw = header.toString('utf8') + block.toString('utf8');
    return { type: 'info', raw, prefix: '+QMTRECV', text: raw.replace(/^\0*\+QMTRECV: */i, '') };
  }
  const head = h.head;
  const closed = block.length > 0 && block[block.length - 1] === 0x22;
  const payload = Buffer.from(closed ? block.subarray(0, block.length - 1) : block);
  const lengthOk = head.length !== null && closed && payload.length === head.length;
  // a quote before a line break (CR LF, LF, or CR alone: a module that ends its lines with CR alone)
  const innerCandidate = /"[\r\n]/.test(payload.toString('latin1'));
  const certainEnd = endedBy === 'frame' || endedBy === 'quiet' || endedBy === 'eof';
  const boundary: 'certain' | 'inferred' = lengthOk || (closed && !innerCandidate && certainEnd && !truncated && head.length === null) ? 'certain' : 'inferred';
  let by: QmtPayloadEnd = endedBy;
  if (lengthOk) by = 'length';
  else if (!closed) by = 'cut';
  let rawEnd = header.length + block.length;
  const all = Buffer.concat([header, block]);
  while (rawEnd > 0 && (all[rawEnd - 1] === 0x0a || all[rawEnd - 1] === 0x0d)) rawEnd--;
  const ev: QmtEventOf<'qmt-recv'> = {
    type: 'qmt-recv',
    raw: all.toString('utf8', 0, rawEnd),
    idx: head.idx,
    msgId: head.msgId,
    topic: Buffer.from(head.topic, 'latin1').toString('utf8'),
    length: head.length,
    payload,
    boundary,
    endedBy: by,
    lengthMismatch: head.length !== null && !lengthOk,
    nextLine: false,
    truncated,
  };
  return ev;
}

export const qmt: Dialect = {
  name: 'qmt',
  title: 'Quectel QMT',
  modules: ['Quectel EC800N/EC800M/EC600S/EG800K (ASR Cat-1)', 'Quectel EC200U/EG915U (Unisoc Cat-1)', 'Quectel BG95/BG77/BG600L, BG96, BG770A', 'Quectel BC660K/BC950K (NB-IoT)'],
  reference: 'shared/protocol/qmt.md',
  family: '+QMT',
  configCommand: '+QMTCFG',
  commands: COMMANDS,
  configs: CONFIGS,
  urcs: URCS,
  codes: QMT_CODES,
  profiles: PROFILES,
  quirks: QUIRKS,
  framing: {
    prefix: '+QMTRECV',
    style: 'quoted',
    length: 'optional',
    multiLine: true,
    doc: text(
      'payload in `"…"` after `+QMTRECV: <idx>,<msgid>,"<topic>",[<len>,]`, inner quotes not escaped, CR/LF raw; with <len> exactly that many bytes, else it ends at a `"` before CRLF followed by a known frame start or quiet time (several such quotes: the end is inferred)',
      '载荷位于 `+QMTRECV: <idx>,<msgid>,"<topic>",[<len>,]` 之后的 `"…"` 中，内部引号不转义，CR/LF 原样；有 <len> 时恰好取该字节数，否则在其后跟已知帧起始或静默超时的 `"`+CRLF 处结束（有多个此类引号时为推断）',
    ),
    // one line read alone (a pasted log line, parseLine): forms a/b with the payload the line
    // holds (inferred unless its length frames it), and the buffer forms c/d
    fromLine: (t, from) => parseQmtLine(from === 0 ? t : t.slice(from)),
    rule: {
      headerLength,
      isFrameStart: isQmtFrameStart,
      payloadLength,
      toEvent: qmtRecvBlockEvent,
    },
  },
  autoReconnect: false,
  maxClients: 6,
  redaction: QMT_REDACTION,
  detect: {
    identity: [/quectel/i, /\b(EC800[NM]|EC600[SNU]|EG800K|EC200[UNA]|EG915U|BG9[56]|BG77|BG600L|BG770A|BC660K|BC950K|EC2[015]|EG2[15]|EG9[15])/i],
    prefixes: ['+QMT'],
  },
  session: (engine, o = {}) =>
    new QmtSession(engine, {
      ...(o.profile !== undefined ? { model: o.profile } : {}),
      ...(o.openTimeoutMs !== undefined ? { openTimeoutMs: o.openTimeoutMs } : {}),
      ...(o.closeTimeoutMs !== undefined ? { closeTimeoutMs: o.closeTimeoutMs } : {}),
      ...(o.clock ? { clock: o.clock } : {}),
    }),
  pdpCheck: {
    command: 'AT+QIACT?',
    answerPrefix: '+QIACT',
    doc: text(
      'Quectel lists active PDP contexts with AT+QIACT? (`+QIACT: <cid>,1,<type>,"<ip>"`; bare OK when none); the context AT+QMTCFG="pdpcid" names must be listed, else +QMTOPEN reports 3 on BG770A (qmt.md §4)',
      '移远用 AT+QIACT? 列出已激活的 PDP 上下文（`+QIACT: <cid>,1,<type>,"<ip>"`；没有则只回 OK）；AT+QMTCFG="pdpcid" 指定的上下文必须在列，否则 BG770A 上 +QMTOPEN 报 3（qmt.md §4）',
    ),
  },
  moduleTls: {
    // qmt.md §4 (the files and AT+QSSLCFG) and §7 (`+QMTOPEN: 0,-1` with TLS: O [QF3562][QF5965][JCOBB][ZIMB][MBED])
    checks: text(
      'the CA file named by AT+QSSLCFG="cacert",<ctx> not signing the broker\'s certificate, a certificate uploaded (AT+QFUPL) with other line endings or another size, swapped certificate and key files, AT+QMTCFG="ssl" naming another context than the one AT+QSSLCFG set up (every QSSLCFG set needs the ctx id), or a broker that needs SNI',
      'AT+QSSLCFG="cacert",<ctx> 指定的 CA 文件不能验证服务器证书、上传（AT+QFUPL）的证书换行符或大小不同、证书与私钥文件颠倒、AT+QMTCFG="ssl" 指向的上下文不是 AT+QSSLCFG 配置的那个（每条 QSSLCFG 设置都要带 ctx id），或服务器需要 SNI',
    ),
  },
  parseUrc: (prefix, rest, raw) => (QMT_PREFIXES.includes(prefix.toUpperCase()) ? parseQmt(prefix, rest, raw) : null),
  atProfiles: (): CommandProfile[] => qmtProfiles(),
  resultOf: qmtResultOf,
  unsolicitedOf,
  activeSessionOf,
  readCommand: qmtReadCommand,
  explain: (ev) => (isQmt(ev) ? explainQmt(ev) : null),
  settingsFor: qmtSettings,
};

/**
 * The neutral MQTT settings as AT+QMTCFG settings of the session's client (qmt.md §2.2):
 * `"keepalive",<idx>,<s>`, `"session",<idx>,<clean>` (1 = clean, 0 = keep: the same polarity as
 * MQTT's clean-session flag), `"version",<idx>,<3|4>` (3 = MQTT 3.1, 4 = 3.1.1), `"will"`.
 * A CA is refused: on a Quectel module it is a file uploaded with AT+QFUPL and named by
 * AT+QSSLCFG="cacert",<ctx> (qmt.md §4), which cat1 does not upload.
 */
export function qmtSettings(settings: readonly MqttSetting[]): DialectSetting[] {
  return settings.map((s): DialectSetting => {
    let setting: QmtSetting;
    switch (s.type) {
      case 'keepalive':
        setting = { key: 'keepalive', seconds: s.seconds };
        break;
      case 'clean':
        setting = { key: 'session', clean: s.clean };
        break;
      case 'version':
        setting = { key: 'version', version: s.level };
        break;
      case 'will':
        setting = s.enabled ? { key: 'will', enabled: true, qos: s.qos, retain: s.retain, topic: s.topic, message: s.message } : { key: 'will', enabled: false };
        break;
      case 'ca':
        throw new CatError(
          'ERR_INVALID_OPTION',
          '--ca: a Quectel QMT module reads its CA from a file uploaded with AT+QFUPL and named by AT+QSSLCFG="cacert" (qmt.md §4), which cat1 does not upload: set up the module\'s SSL context and AT+QMTCFG="ssl" yourself and run without --ca',
          { zh: '--ca：移远 QMT 模组从用 AT+QFUPL 上传、由 AT+QSSLCFG="cacert" 指定的文件读取 CA（qmt.md §4），cat1 不上传文件：请自行配置模组的 SSL 上下文和 AT+QMTCFG="ssl"，并去掉 --ca 运行' },
        );
      default: {
        const never: never = s;
        return never;
      }
    }
    return { key: setting.key, setting };
  });
}
