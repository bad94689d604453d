/**
 * QMT code tables with their meanings in English and Simplified Chinese, each with the source
 * tag and confidence mark of ../shared/protocol/qmt.md (§3 tables, §2 read forms, §7 field
 * failures). D = Quectel AN text, Q = Quectel host code, O = observed, C = third-party driver,
 * I = inference. Where the reference says "not published", there is no entry.
 */
import { text, type Text } from '../../util/i18n.js';
import type { QmtEvent } from './events.js';

export interface CodeEntry {
  meaning: Text;
  /** what to check or do, when the reference gives it */
  check?: Text;
  /** the reference's source tags and confidence, e.g. "D [AN-BG95][AN-BC660K]" */
  source: string;
}

function entry(en: string, zh: string, source: string, check?: [string, string]): CodeEntry {
  return check ? { meaning: text(en, zh), check: text(check[0], check[1]), source } : { meaning: text(en, zh), source };
}

/** `+QMTOPEN: <idx>,<result>` (§3; codes D [AN-BG95][AN-BC660K]). */
export const OPEN_RESULT: ReadonlyMap<number, CodeEntry> = new Map([
  [
    -1,
    entry(
      'failed to open the network (TCP or TLS alike in field logs, no finer cause)',
      '打开网络失败（现场日志中 TCP 与 TLS 表现相同，无更细原因）',
      'D [AN-BG95][AN-BC660K]; I/O field logs',
      [
        'with TLS: certificate length/line endings vs the uploaded size, swapped cert/key files, AT+QSSLCFG without ctx id, broker needing SNI; without TLS: host, port, PDP context',
        'TLS：证书长度/换行符与上传大小是否一致、证书与私钥文件是否颠倒、AT+QSSLCFG 是否缺少 ctx id、服务器是否需要 SNI；非 TLS：主机、端口、PDP 上下文',
      ],
    ),
  ],
  [0, entry('network opened', '网络已打开', 'D [AN-BG95][AN-BC660K]')],
  [1, entry('wrong parameter', '参数错误', 'D [AN-BG95][AN-BC660K]')],
  [
    2,
    entry(
      'MQTT identifier is occupied (in practice: this client index is still open in the module)',
      'MQTT 标识符被占用（实际多为该客户端索引在模组内仍处于打开状态）',
      'D [AN-BG95]; I (§7, C [C-RECON][C-DRV])',
      ['send AT+QMTDISC and AT+QMTCLOSE for this index (or check AT+QMTOPEN?) before opening again', '重新打开前先对该索引发送 AT+QMTDISC 与 AT+QMTCLOSE（或用 AT+QMTOPEN? 查看）'],
    ),
  ],
  [
    3,
    entry('failed to activate PDP', 'PDP 激活失败', 'D [AN-BG95][AN-BC660K]; C [LABW] (no active context)', [
      'AT+QIACT? must list the context set by AT+QMTCFG="pdpcid"; activate it with AT+QIACT=<cid>',
      'AT+QIACT? 应列出 AT+QMTCFG="pdpcid" 指定的上下文；用 AT+QIACT=<cid> 激活',
    ]),
  ],
  [4, entry('failed to parse the domain name', '域名解析失败', 'D [AN-BG95][AN-BC660K]', ['host name spelling, DNS of the PDP context', '主机名拼写、PDP 上下文的 DNS'])],
  [5, entry('network connection error', '网络连接错误', 'D [AN-BG95][AN-BC660K]; "disconnection error" in C [BG77RT]', ['host and port reachable from the carrier network, firewall', '运营商网络能否访问该主机和端口、防火墙'])],
]);

/** `+QMTCLOSE` / `+QMTDISC` results (§3, D). */
export const CLOSE_RESULT: ReadonlyMap<number, CodeEntry> = new Map([
  [0, entry('network closed', '网络已关闭', 'D [AN-BG95][AN-BC660K]')],
  [-1, entry('failed to close the network', '关闭网络失败', 'D [AN-BG95][AN-BC660K]')],
]);
export const DISC_RESULT: ReadonlyMap<number, CodeEntry> = new Map([
  [0, entry('disconnected (DISCONNECT sent)', '已断开（DISCONNECT 已发出）', 'D [AN-BG95][AN-BC660K]')],
  [-1, entry('failed to disconnect', '断开失败', 'D [AN-BG95][AN-BC660K]')],
]);

