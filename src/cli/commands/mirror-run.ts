import { createInterface } from 'node:readline';
import { AtTracker } from '../../at/tracker.js';
import { AtEngine } from '../../at/engine.js';
import type { TimelineItem } from '../../at/types.js';
import { itemToJson } from '../../at/json.js';
import { maskItem } from '../../at/mask.js';
import { dialectChoice, grammarFor } from '../dialect.js';
import { SerialModemPort } from '../../port/serial.js';
import { FollowingPort } from '../../port/follow.js';
import type { ModemPort } from '../../port/types.js';
import { openSessionInput } from '../../transcript/input.js';
import { SessionDecoder } from '../../transcript/decode.js';
import { createRedactor } from '../../redact/redact.js';
import { ShadowMirror, type MirrorEvent, type MirrorReport } from '../../mirror/shadow.js';
import { parseBrokerUrl } from '../../mirror/direct.js';
import { TapMerger } from '../../mirror/tap.js';
import type { FirmwareProfileName } from '../../dialects/ecmt/firmware.js';
import { CatError } from '../../util/errors.js';
import { langFromEnv, text, tr, type Lang, type Text } from '../../util/i18n.js';
import { Out, note, onStopSignal, wantColor } from '../io.js';
import { layer, readPassword } from '../options.js';
import { formatItem } from '../timeline.js';
import { EXIT } from '../exit.js';
import { fileArg } from '../stdin.js';
import { MIRROR_OPTIONS } from './mirror.js';
import { ReportOutputs } from '../report-out.js';

function reportJson(r: MirrorReport, lang: Lang): Record<string, unknown> {
  const side = (s: MirrorReport['steps'][number]['module']) => ({ ok: s.ok, code: s.code, detail: tr(s.detail, lang), latencyMs: s.latencyMs });
  return {
    type: 'mirror-report',
    agree: r.agree,
    identity: r.identity,
    steps: r.steps.map((s) => ({ step: s.step, module: side(s.module), direct: side(s.direct), same: s.same })),
    divergences: r.divergences.map((d) => divergenceJson(d, lang)),
    notes: r.notes.map((n) => tr(n, lang)),
    verdict: { summary: tr(r.verdict.summary, lang), causes: r.verdict.causes.map((c) => ({ id: c.id, text: tr(c.text, lang), confidence: c.confidence })) },
  };
}

function divergenceJson(d: Extract<MirrorEvent, { type: 'divergence' }>, lang: Lang): Record<string, unknown> {
  return { type: 'divergence', kind: d.kind, step: d.step, t: d.t, evidence: d.evidence.map((e) => tr(e, lang)), cause: d.cause ? { id: d.cause.id, text: tr(d.cause.text, lang), confidence: d.cause.confidence } : null };
}

