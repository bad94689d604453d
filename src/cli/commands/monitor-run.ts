import { defaultGrammar } from '../../grammar.js';
import { text } from '../../util/i18n.js';
import { CatError, oneLine } from '../../util/errors.js';
import { Out, note, wantColor, onStopSignal } from '../io.js';
import { modemSettings } from '../options.js';
import { openModem } from '../modem.js';
import { EXIT } from '../exit.js';
import { ChunkTap, TimelineTap, formatChunk, itemJson, itemLines, watchDevice } from '../pty-serve.js';
import { MONITOR_OPTIONS, type MonitorArgs } from './monitor.js';
import { reportSettings, singleReport } from '../report-options.js';
import { ReportOutputs } from '../report-out.js';
import { SummaryBuilder } from '../../dialects/ecmt/summary.js';
import type { TimelineItem } from '../../at/types.js';

type EndReason = { why: 'interrupted' } | { why: 'duration' } | { why: 'port-lost'; error: Error | undefined };

export async function runMonitor(args: MonitorArgs): Promise<number> {
  const s = modemSettings(args, MONITOR_OPTIONS);
  const out = new Out({ json: s.json, lang: s.lang, color: wantColor(s.color) });
  if (s.baud === 'auto') throw new CatError('ERR_INVALID_OPTION', '--baud auto probes with AT, but monitor never writes to the port: give the rate (e.g. --baud 115200)', { zh: '--baud auto 要发 AT 来探测，而 monitor 从不向串口写入：请直接给出波特率（例如 --baud 115200）' });
  const duration = args.duration;
  if (duration !== undefined && !(Number.isFinite(duration) && duration > 0)) throw new CatError('ERR_INVALID_OPTION', `--duration must be a number of seconds > 0 (got ${String(duration)})`, { zh: `--duration 必须是大于 0 的秒数（给的是 ${String(duration)}）` });
  const withHex = args.hex === true;
  const reportTo = reportSettings(s.all);

  const outs = ReportOutputs.fromArgs(args, { verb: 'monitor', lang: s.lang, logSecrets: s.logSecrets, secrets: s.secrets });
  const kept: TimelineItem[] = [];
  const summary = new SummaryBuilder();
  const m = await openModem(s, {
    verb: 'monitor',
    probe: false,
    capture: outs.wanted,
    // --json: the gap is an event of the stream too (the human form has the note on stderr)
    onFollow: (e) => {
      if (!out.json || e.type !== 'back') return;
      out.obj({ type: 'gap', port: e.path, from: new Date(e.from).toISOString(), to: new Date(e.to).toISOString(), downMs: e.downMs, note: 'the device was gone: bytes the module sent meanwhile may have been lost' });
      void out.flush();
    },
  });
  // passive: the engine never sends anything here; the tap classifies instead, taking AT lines
  // the module echoes as commands someone else typed
  m.engine.dispose();
  // --report-to: each decoded line is an event of the module (under the port's name: monitor never asks the IMEI)
  const report = singleReport(reportTo, s.port, s.json);
  report?.name((s.port ?? '?').replace(/^.*[/\\]/, ''));
  report?.send('status', { state: 'monitoring' });
  const start = Date.now();
  const tap = new TimelineTap(
    (item) => {
      report?.send('event', itemJson(item, out));
      if (outs.wanted) {
        kept.push(item);
        summary.add(item);
      }
      if (out.json) out.obj(itemJson(item, out));
      else for (const l of itemLines(item, out, true, Date.now(), { passive: true })) out.line(l);
      void out.flush(); // items can also come from a quiet timer (the end of a raw payload)
    },
    { grammar: defaultGrammar(), mask: !s.logSecrets, secrets: m.secrets, echoStartsCommand: true },
  );
  const chunks = withHex
    ? new ChunkTap(
        (c) => {
          if (out.json) out.obj({ type: 'chunk', dir: c.dir, t: Math.round(c.t * 1000) / 1000, time: new Date(c.time).toISOString(), length: c.bytes.length, hex: c.bytes.toString('hex') });
          else for (const l of formatChunk(c, out, true)) out.line(l);
          void out.flush();
        },
        { mask: !s.logSecrets, secrets: m.secrets },
      )
    : null;

  let finish: (r: EndReason) => void = () => undefined;
  const ended = new Promise<EndReason>((resolve) => (finish = resolve));
  const onData = (chunk: Buffer): void => {
    chunks?.push('rx', chunk, tap.elapsed());
    tap.rx(chunk);
  };
  const onClose = (error: Error | undefined): void => finish({ why: 'port-lost', error });
  const onError = (error: Error): void => note(`cat1: ${m.port.description}: ${oneLine(error)}`);
  m.port.on('data', onData);
  m.port.on('close', onClose);
  m.port.on('error', onError);
  const stop = onStopSignal();
  void stop.signal.then(() => finish({ why: 'interrupted' }));
  // SerialModemPort notices a vanished device by itself; with --follow it waits for it instead
  const unwatch = s.follow ? () => undefined : watchDevice(m.port.description, () => finish({ why: 'port-lost', error: new CatError('ERR_PORT_CLOSED', `${m.port.description} went away (the device is gone)`) }));
  const timer = duration !== undefined ? setTimeout(() => finish({ why: 'duration' }), duration * 1000) : null;

  if (out.json) out.obj({ type: 'start', time: new Date(start).toISOString(), port: m.port.description, baud: m.baud, record: s.record });
  else {
    note(out.t(text(`cat1: monitoring ${m.port.description} at ${m.baud} baud (passive, nothing is sent); Ctrl-C to stop`, `cat1: 正在监听 ${m.port.description}，${m.baud} 波特（只听不发）；Ctrl-C 停止`)));
    // said once here rather than on every OK: the host's commands are not on this line
    note(out.t(text('cat1: the host\'s commands are not visible to a monitor (unless the module echoes them): OK and ERROR lines are shown without the command they answer', 'cat1: 监听看不到主机发出的命令（除非模组回显）：OK 和 ERROR 行显示时不带它们应答的命令')));
    out.line(out.p.dim(out.t(text('wall clock       since  dir  line, meaning', '时钟           相对秒  方向 行、含义'))));
  }
  await out.flush();

  const end = await ended;
  stop.cancel();
  unwatch();
  if (timer) clearTimeout(timer);
  m.port.off('data', onData);
  m.port.off('close', onClose);
  m.port.off('error', onError);
  chunks?.flush();
  tap.end();
  await m.close(); // flushes the transcript
  if (report) {
    report.send('status', { state: 'ended', reason: end.why });
    await report.close(s.json);
  }
  const t = Math.round(tap.elapsed() * 1000) / 1000;
  let code: number = EXIT.OK;
  // the page from the timeline the screen showed (masked the same way), the bundle with the transcript
  const written = await outs.write({ items: kept, entries: m.capture?.entries ?? [], header: m.capture?.header ?? null, json: { type: 'summary', ...summary.summary, firstFailure: summary.summary.firstFailure ? { ...summary.summary.firstFailure, why: out.t(summary.summary.firstFailure.why) } : null, end: end.why }, ...(s.port ? { port: s.port } : {}), baud: m.baud, interrupted: end.why === 'interrupted' });
  if (end.why === 'port-lost') {
    code = EXIT.UNREACHABLE;
    const why = end.error ? oneLine(end.error) : `${m.port.description} closed`;
    if (out.json) out.obj({ type: 'end', reason: 'port-lost', time: new Date().toISOString(), t, error: why });
    await out.flush();
    note(`cat1: ${why}`);
    return Math.max(code, written);
  }
  if (out.json) out.obj({ type: 'end', reason: end.why, time: new Date().toISOString(), t });
  await out.flush();
  code = Math.max(code, written);
  if (!out.json) note(out.t(end.why === 'duration' ? text(`cat1: stopped after ${duration} s`, `cat1: ${duration} 秒后停止`) : text('cat1: stopped', 'cat1: 已停止')) + (s.record ? out.t(text(`; transcript saved to ${s.record}`, `；记录已保存到 ${s.record}`)) : ''));
  return code;
}

