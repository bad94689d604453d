/**
 * The ECMT dialect (Eigencomm EC616/EC616S/EC617/EC618/EC626 builds, Air302, EC-01G, NB81…) as
 * data: ../shared/protocol/ecmt.md turned into the `Dialect` description. The one table of
 * command ↔ result URC ↔ step (`COMMANDS`) replaces the copies that the mirror, `at` and the
 * emulator each kept.
 */
import type { CommandProfile } from '../../at/types.js';
import { splitArgs, intOf, type Param } from '../../at/command-line.js';
import type { ModemEvent } from '../../urc/types.js';
import { text, type Text } from '../../util/i18n.js';
import type { CommandSpec, ConfigSpec, Dialect, DialectSetting, FirmwareProfileSpec, MqttCommand, MqttResult, MqttSetting, ParamSpec, Quirk, UnsolicitedSignal, UrcSpec } from '../types.js';
import type { CfgSetting } from './commands.js';
import { ECMT_PREFIXES, parseEcmt, recvBlockEvent, recvFromLine, recvHeaderLength } from './urc.js';
import { explain as explainEvent, explainEcmt, statErrMeaning } from './codes.js';
import { isKnownFrameStart } from '../classify.js';
import { ECMT_CODES } from './codes.js';
import { resultFailure, type ResultUrc } from './failure.js';
import { ecmtProfiles } from './at-profiles.js';
import { FIRMWARE_PROFILES, PROFILE_NAMES } from './firmware.js';
import { ECMT_REDACTION } from './redaction.js';
import { EcmtSession } from './session.js';
import type { FirmwareProfileName } from './firmware.js';

const p = (name: string, type: ParamSpec['type'], doc: Text, more: Partial<ParamSpec> = {}): ParamSpec => ({ name, type, doc, ...more });
const CONNECT_ID = p('connectId', 'int', text('connect ID (always 0: one client)', '连接 ID（恒为 0：单客户端）'), { range: [0, 0] });
const MSG_ID = p('msgId', 'int', text('packet identifier', '报文标识符'), { range: [0, 65535] });
const TOPIC = p('topic', 'string', text('topic (no escapes: cannot contain `"`)', '主题（无转义：不能含 `"`）'), { quoted: true, limit: 'topic' });
const QOS = p('qos', 'int', text('QoS 0–2', 'QoS 0–2'), { range: [0, 2] });

/** Host timers (ecmt.md §1): 30 s for open/connect on CAT1, the module's packet timer for the rest. */
const OPEN_MS = 30_000;
const ACK_MS = 10_000;
const GUARD_MS = 5000;
const PUB_GUARD_MS = 20_000;

