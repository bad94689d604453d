import { randomBytes } from 'node:crypto';
import { openSync, readSync, closeSync, statSync } from 'node:fs';
import { text, type Text } from '../util/i18n.js';
import { CatError } from '../util/errors.js';
import type { EcmtSession, MessageEvent, StepResult } from '../ecmt/session.js';
import type { CfgSetting, Credentials } from '../ecmt/commands.js';
import { lintConnect, lintCredentialsAcrossProfiles, lintOpen, type LintFinding } from '../ecmt/lint.js';
import type { AtOutcome } from '../at/types.js';
import { DirectSession, type DirectStep } from './direct.js';
import type { CompareReport, CompareStep, DeliveryFacts, SideOutcome } from './report.js';
import { explainComparison } from './verdict.js';
import type { BrokerIdentity } from './brokers.js';
import { moduleIdentityFromLog, probeOutcome, type IdentityProbe, type LogIdentity } from './identity.js';
import { maskLogLine } from '../transcript/redact.js';

export interface CompareOptions {
  /** the module side: an ECMT session on its engine */
  session: EcmtSession;
  broker: { host: string; port: number; tls: boolean; ca?: string | Buffer; insecure?: boolean };
  /** what the user gave; the module and the direct side get the same */
  credentials: Credentials & { clientId: string };
  /** module settings applied first (keepalive, session, version, will, ssl…); the direct side follows them */
  settings?: CfgSetting[];
  /** base topic for the traffic test. Default cat1/compare/<random> */
  topic?: string;
  /** QoS of the traffic test. Default 1. */
  qos?: 0 | 1 | 2;
  /** payload of the traffic test (both directions). Default a small JSON document. */
  payload?: string | Buffer;
  /** order of the identical-ID connect comparison. Default 'direct-first'. */
  identity?: 'direct-first' | 'module-first';
  /** suffix of the derived client ID for traffic. Default '-mirror'. */
  mirrorSuffix?: string;
  /** how long to wait for each cross delivery, ms. Default 5000. */
  deliveryTimeoutMs?: number;
  /** the broker's log file: the lines written during the run are attached and used */
  brokerLog?: string;
  /** or the lines themselves (the embedded broker) */
  brokerLogLines?: () => string[];
  /** keep user names and the password in the broker's log lines (--log-secrets). Default false: masked before they are judged or shown */
  logSecrets?: boolean;
  /** run the traffic steps (subscribe, publish, deliveries). Default true. */
  traffic?: boolean;
  /**
   * The takeover probe (--probe-identity): once the module is connected, a direct connect with
   * the module's client ID; the broker drops the module (+ECMTSTAT) only if the module really
   * is that client. The module's session is restored afterwards (its own reconnect, or cat1
   * connects it again) and the report says which. Default false.
   */
  probeIdentity?: boolean;
  /** how long the probe watches the module for a drop, ms. Default 3000. */
  probeWindowMs?: number;
  /** after a drop, how long to wait for the module's own reconnect before cat1 connects it again, ms. Default 15000. */
  probeRestoreMs?: number;
  /** progress while waiting (stderr in the CLI) */
  onProgress?: (t: Text) => void;
  /** the broker's kind, for the verdict's wording of its personality (brokers.ts: identifyBroker or --broker-kind). Default unknown. */
  brokerIdentity?: BrokerIdentity | null;
}

function fromDirect(s: DirectStep): SideOutcome {
  const ms = Math.round(s.latencyMs);
  const port = typeof s.data?.['localPort'] === 'number' ? s.data['localPort'] : null;
  const what = s.step === 'connect' ? (typeof s.code === 'number' ? `CONNACK ${s.code}` : `no CONNACK (${String(s.code)})`) : s.code === null ? (s.ok ? 'done' : 'failed') : `${s.ok ? 'done' : 'failed'} [${String(s.code)}]`;
  const whatZh = s.step === 'connect' ? (typeof s.code === 'number' ? `CONNACK ${s.code}` : `没有 CONNACK（${String(s.code)}）`) : s.code === null ? (s.ok ? '完成' : '失败') : `${s.ok ? '完成' : '失败'} [${String(s.code)}]`;
  const observed = [text(`${s.step}: ${what} after ${ms} ms${port !== null ? ` (from local port ${port})` : ''}`, `${s.step}：${whatZh}，用时 ${ms} ms${port !== null ? `（本地端口 ${port}）` : ''}`)];
  return { ok: s.ok, code: s.code, detail: s.detail, latencyMs: ms, observed };
}