export async function runMirror(args: Record<string, unknown>): Promise<number> {
  const v = layer(args, MIRROR_OPTIONS);
  const sources = ['transcript', 'port', 'tap-tx'].filter((k) => typeof v[k] === 'string');
  if (sources.length !== 1) throw new CatError('ERR_INVALID_OPTION', 'give exactly one source: --transcript <file>, --port <device>, or --tap-tx <device> --tap-rx <device>');
  if ((typeof v['tap-tx'] === 'string') !== (typeof v['tap-rx'] === 'string')) throw new CatError('ERR_INVALID_OPTION', 'a UART tap needs both --tap-tx and --tap-rx');
  const json = v['json'] === true;
  // --dialect: how the session's bytes read (auto: every registered dialect)
  const grammar = grammarFor(dialectChoice(v['dialect']));
  const lang = langFromEnv(process.env, args['lang'] as string | undefined);
  const live = typeof v['transcript'] !== 'string';
  const out = new Out({ json, lang, color: wantColor(args['color'] as boolean | undefined), live });
  const logSecrets = v['log-secrets'] === true;
  const password = readPassword(v['password-file'] as string | undefined);
  const windowS = Number(v['window'] ?? 5);
  if (!(windowS > 0)) throw new CatError('ERR_INVALID_OPTION', `--window must be a positive number of seconds (got ${String(v['window'])})`);
  const baud = Number(v['baud'] ?? 115200);
  if (!Number.isInteger(baud) || baud < 300) throw new CatError('ERR_INVALID_OPTION', `--baud must be a rate such as 115200 (got ${String(v['baud'])})`);
  const duration = v['duration'] === undefined ? null : Number(v['duration']);
  if (duration !== null && !(duration > 0)) throw new CatError('ERR_INVALID_OPTION', `--duration must be a positive number of seconds (got ${String(v['duration'])})`);
  // load the MQTT client now: loading it later would stall the event loop while taps are read
  await import('mqtt');
  const broker = typeof v['broker'] === 'string' ? parseBrokerUrl(v['broker']) : undefined;
  const mirror = new ShadowMirror({
    live,
    ...(broker ? { broker } : {}),
    credentials: {
      ...(typeof v['client-id'] === 'string' ? { clientId: v['client-id'] } : {}),
      ...(typeof v['username'] === 'string' ? { username: v['username'] } : {}),
      ...(password !== undefined ? { password } : {}),
    },
    identity: v['identity'] === 'identical' ? 'identical' : 'derived',
    ...(v['publish'] === 'repeat' || v['publish'] === 'observe' ? { publish: v['publish'] } : {}),
    windowMs: windowS * 1000,
    profile: String(v['profile'] ?? 'ec616s') as FirmwareProfileName,
  });
  const display = createRedactor();
  if (password) display.addSecret(password);
  const outs = ReportOutputs.fromArgs(args, { verb: 'mirror', lang, logSecrets, secrets: password ? [password] : [], scanAlso: typeof v['username'] === 'string' && v['username'] !== v['client-id'] ? [v['username']] : [] });
  const kept: TimelineItem[] = [];
  const t = (x: Text): string => out.t(x);
  mirror.on('event', (e) => {
    if (json) {
      if (e.type === 'divergence') out.obj(divergenceJson(e, lang));
      else if (e.type === 'step') out.obj({ type: 'step', kind: e.step.kind, id: e.step.id, t: e.step.t, same: e.same, module: { ok: e.module.ok, code: e.module.code }, shadow: { ok: e.shadow.ok, code: e.shadow.code } });
      else if (e.type === 'note') out.obj({ type: 'note', text: t(e.text) });
      else if (e.type === 'message') out.obj({ type: 'message', side: e.side, topic: e.topic, bytes: e.bytes, t: e.t });
      return;
    }
    if (e.type === 'step') {
      const mark = e.same ? out.p.green(t(text('≡ same', '≡ 一致'))) : out.p.red(t(text('≠ DIFFERS', '≠ 不同')));
      out.line(`           ${mark} ${e.step.kind}: ${t(text('module', '模组'))} ${e.module.ok ? '✓' : '✗'}${e.module.code !== null && e.module.code !== 0 ? ` [${String(e.module.code)}]` : ''}, ${t(text('shadow', '影子'))} ${e.shadow.ok ? '✓' : '✗'}${e.shadow.code !== null && e.shadow.code !== 0 ? ` [${String(e.shadow.code)}]` : ''} ${out.p.dim(t(e.shadow.detail))}`);
    } else if (e.type === 'divergence') {
      out.line(out.p.red(`           ‼ ${e.kind}: ${e.evidence.map(t).join('; ')}`));
      if (e.cause) out.line(out.p.red(`             → ${t(e.cause.text)}`));
    } else if (e.type === 'note') out.line(out.p.magenta(`           # ${t(e.text)}`));
  });
  const show = (raw: TimelineItem): void => {
    mirror.push(raw);
    const item = logSecrets ? raw : maskItem(raw, display);
    if (outs.wanted) kept.push(item);
    if (json) return;
    for (const l of formatItem(item, out)) out.line(l);
  };

  let stop: (() => void) | null = null;
  const stopped = new Promise<void>((r) => (stop = r));
  const signal = onStopSignal();
  void signal.signal.then(() => stop?.());
  const timer = duration !== null ? setTimeout(() => stop?.(), duration * 1000) : null;
  const closers: Array<() => Promise<void>> = [];
  try {
    if (typeof v['transcript'] === 'string') {
      const input = await openSessionInput(fileArg(v['transcript']));
      const decoder = new SessionDecoder(show, { grammar, redact: false });
      let lastT: number | null = null;
      let entries = 0;
      for await (const e of input.entries) {
        entries++;
        if (v['pace'] === true && e.t !== null && lastT !== null && e.t > lastT) await new Promise((r) => setTimeout(r, Math.min(60_000, (e.t! - lastT!) * 1000)));
        if (e.t !== null) lastT = e.t;
        decoder.push(e);
        await out.drain();
      }
      decoder.end();
      for (const w of input.warnings) note(`cat1: warning: line ${w.line}: ${w.message}`);
      if (entries === 0) throw new CatError('ERR_INPUT', `${fileArg(v['transcript'])}: nothing to mirror (no AT traffic in it)`);
    } else if (typeof v['tap-tx'] === 'string') {
      const open = (path: string): Promise<ModemPort> => (v['follow'] === true ? FollowingPort.open({ path, baudRate: baud }) : SerialModemPort.open({ path, baudRate: baud }));
      const txPort = await open(v['tap-tx']);
      const rxPort = await open(String(v['tap-rx']));
      for (const p of [txPort, rxPort]) {
        if (p instanceof FollowingPort) p.on('follow', (e) => note(`cat1: ${e.type === 'gone' ? `${e.path} went away; waiting for it to come back (--follow)` : `${e.path} is back; resuming`}`));
      }
      closers.push(() => txPort.close(), () => rxPort.close());
      const tracker = new AtTracker(show, { grammar });
      const tap = new TapMerger(tracker, { skewMs: 40 });
      txPort.on('data', (b) => tap.tx(b));
      rxPort.on('data', (b) => tap.rx(b));
      closers.unshift(() => tap.settle(2000));
      const gone = (which: string) => (err: Error | undefined): void => {
        if (err) note(`cat1: ${t(text(`the tap ${which} went away: ${err.message}`, `分接口 ${which} 断开：${err.message}`))}`);
        stop?.();
      };
      txPort.on('close', gone('tx'));
      rxPort.on('close', gone('rx'));
      note(`cat1: ${t(text('tapping (read only); Ctrl-C ends and prints the report', '正在分接（只读）；Ctrl-C 结束并输出报告'))}`);
      await stopped;
    } else {
      const port = v['follow'] === true ? await FollowingPort.open({ path: String(v['port']), baudRate: baud }) : await SerialModemPort.open({ path: String(v['port']), baudRate: baud });
      if (port instanceof FollowingPort) port.on('follow', (e) => note(`cat1: ${e.type === 'gone' ? `${e.path} went away; waiting for it to come back (--follow)` : `${e.path} is back; resuming`}`));
      closers.push(() => port.close());
      const engine = new AtEngine(port, { grammar });
      engine.on('item', show);
      const rl = createInterface({ input: process.stdin, terminal: false });
      if (!json) note(`cat1: ${t(text('type AT commands, one per line; end with Ctrl-D or Ctrl-C', '逐行输入 AT 命令；Ctrl-D 或 Ctrl-C 结束'))}`);
      const done = (async () => {
        for await (const line of rl) {
          const cmd = line.trim();
          if (!cmd) continue;
          if (!/^AT/i.test(cmd)) {
            note(`cat1: ${t(text(`not an AT command: ${cmd}`, `不是 AT 命令：${cmd}`))}`);
            continue;
          }
          await engine.send(cmd);
        }
      })();
      await Promise.race([done, stopped]);
      rl.close();
      // let the last URCs come in
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    if (timer) clearTimeout(timer);
    signal.cancel();
  }
  for (const c of closers) await c().catch(() => undefined);
  const report = await mirror.finish({ settleMs: live ? 1000 : Math.min(windowS * 1000, 3000) });
  if (json) out.obj(reportJson(report, lang));
  else {
    out.line('');
    out.line(`${out.p.bold(t(text('Mirror report', '镜像报告')))}: ${report.agree ? out.p.green(t(text('no divergence', '没有分歧'))) : out.p.red(t(text(`${report.divergences.length} divergence(s)`, `${report.divergences.length} 处分歧`)))}`);
    out.line(`  ${t(report.verdict.summary)}`);
    report.verdict.causes.forEach((c, i) => out.line(`  ${i + 1}. [${c.id}, ${Math.round(c.confidence * 100)}%] ${t(c.text)}`));
    if (report.identity.shadowClientId) out.line(out.p.dim(`  ${t(text(`the shadow connected as ${report.identity.shadowClientId} (${report.identity.mode})`, `影子客户端以 ${report.identity.shadowClientId} 连接（${report.identity.mode}）`))}`));
  }
  await out.flush();
  const written = await outs.write({ report, json: reportJson(report, lang), items: kept, ...(broker ? { broker } : {}), profile: String(v['profile'] ?? 'ec616s'), ...(typeof v['port'] === 'string' ? { port: v['port'] } : {}) });
  return Math.max(report.agree ? EXIT.OK : EXIT.PROBLEM, written);
}