/** Commands, one per MQTT step, with the URC that completes each and how it is correlated (ecmt.md §2, §4). */
export const COMMANDS: readonly CommandSpec[] = [
  {
    name: '+ECMTCFG',
    op: 'config',
    params: [p('type', 'string', text('setting name', '配置项名称'), { quoted: true }), CONNECT_ID],
    result: null,
    prompt: 'none',
    immediateTimeoutMs: GUARD_MS,
    syntax: 'AT+ECMTCFG="<type>",0[,<values>…]',
    doc: text('configure the next session (freed by DISC/CLOSE: send again every session)', '配置下一次会话（DISC/CLOSE 后释放：每次会话都要重新发送）'),
  },
  {
    name: '+ECMTOPEN',
    op: 'open',
    params: [CONNECT_ID, p('host', 'string', text('broker host', '服务器地址'), { quoted: true, limit: 'host' }), p('port', 'int', text('broker port', '服务器端口'), { range: [1, 65535] })],
    result: { prefix: '+ECMTOPEN', event: 'ecmt-open', correlate: ['connectId'], hostTimeoutMs: OPEN_MS, fields: ['connectId', 'result'] },
    prompt: 'none',
    immediateTimeoutMs: GUARD_MS,
    syntax: 'AT+ECMTOPEN=0,"<host>",<port>',
    doc: text('open the TCP/TLS link to the broker', '打开到服务器的 TCP/TLS 链路'),
  },
  {
    name: '+ECMTCONN',
    op: 'connect',
    params: [
      CONNECT_ID,
      p('clientId', 'string', text('client ID', '客户端 ID'), { quoted: true, optional: true, limit: 'clientId' }),
      p('username', 'string', text('user name', '用户名'), { quoted: true, optional: true, limit: 'username', secret: 'username' }),
      p('password', 'string', text('password', '密码'), { quoted: true, optional: true, limit: 'password', secret: 'password' }),
    ],
    result: { prefix: '+ECMTCONN', variants: ['+ECMTCON'], event: 'ecmt-conn', correlate: ['connectId'], hostTimeoutMs: OPEN_MS, mayRepeat: true, fields: ['connectId', 'result', 'retCode'] },
    prompt: 'none',
    immediateTimeoutMs: GUARD_MS,
    syntax: 'AT+ECMTCONN=0[,"<clientID>"[,"<username>"[,"<password>"]]]',
    doc: text('send CONNECT (credentials used only when all three are non-empty)', '发送 CONNECT（三个值都非空时才使用鉴权信息）'),
  },
  {
    name: '+ECMTSUB',
    op: 'subscribe',
    params: [CONNECT_ID, { ...MSG_ID, range: [1, 65535] }, TOPIC, QOS],
    result: { prefix: '+ECMTSUB', event: 'ecmt-sub', correlate: ['connectId', 'msgId'], hostTimeoutMs: ACK_MS, fields: ['connectId', 'msgId', 'result', 'value'] },
    prompt: 'none',
    immediateTimeoutMs: GUARD_MS,
    syntax: 'AT+ECMTSUB=0,<msgID>,"<topic>",<qos>',
    doc: text('subscribe one topic filter', '订阅一个主题过滤器'),
  },
  {
    name: '+ECMTUNS',
    op: 'unsubscribe',
    params: [CONNECT_ID, { ...MSG_ID, range: [1, 65535] }, TOPIC],
    result: { prefix: '+ECMTUNS', event: 'ecmt-uns', correlate: ['connectId', 'msgId'], hostTimeoutMs: ACK_MS, fields: ['connectId', 'msgId', 'result'] },
    prompt: 'none',
    immediateTimeoutMs: GUARD_MS,
    syntax: 'AT+ECMTUNS=0,<msgID>,"<topic>"',
    doc: text('unsubscribe one topic filter', '取消订阅一个主题过滤器'),
  },
  {
    name: '+ECMTPUB',
    op: 'publish',
    params: [
      CONNECT_ID,
      MSG_ID,
      QOS,
      p('retain', 'int', text('retain + 10 × RAI (EC616S 0–40; older builds 0–1)', 'retain + 10 × RAI（EC616S 0–40；旧版 0–1）'), { limit: 'retainMax' }),
      TOPIC,
      p('payload', 'raw', text('inline payload, raw to the end of the line; absent → `> ` prompt, Ctrl-Z sends', '内联载荷，取到行尾；省略则出现 `> ` 提示，Ctrl-Z 发送'), { optional: true, toEndOfLine: true, limit: 'inlinePayload' }),
    ],
    result: { prefix: '+ECMTPUB', event: 'ecmt-pub', correlate: ['connectId', 'msgId'], hostTimeoutMs: ACK_MS, fields: ['connectId', 'msgId', 'result'] },
    prompt: 'ctrl-z',
    immediateTimeoutMs: PUB_GUARD_MS,
    syntax: 'AT+ECMTPUB=0,<msgID>,<qos>,<retain>,"<topic>"[,<payload>]',
    doc: text('publish (inline payload, or data mode after the prompt)', '发布（内联载荷，或提示符后的数据模式）'),
  },
  {
    name: '+ECMTDISC',
    op: 'disconnect',
    params: [CONNECT_ID],
    result: { prefix: '+ECMTDISC', event: 'ecmt-disc', correlate: ['connectId'], hostTimeoutMs: ACK_MS, fields: ['connectId', 'result'] },
    prompt: 'none',
    immediateTimeoutMs: GUARD_MS,
    syntax: 'AT+ECMTDISC=0',
    doc: text('send DISCONNECT (context freed)', '发送 DISCONNECT（释放上下文）'),
  },
  {
    name: '+ECMTCLOSE',
    op: 'close',
    params: [CONNECT_ID],
    result: { prefix: '+ECMTCLOSE', event: 'ecmt-close', correlate: ['connectId'], hostTimeoutMs: ACK_MS, fields: ['connectId', 'result'] },
    prompt: 'none',
    immediateTimeoutMs: GUARD_MS,
    syntax: 'AT+ECMTCLOSE=0',
    doc: text('close the link (context freed)', '关闭链路（释放上下文）'),
  },
];