/** `+QMTCONN: <idx>,<result>[,<ret_code>]` result (§3, D). */
export const CONN_RESULT: ReadonlyMap<number, CodeEntry> = new Map([
  [0, entry('CONNECT sent and CONNACK received: the verdict is in ret_code', 'CONNECT 已发出并收到 CONNACK：结论见 ret_code', 'D [AN-BG95][AN-BC660K]')],
  [1, entry('CONNECT is being retransmitted', '正在重发 CONNECT', 'D [AN-BG95][AN-BC660K]')],
  [2, entry('failed to send CONNECT', 'CONNECT 发送失败', 'D [AN-BG95][AN-BC660K]')],
]);

/** CONNACK return codes (MQTT 3.1.1 §3.2.2.3), as the QMT ANs list them (§3, D). */
export const CONNACK: ReadonlyMap<number, CodeEntry> = new Map([
  [0, entry('connection accepted', '连接已接受', 'D; MQTT 3.1.1')],
  [1, entry('refused: unacceptable protocol version', '拒绝：协议版本不可接受', 'D; MQTT 3.1.1', ['AT+QMTCFG="version" (3 = 3.1, 4 = 3.1.1) against what the broker accepts', '检查 AT+QMTCFG="version"（3 = 3.1，4 = 3.1.1）是否为服务器所接受'])],
  [2, entry('refused: identifier rejected', '拒绝：客户端标识符被拒绝', 'D; MQTT 3.1.1', ['the client ID: length, characters, what the platform expects', '客户端 ID 的长度、字符及平台要求'])],
  [3, entry('refused: server unavailable', '拒绝：服务不可用', 'D; MQTT 3.1.1')],
  [
    4,
    entry('refused: bad user name or password', '拒绝：用户名或密码错误', 'D; MQTT 3.1.1', [
      'user name and password (some platforms want the token in the user name)',
      '用户名和密码（部分平台要求把令牌放在用户名里）',
    ]),
  ],
  [
    5,
    entry('refused: not authorized', '拒绝：未授权', 'D; MQTT 3.1.1; O [MNY] (ThingsBoard)', [
      'credentials and client ID as the platform wants them (token in the user name, device client ID)',
      '按平台要求检查凭据与客户端 ID（令牌放在用户名、设备的客户端 ID）',
    ]),
  ],
]);

/** Which operation a SUB/UNS/PUB result belongs to. */
export type QmtAckOp = 'sub' | 'uns' | 'pub';

const ACK_OP: Record<QmtAckOp, { en: string; zh: string; ack: string }> = {
  sub: { en: 'SUBSCRIBE', zh: 'SUBSCRIBE', ack: 'SUBACK' },
  uns: { en: 'UNSUBSCRIBE', zh: 'UNSUBSCRIBE', ack: 'UNSUBACK' },
  pub: { en: 'PUBLISH', zh: 'PUBLISH', ack: 'PUBACK/PUBCOMP' },
};

/** `+QMTSUB/+QMTUNS/+QMTPUB(EX)` result (§3, D [AN-BG95][AN-BC660K]). */
export function ackResult(op: QmtAckOp, result: number): CodeEntry | null {
  const o = ACK_OP[op];
  switch (result) {
    case 0:
      return op === 'pub'
        ? entry('sent and acknowledged (QoS 0: sent)', '已发送并收到确认（QoS 0：已发送）', 'D [AN-BG95][AN-BC660K]')
        : entry(`${o.en} sent and ${o.ack} received`, `${o.zh} 已发送并收到 ${o.ack}`, 'D [AN-BG95][AN-BC660K]');
    case 1:
      return entry(`${o.en} is being retransmitted (value = retransmission count)`, `正在重发 ${o.zh}（value = 重发次数）`, 'D [AN-BG95][AN-BC660K]');
    case 2:
      return entry(`failed to send ${o.en}`, `${o.zh} 发送失败`, 'D [AN-BG95][AN-BC660K]', [
        'the connection state (AT+QMTCONN?), the packet timeout and retry count (AT+QMTCFG="timeout")',
        '连接状态（AT+QMTCONN?）、报文超时与重试次数（AT+QMTCFG="timeout"）',
      ]);
    default:
      return null;
  }
}

/** Granted QoS in `+QMTSUB` values (§3: 0–2 granted, 128 refused; D [AN-BC660K], C [C-RIL]). */
export function grantedQosMeaning(v: number): Text | null {
  if (v >= 0 && v <= 2) return text(`granted QoS ${v}`, `授予 QoS ${v}`);
  if (v === 128) return text('refused by the broker (128)', '被服务器拒绝（128）');
  return null;
}

