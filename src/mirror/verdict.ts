import { text, type Text } from '../util/i18n.js';
import type { FirmwareProfile } from '../ecmt/firmware.js';
import type { LintFinding } from '../ecmt/lint.js';
import type { Cause, CompareStep, CompareStepName, DeliveryFacts, Verdict } from './report.js';
import { runFaultCauses, withoutMootCauses, type RunFaultEvidence } from './run-faults.js';

/**
 * The verdict: causes ranked by evidence, from what the protocol reference knows. Pure: it
 * reads the recorded outcomes of a comparison, so every rule is unit-tested without a broker.
 */

export interface Evidence extends RunFaultEvidence {
  profile: FirmwareProfile;
  credentials: { clientId: string; username?: string | undefined; password?: string | undefined };
  protocolLevel: 3 | 4;
  tls: boolean;
  /** the module was given a CA (ssl "ca" setting or the EC626 files) */
  moduleHasCa: boolean;
  lint: LintFinding[];
  steps: CompareStep[];
  delivery: DeliveryFacts | null;
  /** the payload used for traffic */
  payload: Buffer | null;
  brokerLog: string[];
  /** the module answered +ECMTCONN twice for one connect */
  doubleConnUrc?: boolean;
}

const step = (e: Evidence, name: CompareStepName): CompareStep | undefined => e.steps.find((s) => s.step === name);
const nonEmpty = (s: string | undefined): boolean => s !== undefined && s.length > 0;
const logHas = (e: Evidence, re: RegExp): string | undefined => e.brokerLog.find((l) => re.test(l));

type Rule = (e: Evidence) => Cause | Cause[] | null;

/** Bytes of an MQTT 3.1.1 PUBLISH: fixed header, topic (length-prefixed), packet id for QoS > 0, payload. */
export function publishPacketSize(topic: string, payloadLength: number, qos: 0 | 1 | 2): number {
  const rest = 2 + Buffer.byteLength(topic) + (qos > 0 ? 2 : 0) + payloadLength;
  const lenBytes = rest < 128 ? 1 : rest < 16384 ? 2 : rest < 2097152 ? 3 : 4;
  return 1 + lenBytes + rest;
}

export function cause(id: Cause['id'], confidence: number, en: string, zh: string, evidence: Text[] = []): Cause {
  return { id, confidence, text: text(en, zh), evidence };
}

const codeOf = (s: { code: number | string | null }): string => (s.code === null ? '-' : String(s.code));