const s = (name: string, doc: Text, more: Partial<ParamSpec> = {}): ParamSpec => p(name, 'string', doc, { quoted: true, ...more });
const i = (name: string, doc: Text, range?: readonly [number, number], more: Partial<ParamSpec> = {}): ParamSpec => p(name, 'int', doc, { ...(range ? { range } : {}), ...more });

/** AT+ECMTCFG types (ecmt.md §3). The one table the mirror, lint and emulator read. */
export const CONFIGS: readonly ConfigSpec[] = [
  { key: 'keepalive', params: [CONNECT_ID, i('seconds', text('keep-alive, 0 disables PINGREQ', '保活时间，0 表示不发 PINGREQ'), [0, 3600], { limit: 'keepaliveMax' })], mqtt: 'keepalive', doc: text('CONNECT keep-alive (effective default 120 s)', 'CONNECT 保活时间（实际默认 120 秒）') },
  { key: 'session', params: [CONNECT_ID, i('clean', text('1 clean session, 0 persistent', '1 清除会话，0 保留会话'), [0, 1])], mqtt: 'clean', doc: text('clean-session flag (default 1)', '清除会话标志（默认 1）') },
  {
    key: 'timeout',
    params: [CONNECT_ID, i('pktTimeout', text('packet timeout s', '报文超时（秒）'), [1, 60]), i('retries', text('retries', '重试次数'), [1, 10], { optional: true }), i('notice', text('notice', '提示'), [0, 1], { optional: true })],
    mqtt: 'timeout',
    storedOnly: true,
    doc: text('stored only, not used on EC616S; out-of-range values still answer OK', 'EC616S 上仅保存不生效；越界值也回 OK'),
    evidence: [{ mark: 'S', source: 'ecmt.md §3' }],
  },
  {
    key: 'will',
    params: [CONNECT_ID, i('flag', text('will flag', '遗嘱标志'), [0, 1]), { ...QOS, optional: true }, i('retain', text('will retain', '遗嘱保留'), [0, 1], { optional: true }), s('topic', text('will topic', '遗嘱主题'), { optional: true, limit: 'willTopic' }), s('message', text('will message', '遗嘱消息'), { optional: true, limit: 'willMessage' })],
    mqtt: 'will',
    doc: text('CONNECT will', 'CONNECT 遗嘱'),
  },
  { key: 'version', params: [CONNECT_ID, p('version', 'enum', text('3 = MQTT 3.1, 4 = 3.1.1', '3 = MQTT 3.1，4 = 3.1.1'), { values: ['3', '4'] })], mqtt: 'version', doc: text('protocol level (default 4)', '协议级别（默认 4）') },
  {
    key: 'aliauth',
    params: [CONNECT_ID, s('productKey', text('product key', '产品密钥'), { secret: 'aliauth' }), s('deviceName', text('device name', '设备名'), { secret: 'aliauth' }), s('deviceSecret', text('device secret', '设备密钥'), { secret: 'aliauth' })],
    mqtt: 'aliauth',
    doc: text('the module computes Aliyun client ID / user name / HMAC password itself', '模组自行计算阿里云客户端 ID、用户名和 HMAC 密码'),
  },
  { key: 'cloud', params: [CONNECT_ID, i('cloudType', text('1 OneNET, 2 Aliyun, 3 plain, 4 normal', '1 OneNET，2 阿里云，3 普通，4 常规'), [0, 255]), i('dataType', text('data type', '数据类型'), [0, 255])], mqtt: 'none', doc: text('cloud type: OneNET/Aliyun alter or validate payloads', '云平台类型：OneNET/阿里云会修改或校验载荷') },
  { key: 'echomode', params: [CONNECT_ID, i('echo', text('echo', '回显'), [0, 1])], mqtt: 'none', storedOnly: true, doc: text('stored only', '仅保存') },
  { key: 'dataformat', params: [CONNECT_ID, i('send', text('0 text / 1 hex', '0 文本 / 1 十六进制'), [0, 1]), i('recv', text('0 text / 1 hex', '0 文本 / 1 十六进制'), [0, 1])], mqtt: 'none', storedOnly: true, doc: text('stored only on EC616S', 'EC616S 上仅保存') },
  {
    key: 'ssl',
    params: [p('mode', 'enum', text('psk / ecc / ca (EC616S); EC626: connect id then files', 'psk / ecc / ca（EC616S）；EC626：连接 ID 后跟文件'), { values: ['psk', 'ecc', 'ca'] }), s('secret', text('PSK, key or CA', 'PSK、密钥或 CA'), { secret: 'ssl' }), s('identity', text('identity / host name', '身份 / 主机名'), { optional: true, secret: 'ssl' })],
    mqtt: 'tls',
    doc: text('TLS: EC616S `"ssl","psk"|"ecc"|"ca",…` (no connect ID); EC626 `"ssl",2,"<ca>","<cert>","<key>"`', 'TLS：EC616S `"ssl","psk"|"ecc"|"ca",…`（无连接 ID）；EC626 `"ssl",2,"<ca>","<cert>","<key>"`'),
  },
];