/** What the module answered, as an observation. */
function answerOf(o: AtOutcome): Text {
  switch (o.status) {
    case 'ok':
      return text(`answer OK after ${Math.round(o.elapsedMs)} ms`, `回复 OK，用时 ${Math.round(o.elapsedMs)} ms`);
    case 'error': {
      const last = o.lines.at(-1)?.raw ?? 'ERROR';
      return text(`answer ${last} after ${Math.round(o.elapsedMs)} ms`, `回复 ${last}，用时 ${Math.round(o.elapsedMs)} ms`);
    }
    case 'timeout':
      return text(`no answer within ${o.timeoutMs} ms`, `${o.timeoutMs} ms 内没有回复`);
    case 'aborted':
      return text(`aborted: ${o.reason}`, `已中止：${o.reason}`);
    case 'reset':
      return text(`the module rebooted (${o.banner})`, `模组重启了（${o.banner}）`);
  }
}

/** The module's side of a step as observations: sent or not, the answer, the URCs, with times. */
function moduleObservations(r: StepResult): Text[] {
  const out: Text[] = [r.command ? text(`sent ${r.command}`, `发送 ${r.command}`) : text(`nothing sent${r.failure ? ` (${r.failure})` : ''}`, `未发送${r.failure ? `（${r.failure}）` : ''}`)];
  if (r.outcome) out.push(answerOf(r.outcome));
  for (const u of r.extraUrcs) out.push(text(`URC ${u.raw}`, `URC ${u.raw}`));
  if (r.urc) out.push(text(`URC ${r.urc.raw} after ${Math.round(r.latencyMs)} ms`, `URC ${r.urc.raw}，用时 ${Math.round(r.latencyMs)} ms`));
  else if (r.failure === 'no-urc') out.push(text(`no URC after ${Math.round(r.latencyMs)} ms`, `${Math.round(r.latencyMs)} ms 后仍没有 URC`));
  return out;
}

const skipped = (why: Text): SideOutcome => ({ ok: false, code: null, detail: why, latencyMs: null, skipped: true, observed: [text(`nothing sent: ${why.en}`, `未发送：${why.zh}`)] });

/** The module's side of a step, with a comparable code. */
function fromModule(r: StepResult): SideOutcome {
  let code: number | string | null = null;
  const o = r.outcome;
  if (r.failure === 'rejected' && o && o.status === 'error') code = o.error.type === 'cme-error' ? `CME ${String(o.error.code)}` : o.error.type.toUpperCase();
  else if (r.failure === 'no-urc' || r.failure === 'no-answer' || r.failure === 'lint' || r.failure === 'state' || r.failure === 'aborted') code = r.failure;
  else if (r.urc) {
    switch (r.urc.type) {
      case 'ecmt-conn':
        code = r.urc.result === 0 ? r.urc.retCode : r.urc.result === 2 ? 'not-sent' : `result ${r.urc.result}`;
        break;
      case 'ecmt-sub':
        code = r.urc.value;
        break;
      case 'ecmt-open':
      case 'ecmt-pub':
      case 'ecmt-uns':
      case 'ecmt-disc':
      case 'ecmt-close':
        code = r.urc.result;
        break;
      default:
        code = null;
    }
  } else if (r.ok) code = 0;
  const detail = r.explain ?? r.note ?? (r.ok ? text('ok', '成功') : text(`failed (${r.failure ?? '?'})`, `失败（${r.failure ?? '?'}）`));
  const withNote = r.note && r.explain ? text(`${r.explain.en}; ${r.note.en}`, `${r.explain.zh}；${r.note.zh}`) : detail;
  return { ok: r.ok, code, detail: withNote, latencyMs: Math.round(r.latencyMs), observed: moduleObservations(r) };
}