/** `+QMTSTAT: <idx>,<err_code>` (§3 table; 1–7 and advice D [AN-BG95][AN-BC660K]; 8 C; further checks I). */
export const STAT_ERR: ReadonlyMap<number, CodeEntry> = new Map([
  [
    1,
    entry('the peer closed or reset the connection', '对端关闭或复位了连接', 'D [AN-BG95][AN-BC660K]; checks beyond the AN: I', [
      'reopen; the broker logs, a refused CONNACK just before, a duplicate client ID',
      '重新打开；查看服务器日志、之前是否有被拒绝的 CONNACK、客户端 ID 是否重复',
    ]),
  ],
  [
    2,
    entry('PINGREQ timed out or failed', '发送 PINGREQ 超时或失败', 'D [AN-BG95][AN-BC660K]; NAT: I', [
      're-activate PDP and reopen; signal, keepalive against the carrier NAT timeout',
      '重新激活 PDP 并重新打开；检查信号、保活时间与运营商 NAT 超时',
    ]),
  ],
  [
    3,
    entry('CONNECT timed out or failed', '发送 CONNECT 超时或失败', 'D [AN-BG95][AN-BC660K]', [
      'user name and password, the client ID not in use elsewhere; reopen',
      '用户名和密码、客户端 ID 是否被占用；重新打开',
    ]),
  ],
  [4, entry('CONNACK timed out or failed', '接收 CONNACK 超时或失败', 'D [AN-BG95][AN-BC660K]', ['as for 3: credentials, client ID; reopen', '同 3：凭据、客户端 ID；重新打开'])],
  [5, entry('the server closed the connection after our DISCONNECT', '客户端发送 DISCONNECT 后服务器断开连接', 'D [AN-BG95][AN-BC660K]', ['normal: nothing to do', '正常现象，无需处理'])],
  [
    6,
    entry('the client gave up after repeated send failures', '数据包多次发送失败，客户端主动断开', 'D [AN-BG95][AN-BC660K]', [
      'data validity, network congestion; reopen',
      '检查数据是否有效、网络是否拥塞；重新打开',
    ]),
  ],
  [7, entry('the link is not alive or the server is unavailable', '链路不工作或服务器不可用', 'D [AN-BG95][AN-BC660K]', ['link and server reachability', '检查链路与服务器是否可达'])],
  [
    8,
    entry('the client closed the connection (Unisoc/ASR Cat-1 only)', '客户端关闭了连接（仅紫光展锐/翱捷 Cat-1）', 'C [EC200U-H][EC20X][EG800AK]; 8–255 reserved in the AN', [
      'reconnect',
      '重新连接',
    ]),
  ],
]);

/** `AT+QMTCONN?` states (§2 read forms; C [EC200U-H]; D [AN-BC660K]; BGx shows 1 for opened-not-connected, C [LOOUQ]). */
export const CONN_STATE: ReadonlyMap<number, CodeEntry> = new Map([
  [1, entry('initializing (BGx: opened, not connected)', '初始化中（BGx：已打开未连接）', 'C [EC200U-H][LOOUQ]; D [AN-BC660K]')],
  [2, entry('connecting', '连接中', 'C [EC200U-H]; D [AN-BC660K]')],
  [3, entry('connected', '已连接', 'C [EC200U-H]; D [AN-BC660K]')],
  [4, entry('disconnecting', '断开中', 'C [EC200U-H]; D [AN-BC660K]')],
]);

/** `+QIACT: <cid>,<state>,<type>,…` (§4 D [AN-BG95]: type 1 IPv4, 2 IPv6, 3 IPv4v6). */
const CONTEXT_TYPE: ReadonlyMap<number, Text> = new Map([
  [1, text('IPv4', 'IPv4')],
  [2, text('IPv6', 'IPv6')],
  [3, text('IPv4v6', 'IPv4v6')],
]);

function withCheck(e: CodeEntry): Text {
  if (!e.check) return e.meaning;
  return text(`${e.meaning.en} — check: ${e.check.en}`, `${e.meaning.zh}——检查：${e.check.zh}`);
}

function unknownCode(what: string, whatZh: string, v: number): Text {
  return text(`${what} ${v}: not documented in the sources reached`, `${whatZh} ${v}：已查阅的资料中未定义`);
}

/**
 * The one-line meaning of a QMT event (with what to check where the reference gives it), or
 * null for events that carry no code.
 */