const u = (prefix: string, role: UrcSpec['role'], formats: string[], doc: Text): UrcSpec => ({ prefix, role, formats, doc });

/** Every URC and answer prefix (ecmt.md §4). */
export const URCS: readonly UrcSpec[] = [
  u('+ECMTOPEN', 'result', ['+ECMTOPEN: <id>,<result>', '+ECMTOPEN:0,"<host>",<port> (read form)'], text('open result', '打开结果')),
  u('+ECMTCLOSE', 'result', ['+ECMTCLOSE: <id>,<result>'], text('close result', '关闭结果')),
  u('+ECMTCONN', 'result', ['+ECMTCONN: <id>,<result>,<ret_code>', '+ECMTCONN:0,<state> (read form)'], text('connect result; unsolicited after a link loss: the module reconnected by itself', '连接结果；链路断开后主动上报：模组已自行重连')),
  u('+ECMTCON', 'result', ['+ECMTCON:0,0,5 (field spelling)'], text('connect result, spelling seen in a field report', '连接结果，现场报告中的拼写')),
  u('+ECMTDISC', 'result', ['+ECMTDISC: <id>,<result>'], text('disconnect result; unsolicited: the session ended for good', '断开结果；主动上报：会话已结束')),
  u('+ECMTSUB', 'result', ['+ECMTSUB: <id>,<msgID>,<result>,<value>'], text('subscribe result', '订阅结果')),
  u('+ECMTUNS', 'result', ['+ECMTUNS: <id>,<msgID>,<result>'], text('unsubscribe result', '取消订阅结果')),
  u('+ECMTPUB', 'result', ['+ECMTPUB: <id>,<msgID>,<result>'], text('publish result', '发布结果')),
  u('+ECMTSTAT', 'link-lost', ['+ECMTSTAT: <id>,<err_code>'], text('link lost (the module then reconnects by itself)', '链路断开（模组随后自行重连）')),
  u('+ECMTRECV', 'message', ['+ECMTRECV: <id>,<msgID>,"<topic>",<payload, raw>'], text('received message', '收到消息')),
  u('+ECMTCFG', 'config', ['+ECMTCFG: "<type>",<values>', '+ECMTCFG:"<type>",(0),(range), (test form)'], text('configuration query answer', '配置查询应答')),
];