function sameStep(m: SideOutcome, d: SideOutcome): boolean {
  if (m.skipped || d.skipped) return false;
  if (m.ok && d.ok) return true;
  if (!m.ok && !d.ok) return typeof m.code === 'number' && typeof d.code === 'number' ? m.code === d.code : true;
  return false;
}

/** Lines appended to a log file since `from` (bounded). */
function readLogSince(path: string, from: number): string[] {
  try {
    const size = statSync(path).size;
    if (size <= from) return [];
    const len = Math.min(size - from, 1 << 20);
    const buf = Buffer.alloc(len);
    const fd = openSync(path, 'r');
    try {
      readSync(fd, buf, 0, len, size - len);
    } finally {
      closeSync(fd);
    }
    return buf.toString('utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  } catch {
    return [];
  }
}

function logSize(path: string): number {
  try {
    return statSync(path).size;
  } catch (err) {
    throw new CatError('ERR_INPUT', `--broker-log ${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** Module settings the direct side must follow. */
function directParams(settings: CfgSetting[]): { protocolLevel: 3 | 4; keepalive: number; clean: boolean; will?: { topic: string; payload: string; qos: 0 | 1 | 2; retain: boolean }; moduleHasCa: boolean } {
  let protocolLevel: 3 | 4 = 4;
  let keepalive = 120; // the module's effective default
  let clean = true;
  let will: { topic: string; payload: string; qos: 0 | 1 | 2; retain: boolean } | undefined;
  let moduleHasCa = false;
  for (const s of settings) {
    switch (s.type) {
      case 'version':
        protocolLevel = s.level;
        break;
      case 'keepalive':
        keepalive = s.seconds;
        break;
      case 'session':
        clean = s.clean;
        break;
      case 'will':
        will = s.enabled ? { topic: s.topic, payload: s.message, qos: s.qos, retain: s.retain } : undefined;
        break;
      case 'ssl':
        if (s.syntax === 'ec626' || s.mode === 'ca') moduleHasCa = true;
        break;
      default:
        break;
    }
  }
  return { protocolLevel, keepalive, clean, ...(will ? { will } : {}), moduleHasCa };
}

/**
 * Run the module's session and a direct mqtt.js session with the same parameters on the same
 * broker, step by step, and explain the differences.
 */
export async function compare(o: CompareOptions): Promise<CompareReport> {
  const session = o.session;
  const profile = session.profile;
  const creds = o.credentials;
  const settings = o.settings ?? [];
  const qos = o.qos ?? 1;
  const payload = Buffer.from(o.payload ?? JSON.stringify({ cat1: 'compare', n: randomBytes(4).toString('hex') }));
  const mode = o.identity ?? 'direct-first';
  const trafficId = `${creds.clientId}${o.mirrorSuffix ?? '-mirror'}`;
  const base = o.topic ?? `cat1/compare/${randomBytes(4).toString('hex')}`;
  const topics = { m2d: `${base}/m2d`, d2m: `${base}/d2m` };
  const deliveryMs = o.deliveryTimeoutMs ?? 5000;
  const progress = o.onProgress ?? (() => undefined);
  const logStart = o.brokerLog ? logSize(o.brokerLog) : 0;
  const p = directParams(settings);
  const lint: LintFinding[] = [...lintOpen(o.broker.host, o.broker.port, profile), ...lintConnect(creds, profile)];
  const steps: CompareStep[] = [];
  const push = (step: CompareStep['step'], m: SideOutcome, d: SideOutcome, note?: Text): void => {
    steps.push({ step, module: m, direct: d, same: sameStep(m, d), ...(note ? { note } : {}) });
  };
  const directFor = (clientId: string): DirectSession =>
    new DirectSession({
      host: o.broker.host,
      port: o.broker.port,
      tls: o.broker.tls,
      ...(o.broker.ca !== undefined ? { ca: o.broker.ca } : {}),
      ...(o.broker.insecure !== undefined ? { insecure: o.broker.insecure } : {}),
      protocolLevel: p.protocolLevel,
      keepalive: p.keepalive,
      clean: p.clean,
      clientId,
      ...(creds.username !== undefined ? { username: creds.username } : {}),
      ...(creds.password !== undefined ? { password: creds.password } : {}),
      ...(p.will ? { will: p.will } : {}),
    });

  // 1. the direct side's reachability and, sequentially, its connect with the module's own ID
  progress(text(`direct: resolving and connecting to ${o.broker.host}:${o.broker.port}…`, `直连：解析并连接 ${o.broker.host}:${o.broker.port}…`));
  const probe = directFor(creds.clientId);
  const resolved = await probe.resolve();
  const tcp = resolved.ok ? await probe.tcp() : resolved;
  let directConnect: DirectStep | null = null;
  // the host's own source ports: its lines in the broker's log are not the module's
  const directPorts: number[] = [];
  const noted = (r: DirectStep): DirectStep => {
    const port = r.data?.['localPort'];
    if (typeof port === 'number') directPorts.push(port);
    return r;
  };
  const identicalConnect = async (): Promise<DirectStep> => {
    const s = directFor(creds.clientId);
    const r = tcp.ok ? noted(await s.connect()) : { ...tcp, step: 'connect' as const };
    await s.end();
    return r;
  };
  if (mode === 'direct-first') directConnect = await identicalConnect();

  // 2. the module: settings, open, connect
  for (const s of settings) {
    const r = await session.configure(s);
    if (!r.ok) lint.push({ code: 'configure-failed', field: s.type, severity: 'warning', profile: profile.name, message: text(`the module refused AT+ECMTCFG "${s.type}" (${r.failure ?? '?'})`, `模组拒绝了 AT+ECMTCFG "${s.type}"（${r.failure ?? '?'}）`) });
  }
  progress(text('module: opening the network link (AT+ECMTOPEN)…', '模组：打开网络链路（AT+ECMTOPEN）…'));
  const open = await session.open(o.broker.host, o.broker.port);
  push('open', fromModule(open), fromDirect(tcp));
  let moduleConnect: StepResult | null = null;
  if (open.ok) {
    progress(text('module: connecting (AT+ECMTCONN)…', '模组：连接中（AT+ECMTCONN）…'));
    moduleConnect = await session.connect(creds);
  }
  let moduleUp = moduleConnect?.ok === true;

  // 2b. the takeover probe (opt-in): does the broker know the module by the client ID given?
  let takeover: IdentityProbe | null = null;
  if (moduleUp && o.probeIdentity === true) {
    progress(text(`identity probe: connecting directly as "${creds.clientId}" while the module is connected…`, `身份探测：在模组已连接时以“${creds.clientId}”直连…`));
    takeover = await takeoverProbe(session, directFor(creds.clientId), o, noted);
    if (takeover.restored === 'failed') moduleUp = false;
  }

  // 3. traffic, with a derived client ID so the module's session is never taken over
  let delivery: DeliveryFacts | null = null;
  const messages: MessageEvent[] = [];
  const onMessage = (m: MessageEvent): void => {
    messages.push(m);
  };
  session.on('message', onMessage);
  const runTraffic = async (): Promise<void> => {
    const d = directFor(trafficId);
    try {
      await traffic(d);
    } finally {
      // a step that threw (the broker went away) must not leave the traffic client behind
      await d.end().catch(() => undefined);
    }
  };
  const traffic = async (d: DirectSession): Promise<void> => {
    const dc = noted(await d.connect());
    if (!dc.ok) {
      push('subscribe', skipped(text('not run', '未运行')), skipped(text(`the traffic client (${trafficId}) could not connect: ${dc.detail.en}`, `流量客户端（${trafficId}）无法连接：${dc.detail.zh}`)));
      return;
    }
    progress(text('subscribing on both sides…', '两边订阅中…'));
    const dsub = await d.subscribe(topics.m2d, qos);
    await d.subscribe(topics.d2m, qos); // the host also watches its own publish: proof the broker delivers
    const msub = await session.subscribe(topics.d2m, qos);
    push('subscribe', fromModule(msub), fromDirect(dsub));
    progress(text('publishing on both sides…', '两边发布中…'));
    let mpub: StepResult;
    try {
      mpub = await session.publish(topics.m2d, payload, { qos });
    } catch (err) {
      if (!(err instanceof CatError) || err.code !== 'ERR_PAYLOAD') throw err;
      mpub = { step: 'publish', ok: false, failure: 'lint', command: null, outcome: null, urc: null, extraUrcs: [], lint: [], latencyMs: 0, explain: text(err.message, err.message), note: null };
    }
    const dpub = await d.publish(topics.d2m, payload, qos);
    push('publish', fromModule(mpub), fromDirect(dpub));
    progress(text('waiting for the cross deliveries…', '等待交叉投递…'));
    const [gotD] = await Promise.all([
      mpub.ok ? d.waitMessages((m) => m.topic === topics.m2d, 1, deliveryMs) : Promise.resolve([]),
      d.waitMessages((m) => m.topic === topics.d2m, 1, deliveryMs),
    ]);
    const gotM = await waitModule(session, messages, topics.d2m, deliveryMs);
    const own = d.messages.find((m) => m.topic === topics.d2m);
    const m2dMsg = gotD[0] ?? null;
    delivery = {
      m2d: { sent: mpub.ok, received: m2dMsg !== null, exact: m2dMsg !== null && m2dMsg.payload.equals(payload), expected: payload, got: m2dMsg ? m2dMsg.payload : null },
      d2m: { sent: dpub.ok, received: gotM !== null, exact: gotM !== null && gotM.payload.equals(payload), brokerDelivered: own !== undefined, expected: payload, got: gotM ? gotM.payload : null, inferred: gotM?.boundary === 'inferred', topic: topics.d2m, qos },
    };
    const dv = delivery;
    push(
      'deliver-module-to-direct',
      { ok: mpub.ok, code: null, detail: mpub.ok ? text(`the module published ${payload.length} bytes on ${topics.m2d}`, `模组在 ${topics.m2d} 上发布了 ${payload.length} 字节`) : text('the module did not publish', '模组没有发布'), latencyMs: null },
      {
        ok: dv.m2d.received && dv.m2d.exact,
        code: null,
        detail: !dv.m2d.received ? text(`nothing received within ${deliveryMs} ms`, `${deliveryMs} ms 内没有收到`) : dv.m2d.exact ? text(`received ${payload.length} bytes, byte-exact`, `收到 ${payload.length} 字节，逐字节一致`) : text(`received ${dv.m2d.got?.length ?? 0} bytes that differ from the ${payload.length} sent`, `收到 ${dv.m2d.got?.length ?? 0} 字节，与发送的 ${payload.length} 字节不同`),
        latencyMs: null,
      },
    );
    push(
      'deliver-direct-to-module',
      {
        ok: dv.d2m.received && dv.d2m.exact,
        code: null,
        detail: !dv.d2m.received ? text(`no +ECMTRECV within ${deliveryMs} ms`, `${deliveryMs} ms 内没有 +ECMTRECV`) : dv.d2m.exact ? text(`+ECMTRECV with ${payload.length} bytes, byte-exact${dv.d2m.inferred ? ' (end of payload inferred)' : ''}`, `+ECMTRECV 收到 ${payload.length} 字节，逐字节一致${dv.d2m.inferred ? '（结尾为推断）' : ''}`) : text(`+ECMTRECV with ${dv.d2m.got?.length ?? 0} bytes that differ from the ${payload.length} sent`, `+ECMTRECV 收到 ${dv.d2m.got?.length ?? 0} 字节，与发送的 ${payload.length} 字节不同`),
        latencyMs: null,
      },
      { ok: dpub.ok, code: null, detail: dv.d2m.brokerDelivered ? text(`published; the broker delivered it (the host's own subscription got it)`, '已发布；服务器已投递（主机自己的订阅收到了）') : text('published; not even the host\'s own subscription got it', '已发布；连主机自己的订阅也没有收到'), latencyMs: null },
    );
    progress(text('disconnecting…', '断开中…'));
    const mdisc = await session.disconnect();
    const ddisc = await d.end();
    push('disconnect', fromModule(mdisc), fromDirect(ddisc));
  };
  try {
    if (moduleUp && o.traffic !== false) await runTraffic();
  } finally {
    session.off('message', onMessage);
  }
  if (mode === 'module-first') directConnect = await identicalConnect();
  if (open.ok) {
    const conn = moduleConnect ? fromModule(moduleConnect) : skipped(text('not run', '未运行'));
    steps.splice(1, 0, { step: 'connect', module: conn, direct: fromDirect(directConnect!), same: sameStep(conn, fromDirect(directConnect!)) });
  } else {
    // the module never connected: still show the direct side's answer
    const d = fromDirect(directConnect!);
    steps.splice(1, 0, { step: 'connect', module: skipped(text('not run: the link did not open', '未运行：链路未打开')), direct: d, same: false });
  }
  // leave the module tidy: a link that is open but not connected (the module keeps retrying a refused CONNECT)
  if (open.ok && !moduleUp) await session.close().catch(() => undefined);

  const logLines = o.brokerLog ? readLogSince(o.brokerLog, logStart) : (o.brokerLogLines?.() ?? []);
  // user names by their form (the client ID stays: the verdict needs it), the password wherever it is
  const brokerLog = o.logSecrets ? logLines : logLines.map((l) => maskLogLine(l, creds.password ? [creds.password] : []));
  const logIdentity: LogIdentity | null = o.brokerLog !== undefined || o.brokerLogLines !== undefined ? moduleIdentityFromLog(brokerLog, { clientId: creds.clientId, directPorts, directOnlyIds: [trafficId] }) : null;
  // a step only when the identities differ; an agreement shows in report.identity (observed, probe)
  const identityStep = identityComparison(creds.clientId, moduleConnect, logIdentity, takeover);
  if (identityStep && !identityStep.same) steps.splice(steps.findIndex((s) => s.step === 'connect') + 1, 0, identityStep);
  const credentialCheck = lintCredentialsAcrossProfiles(creds);
  const verdict = explainComparison({
    profile,
    credentials: creds,
    protocolLevel: p.protocolLevel,
    tls: o.broker.tls,
    moduleHasCa: p.moduleHasCa,
    lint,
    steps,
    delivery,
    payload,
    brokerLog,
    doubleConnUrc: (moduleConnect?.extraUrcs.length ?? 0) > 0,
    broker: o.brokerIdentity ?? null,
    identity: { log: logIdentity, probe: takeover },
    credentialCheck,
  });
  return {
    agree: steps.every((s) => s.same),
    broker: { host: o.broker.host, port: o.broker.port, tls: o.broker.tls },
    profile: profile.name,
    identity: { mode, connectClientId: creds.clientId, trafficClientId: trafficId, observed: logIdentity, probe: takeover },
    credentialCheck,
    steps,
    verdict,
    lint,
    delivery,
    brokerLog,
    parameters: {
      protocolLevel: p.protocolLevel,
      keepalive: p.keepalive,
      clean: p.clean,
      will: p.will !== undefined,
      tls: o.broker.tls,
      clientIdLength: Buffer.byteLength(creds.clientId),
      usernameLength: creds.username === undefined ? null : Buffer.byteLength(creds.username),
      passwordLength: creds.password === undefined ? null : Buffer.byteLength(creds.password),
    },
  };
}

