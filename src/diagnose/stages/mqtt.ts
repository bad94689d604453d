import type { ModuleStepResult as StepResult, SessionLintFinding as LintFinding } from '../../dialects/session.js';
import type { Dialect, MqttOp } from '../../dialects/types.js';
import { profileChoiceText } from '../../dialects/index.js';
import type { AtOutcome } from '../../at/types.js';
import { BrokerWatch, tcpProbe } from '../../mirror/run-watch.js';
import type { BrokerLoss, CompareStepName } from '../../mirror/report.js';
import { connackMeaning } from '../../urc/codes.js';
import { text, type Text } from '../../util/i18n.js';
import type { Stage, StageContext, StageResult } from '../types.js';
import { joinText, notAnswered, result, same, stageDialect, stageSession } from '../util.js';

/** `AT+<command>` of the dialect for an MQTT operation. */
function atOf(d: Dialect, op: MqttOp): string {
  const c = d.commands.find((x) => x.op === op);
  return c ? `AT${c.name}` : op;
}

/** One session step as seen: `AT+ECMTOPEN=0,"host",1883 → OK, +ECMTOPEN: 0,0`, with its note. */
function stepSeen(ctx: StageContext, r: StepResult): Text {
  const parts: Text[] = [];
  const o = r.outcome;
  if (o) {
    if (o.status === 'ok') parts.push(same('OK'));
    else if (o.status === 'error') parts.push(same(o.error.raw.trim()));
    else if (o.status === 'timeout') parts.push(text(`no answer within ${o.timeoutMs} ms`, `${o.timeoutMs} ms 内无应答`));
    else parts.push(same(o.status));
  }
  for (const u of [...r.extraUrcs, ...(r.urc ? [r.urc] : [])]) parts.push(same(ctx.mask(u.raw.trim(), 'rx')));
  const base =
    r.command === null
      ? text(`(${r.step}: no command sent)`, `（${r.step}：未发送命令）`)
      : joinText([same(`${ctx.mask(r.command, 'tx')} →`), parts.length > 0 ? joinText(parts, ', ', '，') : same('…')], ' ', ' ');
  return r.note ? joinText([base, r.note], ' — ', ' —— ') : base;
}

/** A plain query as seen: `AT+ECMTOPEN? → +ECMTOPEN:0,"host",1883`. */
function sendSeen(ctx: StageContext, o: AtOutcome): Text {
  const lines = o.lines.map((l) => ctx.mask(l.raw, 'rx').trim()).filter((l) => l !== '');
  const end = o.status === 'ok' ? (lines.length > 0 ? lines.join(' | ') : 'OK') : o.status === 'error' ? [...lines, o.error.raw.trim()].join(' | ') : o.status;
  return same(`${o.command} → ${end}`);
}

const firstOf = (lint: readonly LintFinding[], severity: LintFinding['severity']): LintFinding | undefined => lint.find((f) => f.severity === severity);

