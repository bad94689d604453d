import { text, type Text } from '../util/i18n.js';
import { fieldLabel, type ProfileCredentialCheck } from '../dialects/ecmt/lint.js';
import type { ComparisonProfile as FirmwareProfile, SessionLintFinding as LintFinding } from '../dialects/session.js';
import type { Dialect, DialectName } from '../dialects/types.js';
import { commandLine, configLine, dialectNamed, resultPrefix, urcPrefix } from '../dialects/words.js';
import type { Cause, CompareStep, CompareStepName, DeliveryFacts, SideOutcome, Verdict } from './report.js';
import { probeOutcome as probeFact, probeRestored, type IdentityProbe, type LogIdentity } from './identity.js';
import { personalityCauses, type BrokerIdentity } from './brokers.js';
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
  /** the broker's kind (detected or --broker-kind), for its personality (brokers.ts) */
  broker?: BrokerIdentity | null;
  /** the module's identity on the broker, by observation: its log, the takeover probe */
  identity?: { log: LogIdentity | null; probe: IdentityProbe | null };
  /** the given credentials against every known firmware profile */
  credentialCheck?: ProfileCredentialCheck[];
  /** the module's dialect: the texts quote its commands and URCs (default: the default dialect) */
  dialect?: DialectName;
}

/** The session's dialect: where the texts take its command and URC names from. */
const D = (e: Evidence): Dialect => dialectNamed(e.dialect);
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

/** A cause that rests on what a firmware profile assumes, not on what the run observed. */
function hypothesis(id: Cause['id'], confidence: number, en: string, zh: string, evidence: Text[] = []): Cause {
  return { ...cause(id, confidence, en, zh, evidence), hypothesis: true };
}

/** One side of a step as an observation: "connect, module: failed [5] after 120 ms — …". */
export function fact(st: CompareStep, who: 'module' | 'direct'): Text {
  const s: SideOutcome = st[who];
  const w = who === 'module' ? text('module', '模组') : text('direct', '直连');
  if (s.skipped) return text(`${st.step}, ${w.en}: not run (${s.detail.en})`, `${st.step}，${w.zh}：未运行（${s.detail.zh}）`);
  const code = s.code === null ? '' : ` [${String(s.code)}]`;
  const ms = s.latencyMs === null ? '' : ` after ${s.latencyMs} ms`;
  const msZh = s.latencyMs === null ? '' : `，用时 ${s.latencyMs} ms`;
  return text(`${st.step}, ${w.en}: ${s.ok ? 'ok' : 'failed'}${code}${ms} — ${s.detail.en}`, `${st.step}，${w.zh}：${s.ok ? '成功' : '失败'}${code}${msZh}——${s.detail.zh}`);
}

const both = (st: CompareStep | undefined): Text[] => (st ? [fact(st, 'module'), fact(st, 'direct')] : []);
const logged = (line: string): Text => text(`broker log: ${line}`, `服务器日志：${line}`);

