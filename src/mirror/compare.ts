import { randomBytes } from 'node:crypto';
import { openSync, readSync, closeSync, statSync } from 'node:fs';
import { text, type Text } from '../util/i18n.js';
import { CatError } from '../util/errors.js';
import type { ModuleMessage as MessageEvent, ModuleSession, ModuleStepResult as StepResult, SessionCredentials as Credentials, SessionLintFinding as LintFinding } from '../dialects/session.js';
import { lintCredentialsAcrossProfiles } from '../dialects/ecmt/lint.js';
import { defaultDialect, getDialect, settingsForDialect } from '../dialects/index.js';
import type { Dialect, MqttOp, MqttSetting } from '../dialects/types.js';
import type { AtOutcome } from '../at/types.js';
import { DirectSession, type DirectStep } from './direct.js';
import type { CompareReport, CompareStep, CompareStepName, DeliveryFacts, RunFacts, SideOutcome } from './report.js';
import { explainComparison } from './verdict.js';
import { BrokerWatch, ModuleWatch } from './run-watch.js';
import type { BrokerIdentity } from './brokers.js';
import { moduleIdentityFromLog, probeOutcome, type IdentityProbe, type LogIdentity } from './identity.js';
import { maskLogLine } from '../redact/redact.js';
import { waitForEvent, waitUntil } from '../util/waiter.js';
import type { TypedEmitter } from '../util/emitter.js';
import type { BrokerTarget } from './target.js';

export interface CompareOptions {
  /** the module side: the dialect's session on its engine (`Dialect.session`) */
  session: ModuleSession;
  broker: BrokerTarget;
  /** what the user gave; the module and the direct side get the same */
  credentials: Credentials & { clientId: string };
  /** MQTT settings (dialect-neutral), applied first as the module's dialect's configuration commands; the direct side follows them */
  settings?: readonly MqttSetting[];
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
   * A module found already open or connected (AT+ECMTOPEN? / AT+ECMTCONN?): false (default)
   * keeps that session — only what it shows is judged (its traffic), the open/connect steps are
   * "not run" and the report says how to run them; true ends it first (AT+ECMTDISC /
   * AT+ECMTCLOSE, stated in the report) and runs every step.
   */
  reconnect?: boolean;
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
  /**
   * What showed, earlier in the same run, that the broker was up (diagnose: the module's CONNACK 0
   * in stage 9). A broker this host then cannot reach at all has gone away (broker-lost), not
   * "neither side reaches the broker". Default: nothing known.
   */
  brokerUpEarlier?: Text;
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

/** The module's side of a step, with a comparable code (the result URC read by its dialect). */
function fromModule(r: StepResult, dialect: Dialect): SideOutcome {
  let code: number | string | null = null;
  const o = r.outcome;
  if (r.failure === 'rejected' && o && o.status === 'error') code = o.error.type === 'cme-error' ? `CME ${String(o.error.code)}` : o.error.type.toUpperCase();
  else if (r.failure === 'no-urc' || r.failure === 'no-answer' || r.failure === 'lint' || r.failure === 'state' || r.failure === 'aborted') code = r.failure;
  else if (r.urc) {
    const res = dialect.resultOf(r.urc);
    if (!res) code = null;
    // connect: the CONNACK code when the CONNECT went out; result 2 = not sent (ECMT and QMT alike)
    else if (res.op === 'connect') code = res.result === 0 ? res.retCode : res.result === 2 ? 'not-sent' : `result ${res.result}`;
    // subscribe: the value the module printed (granted QoS, or a count on some ECMT builds)
    else if (res.op === 'subscribe') code = res.retCode;
    else code = res.result;
  } else if (r.ok) code = 0;
  const detail = r.explain ?? r.note ?? (r.ok ? text('ok', '成功') : text(`failed (${r.failure ?? '?'})`, `失败（${r.failure ?? '?'}）`));
  const withNote = r.note && r.explain ? text(`${r.explain.en}; ${r.note.en}`, `${r.explain.zh}；${r.note.zh}`) : detail;
  return { ok: r.ok, code, detail: withNote, latencyMs: Math.round(r.latencyMs), observed: moduleObservations(r) };
}

/** `AT+<command>` of the dialect for an MQTT operation (texts: what cat1 sends). */
function atOf(dialect: Dialect, op: MqttOp): string {
  const c = dialect.commands.find((x) => x.op === op);
  return c ? `AT${c.name}` : op;
}

/** The dialect's URC of a role (the link-loss URC: +ECMTSTAT, +QMTSTAT). */
function urcOf(dialect: Dialect, role: 'link-lost'): string {
  return dialect.urcs.find((u) => u.role === role)?.prefix ?? role;
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
function directParams(settings: readonly MqttSetting[]): { protocolLevel: 3 | 4; keepalive: number; clean: boolean; will?: { topic: string; payload: string; qos: 0 | 1 | 2; retain: boolean }; moduleHasCa: boolean } {
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
      case 'clean':
        clean = s.clean;
        break;
      case 'will':
        will = s.enabled ? { topic: s.topic, payload: s.message, qos: s.qos, retain: s.retain } : undefined;
        break;
      case 'ca':
        moduleHasCa = true;
        break;
    }
  }
  return { protocolLevel, keepalive, clean, ...(will ? { will } : {}), moduleHasCa };
}