export function explainQmt(ev: QmtEvent): Text | null {
  switch (ev.type) {
    case 'qmt-open': {
      const e = OPEN_RESULT.get(ev.result);
      return e ? withCheck(e) : unknownCode('+QMTOPEN result', '+QMTOPEN 结果', ev.result);
    }
    case 'qmt-close': {
      const e = CLOSE_RESULT.get(ev.result);
      return e ? e.meaning : unknownCode('+QMTCLOSE result', '+QMTCLOSE 结果', ev.result);
    }
    case 'qmt-disc': {
      const e = DISC_RESULT.get(ev.result);
      return e ? e.meaning : unknownCode('+QMTDISC result', '+QMTDISC 结果', ev.result);
    }
    case 'qmt-conn': {
      const r = CONN_RESULT.get(ev.result);
      if (!r) return unknownCode('+QMTCONN result', '+QMTCONN 结果', ev.result);
      if (ev.result !== 0) return withCheck(r);
      if (ev.retCode === null) return text('CONNECT sent and acknowledged (this firmware prints no ret_code)', 'CONNECT 已发出并得到确认（该固件不输出 ret_code）');
      const c = CONNACK.get(ev.retCode);
      if (!c) return unknownCode('CONNACK return code', 'CONNACK 返回码', ev.retCode);
      return withCheck(c);
    }
    case 'qmt-sub': {
      const r = ackResult('sub', ev.result);
      if (!r) return unknownCode('+QMTSUB result', '+QMTSUB 结果', ev.result);
      if (ev.result !== 0 || ev.values.length === 0) return withCheck(r);
      const parts = ev.values.map((v) => grantedQosMeaning(v) ?? text(`value ${v}`, `值 ${v}`));
      const refused = ev.values.includes(128);
      return text(
        `${refused ? 'SUBACK received, but a filter was refused' : r.meaning.en}: ${parts.map((p) => p.en).join(', ')}`,
        `${refused ? '已收到 SUBACK，但有主题过滤器被拒绝' : r.meaning.zh}：${parts.map((p) => p.zh).join('，')}`,
      );
    }
    case 'qmt-uns': {
      const r = ackResult('uns', ev.result);
      return r ? withCheck(r) : unknownCode('+QMTUNS result', '+QMTUNS 结果', ev.result);
    }
    case 'qmt-pub': {
      const r = ackResult('pub', ev.result);
      if (!r) return unknownCode(`+${ev.urc} result`, `+${ev.urc} 结果`, ev.result);
      if (ev.result === 1 && ev.value !== null) return text(`PUBLISH retransmitted (${ev.value} so far)`, `PUBLISH 正在重发（已重发 ${ev.value} 次）`);
      return withCheck(r);
    }
    case 'qmt-stat': {
      const e = STAT_ERR.get(ev.errCode);
      const t = e ? withCheck(e) : unknownCode('+QMTSTAT err_code', '+QMTSTAT 错误码', ev.errCode);
      // §1: the client is closed after +QMTSTAT; the module does not reconnect (I, from the AN's host actions)
      return text(`${t.en}; the client is now closed, reconnecting is up to the host`, `${t.zh}；该客户端已关闭，需由主机重新连接`);
    }
    case 'qmt-ping':
      return text(`+QMTPING result ${ev.result} (meaning not published)`, `+QMTPING 结果 ${ev.result}（含义未公开）`);
    case 'qmt-conn-state': {
      const e = CONN_STATE.get(ev.state);
      return e ? e.meaning : unknownCode('AT+QMTCONN? state', 'AT+QMTCONN? 状态', ev.state);
    }
    case 'qmt-recv-notice':
      return text(`message stored in buffer slot ${ev.recvId}: read it with AT+QMTRECV=${ev.idx},${ev.recvId}`, `消息已存入缓存 ${ev.recvId}：用 AT+QMTRECV=${ev.idx},${ev.recvId} 读取`);
    case 'qmt-recv-slots': {
      const full = ev.slots.flatMap((s, i) => (s === 1 ? [i] : []));
      return full.length === 0
        ? text('no message waiting in the buffer', '缓存中没有待读消息')
        : text(`messages waiting in buffer slots ${full.join(', ')}`, `缓存 ${full.join('、')} 中有待读消息`);
    }
    case 'qmt-recv': {
      if (ev.lengthMismatch) return text('the length field did not match the payload: framed by the closing quote instead (a guess)', '长度字段与负载不符：改按结尾引号分帧（推测）');
      if (ev.boundary === 'inferred') return text('the end of this payload is a guess (no length field, a quote before a line break inside)', '该负载的结尾为推测（无长度字段，且负载内有引号后跟换行）');
      return null;
    }
    case 'qiact': {
      const t = CONTEXT_TYPE.get(ev.contextType);
      const s = ev.state === 1 ? text('activated', '已激活') : ev.state === 0 ? text('deactivated', '未激活') : text(`state ${ev.state}`, `状态 ${ev.state}`);
      return text(`PDP context ${ev.cid} ${s.en}${t ? ` (${t.en})` : ''}`, `PDP 上下文 ${ev.cid} ${s.zh}${t ? `（${t.zh}）` : ''}`);
    }
    case 'qmt-open-state':
    case 'qmt-cfg':
    case 'qmt-test':
      return null;
    default: {
      const never: never = ev;
      return never;
    }
  }
}