const rules: Rule[] = [
  // how the run went: the broker lost mid-run, the module silent (src/mirror/run-faults.ts)
  (e) => runFaultCauses(e),
  // the module sent an anonymous CONNECT with an empty client ID
  (e) => {
    if (!e.profile.quirks.credentialQuirk) return null;
    const c = e.credentials;
    const all = nonEmpty(c.clientId) && nonEmpty(c.username) && nonEmpty(c.password);
    if (all) return null;
    const conn = step(e, 'connect');
    const ev: Text[] = [text(`credentials given: client ID${nonEmpty(c.username) ? ', user name' : ''}${nonEmpty(c.password) ? ', password' : ''} — not all three`, `给出的凭据：客户端 ID${nonEmpty(c.username) ? '、用户名' : ''}${nonEmpty(c.password) ? '、密码' : ''}——不是三项齐全`)];
    const auto = logHas(e, /empty client ID|<empty>|as auto-|zero length client id/i);
    if (auto) ev.push(text(`broker log: ${auto}`, `服务器日志：${auto}`));
    const differs = e.steps.some((s) => !s.same);
    if (conn && !conn.same) ev.push(text(`connect: module ${conn.module.ok ? 'accepted' : `refused (${codeOf(conn.module)})`}, direct ${conn.direct.ok ? 'accepted' : `refused (${codeOf(conn.direct)})`}`, `连接：模组${conn.module.ok ? '成功' : `被拒绝（${codeOf(conn.module)}）`}，直连${conn.direct.ok ? '成功' : `被拒绝（${codeOf(conn.direct)}）`}`));
    const confidence = conn && !conn.same ? 0.95 : auto ? 0.9 : differs ? 0.8 : 0.5;
    return cause(
      'credential-quirk',
      confidence,
      `credential quirk of the ${e.profile.name} firmware: client ID, user name and password are used only when all three are non-empty, so the module sent a CONNECT with an EMPTY client ID and no credentials (the direct connection sent what you gave). Give all three, or a dummy non-empty value (e.g. client ID " " or a password " ") where the broker ignores it.`,
      `${e.profile.name} 固件的凭据特性：只有客户端 ID、用户名、密码三项都非空时才会使用，因此模组发出的 CONNECT 客户端 ID 为空且不带凭据（直连则按你给的参数发送）。请三项都填，或在服务器不校验的字段填一个非空占位值（如客户端 ID " " 或密码 " "）。`,
      ev,
    );
  },
  // values over the firmware's limits
  (e) => {
    const over = e.lint.filter((f) => f.code === 'too-long' && f.severity === 'error');
    if (over.length === 0) return null;
    const failed = e.steps.find((s) => !s.module.ok && !s.module.skipped);
    const confidence = failed && failed.direct.ok ? 0.9 : failed ? 0.6 : 0.4;
    return over.map((f) =>
      cause(
        'firmware-limit',
        confidence,
        `${f.field} is ${f.valueLength ?? '?'} bytes but the ${f.profile} firmware takes at most ${f.limit ?? '?'}: the module refuses or cuts it${failed ? ` (the ${failed.step} step failed on the module)` : ''}`,
        `${f.field} 长 ${f.valueLength ?? '?'} 字节，但 ${f.profile} 固件最多 ${f.limit ?? '?'} 字节：模组会拒绝或截断${failed ? `（模组在 ${failed.step} 步骤失败）` : ''}`,
        [f.message],
      ),
    );
  },
  (e) => {
    const bad = e.lint.filter((f) => f.code === 'unsendable-char');
    if (bad.length === 0) return null;
    return cause(
      'unquotable-chars',
      0.9,
      `a value holds characters the module cannot take in a quoted AT string (no escapes exist: ", CR, LF, NUL, control bytes): ${bad.map((f) => f.field).join(', ')}`,
      `某些值含有模组在带引号的 AT 字符串中无法接收的字符（没有转义：" 、CR、LF、NUL、控制字符）：${bad.map((f) => f.field).join('、')}`,
      bad.map((f) => f.message),
    );
  },
  (e) => {
    const conn = step(e, 'connect');
    if (!conn) return null;
    const rc1 = conn.module.code === 1 || conn.direct.code === 1;
    if (!rc1 && !(e.protocolLevel === 3 && !conn.module.ok)) return null;
    return cause(
      'protocol-level',
      rc1 ? 0.9 : 0.4,
      `protocol level: the session uses MQTT ${e.protocolLevel === 3 ? '3.1 (AT+ECMTCFG="version",0,3)' : '3.1.1'}${rc1 ? ' and the broker answered 1 (unacceptable protocol version)' : ''}; most brokers want 3.1.1: AT+ECMTCFG="version",0,4`,
      `协议版本：会话使用 MQTT ${e.protocolLevel === 3 ? '3.1（AT+ECMTCFG="version",0,3）' : '3.1.1'}${rc1 ? '，服务器回复 1（协议版本不可接受）' : ''}；多数服务器要求 3.1.1：AT+ECMTCFG="version",0,4`,
    );
  },
  (e) => {
    if (!e.tls || e.moduleHasCa) return null;
    const open = step(e, 'open');
    if (!open || open.module.ok) return null;
    return cause(
      'tls-without-ca',
      open.direct.ok ? 0.85 : 0.5,
      'TLS without a CA: the broker is mqtts:// but the module was given no CA certificate (AT+ECMTCFG="ssl",…), so its TLS handshake fails while the host verifies the server with its own CA store',
      'TLS 未配置 CA：服务器为 mqtts://，但模组没有 CA 证书（AT+ECMTCFG="ssl",…），模组的 TLS 握手失败，而主机使用自身的 CA 库校验服务器',
    );
  },
  // both refused: the broker's answer, for everyone
  (e) => {
    const conn = step(e, 'connect');
    if (!conn || conn.module.ok || conn.direct.ok || conn.module.skipped) return null;
    const m = conn.module.code;
    const d = conn.direct.code;
    if (m !== d) return null;
    const logged = logHas(e, /not authori[sz]ed|bad user ?name or password|password/i);
    const ev: Text[] = [text(`both refused with CONNACK ${String(d)}`, `两边都被拒绝，CONNACK ${String(d)}`)];
    if (logged) ev.push(text(`broker log: ${logged}`, `服务器日志：${logged}`));
    if (d === 4 || d === 5) {
      return cause(
        'broker-credentials',
        0.9,
        `the broker refuses these credentials for everyone, the module is not at fault: CONNACK ${String(d)} (${d === 5 ? 'not authorized' : 'bad user name or password'}). Mosquitto answers a wrong password with 5, not 4: check the user name and password (and the broker's password file / ACL)`,
        `服务器对所有人都拒绝这组凭据，不是模组的问题：CONNACK ${String(d)}（${d === 5 ? '未授权' : '用户名或密码错误'}）。Mosquitto 对错误密码回 5 而不是 4：请检查用户名和密码（以及服务器的密码文件/ACL）`,
        ev,
      );
    }
    if (d === 2) return cause('broker-identifier', 0.85, 'the broker rejects this client ID for everyone (CONNACK 2): it may be unknown to the platform, too long, or already taken', '服务器对所有人都拒绝该客户端 ID（CONNACK 2）：平台不认识、太长或已被占用', ev);
    if (d === 3) return cause('broker-credentials', 0.6, 'the broker says it is unavailable (CONNACK 3) to both sides', '服务器对两边都回复不可用（CONNACK 3）', ev);
    return null;
  },
  (e) => {
    const open = step(e, 'open');
    if (!open || open.module.ok || !open.direct.ok) return null;
    if (open.module.code === 3 || open.module.code === 'CME 3') {
      return cause('pdn-inactive', 0.9, 'the module has no data connection: AT+ECMTOPEN answered +CME ERROR: 3 (PDN not active) while the host reaches the broker — check SIM, registration (AT+CEREG?), APN and AT+CGPADDR', '模组没有数据连接：AT+ECMTOPEN 回复 +CME ERROR: 3（PDN 未激活），而主机能连到服务器——检查 SIM、注册（AT+CEREG?）、APN 和 AT+CGPADDR');
    }
    return cause(
      'network-module',
      0.8,
      `the module cannot reach the broker while the host can: ${open.module.code === -1 ? '+ECMTOPEN: 0,-1 (DNS, TCP or TLS failed on the module\'s network)' : 'no +ECMTOPEN result'} — suspect the carrier network, APN, DNS from the module (AT+ECDNS), or a firewall in front of the module`,
      `主机能连到服务器而模组不能：${open.module.code === -1 ? '+ECMTOPEN: 0,-1（模组网络上的 DNS、TCP 或 TLS 失败）' : '没有 +ECMTOPEN 结果'}——怀疑运营商网络、APN、模组侧 DNS（AT+ECDNS）或模组前的防火墙`,
    );
  },
  (e) => {
    const open = step(e, 'open');
    if (!open || open.module.ok || open.direct.ok) return null;
    return cause('broker-unreachable', 0.85, `neither side reaches the broker (direct: ${open.direct.detail.en}): wrong host or port, or the broker is down`, `两边都连不上服务器（直连：${open.direct.detail.zh}）：主机名或端口错误，或服务器未运行`);
  },
  (e) => {
    const conn = step(e, 'connect');
    if (!conn || conn.module.ok || !conn.module.code || conn.module.skipped) return null;
    if (conn.direct.ok && conn.module.code === 'no-urc') {
      return cause('broker-silent', 0.6, 'the module got no CONNACK (no +ECMTCONN) while the host was answered: packets from the module are lost on its network path, or the CONNECT was malformed', '模组没有收到 CONNACK（没有+ECMTCONN），而主机收到了：模组网络路径丢包，或 CONNECT 格式有问题');
    }
    return null;
  },
  (e) => {
    const sub = step(e, 'subscribe');
    const m2d = step(e, 'deliver-module-to-direct');
    const d2m = step(e, 'deliver-direct-to-module');
    const subRefused = sub && sub.direct.code === 128;
    const logged = logHas(e, /denied|not authori[sz]ed.*(subscribe|publish)/i);
    const bothLost = e.delivery && e.delivery.m2d.sent && !e.delivery.m2d.received && e.delivery.d2m.sent && !e.delivery.d2m.brokerDelivered;
    if (!subRefused && !logged && !bothLost) return null;
    const ev: Text[] = [];
    if (subRefused) ev.push(text('the direct SUBACK was 0x80 (refused)', '直连的 SUBACK 为 0x80（拒绝）'));
    if (logged) ev.push(text(`broker log: ${logged}`, `服务器日志：${logged}`));
    void m2d;
    void d2m;
    return cause('broker-acl', subRefused || logged ? 0.8 : 0.5, "the broker's ACL denies the topic (or the identity used): messages are refused or silently dropped by the broker", '服务器 ACL 拒绝该主题（或所用身份）：消息被服务器拒绝或静默丢弃', ev);
  },
  (e) => {
    const sub = step(e, 'subscribe');
    if (!sub || !sub.module.ok || !e.profile.quirks.subValueIsCount) return null;
    if (sub.module.code === sub.direct.code) return null;
    return cause('sub-value-count', 0.3, `not a failure: +ECMTSUB value ${String(sub.module.code)} is the count of SUBACK return codes on this firmware, not the granted QoS (the direct SUBACK granted ${String(sub.direct.code)})`, `不是故障：在此固件上 +ECMTSUB 的值 ${String(sub.module.code)} 是 SUBACK 返回码个数，不是授予的 QoS（直连 SUBACK 授予 ${String(sub.direct.code)}）`);
  },
  // payloads
  (e) => {
    const d = e.delivery;
    const p = e.payload;
    if (!d || !p) return null;
    const out: Cause[] = [];
    const rx = e.profile.limits.rxBuffer;
    if (d.d2m.sent && d.d2m.brokerDelivered && !d.d2m.received) {
      const size = publishPacketSize(d.d2m.topic, p.length, d.d2m.qos);
      if (size > rx) {
        out.push(cause('payload-rx-buffer', 0.9, `the PUBLISH (${size} bytes: ${p.length} of payload, the topic and the header) is larger than the module's receive buffer (${rx} bytes): the module drops it silently, no +ECMTRECV`, `PUBLISH 报文（${size} 字节：消息体 ${p.length} 字节加主题和报头）超过模组接收缓冲区（${rx} 字节）：模组静默丢弃，没有 +ECMTRECV`));
      } else {
        out.push(cause('loss-on-module', 0.8, 'loss on the module: the broker delivered the message (the host\'s own subscription received it) but the module printed no +ECMTRECV', '模组丢失：服务器已投递该消息（主机自己的订阅收到了），但模组没有输出 +ECMTRECV'));
      }
    }
    if (d.d2m.sent && !d.d2m.brokerDelivered && !d.d2m.received) {
      out.push(cause('loss-at-broker', 0.7, 'loss at the broker: the message published by the host reached no subscriber, not even the host itself', '服务器丢失：主机发布的消息没有到达任何订阅者，包括主机自己'));
    }
    if (d.m2d.sent && !d.m2d.received) {
      out.push(cause('loss-at-broker', 0.6, "the module's publish was acknowledged on the module (+ECMTPUB) but never reached the host: the broker dropped or refused it (ACL for the module's identity, QoS 0 loss)", '模组的发布在模组侧已确认（+ECMTPUB），但主机没有收到：服务器丢弃或拒绝了它（模组身份的 ACL、QoS 0 丢失）'));
    }
    const mangled = (d.d2m.received && !d.d2m.exact) || (d.m2d.received && !d.m2d.exact);
    if (mangled || (p.includes(0) && (d.d2m.sent || d.m2d.sent))) {
      if (p.includes(0)) out.push(cause('payload-nul', 0.85, 'the payload holds NUL bytes: the module handles payloads as C strings (leading NULs skipped, an inner NUL cuts the payload)', '消息体含 NUL 字节：模组按 C 字符串处理（开头的 NUL 被跳过，中间的 NUL 会截断）'));
      else if (/[\r\n]/.test(p.toString('latin1'))) out.push(cause('payload-crlf', d.d2m.inferred ? 0.7 : 0.5, `the payload spans several lines: the module prints it raw and its end must be inferred${d.d2m.inferred ? ' (it was, here)' : ''}; a payload containing text like "\\r\\n\\r\\nOK" cannot be told apart`, `消息体跨多行：模组原样输出，只能推断结尾${d.d2m.inferred ? '（本次即为推断）' : ''}；含有 "\\r\\n\\r\\nOK" 之类文本的消息体无法区分`));
      else if (mangled) out.push(cause('payload-mangled', 0.7, 'the payload arrived changed (not byte-exact) between the module and the broker', '消息体在模组和服务器之间被改变（不是逐字节一致）'));
    }
    return out.length > 0 ? out : null;
  },
  (e) =>
    e.doubleConnUrc
      ? cause('double-connack', 0.2, 'the module answered the connect twice (+ECMTCONN: 0,2,2 then 0,0,0): a failed first send and an internal reconnect, as EC626 builds do; the second is the real result', '模组对连接回复了两次（+ECMTCONN: 0,2,2 然后 0,0,0）：第一次发送失败后模组内部重连，EC626 固件常见；第二个才是真正结果')
      : null,
];

