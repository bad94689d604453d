/**
 * ECMT result and status codes with their meanings in English and Simplified Chinese, the ECMT
 * cases of explain() (the registry installs `explainEcmt` as urc/codes.ts's dialect explainer, as
 * for QMT), and the same codes as named tables (`ECMT_CODES`).
 *
 * Sources: ../shared/protocol/ecmt.md (§4 result codes, §5 +ECMTSTAT, §7 firmware behaviour); the
 * EC616S open SDK for what the firmware really prints (ret_code 2 hard-coded, +ECMTSUB value).
 */
import type { CodeTable } from '../types.js';
import { connackMeaning, explain as explainCore } from '../../urc/codes.js';
import type { EventOf, ModemEvent } from '../../urc/types.js';
import { text, type Text } from '../../util/i18n.js';


/** Which ECMT operation a `result` belongs to. */
export type EcmtOp = 'open' | 'close' | 'disc' | 'sub' | 'uns' | 'pub';

const ECMT_RESULT: Readonly<Record<EcmtOp, ReadonlyMap<number, Text>>> = {
  open: new Map([
    [0, text('MQTT network link opened (TCP/TLS up)', 'MQTT 网络链路已打开（TCP/TLS 已建立）')],
    [
      -1,
      text(
        'open failed: DNS lookup, TCP connect or TLS handshake failed; the module deleted the MQTT context (send AT+ECMTCFG again)',
        '打开失败：DNS 解析、TCP 连接或 TLS 握手失败；模组已删除 MQTT 上下文（需重新发送 AT+ECMTCFG）',
      ),
    ],
  ]),
  close: new Map([
    [0, text('MQTT network link closed; the context and its AT+ECMTCFG settings are freed', 'MQTT 网络链路已关闭；上下文及其 AT+ECMTCFG 配置已释放')],
    [-1, text('close failed', '关闭失败')],
  ]),
  disc: new Map([
    [
      0,
      text(
        'MQTT session disconnected; the module will not reconnect by itself (context freed)',
        'MQTT 会话已断开；模组不会自行重连（上下文已释放）',
      ),
    ],
    [-1, text('disconnect failed', '断开失败')],
  ]),
  sub: new Map([
    [0, text('subscribed: SUBACK received', '订阅完成：已收到 SUBACK')],
    [1, text('SUBACK received but could not be decoded', '收到 SUBACK 但无法解析')],
    [2, text('SUBSCRIBE could not be sent', 'SUBSCRIBE 报文未能发出')],
  ]),
  uns: new Map([
    [0, text('unsubscribed: UNSUBACK received', '取消订阅完成：已收到 UNSUBACK')],
    [1, text('UNSUBACK received but could not be decoded', '收到 UNSUBACK 但无法解析')],
    [2, text('UNSUBSCRIBE could not be sent', 'UNSUBSCRIBE 报文未能发出')],
  ]),
  pub: new Map([
    [
      0,
      text(
        'published (QoS 0: written to the socket; QoS 1: PUBACK received; QoS 2: PUBCOMP received)',
        '发布完成（QoS 0：已写入套接字；QoS 1：已收到 PUBACK；QoS 2：已收到 PUBCOMP）',
      ),
    ],
    [1, text('acknowledgement received but could not be decoded', '收到确认报文但无法解析')],
    [2, text('PUBLISH could not be sent', 'PUBLISH 报文未能发出')],
  ]),
};

/** Meaning of the `result` of +ECMTOPEN/CLOSE/DISC/SUB/UNS/PUB, or null for an undocumented value. */
export function ecmtResultMeaning(op: EcmtOp, result: number): Text | null {
  return ECMT_RESULT[op].get(result) ?? null;
}

const CONN_RESULT: ReadonlyMap<number, Text> = new Map([
  [0, text('CONNACK received: the broker’s verdict is in ret_code', '已收到 CONNACK：服务器的结论见 ret_code')],
  [1, text('server replied with an error (documented; never produced on EC616S)', '服务器回复错误（手册有定义，EC616S 从不上报）')],
  [
    2,
    text(
      'CONNECT could not be sent; the ret_code after it is hard-coded 2 by the firmware, not a broker answer',
      'CONNECT 报文未能发出；其后的 ret_code 被固件固定写为 2，并非服务器的应答',
    ),
  ],
]);

/** Meaning of the `result` of +ECMTCONN, or null. */
export function connResultMeaning(result: number): Text | null {
  return CONN_RESULT.get(result) ?? null;
}

const CONN_STATE: ReadonlyMap<number, Text> = new Map([
  [1, text('opened only, or the connection failed (state "other")', '仅打开了网络链路，或连接已失败（“其他”状态）')],
  [2, text('connecting', '正在连接')],
  [
    3,
    text(
      'connected (the module counts CONNECT sent as connected, CONNACK may still be pending)',
      '已连接（CONNECT 一发出模组即视为已连接，CONNACK 可能尚未收到）',
    ),
  ],
  [4, text('disconnected or closed', '已断开或已关闭')],
]);