/**
 * Run the module's session and a direct mqtt.js session with the same parameters on the same
 * broker, step by step, and explain the differences. A session the module already has is
 * observed, not torn down (unless `reconnect`); a broker that goes away or a module that stops
 * answering ends the run early with a partial report whose verdict says so (`broker-lost`,
 * `module-silent`); it never throws for either.
 */
export async function compare(o: CompareOptions): Promise<CompareReport> {
  const session = o.session;
  const engine = session.engine;
  const dialect = getDialect(session.dialectName);
  const profile = session.comparisonProfile;
  const AT = (op: MqttOp): string => atOf(dialect, op);
  const RECV = dialect.framing.prefix;
  const STAT = urcOf(dialect, 'link-lost');
  const creds = o.credentials;
  const settings = o.settings ?? [];
  // the module's own configuration settings (refused here, before anything is sent, when its dialect cannot take one)
  const moduleSettings = settingsForDialect(dialect, settings);
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
  const lint: LintFinding[] = session.lintSession(o.broker.host, o.broker.port, creds);
  const steps: CompareStep[] = [];
  const run: RunFacts = { found: null, mode: 'fresh', notRun: [], changes: [], brokerLost: null, moduleSilent: null };
  let current: CompareStepName = 'open';
  const push = (step: CompareStep['step'], m: SideOutcome, d: SideOutcome, note?: Text): void => {
    steps.push({ step, module: m, direct: d, same: sameStep(m, d), ...(note ? { note } : {}) });
  };
  const notRunStep = (step: CompareStepName, why: Text, how: Text, direct?: SideOutcome): void => {
    run.notRun.push({ step, why, how });
    const side = skipped(text(`not run: ${why.en}`, `未运行：${why.zh}`));
    steps.push({ step, module: side, direct: direct ?? side, same: false, notRun: why });
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

  // what the run watches from both ends: the module's last byte, the broker's presence
  const mwatch = new ModuleWatch(engine, creds.password ? [creds.password] : []);
  let bwatch: BrokerWatch | null = null;
  /** a module step whose command got no answer and no byte at all: the module is silent */
  const silent = (r: StepResult, step: CompareStepName): boolean => {
    if (run.moduleSilent) return true;
    if (r.failure !== 'no-answer' || !r.outcome || r.outcome.status !== 'timeout') return false;
    const sentAt = engine.elapsed() - r.latencyMs / 1000;
    run.moduleSilent = mwatch.silence(r.command ?? r.outcome.command, sentAt, r.outcome.timeoutMs, step);
    return run.moduleSilent !== null;
  };
  /** after something failed: is the broker still there? (a fresh TCP connect from this host) */
  const brokerGone = async (seenBy: Text): Promise<boolean> => {
    if (run.brokerLost) return true;
    if (!bwatch) return false;
    run.brokerLost = await bwatch.check(seenBy);
    return run.brokerLost !== null;
  };
  /** a module step, given up on as soon as the broker is found gone (the module reports no timeout) */
  const moduleStep = async (step: CompareStepName, f: () => Promise<StepResult>): Promise<StepResult | null> => {
    current = step;
    const pending = f();
    if (!bwatch) return pending;
    const r = await Promise.race([pending, bwatch.lost.then(() => null)]);
    if (r === null) {
      run.brokerLost = bwatch.loss;
      pending.catch(() => undefined);
      session.cancelWaits('the broker went away');
    }
    return r;
  };
  const lostSide = (): SideOutcome => ({
    ok: false,
    code: 'broker-lost',
    detail: text(`interrupted: the broker went away (direct: ${run.brokerLost?.code ?? '?'})`, `已中断：服务器不可用了（直连：${run.brokerLost?.code ?? '?'}）`),
    latencyMs: null,
  });
  const stopWhy = (): Text | null =>
    run.brokerLost
      ? text(`the broker went away at ${run.brokerLost.at.toFixed(1)} s`, `服务器在 ${run.brokerLost.at.toFixed(1)} 秒时不可用了`)
      : run.moduleSilent
        ? text('the module stopped answering', '模组停止应答')
        : null;
  const stopHow = (): Text => (run.brokerLost ? text('run again once the broker is back', '服务器恢复后重新运行') : text('power-cycle the module, then run again', '给模组重新上电后重新运行'));

  try {
    // 0. what the module is doing now: a session the run did not open is never torn down unasked
    const q = await session.query();
    const qi = q.outcomes.findIndex((x) => x.status === 'timeout');
    const unanswered = q.outcomes[qi];
    if (unanswered && unanswered.status === 'timeout') {
      // written when it and the commands after it had not started waiting yet
      const sentAt = engine.elapsed() - q.outcomes.slice(qi).reduce((n, x) => n + x.elapsedMs, 0) / 1000;
      run.moduleSilent = mwatch.silence(unanswered.command, sentAt, unanswered.timeoutMs, 'open');
    }
    if (q.open) run.found = { open: q.open, connState: q.connState };
    let observe = false;
    if (run.found && !run.moduleSilent) {
      const f = run.found;
      const where = `${f.open.host}:${f.open.port}`;
      const connected = f.connState === 3;
      if (o.reconnect) {
        progress(text(`module: ending the session found open to ${where} (--reconnect)…`, `模组：结束已打开到 ${where} 的会话（--reconnect）…`));
        const end = connected ? await session.disconnect() : await session.close();
        run.mode = 'reconnected';
        run.changes.push({
          what: text(
            `ended the session the module had when the run started (${connected ? 'connected' : 'link open'} to ${where}) with ${connected ? AT('disconnect') : AT('close')} (--reconnect): ${end.ok ? 'done' : `failed (${end.failure ?? '?'})`}; not restored — its credentials are unknown to cat1: your application has to connect it again`,
            `用 ${connected ? AT('disconnect') : AT('close')} 结束了运行开始时模组已有的会话（${connected ? '已连接' : '链路已打开'}到 ${where}）（--reconnect）：${end.ok ? '完成' : `失败（${end.failure ?? '?'}）`}；未恢复——cat1 不知道它的凭据：需要由你的应用重新连接`,
          ),
          restored: false,
        });
        silent(end, 'open');
      } else {
        observe = true;
        run.mode = 'observed';
      }
    }

    // 1. the direct side's reachability and, sequentially, its connect with the module's own ID
    progress(text(`direct: resolving and connecting to ${o.broker.host}:${o.broker.port}…`, `直连：解析并连接 ${o.broker.host}:${o.broker.port}…`));
    const probe = directFor(creds.clientId);
    const resolved = await probe.resolve();
    const tcp = resolved.ok ? await probe.tcp() : resolved;
    if (tcp.ok) {
      bwatch = new BrokerWatch({ host: o.broker.host, port: o.broker.port, now: () => engine.elapsed(), step: () => current });
      await bwatch.start();
    } else if (o.brokerUpEarlier && typeof tcp.code !== 'number') {
      const up = o.brokerUpEarlier;
      run.brokerLost = { at: engine.elapsed(), step: 'open', code: String(tcp.code ?? '?'), seenBy: text(`${up.en}; now this host cannot connect to it`, `${up.zh}；现在本机也连不上它`), lastOkAt: null };
    }
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
    current = 'connect';
    // a connect with the module's own ID would take over a session the module already has (one session per client ID)
    if (mode === 'direct-first' && !observe) {
      directConnect = await identicalConnect();
      if (!directConnect.ok && typeof directConnect.code !== 'number') await brokerGone(text(`the direct connect failed (${String(directConnect.code)})`, `直连连接失败（${String(directConnect.code)}）`));
    }

    // 2. the module: settings, open, connect — or, for a session found connected, nothing
    let open: StepResult | null = null;
    let moduleConnect: StepResult | null = null;
    let moduleUp = false;
    if (run.moduleSilent) {
      notRunStep('open', text('the module stopped answering', '模组停止应答'), stopHow(), fromDirect(tcp));
    } else if (run.brokerLost) {
      push('open', skipped(text('not run: the broker went away', '未运行：服务器不可用了')), fromDirect(tcp));
    } else if (observe) {
      const f = run.found!;
      const where = `${f.open.host}:${f.open.port}`;
      const sameBroker = f.open.host === o.broker.host && f.open.port === o.broker.port;
      const how = text(`run with --reconnect: cat1 ends that session (${AT('disconnect')}), runs every step, and says so`, `加 --reconnect 运行：cat1 会结束该会话（${AT('disconnect')}）并运行全部步骤，并在报告中说明`);
      notRunStep('open', text(`the module's link was already open to ${where} when the run started (not opened by this run)`, `运行开始时模组的链路已打开到 ${where}（不是本次运行打开的）`), how, fromDirect(tcp));
      moduleUp = sameBroker && f.connState === 3;
    } else {
      for (const { key, setting } of moduleSettings) {
        const r = await session.configure(setting as never);
        if (!r.ok) lint.push({ code: 'configure-failed', field: key, severity: 'warning', profile: profile.name, message: text(`the module refused AT${dialect.configCommand} "${key}" (${r.failure ?? '?'})`, `模组拒绝了 AT${dialect.configCommand} "${key}"（${r.failure ?? '?'}）`) });
        if (silent(r, 'open')) break;
      }
      if (!run.moduleSilent) {
        progress(text(`module: opening the network link (${AT('open')})…`, `模组：打开网络链路（${AT('open')}）…`));
        open = await moduleStep('open', () => session.open(o.broker.host, o.broker.port));
        if (open && !open.ok && !silent(open, 'open')) await brokerGone(text("the module's open failed", '模组打开链路失败'));
        push('open', open ? fromModule(open, dialect) : lostSide(), fromDirect(tcp));
        if (open?.ok && !run.brokerLost) {
          progress(text(`module: connecting (${AT('connect')})…`, `模组：连接中（${AT('connect')}）…`));
          moduleConnect = await moduleStep('connect', () => session.connect(creds));
          if (moduleConnect && !moduleConnect.ok && !silent(moduleConnect, 'connect')) await brokerGone(text("the module's connect failed", '模组连接失败'));
        }
      }
      moduleUp = moduleConnect?.ok === true && !run.brokerLost && !run.moduleSilent;
    }

    // 2b. the takeover probe (opt-in): does the broker know the module by the client ID given?
    let takeover: IdentityProbe | null = null;
    if (moduleUp && !observe && o.probeIdentity === true) {
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
    const onLinkLost = (): void => void brokerGone(text(`the module's link to the broker broke (${STAT})`, `模组到服务器的链路断开（${STAT}）`));
    session.on('linkLost', onLinkLost);
    const runTraffic = async (): Promise<void> => {
      const d = directFor(trafficId);
      d.onLinkLost(() => void brokerGone(text("the host's traffic client lost its connection", '主机的流量客户端连接断开')));
      try {
        await traffic(d);
      } finally {
        // a step that threw (the broker went away) must not leave the traffic client behind
        await d.end().catch(() => undefined);
      }
    };
    /** a direct step that cannot throw: a client the broker dropped is a failed step, not a crash */
    const direct = async (step: DirectStep['step'], f: () => Promise<DirectStep>): Promise<DirectStep> => {
      const t0 = performance.now();
      const pending = f().catch((err: unknown): DirectStep => ({ step, ok: false, code: 'ERROR', detail: text(`${step} failed: ${(err as Error).message}`, `${step} 失败：${(err as Error).message}`), latencyMs: performance.now() - t0 }));
      if (!bwatch) return pending;
      // mqtt.js keeps a QoS 1 publish waiting for its PUBACK on a dead connection: do not wait with it
      const r = await Promise.race([pending, bwatch.lost.then(() => null)]);
      if (r !== null) return r;
      run.brokerLost = bwatch.loss;
      return { step, ok: false, code: run.brokerLost?.code ?? 'broker-lost', detail: text('interrupted: the broker went away', '已中断：服务器不可用了'), latencyMs: performance.now() - t0 };
    };
    const stopped = (): boolean => run.brokerLost !== null || run.moduleSilent !== null;
    const traffic = async (d: DirectSession): Promise<void> => {
      current = 'subscribe';
      const dc = noted(await d.connect());
      if (!dc.ok) {
        if (typeof dc.code !== 'number') await brokerGone(text(`the traffic client could not connect (${String(dc.code)})`, `流量客户端无法连接（${String(dc.code)}）`));
        if (observe && !run.brokerLost) {
          // nothing of the session found can be observed without a host-side client: not a difference
          notRunStep(
            'subscribe',
            text(`the host's traffic client (${trafficId}) could not connect with the credentials given (${dc.detail.en}), so the traffic of the session found on the module could not be observed`, `主机的流量客户端（${trafficId}）无法用给出的凭据连接（${dc.detail.zh}），因此无法观察模组上已有会话的流量`),
            text('check the credentials, or run with --reconnect', '检查凭据，或加 --reconnect 运行'),
            fromDirect(dc),
          );
          return;
        }
        push('subscribe', skipped(text('not run', '未运行')), skipped(text(`the traffic client (${trafficId}) could not connect: ${dc.detail.en}`, `流量客户端（${trafficId}）无法连接：${dc.detail.zh}`)));
        return;
      }
      progress(text('subscribing on both sides…', '两边订阅中…'));
      const dsub = await direct('subscribe', () => d.subscribe(topics.m2d, qos));
      await direct('subscribe', () => d.subscribe(topics.d2m, qos)); // the host also watches its own publish: proof the broker delivers
      const msub = await moduleStep('subscribe', () => session.subscribe(topics.d2m, qos));
      if (msub && !msub.ok && !silent(msub, 'subscribe')) await brokerGone(text("the module's subscribe failed", '模组订阅失败'));
      if (!dsub.ok) await brokerGone(text("the direct subscribe failed", '直连订阅失败'));
      push('subscribe', msub ? fromModule(msub, dialect) : lostSide(), fromDirect(dsub));
      if (msub?.ok && observe) {
        run.changes.push({ what: text(`subscribed to ${topics.d2m} on the session the module already had`, `在模组已有的会话上订阅了 ${topics.d2m}`), restored: false });
      }
      if (stopped()) return;
      progress(text('publishing on both sides…', '两边发布中…'));
      let mpub: StepResult | null;
      try {
        mpub = await moduleStep('publish', () => session.publish(topics.m2d, payload, { qos }));
      } catch (err) {
        if (!(err instanceof CatError) || err.code !== 'ERR_PAYLOAD') throw err;
        mpub = { step: 'publish', ok: false, failure: 'lint', command: null, outcome: null, urc: null, extraUrcs: [], lint: [], latencyMs: 0, explain: text(err.message, err.message), note: null };
      }
      if (mpub && !mpub.ok && !silent(mpub, 'publish')) await brokerGone(text("the module's publish failed", '模组发布失败'));
      const dpub = run.brokerLost || run.moduleSilent ? null : await direct('publish', () => d.publish(topics.d2m, payload, qos));
      if (dpub && !dpub.ok) await brokerGone(text('the direct publish failed', '直连发布失败'));
      push('publish', mpub ? fromModule(mpub, dialect) : lostSide(), dpub ? fromDirect(dpub) : run.brokerLost ? lostSide() : skipped(text('not run', '未运行')));
      if (stopped() || !mpub || !dpub) return;
      progress(text('waiting for the cross deliveries…', '等待交叉投递…'));
      current = 'deliver-module-to-direct';
      const waits = Promise.all([
        mpub.ok ? d.waitMessages((m) => m.topic === topics.m2d, 1, deliveryMs) : Promise.resolve([]),
        d.waitMessages((m) => m.topic === topics.d2m, 1, deliveryMs),
        waitModule(session, messages, topics.d2m, deliveryMs),
      ]);
      const got = bwatch ? await Promise.race([waits, bwatch.lost.then(() => null)]) : await waits;
      if (got === null) {
        run.brokerLost = bwatch?.loss ?? null;
        return;
      }
      const [gotD, , gotM] = got;
      const own = d.messages.find((m) => m.topic === topics.d2m);
      const m2dMsg = gotD[0] ?? null;
      if (!m2dMsg || !gotM) await brokerGone(text('a cross delivery did not arrive', '交叉投递未到达'));
      if (run.brokerLost) return;
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
          detail: !dv.d2m.received ? text(`no ${RECV} within ${deliveryMs} ms`, `${deliveryMs} ms 内没有 ${RECV}`) : dv.d2m.exact ? text(`${RECV} with ${payload.length} bytes, byte-exact${dv.d2m.inferred ? ' (end of payload inferred)' : ''}`, `${RECV} 收到 ${payload.length} 字节，逐字节一致${dv.d2m.inferred ? '（结尾为推断）' : ''}`) : text(`${RECV} with ${dv.d2m.got?.length ?? 0} bytes that differ from the ${payload.length} sent`, `${RECV} 收到 ${dv.d2m.got?.length ?? 0} 字节，与发送的 ${payload.length} 字节不同`),
          latencyMs: null,
        },
        { ok: dpub.ok, code: null, detail: dv.d2m.brokerDelivered ? text(`published; the broker delivered it (the host's own subscription got it)`, '已发布；服务器已投递（主机自己的订阅收到了）') : text('published; not even the host\'s own subscription got it', '已发布；连主机自己的订阅也没有收到'), latencyMs: null },
      );
      if (observe) {
        // the session is not ours: take back only what the run added to it
        current = 'unsubscribe';
        const uns = await moduleStep('unsubscribe', () => session.unsubscribe(topics.d2m));
        const change = run.changes.find((c) => c.what.en.startsWith(`subscribed to ${topics.d2m}`));
        if (change && uns?.ok) {
          change.restored = true;
          change.what = text(`${change.what.en}; unsubscribed again (${AT('unsubscribe')})`, `${change.what.zh}；之后已取消订阅（${AT('unsubscribe')}）`);
        }
        const ddisc = await d.end();
        push('disconnect', skipped(text('not run: the session was found connected and is left connected', '未运行：会话运行前已连接，保持连接')), fromDirect(ddisc));
        steps[steps.length - 1]!.notRun = text('the module\'s session was not opened by this run', '模组的会话不是本次运行打开的');
        return;
      }
      progress(text('disconnecting…', '断开中…'));
      current = 'disconnect';
      const mdisc = await moduleStep('disconnect', () => session.disconnect());
      const ddisc = await d.end();
      push('disconnect', mdisc ? fromModule(mdisc, dialect) : lostSide(), fromDirect(ddisc));
    };
    try {
      if (moduleUp && o.traffic !== false) await runTraffic();
    } finally {
      session.off('message', onMessage);
      session.off('linkLost', onLinkLost);
    }
    if (mode === 'module-first' && !observe) {
      current = 'connect';
      directConnect = stopped() ? null : await identicalConnect();
    }
    const why = stopWhy();
    const directConn = directConnect
      ? fromDirect(directConnect)
      : observe
        ? skipped(
            text(
              `not run: a connect with the module's own client ID (${creds.clientId}) would take over the session the module has (a broker keeps one session per client ID); the values given are tried by the traffic client (${trafficId}) instead`,
              `未运行：用模组自己的客户端 ID（${creds.clientId}）连接会顶掉模组已有的会话（服务器对每个客户端 ID 只保留一个会话）；给出的参数改由流量客户端（${trafficId}）尝试`,
            ),
          )
        : skipped(text(`not run: ${why?.en ?? '?'}`, `未运行：${why?.zh ?? '?'}`));
    if (observe) {
      const f = run.found!;
      const how = text(`run with --reconnect: cat1 ends that session (${AT('disconnect')}), connects with these credentials, and says so`, `加 --reconnect 运行：cat1 会结束该会话（${AT('disconnect')}），用这些凭据连接，并在报告中说明`);
      const whyConn = f.connState === 3 ? text(`the module was already connected to ${f.open.host}:${f.open.port} when the run started: the credentials it uses are unknown, the ones given were not checked on the module`, `运行开始时模组已连接到 ${f.open.host}:${f.open.port}：它使用的凭据未知，给出的凭据没有在模组上检查`) : text(`the module's link to ${f.open.host}:${f.open.port} was open but not connected (${AT('connect')}? ${String(f.connState)}) when the run started`, `运行开始时模组到 ${f.open.host}:${f.open.port} 的链路已打开但未连接（${AT('connect')}? ${String(f.connState)}）`);
      run.notRun.push({ step: 'connect', why: whyConn, how });
      steps.splice(1, 0, { step: 'connect', module: skipped(text(`not run: ${whyConn.en}`, `未运行：${whyConn.zh}`)), direct: directConn, same: false, notRun: whyConn });
      if (!moduleUp) run.notRun.push({ step: 'subscribe', why: text('the module has no connected session to this broker to observe', '模组没有到该服务器的已连接会话可供观察'), how });
    } else if (open?.ok) {
      const conn = moduleConnect ? fromModule(moduleConnect, dialect) : run.brokerLost ? lostSide() : skipped(text('not run', '未运行'));
      steps.splice(1, 0, { step: 'connect', module: conn, direct: directConn, same: sameStep(conn, directConn) });
    } else {
      // the module never connected: still show the direct side's answer
      steps.splice(1, 0, {
        step: 'connect',
        module: skipped(text(run.moduleSilent ? 'not run: the module stopped answering' : 'not run: the link did not open', run.moduleSilent ? '未运行：模组停止应答' : '未运行：链路未打开')),
        direct: directConn,
        same: false,
        ...(run.moduleSilent ? { notRun: text('the module stopped answering', '模组停止应答') } : {}),
      });
    }
    if (why) {
      // a partial report: say which steps never ran
      const ran = new Set(steps.map((s) => s.step));
      for (const step of ['subscribe', 'publish', 'deliver-module-to-direct', 'deliver-direct-to-module', 'disconnect'] as const) {
        if (!ran.has(step) && o.traffic !== false && !run.notRun.some((n) => n.step === step)) run.notRun.push({ step, why, how: stopHow() });
      }
    }
    const ORDER: readonly CompareStepName[] = ['open', 'connect', 'subscribe', 'unsubscribe', 'publish', 'deliver-module-to-direct', 'deliver-direct-to-module', 'message', 'link', 'disconnect', 'close'];
    run.notRun.sort((a, b) => ORDER.indexOf(a.step) - ORDER.indexOf(b.step));
    // leave the module tidy: a link that is open but not connected (the module keeps retrying a refused CONNECT)
    if (open?.ok && !moduleUp && !run.moduleSilent && !run.brokerLost) await session.close().catch(() => undefined);

    const logLines = o.brokerLog ? readLogSince(o.brokerLog, logStart) : (o.brokerLogLines?.() ?? []);
    // user names by their form (the client ID stays: the verdict needs it), the password wherever it is
    const brokerLog = o.logSecrets ? logLines : logLines.map((l) => maskLogLine(l, creds.password ? [creds.password] : []));
    const logIdentity: LogIdentity | null = o.brokerLog !== undefined || o.brokerLogLines !== undefined ? moduleIdentityFromLog(brokerLog, { clientId: creds.clientId, directPorts, directOnlyIds: [trafficId] }) : null;
    // a step only when the identities differ; an agreement shows in report.identity (observed, probe)
    const identityStep = identityComparison(creds.clientId, moduleConnect, logIdentity, takeover);
    if (identityStep && !identityStep.same) steps.splice(steps.findIndex((s) => s.step === 'connect') + 1, 0, identityStep);
    // the lengths against the firmware profiles of the default dialect's builds (its lint's table); another dialect publishes no such cut/refuse limits
    const credentialCheck = dialect.name === defaultDialect().name ? lintCredentialsAcrossProfiles(creds) : [];
    // the verdict judges the steps that ran; a step that did not run is neither a pass nor a difference
    const ranSteps = steps.filter((s) => !s.notRun);
    const verdict = explainComparison({
      profile,
      // the texts quote the module's own commands and URCs, and read its dialect's facts (moduleTls)
      dialect: dialect.name,
      credentials: creds,
      protocolLevel: p.protocolLevel,
      tls: o.broker.tls,
      moduleHasCa: p.moduleHasCa,
      lint,
      steps: ranSteps,
      delivery,
      payload,
      brokerLog,
      doubleConnUrc: (moduleConnect?.extraUrcs.length ?? 0) > 0,
      run,
      broker: o.brokerIdentity ?? null,
      identity: { log: logIdentity, probe: takeover },
      credentialCheck,
    });
    const stop = verdict.causes.find((c) => c.id === 'broker-lost' || c.id === 'module-silent');
    if (stop) {
      // a partial report: the summary says why the run ended, not which step differed first
      const at = run.brokerLost?.step ?? run.moduleSilent?.step ?? current;
      verdict.summary = text(`the run stopped during "${at}": ${stop.text.en}`, `运行在“${at}”步骤中止：${stop.text.zh}`);
    } else if (run.notRun.length > 0) {
      const names = [...new Set(run.notRun.map((n) => n.step))];
      const first = run.notRun.find((n) => n.step === 'connect') ?? run.notRun[0]!;
      verdict.summary = text(
        `not verified: ${names.join(', ')} did not run — ${first.why.en}; ${first.how.en}. What was observed: ${verdict.summary.en}`,
        `未验证：${names.join('、')} 没有运行——${first.why.zh}；${first.how.zh}。已观察到的：${verdict.summary.zh}`,
      );
    }
    return {
      agree: ranSteps.every((s) => s.same) && run.notRun.length === 0 && !run.brokerLost && !run.moduleSilent,
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
      run,
    };
  } finally {
    mwatch.detach();
    bwatch?.stop();
  }
}