/** Quirks with their evidence (ecmt.md §2.2, §4). */
export const QUIRKS: readonly Quirk[] = [
  { id: 'credential-quirk', doc: text('client ID, user name and password are used only when all three are non-empty: otherwise an empty client ID and no credentials are sent', '客户端 ID、用户名和密码三者都非空时才使用：否则发送空客户端 ID 且不带鉴权信息'), evidence: [{ mark: 'S', source: 'ecmt.md §2.2' }, { mark: 'O', source: 'ecmt.md §2.2' }] },
  { id: 'sub-value-is-count', doc: text('+ECMTSUB value is the count of SUBACK return codes (always 1), not the granted QoS; a SUBACK 0x80 is not reported as an error', '+ECMTSUB 的 value 是 SUBACK 返回码个数（恒为 1），不是授予的 QoS；SUBACK 0x80 不报错'), evidence: [{ mark: 'S', source: 'ecmt.md §4' }] },
  { id: 'double-conn-urc', doc: text('AT+ECMTCONN may answer +ECMTCONN: 0,2,2 then +ECMTCONN: 0,0,0', 'AT+ECMTCONN 可能先回 +ECMTCONN: 0,2,2 再回 +ECMTCONN: 0,0,0'), evidence: [{ mark: 'O', source: 'ecmt.md §4 (EC626 field logs)' }] },
  { id: 'conn-ret-2-hardcoded', doc: text('+ECMTCONN result 2 carries a hard-coded ret_code 2 that is not a broker answer', '+ECMTCONN result 2 附带的 ret_code 2 是固件写死的，并非服务器应答'), evidence: [{ mark: 'S', source: 'ecmt.md §4' }] },
  { id: 'no-timeout-urc', doc: text('no timeout URC exists: a missing CONNACK/SUBACK/PUBACK prints nothing', '没有超时 URC：未收到 CONNACK/SUBACK/PUBACK 时不打印任何内容'), evidence: [{ mark: 'S', source: 'ecmt.md §1' }] },
  { id: 'already-open-silent', doc: text('AT+ECMTOPEN while open and AT+ECMTCONN while connected answer OK and print no URC', '已打开时 AT+ECMTOPEN、已连接时 AT+ECMTCONN 回 OK 且不上报 URC'), evidence: [{ mark: 'S', source: 'ecmt.md §1' }] },
  { id: 'auto-reconnect-no-resubscribe', doc: text('after +ECMTSTAT the module reconnects and resends CONNECT by itself, but does not resubscribe', '+ECMTSTAT 之后模组自行重连并重发 CONNECT，但不重新订阅'), evidence: [{ mark: 'S', source: 'ecmt.md §4' }, { mark: 'I', source: 'ecmt.md §4' }] },
  { id: 'timeout-cfg-ignored', doc: text('AT+ECMTCFG="timeout" is stored but not used', 'AT+ECMTCFG="timeout" 仅保存不生效'), evidence: [{ mark: 'S', source: 'ecmt.md §3' }] },
  { id: 'keepalive-query-zero', doc: text('a keepalive query may answer 0 while 120 s is in effect', '保活查询可能显示 0，而实际使用 120 秒'), evidence: [{ mark: 'S', source: 'ecmt.md §3' }] },
  { id: 'rx-drop-oversize', doc: text('a received PUBLISH larger than 4+128+1024 bytes is dropped silently', '大于 4+128+1024 字节的下行 PUBLISH 被静默丢弃'), evidence: [{ mark: 'S', source: 'ecmt.md §2.1' }] },
];

/** Firmware profiles (ecmt.md §2.1) as limits + quirk ids, from the emulator's profile table. */
export const PROFILES: readonly FirmwareProfileSpec[] = PROFILE_NAMES.map((name) => {
  const f = FIRMWARE_PROFILES[name];
  const quirks: string[] = ['no-timeout-urc', 'already-open-silent', 'auto-reconnect-no-resubscribe', 'rx-drop-oversize'];
  if (f.quirks.credentialQuirk) quirks.push('credential-quirk');
  if (f.quirks.subValueIsCount) quirks.push('sub-value-is-count');
  if (f.quirks.doubleConnUrc) quirks.push('double-conn-urc');
  if (f.quirks.timeoutIgnored) quirks.push('timeout-cfg-ignored');
  const { aliauth: _a, rxBuffer: _r, defaultPort: _d, ...limits } = f.limits;
  return { name, description: f.description, limits: { ...limits, clientIdx: 0 }, quirks };
});

const BY_NAME: ReadonlyMap<string, CommandSpec> = new Map(COMMANDS.map((c) => [c.name, c]));
const RESULT_OP: Partial<Record<ModemEvent['type'], CommandSpec>> = Object.fromEntries(COMMANDS.filter((c) => c.result).map((c) => [c.result!.event, c]));