const rules: Rule[] = [
  // how the run went: the broker lost mid-run, the module silent (src/mirror/run-faults.ts)
  (e) => runFaultCauses(e),
  // the module sent an anonymous CONNECT with an empty client ID: observed, or only what the profile says
  (e) => {
    if (!e.profile.quirks.credentialQuirk) return null;
    const c = e.credentials;
    const all = nonEmpty(c.clientId) && nonEmpty(c.username) && nonEmpty(c.password);
    if (all) return null;
    const id = e.identity?.log ?? null;
    const probe = e.identity?.probe ?? null;
    // an observation contradicts it: the module is on the broker as the client ID given, or with a user name
    if (id?.status === 'as-given') return null;
    if (id?.status === 'other' && id.user === 'present') return null;
    if (probe?.moduleDropped) return null;
    const conn = step(e, 'connect');
    const ev: Text[] = [text(`credentials given: client ID${nonEmpty(c.username) ? ', user name' : ''}${nonEmpty(c.password) ? ', password' : ''} — not all three`, `给出的凭据：客户端 ID${nonEmpty(c.username) ? '、用户名' : ''}${nonEmpty(c.password) ? '、密码' : ''}——不是三项齐全`)];
    let seen = false;
    if (id?.status === 'other' && (id.assigned || id.user === 'absent')) {
      ev.push(logged(id.line));
      seen = true;
    }
    const refusedEmpty = logHas(e, /empty client ID|<empty>|zero length client id/i);
    if (refusedEmpty && !(id?.status === 'other' && id.line === refusedEmpty)) {
      ev.push(logged(refusedEmpty));
      seen = true;
    }
    if (probe && probe.connack === 0 && !probe.moduleDropped) {
      ev.push(probeFact(probe));
      seen = true;
    }
    const differs = conn !== undefined && !conn.same && !conn.module.skipped;
    if (differs) ev.push(...both(conn));
    if (seen) {
      return cause(
        'credential-quirk',
        0.95,
        `credential quirk of the ${e.profile.name} firmware: client ID, user name and password are used only when all three are non-empty, so the module sent a CONNECT with an EMPTY client ID and no credentials (the direct connection sent what you gave). Give all three, or a dummy non-empty value (e.g. client ID " " or a password " ") where the broker ignores it.`,
        `${e.profile.name} 固件的凭据特性：只有客户端 ID、用户名、密码三项都非空时才会使用，因此模组发出的 CONNECT 客户端 ID 为空且不带凭据（直连则按你给的参数发送）。请三项都填，或在服务器不校验的字段填一个非空占位值（如客户端 ID " " 或密码 " "）。`,
        ev,
      );
    }
    ev.push(text(`assumed, not observed: the ${e.profile.name} profile says the module drops incomplete credentials; no broker log line or probe showed what it sent`, `假设，未观察到：${e.profile.name} 固件配置认为模组会丢弃不完整的凭据；没有服务器日志或探测显示它实际发送了什么`));
    return hypothesis(
      'credential-quirk',
      differs ? 0.7 : 0.3,
      `possibly the credential quirk (a hypothesis: the ${e.profile.name} profile says so; not observed): builds with it use client ID, user name and password only when all three are non-empty, and then send a CONNECT with an EMPTY client ID and no credentials. Confirm with --broker-log (the module's line on the broker) or --probe-identity; or give all three values.`,
      `可能是凭据特性（假设：${e.profile.name} 固件配置如此描述；未观察到）：有此特性的固件只有在客户端 ID、用户名、密码三项都非空时才使用它们，否则发送客户端 ID 为空、不带凭据的 CONNECT。请用 --broker-log（服务器上模组的那一行）或 --probe-identity 确认；或三项都填。`,
      ev,
    );
  },
  // connected on the module, another identity on the broker
  (e) => {
    const conn = step(e, 'connect');
    if (!conn || !conn.module.ok) return null;
    const id = e.identity?.log ?? null;
    const probe = e.identity?.probe ?? null;
    if (id?.status === 'as-given' || probe?.moduleDropped) return null;
    const ev: Text[] = [fact(conn, 'module')];
    const other = id?.status === 'other' ? id : null;
    if (other) ev.push(logged(other.line));
    const probed = probe !== null && probe.connack === 0;
    if (probed) ev.push(probeFact(probe));
    if (!other && !probed) return null;
    if (probe) {
      if (probe.restored !== 'untouched') ev.push(probeRestored(probe));
    }
    const who = other ? `"${other.clientId}"${other.assigned ? ' (an ID the broker made up: the module sent an EMPTY client ID)' : ''}` : 'another client';
    const whoZh = other ? `“${other.clientId}”${other.assigned ? '（服务器自行分配的 ID：模组发送的客户端 ID 为空）' : ''}` : '另一个客户端';
    return cause(
      'identity-mismatch',
      other && probed ? 0.95 : other ? 0.9 : 0.8,
      `the module says connected, but on the broker it is ${who}, not "${e.credentials.clientId}": a platform that identifies devices by client ID (or user name) shows this device offline, and its ACLs and sessions do not apply. Make the module send the identity you gave (all three credentials on builds with the credential quirk) and check again`,
      `模组显示已连接，但在服务器上它是${whoZh}，而不是“${e.credentials.clientId}”：按客户端 ID（或用户名）识别设备的平台会显示该设备离线，其 ACL 和会话也不适用。请让模组发送你给出的身份（有凭据特性的固件需三项凭据齐全）后再检查`,
      ev,
    );
  },
  // same inputs, different outcome: the module changed the credentials on the way
  (e) => {
    const conn = step(e, 'connect');
    if (!conn || conn.module.ok || conn.module.skipped || !conn.direct.ok) return null;
    const m = conn.module.code;
    if (m !== 4 && m !== 5) return null;
    const credField = (f: LintFinding): boolean => ['clientId', 'username', 'password'].includes(f.field) && (f.code === 'too-long' || f.code === 'unsendable-char');
    if (e.lint.some(credField)) return null; // firmware-limit / unquotable-chars explain it
    const c = e.credentials;
    const len = (v: string | undefined): string => (v === undefined ? 'none' : `${Buffer.byteLength(v)} bytes`);
    const lenZh = (v: string | undefined): string => (v === undefined ? '无' : `${Buffer.byteLength(v)} 字节`);
    const ev: Text[] = [
      text(`same inputs on both sides: client ID ${len(c.clientId)}, user name ${len(c.username)}, password ${len(c.password)}`, `两边输入相同：客户端 ID ${lenZh(c.clientId)}，用户名 ${lenZh(c.username)}，密码 ${lenZh(c.password)}`),
      fact(conn, 'direct'),
      fact(conn, 'module'),
    ];
    const refusal = logHas(e, /not authori[sz]ed|bad user ?name or password/i);
    if (refusal) ev.push(logged(refusal));
    const checks = e.credentialCheck ?? [];
    for (const k of checks) {
      const f = fieldLabel(k.field);
      ev.push(
        k.effect === 'truncate'
          ? text(`profile ${k.profile} would CUT the ${f.en} (${k.valueLength} bytes) to ${k.limit} bytes and send that`, `固件配置 ${k.profile} 会把${f.zh}（${k.valueLength} 字节）截断为 ${k.limit} 字节后发送`)
          : text(`profile ${k.profile} would refuse the ${f.en} (${k.valueLength} bytes, limit ${k.limit}) with +CME ERROR: 3`, `固件配置 ${k.profile} 会以 +CME ERROR: 3 拒绝${f.zh}（${k.valueLength} 字节，上限 ${k.limit}）`),
      );
    }
    // the quirk (anonymous CONNECT) explains the same outcome unless an observation ruled it out
    const quirkOpen = e.profile.quirks.credentialQuirk && !(nonEmpty(c.clientId) && nonEmpty(c.username) && nonEmpty(c.password)) && e.identity?.probe?.moduleDropped !== true;
    const cuts = checks.some((k) => k.effect === 'truncate');
    return cause(
      'credentials-altered',
      quirkOpen ? 0.5 : cuts ? 0.9 : 0.85,
      `the module altered the credentials on the way: with the same client ID, user name and password the broker accepted this host and refused the module (CONNACK ${String(m)}). A firmware that cuts (truncates), quotes or re-encodes a value does this — an older build than the profile ${e.profile.name} you named may have a shorter limit.${cuts ? ` Known profiles that cut: ${[...new Set(checks.filter((k) => k.effect === 'truncate').map((k) => `${k.profile} (${fieldLabel(k.field).en} ${k.limit} bytes)`))].join(', ')}.` : ''} Bisect the length: set a test password of half the length on the broker and on the module, then halve again or grow it; the longest one the module gets accepted with is its real limit (use plain ASCII letters and digits while testing)`,
      `模组在发送途中改变了凭据：客户端 ID、用户名、密码都相同，服务器接受了本机却拒绝了模组（CONNACK ${String(m)}）。会截断、加引号或重新编码某个值的固件就会这样——比你指定的 ${e.profile.name} 更旧的固件可能限制更短。${cuts ? `已知会截断的固件配置：${[...new Set(checks.filter((k) => k.effect === 'truncate').map((k) => `${k.profile}（${fieldLabel(k.field).zh} ${k.limit} 字节）`))].join('、')}。` : ''}请用二分法找长度：在服务器和模组上设置一个长度减半的测试密码，再继续减半或加长；模组能被接受的最长密码就是它的真实上限（测试时只用 ASCII 字母和数字）`,
      ev,
    );
  },
  // values over the firmware's limits
  (e) => {
    const conn = step(e, 'connect');
    // a credential over the limit that the module nevertheless connected with: the limit is not this module's
    const contradicted = (f: LintFinding): boolean => ['clientId', 'username', 'password'].includes(f.field) && conn?.module.ok === true;
    const over = e.lint.filter((f) => f.code === 'too-long' && f.severity === 'error' && !contradicted(f));
    if (over.length === 0) return null;
    const failed = e.steps.find((s) => !s.module.ok && !s.module.skipped);
    const confidence = failed && failed.direct.ok ? 0.9 : failed ? 0.6 : 0.3;
    const make = failed ? cause : hypothesis;
    return over.map((f) =>
      make(
        'firmware-limit',
        confidence,
        `${f.field} is ${f.valueLength ?? '?'} bytes but the ${f.profile} firmware takes at most ${f.limit ?? '?'}: the module refuses or cuts it${failed ? ` (the ${failed.step} step failed on the module)` : ''}`,
        `${f.field} 长 ${f.valueLength ?? '?'} 字节，但 ${f.profile} 固件最多 ${f.limit ?? '?'} 字节：模组会拒绝或截断${failed ? `（模组在 ${failed.step} 步骤失败）` : ''}`,
        [f.message, ...(failed ? both(failed) : [text(`assumed, not observed: the limit is the ${f.profile} profile's; no step failed on the module`, `假设，未观察到：该上限来自 ${f.profile} 固件配置；模组没有步骤失败`)])],
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
      [...bad.map((f) => f.message), ...both(e.steps.find((s) => !s.module.ok && !s.module.skipped))],
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
      `protocol level: the session uses MQTT ${e.protocolLevel === 3 ? `3.1 (${configLine(D(e), 'version', 0, 3)})` : '3.1.1'}${rc1 ? ' and the broker answered 1 (unacceptable protocol version)' : ''}; most brokers want 3.1.1: ${configLine(D(e), 'version', 0, 4)}`,
      `协议版本：会话使用 MQTT ${e.protocolLevel === 3 ? `3.1（${configLine(D(e), 'version', 0, 3)}）` : '3.1.1'}${rc1 ? '，服务器回复 1（协议版本不可接受）' : ''}；多数服务器要求 3.1.1：${configLine(D(e), 'version', 0, 4)}`,
      both(conn),
    );
  },
  (e) => {
    // a module that keeps its own TLS files (the run gives it no CA): what its context holds is not observed, only that its handshake failed
    const own = D(e).moduleTls;
    if (!e.tls || e.moduleHasCa || !own) return null;
    const open = step(e, 'open');
    if (!open || open.module.ok || open.module.code !== -1 || !open.direct.ok) return null;
    // the direct client's TLS connect to the same broker: the network path and the broker's TLS work from here
    const conn = step(e, 'connect');
    const directTls = conn?.direct.ok === true;
    const OPEN = resultPrefix(D(e), 'open');
    return hypothesis(
      'tls-module-setup',
      directTls ? 0.85 : 0.5,
      `probably the module's TLS setup (a hypothesis: the module's certificate files are not visible to cat1): its open ended with ${OPEN} result -1${directTls ? ' while this host connected to the same broker over TLS' : ''}; the usual causes (${D(e).reference}): ${own.checks.en}`,
      `可能是模组的 TLS 配置（推测：cat1 看不到模组上的证书文件）：模组打开链路的结果是 ${OPEN} -1${directTls ? '，而本机通过 TLS 连上了同一服务器' : ''}；常见原因（${D(e).reference}）：${own.checks.zh}`,
      [
        text(`the module's open: ${OPEN} result -1 (open failed); the broker is mqtts:// and the module's TLS files were set up outside this run`, `模组打开链路：${OPEN} 结果 -1（打开失败）；服务器为 mqtts://，模组的 TLS 文件不是本次运行配置的`),
        ...both(open),
        ...(conn && directTls ? both(conn).slice(1) : []),
      ],
    );
  },
  (e) => {
    if (!e.tls || e.moduleHasCa || D(e).moduleTls) return null;
    const open = step(e, 'open');
    if (!open || open.module.ok) return null;
    return cause(
      'tls-without-ca',
      open.direct.ok ? 0.85 : 0.5,
      `TLS without a CA: the broker is mqtts:// but the module was given no CA certificate (${configLine(D(e), 'tls')},…), so its TLS handshake fails while the host verifies the server with its own CA store`,
      `TLS 未配置 CA：服务器为 mqtts://，但模组没有 CA 证书（${configLine(D(e), 'tls')},…），模组的 TLS 握手失败，而主机使用自身的 CA 库校验服务器`,
      [text(`no CA was given to the module (no ${configLine(D(e), 'tls')} CA setting in this run)`, `本次运行没有给模组 CA（没有 ${configLine(D(e), 'tls')} 的 CA 设置）`), ...both(open)],
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
    const ev: Text[] = [text(`both refused with CONNACK ${String(d)}`, `两边都被拒绝，CONNACK ${String(d)}`), ...both(conn)];
    if (logged) ev.push(text(`broker log: ${logged}`, `服务器日志：${logged}`));
    if (d === 4 || d === 5) {
      return cause(
        'broker-credentials',
        0.9,
        `the broker refuses these credentials for everyone, the module is not at fault: CONNACK ${String(d)} (${d === 5 ? 'not authorized' : 'bad user name or password'}). A wrong password usually gets 5, not 4 (mosquitto and aedes both answer 5): check the user name and password (and the broker's password file / ACL)`,
        `服务器对所有人都拒绝这组凭据，不是模组的问题：CONNACK ${String(d)}（${d === 5 ? '未授权' : '用户名或密码错误'}）。密码错误时服务器通常回 5 而不是 4（mosquitto 和 aedes 都回 5）：请检查用户名和密码（以及服务器的密码文件/ACL）`,
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
      return cause('pdn-inactive', 0.9, `the module has no data connection: ${commandLine(D(e), 'open')} answered +CME ERROR: 3 (PDN not active) while the host reaches the broker — check SIM, registration (AT+CEREG?), APN and AT+CGPADDR`, `模组没有数据连接：${commandLine(D(e), 'open')} 回复 +CME ERROR: 3（PDN 未激活），而主机能连到服务器——检查 SIM、注册（AT+CEREG?）、APN 和 AT+CGPADDR`, both(open));
    }
    return cause(
      'network-module',
      0.8,
      `the module cannot reach the broker while the host can: ${open.module.code === -1 ? `${resultPrefix(D(e), 'open')}: 0,-1 (DNS, TCP or TLS failed on the module's network)` : `no ${resultPrefix(D(e), 'open')} result`} — suspect the carrier network, APN, DNS from the module (AT+ECDNS), or a firewall in front of the module`,
      `主机能连到服务器而模组不能：${open.module.code === -1 ? `${resultPrefix(D(e), 'open')}: 0,-1（模组网络上的 DNS、TCP 或 TLS 失败）` : `没有 ${resultPrefix(D(e), 'open')} 结果`}——怀疑运营商网络、APN、模组侧 DNS（AT+ECDNS）或模组前的防火墙`,
      both(open),
    );
  },
  (e) => {
    const open = step(e, 'open');
    if (!open || open.module.ok || open.direct.ok) return null;
    return cause('broker-unreachable', 0.85, `neither side reaches the broker (direct: ${open.direct.detail.en}): wrong host or port, or the broker is down`, `两边都连不上服务器（直连：${open.direct.detail.zh}）：主机名或端口错误，或服务器未运行`, both(open));
  },
  (e) => {
    const conn = step(e, 'connect');
    if (!conn || conn.module.ok || !conn.module.code || conn.module.skipped) return null;
    if (conn.direct.ok && conn.module.code === 'no-urc') {
      return cause('broker-silent', 0.6, `the module got no CONNACK (no ${resultPrefix(D(e), 'connect')}) while the host was answered: packets from the module are lost on its network path, or the CONNECT was malformed`, `模组没有收到 CONNACK（没有${resultPrefix(D(e), 'connect')}），而主机收到了：模组网络路径丢包，或 CONNECT 格式有问题`, both(conn));
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
    if (subRefused) ev.push(...both(sub));
    if (bothLost) ev.push(...both(m2d), ...both(d2m));
    return cause('broker-acl', subRefused || logged ? 0.8 : 0.5, "the broker's ACL denies the topic (or the identity used): messages are refused or silently dropped by the broker", '服务器 ACL 拒绝该主题（或所用身份）：消息被服务器拒绝或静默丢弃', ev);
  },
  (e) => {
    const sub = step(e, 'subscribe');
    if (!sub || !sub.module.ok || !e.profile.quirks.subValueIsCount) return null;
    if (sub.module.code === sub.direct.code) return null;
    return hypothesis('sub-value-count', 0.3, `probably not a failure (the ${e.profile.name} profile says so): ${resultPrefix(D(e), 'subscribe')} value ${String(sub.module.code)} is the count of SUBACK return codes on this firmware, not the granted QoS (the direct SUBACK granted ${String(sub.direct.code)})`, `可能不是故障（${e.profile.name} 固件配置如此描述）：在此固件上 ${resultPrefix(D(e), 'subscribe')} 的值 ${String(sub.module.code)} 是 SUBACK 返回码个数，不是授予的 QoS（直连 SUBACK 授予 ${String(sub.direct.code)}）`, both(sub));
  },
  // payloads
  (e) => {
    const d = e.delivery;
    const p = e.payload;
    if (!d || !p) return null;
    const out: Cause[] = [];
    const rx = e.profile.limits.rxBuffer;
    const toModule = both(step(e, 'deliver-direct-to-module'));
    const toDirect = both(step(e, 'deliver-module-to-direct'));
    if (d.d2m.sent && d.d2m.brokerDelivered && !d.d2m.received) {
      const size = publishPacketSize(d.d2m.topic, p.length, d.d2m.qos);
      if (rx !== null && size > rx) {
        out.push(cause('payload-rx-buffer', 0.9, `the PUBLISH (${size} bytes: ${p.length} of payload, the topic and the header) is larger than the module's receive buffer (${rx} bytes): the module drops it silently, no ${urcPrefix(D(e), 'message')}`, `PUBLISH 报文（${size} 字节：消息体 ${p.length} 字节加主题和报头）超过模组接收缓冲区（${rx} 字节）：模组静默丢弃，没有 ${urcPrefix(D(e), 'message')}`, [...toModule, text(`the receive buffer size is the ${e.profile.name} profile's (${rx} bytes): assumed`, `接收缓冲区大小来自 ${e.profile.name} 固件配置（${rx} 字节）：假设`)]));
      } else {
        out.push(cause('loss-on-module', 0.8, `loss on the module: the broker delivered the message (the host's own subscription received it) but the module printed no ${urcPrefix(D(e), 'message')}`, `模组丢失：服务器已投递该消息（主机自己的订阅收到了），但模组没有输出 ${urcPrefix(D(e), 'message')}`, toModule));
      }
    }
    if (d.d2m.sent && !d.d2m.brokerDelivered && !d.d2m.received) {
      out.push(cause('loss-at-broker', 0.7, 'loss at the broker: the message published by the host reached no subscriber, not even the host itself', '服务器丢失：主机发布的消息没有到达任何订阅者，包括主机自己', toModule));
    }
    if (d.m2d.sent && !d.m2d.received) {
      out.push(cause('loss-at-broker', 0.6, `the module's publish was acknowledged on the module (${resultPrefix(D(e), 'publish')}) but never reached the host: the broker dropped or refused it (ACL for the module's identity, QoS 0 loss)`, `模组的发布在模组侧已确认（${resultPrefix(D(e), 'publish')}），但主机没有收到：服务器丢弃或拒绝了它（模组身份的 ACL、QoS 0 丢失）`, toDirect));
    }
    const mangled = (d.d2m.received && !d.d2m.exact) || (d.m2d.received && !d.m2d.exact);
    if (mangled || (p.includes(0) && (d.d2m.sent || d.m2d.sent))) {
      const seen = [...(d.d2m.received && !d.d2m.exact ? toModule : []), ...(d.m2d.received && !d.m2d.exact ? toDirect : [])];
      if (p.includes(0)) out.push(cause('payload-nul', 0.85, 'the payload holds NUL bytes: the module handles payloads as C strings (leading NULs skipped, an inner NUL cuts the payload)', '消息体含 NUL 字节：模组按 C 字符串处理（开头的 NUL 被跳过，中间的 NUL 会截断）', [text(`the payload (${p.length} bytes) holds ${p.filter((b) => b === 0).length} NUL byte(s)`, `消息体（${p.length} 字节）含 ${p.filter((b) => b === 0).length} 个 NUL 字节`), ...seen]));
      else if (/[\r\n]/.test(p.toString('latin1'))) out.push(cause('payload-crlf', d.d2m.inferred ? 0.7 : 0.5, `the payload spans several lines: the module prints it raw and its end must be inferred${d.d2m.inferred ? ' (it was, here)' : ''}; a payload containing text like "\\r\\n\\r\\nOK" cannot be told apart`, `消息体跨多行：模组原样输出，只能推断结尾${d.d2m.inferred ? '（本次即为推断）' : ''}；含有 "\\r\\n\\r\\nOK" 之类文本的消息体无法区分`, [text('the payload holds CR or LF bytes', '消息体含 CR 或 LF 字节'), ...seen]));
      else if (mangled) out.push(cause('payload-mangled', 0.7, 'the payload arrived changed (not byte-exact) between the module and the broker', '消息体在模组和服务器之间被改变（不是逐字节一致）', seen));
    }
    return out.length > 0 ? out : null;
  },
  (e) =>
    e.doubleConnUrc
      ? cause('double-connack', 0.2, `the module answered the connect twice (${resultPrefix(D(e), 'connect')}: 0,2,2 then 0,0,0): a failed first send and an internal reconnect, as EC626 builds do; the second is the real result`, `模组对连接回复了两次（${resultPrefix(D(e), 'connect')}: 0,2,2 然后 0,0,0）：第一次发送失败后模组内部重连，EC626 固件常见；第二个才是真正结果`, [text(`two ${resultPrefix(D(e), 'connect')} answers for one ${commandLine(D(e), 'connect')}`, `一条 ${commandLine(D(e), 'connect')} 收到两个 ${resultPrefix(D(e), 'connect')}`), ...both(step(e, 'connect')).slice(0, 1)])
      : null,
  // the broker's personality (QoS 2 downgraded or refused): brokers.ts
  (e) => personalityCauses(e),
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
      cause('unexplained', 0.1, `the sides differ at "${firstDiff.step}" (module: ${firstDiff.module.detail.en}; direct: ${firstDiff.direct.detail.en}) and no known cause fits: record the session (--record) and attach it with the broker's log`, `两边在“${firstDiff.step}”步骤不同（模组：${firstDiff.module.detail.zh}；直连：${firstDiff.direct.detail.zh}），没有已知原因能解释：请录制会话（--record）并连同服务器日志一起提交`, both(firstDiff)),
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