/** Rank the causes the evidence supports and write the summary. */
export function explainComparison(e: Evidence): Verdict {
  const causes: Cause[] = [];
  for (const r of rules) {
    const c = r(e);
    if (!c) continue;
    if (Array.isArray(c)) causes.push(...c);
    else causes.push(c);
  }
  // strongest first; on a tie the order of the rules (most specific first)
  const ranked = withoutMootCauses(causes).map((c, i) => ({ c, i })).sort((a, b) => b.c.confidence - a.c.confidence || a.i - b.i).map((x) => x.c);
  const firstDiff = e.steps.find((s) => !s.same);
  const significant = ranked.filter((c) => c.confidence >= 0.5);
  if (firstDiff && significant.length === 0) {
    ranked.push(
      cause('unexplained', 0.1, `the sides differ at "${firstDiff.step}" (module: ${firstDiff.module.detail.en}; direct: ${firstDiff.direct.detail.en}) and no known cause fits: record the session (--record) and attach it with the broker's log`, `两边在“${firstDiff.step}”步骤不同（模组：${firstDiff.module.detail.zh}；直连：${firstDiff.direct.detail.zh}），没有已知原因能解释：请录制会话（--record）并连同服务器日志一起提交`),
    );
  }
  const top = ranked[0];
  let summary: Text;
  if (!firstDiff) {
    summary = top && top.confidence >= 0.5 ? text(`the module and the direct connection behave the same; but: ${top.text.en}`, `模组与直连表现一致；但：${top.text.zh}`) : text('the module and the direct connection behave the same on this broker', '在该服务器上，模组与直连表现一致');
  } else {
    summary = top ? text(`they differ first at "${firstDiff.step}": most likely ${top.text.en}`, `两边最先在“${firstDiff.step}”步骤不同：最可能的原因是${top.text.zh}`) : text(`they differ first at "${firstDiff.step}"`, `两边最先在“${firstDiff.step}”步骤不同`);
  }
  return { summary, causes: ranked };
}