/** `+ECMTSUB`/`+ECMTUNS`/`+ECMTPUB` `result` → meaning, and the others (codes.ts). */
function resultOf(ev: ModemEvent): MqttResult | null {
  const spec = RESULT_OP[ev.type];
  if (!spec) return null;
  // a failed result names why (resultFailure: a refused SUBACK reads as such), a success what it did
  const meaning = resultFailure(ev as ResultUrc) ?? explainEvent(ev) ?? text(ev.raw, ev.raw);
  switch (ev.type) {
    case 'ecmt-open':
    case 'ecmt-close':
    case 'ecmt-disc':
      return { op: spec.op, connectId: ev.connectId, msgId: null, ok: ev.result === 0, result: ev.result, retCode: null, meaning };
    case 'ecmt-conn':
      return { op: 'connect', connectId: ev.connectId, msgId: null, ok: ev.result === 0 && (ev.retCode ?? 0) === 0, result: ev.result, retCode: ev.retCode, meaning, ...(ev.result === 2 ? { mayFollow: true } : {}) };
    case 'ecmt-sub':
      return { op: 'subscribe', connectId: ev.connectId, msgId: ev.msgId, ok: ev.result === 0 && ev.value !== 128, result: ev.result, retCode: ev.value, meaning };
    case 'ecmt-uns':
      return { op: 'unsubscribe', connectId: ev.connectId, msgId: ev.msgId, ok: ev.result === 0, result: ev.result, retCode: null, meaning };
    case 'ecmt-pub':
      return { op: 'publish', connectId: ev.connectId, msgId: ev.msgId, ok: ev.result === 0, result: ev.result, retCode: null, meaning };
    default:
      return null;
  }
}

function unsolicitedOf(ev: ModemEvent): UnsolicitedSignal | null {
  switch (ev.type) {
    case 'ecmt-recv':
      return { kind: 'message', connectId: ev.connectId, msgId: ev.msgId, topic: ev.topic, payload: ev.payload, boundary: ev.boundary };
    case 'ecmt-stat':
      return {
        kind: 'link-lost',
        connectId: ev.connectId,
        errCode: ev.errCode,
        meaning: statErrMeaning(ev.errCode) ?? text(`undocumented link status ${ev.errCode}`, `未定义的链路状态码 ${ev.errCode}`),
        hint: text('the module reconnects by itself; subscriptions are not restored', '模组会自行重连；订阅不会恢复'),
      };
    default:
      return null;
  }
}

/** `+ECMTOPEN:0,"host",port` (a link open) or `+ECMTCONN:0,<state>` with 2 connecting / 3 connected (ecmt.md "Read forms"). */
function activeSessionOf(ev: ModemEvent): { connectId: number } | null {
  if (ev.type === 'ecmt-open-state' && ev.host !== '') return { connectId: ev.connectId };
  if (ev.type === 'ecmt-conn-state' && (ev.state === 2 || ev.state === 3)) return { connectId: ev.connectId };
  return null;
}

const utf8 = (latin1: string): string => Buffer.from(latin1, 'latin1').toString('utf8');
const q = (n: number | null): 0 | 1 | 2 => (n === 1 || n === 2 ? n : 0);