function openHint(d: Dialect, r: StepResult, host: string, port: number, lint: readonly LintFinding[]): Text {
  const err = firstOf(lint, 'error');
  const OPEN = atOf(d, 'open');
  const CLOSE = atOf(d, 'close');
  const URC = d.commands.find((x) => x.op === 'open')?.result?.prefix ?? 'URC';
  switch (r.failure) {
    case 'state':
      return text(`${r.note?.en ?? 'the module is open to another broker'}: send ${CLOSE}=0 (or reset the module) and run again`, `${r.note?.zh ?? '模组已打开到其他服务器'}：发送 ${CLOSE}=0（或复位模组）后再运行`);
    case 'rejected':
      if (err) return err.message;
      return text(
        `${OPEN} refused (CME 3): the PDN is not active (see the PDP stage) or an MQTT context is already in use (${OPEN}? shows it; ${CLOSE}=0 frees it)`,
        `${OPEN} 被拒绝（CME 3）：PDN 未激活（见 PDP 阶段），或已有 MQTT 上下文在使用（${OPEN}? 可查看；${CLOSE}=0 释放）`,
      );
    case 'urc': {
      // a dialect whose open result names the PDP context (QMT: +QMTOPEN result 3) points at its PDP check, not the network path
      const res = r.urc ? d.resultOf(r.urc) : null;
      if (d.pdpCheck && res && /\bPDP\b/.test(res.meaning.en)) {
        return text(`${res.meaning.en}: the module has no active PDP context for MQTT — see the PDP stage (${d.pdpCheck.command}), then ${d.pdpCheck.doc.en}`, `${res.meaning.zh}：模组没有可供 MQTT 使用的已激活 PDP 上下文——见 PDP 阶段（${d.pdpCheck.command}）；${d.pdpCheck.doc.zh}`);
      }
      return text(
        `the module could not open a TCP/TLS link to ${host}:${port}: check the port, that the broker is reachable from the mobile network (firewall, IP allow-list, an address only reachable from the office LAN) and, for mqtts, the CA (--ca); the comparison (stage 10, with --keep-going) tells whether this computer can reach it`,
        `模组无法建立到 ${host}:${port} 的 TCP/TLS 链路：检查端口、服务器能否从移动网络访问（防火墙、IP 白名单、只有办公网可达的地址），mqtts 还要检查 CA（--ca）；对比测试（第 10 阶段，加 --keep-going）可判断本机能否访问`,
      );
    }
    case 'no-urc':
      return text(
        `no ${URC}: the connection to ${host}:${port} hangs (packets dropped by a firewall, or a TLS handshake that never ends); the module never reports a timeout itself`,
        `没有 ${URC}：到 ${host}:${port} 的连接挂起（防火墙丢包，或 TLS 握手不结束）；模组自己从不报告超时`,
      );
    default:
      return (r.outcome ? notAnswered(r.outcome, OPEN)?.hint : undefined) ?? text('run the diagnosis again', '请重新运行诊断');
  }
}

const COMPARE_TIP = text('the comparison (stage 10; with --keep-going) shows whether a direct connection with the same values is accepted', '对比测试（第 10 阶段；加 --keep-going）可显示同样参数的直连是否被接受');

function connectHint(d: Dialect, r: StepResult, lint: readonly LintFinding[]): Text {
  const CONN = atOf(d, 'connect');
  const quirk = lint.find((f) => f.code === 'credential-quirk');
  const err = firstOf(lint, 'error');
  if (r.failure === 'rejected') return err?.message ?? r.note ?? text(`${CONN} refused: a value is over the firmware limit, or the link closed`, `${CONN} 被拒绝：某个值超出固件限制，或链路已关闭`);
  if (r.failure === 'no-urc') {
    return text(
      'no CONNACK: the broker did not answer the CONNECT: is this an MQTT port (not HTTP or WebSocket), TLS on a TLS port (mqtts, 8883)? look at the broker\'s log',
      '没有 CONNACK：服务器没有响应 CONNECT：这是 MQTT 端口吗（不是 HTTP 或 WebSocket）？TLS 是否用在 TLS 端口（mqtts，8883）？请查看服务器日志',
    );
  }
  const u = r.urc ? d.resultOf(r.urc) : null;
  if (!u || u.op !== 'connect') return (r.outcome ? notAnswered(r.outcome, CONN)?.hint : undefined) ?? text('run the diagnosis again', '请重新运行诊断');
  if (quirk && u.result === 0 && u.retCode !== 0) return quirk.message;
  if (u.result === 2) {
    return text(
      'CONNECT could not be sent: the link dropped right after it opened (the broker closed it: TLS expected on this port? IP allow-list?)',
      'CONNECT 未能发出：链路打开后立即断开（服务器关闭了连接：该端口要求 TLS？IP 白名单？）',
    );
  }
  const rc = u.retCode;
  const m = rc === null ? null : connackMeaning(rc);
  const what = m && rc !== null ? text(`CONNACK ${rc}, ${m.en}`, `CONNACK ${rc}，${m.zh}`) : text(`result ${u.result}`, `结果 ${u.result}`);
  switch (rc) {
    case 1:
      return text(`the broker does not accept this MQTT version (${what.en}): try --mqtt-version 4 or 3`, `服务器不接受此 MQTT 版本（${what.zh}）：试试 --mqtt-version 4 或 3`);
    case 2:
      return text(
        `the broker rejected the client ID (${what.en}): empty, too long, or not registered on the platform: check --client-id`,
        `服务器拒绝了客户端 ID（${what.zh}）：为空、过长或未在平台注册：检查 --client-id`,
      );
    case 3:
      return text(`the broker is up but not accepting connections (${what.en}): overloaded, in maintenance, or the platform side is down`, `服务器在线但不接受连接（${what.zh}）：过载、维护中或平台侧故障`);
    case 4:
    case 5:
      return text(
        `the broker refused the credentials (${what.en}): check the user name and the password (--password-file; mosquitto answers 5 for a wrong password) and the broker's ACL; ${COMPARE_TIP.en}`,
        `服务器拒绝了凭据（${what.zh}）：检查用户名和密码（--password-file；mosquitto 对错误密码返回 5）以及服务器的 ACL；${COMPARE_TIP.zh}`,
      );
    default:
      return text(`the broker refused the connection (${what.en}): ${COMPARE_TIP.en}`, `服务器拒绝了连接（${what.zh}）：${COMPARE_TIP.zh}`);
  }
}