function waitModule(session: EcmtSession, seen: MessageEvent[], topic: string, ms: number): Promise<MessageEvent | null> {
  const have = (): MessageEvent | undefined => seen.find((m) => m.topic === topic);
  return new Promise((resolve) => {
    const h = have();
    if (h) return resolve(h);
    const timer = setTimeout(() => {
      session.off('message', on);
      resolve(have() ?? null);
    }, ms);
    const on = (m: MessageEvent): void => {
      if (m.topic !== topic) return;
      clearTimeout(timer);
      session.off('message', on);
      resolve(m);
    };
    session.on('message', on);
  });
}

/**
 * The "identity" step: the client ID the module has on the broker (observed in the broker's
 * log or by the takeover probe) beside the one given. Null when nothing was observed.
 */
function identityComparison(clientId: string, conn: StepResult | null, log: LogIdentity | null, probe: IdentityProbe | null): CompareStep | null {
  if (!conn?.ok) return null;
  const given: SideOutcome = { ok: true, code: null, detail: text(`the client ID given: "${clientId}"`, `给出的客户端 ID：“${clientId}”`), latencyMs: null };
  const observed: Text[] = [];
  let seenAs: string | null = null;
  if (log?.status === 'as-given' || log?.status === 'other') {
    seenAs = log.clientId;
    observed.push(text(`broker log: ${log.line}`, `服务器日志：${log.line}`));
  }
  if (probe && probe.connack === 0) {
    observed.push(probeOutcome(probe));
    if (seenAs === null) seenAs = probe.moduleDropped ? clientId : '';
  }
  if (seenAs === null) return null;
  const same = seenAs === clientId;
  const module: SideOutcome = {
    ok: same,
    code: null,
    detail: same ? text(`on the broker as "${clientId}"`, `在服务器上为“${clientId}”`) : seenAs ? text(`on the broker as "${seenAs}"`, `在服务器上为“${seenAs}”`) : text(`not "${clientId}" on the broker`, `在服务器上不是“${clientId}”`),
    latencyMs: null,
    observed,
  };
  return { step: 'identity', module, direct: given, same };
}