/** A set command line's MQTT meaning (what the mirror rebuilds the session from). */
function readCommand(name: string, args: string): MqttCommand | null {
  const spec = BY_NAME.get(name);
  if (!spec) return null;
  const ps = splitArgs(args, spec.name === '+ECMTPUB' ? 5 : -1) ?? [];
  const str = (k: number): string | undefined => (ps[k] && !ps[k]!.empty ? utf8(ps[k]!.text) : ps[k] ? '' : undefined);
  const id = intOf(ps[0]) ?? 0;
  switch (spec.op) {
    case 'config':
      return { op: 'config', connectId: intOf(ps[1]), key: (ps[0]?.text ?? '').toLowerCase(), values: ps.slice(1).map((x: Param) => utf8(x.text)) };
    case 'open':
      return { op: 'open', connectId: id, host: str(1) ?? '', port: intOf(ps[2]) ?? 1883 };
    case 'connect':
      return { op: 'connect', connectId: id, clientId: str(1), username: str(2), password: str(3) };
    case 'subscribe':
      return { op: 'subscribe', connectId: id, msgId: intOf(ps[1]) ?? 0, topic: str(2) ?? '', qos: q(intOf(ps[3])) };
    case 'unsubscribe':
      return { op: 'unsubscribe', connectId: id, msgId: intOf(ps[1]) ?? 0, topic: str(2) ?? '' };
    case 'publish': {
      const raw = ps[5];
      let payload: Buffer | null = null;
      if (raw && !raw.empty) {
        let t = raw.text;
        // the module strips a leading quote and a trailing one (ecmt.md §2.3)
        if (t.startsWith('"')) t = t.endsWith('"') && t.length >= 2 ? t.slice(1, -1) : t.slice(1);
        payload = Buffer.from(t, 'latin1');
      }
      const retainField = intOf(ps[3]) ?? 0;
      return { op: 'publish', connectId: id, msgId: intOf(ps[1]) ?? 0, qos: q(intOf(ps[2])), retain: retainField % 10 === 1, topic: str(4) ?? '', payload, mode: payload ? 'inline' : 'prompt', length: null };
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

export const ecmt: Dialect = {
  name: 'ecmt',
  title: 'Eigencomm ECMT',
  modules: ['Eigencomm EC616/EC616S/EC617/EC618/EC626 reference firmware', 'AirM2M Air302', 'Ai-Thinker EC-01/EC-01G', 'Lierda NB81-MB26', 'Neoway builds on EC626'],
  reference: 'shared/protocol/ecmt.md',
  family: '+ECMT',
  configCommand: '+ECMTCFG',
  commands: COMMANDS,
  configs: CONFIGS,
  urcs: URCS,
  codes: ECMT_CODES,
  profiles: PROFILES,
  quirks: QUIRKS,
  framing: {
    prefix: '+ECMTRECV',
    style: 'raw',
    length: 'never',
    multiLine: true,
    doc: text(
      'payload raw after `+ECMTRECV: <id>,<msgID>,"<topic>",`: no quotes, no length; it runs over the following lines until the module\'s next frame (an empty line then a known prefix), a known prefix at a line start, or quiet time — the last two are inferred boundaries',
      '载荷紧跟在 `+ECMTRECV: <id>,<msgID>,"<topic>",` 之后，无引号、无长度；延续到模组的下一帧（空行后接已知前缀）、行首出现已知前缀或静默超时为止——后两种是推断的边界',
    ),
    rule: {
      headerLength: (t) => recvHeaderLength(t),
      // a call, not the function itself: dialects/classify.ts and the registry import each other (read lazily)
      isFrameStart: (t) => isKnownFrameStart(t),
      toEvent: recvBlockEvent,
    },
    fromLine: recvFromLine,
  },
  autoReconnect: true,
  maxClients: 1,
  redaction: ECMT_REDACTION,
  detect: {
    identity: [/eigencomm/i, /\bEC6(16|17|18|26)/i, /\bAir302\b/i, /\bEC-01G?\b/i, /\bNB81\b/i],
    prefixes: ['+ECMT'],
  },
  pdpCheck: null,
  session: (engine, o = {}) =>
    new EcmtSession(engine, {
      ...(o.profile !== undefined ? { profile: o.profile as FirmwareProfileName } : {}),
      ...(o.openTimeoutMs !== undefined ? { openTimeoutMs: o.openTimeoutMs } : {}),
      ...(o.connectTimeoutMs !== undefined ? { connectTimeoutMs: o.connectTimeoutMs } : {}),
      ...(o.ackTimeoutMs !== undefined ? { ackTimeoutMs: o.ackTimeoutMs } : {}),
      ...(o.closeTimeoutMs !== undefined ? { closeTimeoutMs: o.closeTimeoutMs } : {}),
      ...(o.clock ? { clock: o.clock } : {}),
    }),
  parseUrc: (prefix, rest, raw) => (ECMT_PREFIXES.includes(prefix) && prefix !== '+ECMTRECV' ? parseEcmt(prefix, rest, raw) : null),
  atProfiles: (): CommandProfile[] => ecmtProfiles(),
  resultOf,
  unsolicitedOf,
  activeSessionOf,
  readCommand,
  explain: explainEcmt,
  settingsFor: ecmtSettings,
};


/**
 * The neutral MQTT settings as AT+ECMTCFG settings: keepalive, session, version and will are
 * the same words; a CA (PEM) goes as EC616S's `"ssl","ca",<base64 body>` (ecmt.md: the body
 * without the BEGIN/END lines and line breaks).
 */
export function ecmtSettings(settings: readonly MqttSetting[]): DialectSetting[] {
  return settings.map((s): DialectSetting => {
    if (s.type === 'ca') {
      const ca = s.pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
      const setting: CfgSetting = { type: 'ssl', syntax: 'ec616s', mode: 'ca', ca };
      return { key: 'ssl', setting };
    }
    // ECMT's "session" key is MQTT's clean-session flag (1 = clean): the same polarity
    if (s.type === 'clean') return { key: 'session', setting: { type: 'session', clean: s.clean } satisfies CfgSetting };
    const setting: CfgSetting = s;
    return { key: s.type, setting };
  });
}