/** Meaning of the state in `+ECMTCONN:0,<state>` (answer to AT+ECMTCONN?), or null. */
export function connStateMeaning(state: number): Text | null {
  return CONN_STATE.get(state) ?? null;
}

const STAT_ERR: ReadonlyMap<number, Text> = new Map([
  [
    1,
    text(
      'link closed or reset by peer (socket error or more than 3 missed PINGRESPs); the module reconnects and resends CONNECT by itself but does not resubscribe',
      '链路被对端关闭或复位（套接字错误或超过 3 次未收到 PINGRESP）；模组会自行重连并重发 CONNECT，但不会重新订阅',
    ),
  ],
]);

/** Meaning of the err_code of +ECMTSTAT, or null. */
export function statErrMeaning(errCode: number): Text | null {
  return STAT_ERR.get(errCode) ?? null;
}

function withCode(m: Text | null, enUnknown: string, zhUnknown: string): Text {
  return m ?? text(enUnknown, zhUnknown);
}

function join(parts: (Text | null)[]): Text {
  // a loop, not filter/map/join: this runs for every +ECMTPUB/SUB/UNS line
  let en = '';
  let zh = '';
  let first = true;
  for (const p of parts) {
    if (p === null) continue;
    if (first) first = false;
    else {
      en += '; ';
      zh += '；';
    }
    en += p.en;
    zh += p.zh;
  }
  return text(en, zh);
}

function explainConn(e: EventOf<'ecmt-conn'>): Text {
  const rc = e.retCode;
  let t: Text;
  if (e.result === 0) {
    if (rc === 0) t = text('connected: broker accepted (CONNACK 0)', '已连接：服务器接受连接 (CONNACK 0)');
    else if (rc === null) t = text('CONNACK received (no return code printed)', '已收到 CONNACK（未打印返回码）');
    else if (rc === 6) {
      t = text(
        'CONNACK received but could not be decoded (vendor ret_code 6, "failed to connect to the server")',
        '收到 CONNACK 但无法解析（厂商 ret_code 6，“连接服务器失败”）',
      );
    } else {
      const m = connackMeaning(rc);
      t = m
        ? text(`broker refused: ${m.en} (CONNACK ${rc})`, `服务器拒绝：${m.zh} (CONNACK ${rc})`)
        : text(`CONNACK with an unknown return code ${rc}`, `CONNACK 返回码未知：${rc}`);
    }
  } else if (e.result === 1) {
    const m = rc === null ? null : connackMeaning(rc);
    t = text(
      `server replied with an error (result 1, never produced on EC616S)${m && rc !== null ? `; ret_code ${rc}: ${m.en}` : ''}`,
      `服务器回复错误（result 1，EC616S 从不上报）${m && rc !== null ? `；ret_code ${rc}：${m.zh}` : ''}`,
    );
  } else if (e.result === 2) {
    t =
      rc === 2
        ? text(
            'CONNECT could not be sent; the ret_code 2 is hard-coded by the firmware, not the broker’s "identifier rejected"',
            'CONNECT 报文未能发出；ret_code 2 是固件写死的，并非服务器返回的“标识符被拒绝”',
          )
        : text(
            `CONNECT could not be sent; ret_code ${rc ?? 'none'} is not a broker answer`,
            `CONNECT 报文未能发出；ret_code ${rc ?? '无'} 不是服务器的应答`,
          );
  } else {
    t = text(`undocumented CONNECT result ${e.result}`, `未定义的连接结果 ${e.result}`);
  }
  if (e.variant === 'ECMTCON') t = text(`${t.en} [printed as +ECMTCON]`, `${t.zh}［打印为 +ECMTCON］`);
  return t;
}

function subValueNote(value: number | null): Text | null {
  if (value === null) return null;
  if (value === 1) {
    return text(
      'value 1 is the count of SUBACK return codes on EC616S, not necessarily the granted QoS',
      '在 EC616S 上 value 1 是 SUBACK 返回码的个数，不一定是授予的 QoS',
    );
  }
  if (value === 0 || value === 2) {
    return text(
      `value ${value} would be the granted QoS per the vendor manual (EC616S prints a count, always 1)`,
      `按厂商手册 value ${value} 是授予的 QoS（EC616S 打印的是个数，恒为 1）`,
    );
  }
  if (value === 128) return text('value 128 (0x80): the broker refused the subscription', 'value 128 (0x80)：服务器拒绝了该订阅');
  return text(`value ${value} is neither a QoS nor the EC616S count`, `value ${value} 既不是 QoS，也不是 EC616S 的计数`);
}