/** Resolves true when `ready()` holds, checked now and on each of the session's events; false after ms. */
function until(session: EcmtSession, events: Array<'linkLost' | 'reconnected'>, ready: () => boolean, ms: number): Promise<boolean> {
  if (ready()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const check = (): void => {
      if (!ready()) return;
      finish(true);
    };
    const finish = (v: boolean): void => {
      clearTimeout(timer);
      for (const e of events) session.off(e, check);
      resolve(v);
    };
    const timer = setTimeout(() => finish(ready()), ms);
    for (const e of events) session.on(e, check);
  });
}

/**
 * The takeover probe: a direct connect with the module's client ID while the module is
 * connected. A broker drops the older of two sessions with one client ID (MQTT 3.1.1 §3.1.4),
 * so the module's link loss (+ECMTSTAT) shows that the module is that client; no loss within
 * the window shows it is not. Then the module's session is restored: its own reconnect
 * (ecmt.md: +ECMTSTAT, then the module reconnects by itself), or cat1 connects it again.
 */
async function takeoverProbe(session: EcmtSession, d: DirectSession, o: CompareOptions, noted: (r: DirectStep) => DirectStep): Promise<IdentityProbe> {
  const windowMs = o.probeWindowMs ?? 3000;
  let lostAt: number | null = null;
  let back = false;
  const onLost = (): void => {
    lostAt ??= performance.now();
  };
  const onBack = (e: { ok: boolean }): void => {
    if (e.ok) back = true;
  };
  session.on('linkLost', onLost);
  session.on('reconnected', onBack);
  try {
    const c = noted(await d.connect());
    const t0 = performance.now();
    const base = { clientId: o.credentials.clientId, connack: c.code, windowMs };
    if (!c.ok) {
      await d.end().catch(() => undefined);
      return { ...base, moduleDropped: false, dropMs: null, restored: 'untouched' };
    }
    const dropped = await until(session, ['linkLost'], () => lostAt !== null, windowMs);
    await d.end().catch(() => undefined);
    if (!dropped) return { ...base, moduleDropped: false, dropMs: null, restored: 'untouched' };
    const dropMs = Math.max(0, Math.round((lostAt ?? t0) - t0));
    if (await until(session, ['reconnected'], () => back, o.probeRestoreMs ?? 15_000)) return { ...base, moduleDropped: true, dropMs, restored: 'module-reconnected' };
    // the module did not come back by itself: close what is left and connect it again
    await session.close().catch(() => undefined);
    const op = await session.open(o.broker.host, o.broker.port).catch(() => null);
    const cn = op?.ok ? await session.connect(o.credentials).catch(() => null) : null;
    return { ...base, moduleDropped: true, dropMs, restored: cn?.ok ? 'reconnected-by-cat1' : 'failed' };
  } finally {
    session.off('linkLost', onLost);
    session.off('reconnected', onBack);
  }
}