/**
 * 9. MQTT open and connect, as the module does it: the settings (AT+ECMTCFG), AT+ECMTOPEN and
 * AT+ECMTCONN with the given credentials and the lint of the profile; then AT+ECMTDISC (or
 * AT+ECMTCLOSE after a refusal: the module would keep retrying) to leave the module tidy.
 */
export const mqttStage: Stage = {
  id: 'mqtt',
  title: text('MQTT open and connect', 'MQTT 打开与连接'),
  async run(ctx: StageContext): Promise<StageResult> {
    const r = await runMqtt(ctx);
    // the model profile the lint used, and what it rests on (dialects with per-model profiles)
    const model = ctx.facts.model;
    return model ? { ...r, data: { ...r.data, model } } : r;
  },
};

async function runMqtt(ctx: StageContext): Promise<StageResult> {
    const o = ctx.options;
    const { host, port } = o.broker;
    const seen: Text[] = [];
    const { session, settings, model } = stageSession(ctx);
    if (model) seen.push(profileChoiceText(model));
    const detected = stageDialect(ctx);
    const d = detected.dialect;
    const AT = (op: MqttOp): string => atOf(d, op);
    const warnings: Text[] = [];
    if (!model && o.model !== undefined) warnings.push(text(`--model ${o.model} not used: the module speaks ${stageDialect(ctx).dialect.title}, whose limits come from --profile (${o.profile})`, `--model ${o.model} 未使用：模组使用 ${stageDialect(ctx).dialect.title}，其限制来自 --profile（${o.profile}）`));
    // a session already on the module is someone else's: left alone unless --reconnect
    const q = await session.query();
    for (const x of q.outcomes) seen.push(sendSeen(ctx, x));
    let ended: Text | null = null;
    const unanswered = q.outcomes.find((x) => x.status === 'timeout');
    if (unanswered) {
      // a module that does not answer a read form answers nothing else: no point waiting on each step
      return result('fail', text(`${unanswered.command} got no answer`, `${unanswered.command} 没有应答`), seen, notAnswered(unanswered, unanswered.command)?.hint ?? null, { host, port, tls: o.broker.tls, open: null, connect: null, lint: [], tidy: null });
    }
    if (q.open) {
      const where = `${q.open.host}:${q.open.port}`;
      const connected = q.connState === 3;
      const state = connected ? text(`already connected to ${where}`, `已连接到 ${where}`) : text(`already open to ${where} (${AT('connect')}? ${String(q.connState ?? '-')})`, `已打开到 ${where}（${AT('connect')}? ${String(q.connState ?? '-')}）`);
      const found = { open: q.open, connState: q.connState };
      if (!o.reconnect) {
        ctx.facts.mqttConnected = null;
        return result(
          'not-run',
          text(`the module is ${state.en} — a session this run did not open, left as found: the open and the credentials were not checked`, `模组${state.zh}——不是本次运行打开的会话，保持原样：未检查打开链路和凭据`),
          seen,
          text(`run with --reconnect: cat1 ends that session (${AT('disconnect')}) and checks the open and these credentials itself (the session is not restored afterwards)`, `加 --reconnect 运行：cat1 会结束该会话（${AT('disconnect')}），自己检查打开链路和这些凭据（之后不会恢复该会话）`),
          { host, port, tls: o.broker.tls, found, open: null, connect: null, lint: [], tidy: null, changes: [] },
        );
      }
      ctx.progress(text(`ending the session found ${state.en} (--reconnect)…`, `结束已发现的会话（${state.zh}）（--reconnect）…`));
      const end = connected ? await session.disconnect() : await session.close();
      seen.push(stepSeen(ctx, end));
      ended = text(
        `the session the module had (${state.en}) was ended first with ${connected ? AT('disconnect') : AT('close')} (--reconnect) and is not restored`,
        `模组原有的会话（${state.zh}）已先用 ${connected ? AT('disconnect') : AT('close')} 结束（--reconnect），不会恢复`,
      );
    }
    for (const { key, setting } of settings) {
      const r = await session.configure(setting as never);
      seen.push(stepSeen(ctx, r));
      if (!r.ok) warnings.push(text(`the module refused AT${d.configCommand} "${key}" (${r.failure ?? '?'})`, `模组拒绝了 AT${d.configCommand} "${key}"（${r.failure ?? '?'}）`));
    }
    // this host's view of the broker while the module works: a broker that dies mid-stage is not the module's fault
    const reach = await tcpProbe(host, port, 3000);
    let current: CompareStepName = 'open';
    const watch = reach === null ? new BrokerWatch({ host, port, now: () => ctx.engine.elapsed(), step: () => current }) : null;
    if (watch) {
      watch.lastOkAt = ctx.engine.elapsed();
      await watch.start();
    }
    try {
      return await openAndConnect();
    } finally {
      watch?.stop();
    }

    /** A module step, given up on as soon as the broker is found gone (the module reports no timeout). */
    async function guarded(step: CompareStepName, f: () => Promise<StepResult>): Promise<StepResult | null> {
      current = step;
      const pending = f();
      if (!watch) return pending;
      const r = await Promise.race([pending, watch.lost.then(() => null)]);
      if (r === null) {
        pending.catch(() => undefined);
        session.cancelWaits('the broker went away');
      }
      return r;
    }

    function brokerLost(loss: BrokerLoss, data: Record<string, unknown>): StageResult {
      ctx.facts.mqttConnected = false;
      seen.push(text(`direct TCP connect to ${host}:${port} at ${loss.at.toFixed(1)} s: ${loss.code} (it was accepted at ${(loss.lastOkAt ?? 0).toFixed(1)} s)`, `${loss.at.toFixed(1)} 秒直接 TCP 连接 ${host}:${port}：${loss.code}（${(loss.lastOkAt ?? 0).toFixed(1)} 秒时可以连接）`));
      return result(
        'fail',
        text(
          `the broker went away during "${loss.step}": at ${loss.at.toFixed(1)} s this host could no longer connect to ${host}:${port} either (${loss.code})`,
          `服务器在“${loss.step}”步骤中不可用了：在 ${loss.at.toFixed(1)} 秒本机也连不上 ${host}:${port}（${loss.code}）`,
        ),
        seen,
        text('the broker stopped, restarted or became unreachable for everyone — nothing points at the module or its network: run again when the broker is back', '服务器停止、重启或对所有人都不可达——与模组及其网络无关：请在服务器恢复后重新运行'),
        { ...data, stoppedBy: 'broker-lost', brokerLost: { at: loss.at, step: loss.step, code: loss.code, lastOkAt: loss.lastOkAt } },
      );
    }

    async function openAndConnect(): Promise<StageResult> {
      ctx.progress(text(`opening the MQTT link to ${host}:${port} (${AT('open')})…`, `打开到 ${host}:${port} 的 MQTT 链路（${AT('open')}）…`));
      const opened = await guarded('open', () => session.open(host, port));
      if (!opened) return brokerLost(watch!.loss!, { host, port, tls: o.broker.tls, open: null, connect: null, lint: [], tidy: null });
      const open = opened;
      seen.push(stepSeen(ctx, open));
      const data: Record<string, unknown> = {
        host,
        port,
        tls: o.broker.tls,
        dialect: { name: d.name, by: detected.by, evidence: detected.evidence },
        open: { ok: open.ok, failure: open.failure, result: open.urc ? (d.resultOf(open.urc)?.result ?? null) : null },
        connect: null,
        lint: open.lint.map((f) => ({ code: f.code, field: f.field, severity: f.severity })),
        tidy: null,
        changes: ended ? [ended.en] : [],
      };
      if (ended) warnings.push(ended);
      const withEnded = (t: Text): Text => (ended ? joinText([t, ended]) : t);
      if (!open.ok) {
        ctx.facts.mqttConnected = false;
        const loss = open.failure === 'urc' || open.failure === 'no-urc' ? await watch?.check(text("the module's open failed", '模组打开链路失败')) : null;
        if (loss) return brokerLost(loss, data);
        if (open.failure === 'no-urc') {
          const c = await session.close().catch(() => null);
          if (c) seen.push(stepSeen(ctx, c));
          data['tidy'] = 'closed';
        }
        const summary = open.explain ?? open.note ?? text(`${AT('open')} failed (${open.failure ?? '?'})`, `${AT('open')} 失败（${open.failure ?? '?'}）`);
        return result('fail', withEnded(summary), seen, openHint(d, open, host, port, open.lint), data);
      }
      ctx.progress(text(`connecting (${AT('connect')})…`, `连接中（${AT('connect')}）…`));
      const connected = await guarded('connect', () => session.connect(o.credentials));
      if (!connected) {
        // the link the run opened is still there on the module
        const c = await session.close().catch(() => null);
        if (c) seen.push(stepSeen(ctx, c));
        return brokerLost(watch!.loss!, { ...data, tidy: c?.ok ? 'closed' : null });
      }
      const conn = connected;
      seen.push(stepSeen(ctx, conn));
      const lint = [...open.lint, ...conn.lint];
      data['lint'] = lint.map((f) => ({ code: f.code, field: f.field, severity: f.severity }));
      const connUrc = conn.urc ? d.resultOf(conn.urc) : null;
      data['connect'] = {
        ok: conn.ok,
        failure: conn.failure,
        result: connUrc?.op === 'connect' ? connUrc.result : null,
        retCode: connUrc?.op === 'connect' ? connUrc.retCode : null,
      };
      ctx.facts.mqttConnected = conn.ok;
      // leave the module tidy: disconnect, or close a link whose CONNECT was refused (the module keeps retrying it)
      const tidy = conn.ok ? await session.disconnect() : await session.close();
      seen.push(stepSeen(ctx, tidy));
      data['tidy'] = tidy.ok ? (conn.ok ? 'disconnected' : 'closed') : null;
      if (!conn.ok) {
        const loss = conn.failure === 'urc' || conn.failure === 'no-urc' ? await watch?.check(text("the module's connect failed", '模组连接失败')) : null;
        if (loss) return brokerLost(loss, data);
        const summary = conn.explain ?? conn.note ?? text(`${AT('connect')} failed (${conn.failure ?? '?'})`, `${AT('connect')} 失败（${conn.failure ?? '?'}）`);
        return result('fail', withEnded(summary), seen, connectHint(d, conn, lint), data);
      }
      const summary = withEnded(text(`connected to ${host}:${port} as "${o.credentials.clientId}" (CONNACK 0), then disconnected`, `已以 "${o.credentials.clientId}" 连接到 ${host}:${port}（CONNACK 0），随后已断开`));
      const warning = firstOf(lint, 'warning');
      if (warning) return result('warn', summary, seen, warning.message, data);
      if (warnings.length > 0) return result('warn', summary, seen, warnings[0]!, data);
      return result('pass', summary, seen, null, data);
    }
}