async function waitModule(session: ModuleSession, seen: MessageEvent[], topic: string, ms: number): Promise<MessageEvent | null> {
  const have = (): MessageEvent | undefined => seen.find((m) => m.topic === topic);
  const h = have();
  if (h) return h;
  const got = await waitForEvent(session as unknown as TypedEmitter<{ message: [m: MessageEvent] }>, 'message', { match: (m) => m.topic === topic, timeoutMs: ms }).promise;
  return got?.[0] ?? have() ?? null;
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
function until(session: ModuleSession, events: Array<'linkLost' | 'reconnected'>, ready: () => boolean, ms: number): Promise<boolean> {
  return waitUntil(session, events, ready, { timeoutMs: ms });
}

/**
 * The takeover probe: a direct connect with the module's client ID while the module is
 * connected. A broker drops the older of two sessions with one client ID (MQTT 3.1.1 §3.1.4),
 * so the module's link loss (+ECMTSTAT) shows that the module is that client; no loss within
 * the window shows it is not. Then the module's session is restored: its own reconnect
 * (ecmt.md: +ECMTSTAT, then the module reconnects by itself), or cat1 connects it again.
 */
async function takeoverProbe(session: ModuleSession, d: DirectSession, o: CompareOptions, noted: (r: DirectStep) => DirectStep): Promise<IdentityProbe> {
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