function resultText(op: EcmtOp, result: number): Text {
  return withCode(ecmtResultMeaning(op, result), `undocumented result ${result}`, `未定义的结果 ${result}`);
}

function msgIdText(msgId: number): Text {
  return text(`msgID ${msgId}`, `msgID ${msgId}`);
}

function extraText(extra: number | undefined): Text | null {
  return extra === undefined ? null : text(`extra trailing value ${extra}`, `附加值 ${extra}`);
}

function explainCfg(e: EventOf<'ecmt-cfg'>): Text | null {
  if (e.form !== 'query') return null;
  const v = e.values[0];
  switch (e.cfgType.toLowerCase()) {
    case 'keepalive':
      if (v === '0') {
        return text(
          'keep-alive not set in this context (0 shown); the module uses 120 s',
          '该上下文未设置保活时间（显示 0）；模组实际使用 120 秒',
        );
      }
      return v === undefined ? null : text(`keep-alive ${v} s`, `保活时间 ${v} 秒`);
    case 'session':
      if (v === '1') return text('clean session on', '清除会话（clean session）开启');
      if (v === '0') return text('clean session off (persistent session)', '清除会话关闭（保留会话）');
      return null;
    case 'version':
      if (v === '3') return text('MQTT 3.1 (protocol level 3)', 'MQTT 3.1（协议级别 3）');
      if (v === '4') return text('MQTT 3.1.1 (protocol level 4)', 'MQTT 3.1.1（协议级别 4）');
      return null;
    case 'timeout':
      return text('packet timeout settings: stored only, not used on EC616S', '报文超时设置：EC616S 上仅保存，不生效');
    case 'cloud': {
      const names: Record<string, Text> = {
        '1': text('OneNET', 'OneNET'),
        '2': text('Aliyun', '阿里云'),
        '3': text('plain MQTT, no credentials sent', '普通 MQTT，不发送鉴权信息'),
        '4': text('normal MQTT, needs client ID, user name and password', '普通 MQTT，需要客户端 ID、用户名和密码'),
      };
      const n = v === undefined ? undefined : names[v];
      return n ? text(`cloud type ${v}: ${n.en}`, `云平台类型 ${v}：${n.zh}`) : null;
    }
    default:
      return null;
  }
}

/**
 * The one-line meaning of an ECMT event (the module's (re)start included: it frees every ECMT
 * context and its AT+ECMTCFG settings), in both languages; null for any other event and for
 * ECMT events that carry no code (test-form answers).
 */
export function explainEcmt(event: ModemEvent): Text | null {
  const e = event;
  switch (e.type) {
    case 'ecmt-open':
      return resultText('open', e.result);
    case 'ecmt-close':
      return resultText('close', e.result);
    case 'ecmt-disc':
      return resultText('disc', e.result);
    case 'ecmt-conn':
      return explainConn(e);
    case 'ecmt-sub':
      return join([resultText('sub', e.result), msgIdText(e.msgId), subValueNote(e.value), extraText(e.extra)]);
    case 'ecmt-uns':
      return join([resultText('uns', e.result), msgIdText(e.msgId), extraText(e.extra)]);
    case 'ecmt-pub':
      return join([resultText('pub', e.result), msgIdText(e.msgId), extraText(e.extra)]);
    case 'ecmt-stat':
      return withCode(statErrMeaning(e.errCode), `undocumented link status ${e.errCode}`, `未定义的链路状态码 ${e.errCode}`);
    case 'ecmt-recv': {
      const n = e.payload.length;
      const inferred = e.boundary === 'inferred';
      return text(
        `message on ${e.topic}, ${n} bytes${inferred ? ', end of payload inferred' : ''}${e.truncated ? ', truncated' : ''}`,
        `收到主题 ${e.topic} 的消息，${n} 字节${inferred ? '，载荷结束位置为推断' : ''}${e.truncated ? '，已截断' : ''}`,
      );
    }
    case 'ecmt-open-state':
      return text(`MQTT link target ${e.host}:${e.port}`, `MQTT 链路目标 ${e.host}:${e.port}`);
    case 'ecmt-conn-state':
      return withCode(connStateMeaning(e.state), `undocumented connection state ${e.state}`, `未定义的连接状态 ${e.state}`);
    case 'ecmt-cfg':
      return explainCfg(e);
    case 'boot':
      return text(
        `module (re)started (${e.banner}): every session state is lost (MQTT context, subscriptions, AT+ECMTCFG settings)`,
        `模组已（重新）启动（${e.banner}）：所有会话状态均已丢失（MQTT 上下文、订阅、AT+ECMTCFG 配置）`,
      );
    default:
      return null;
  }
}

/** explain() with the ECMT cases answered here first (for ECMT code that must not depend on the registry being loaded). */
export function explain(event: ModemEvent): Text | null {
  return explainEcmt(event) ?? explainCore(event);
}

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
