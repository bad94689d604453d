import { accessSync, constants as fsConstants, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { AtEngine, type SendOptions } from '../at/engine.js';
import type { AtOutcome } from '../at/types.js';
import { SessionTidy, tidyCommand } from '../dialects/tidy.js';
import { defaultGrammar } from '../grammar.js';
import type { ModemPort } from '../port/types.js';
import { SerialModemPort } from '../port/serial.js';
import { FollowingPort, type FollowEvent } from '../port/follow.js';
import { RecordingPort } from '../port/recorder.js';
import { TranscriptWriter, MemorySink, makeHeader, type TranscriptSink } from '../recording/writer.js';
import { detectDialect, dialects, type Detection } from '../dialects/index.js';
import { grammarFor } from './dialect.js';
import { createRedactor, type Redactor } from '../redact/redact.js';
import { CatError } from '../util/errors.js';
import { classifyRx, RxSampler, type RxDiagnosis } from '../at/diagnosis.js';
import type { ModemSettings } from './options.js';
import { note, onStopSignal } from './io.js';
import { text, type Text } from '../util/i18n.js';

export const AUTO_BAUDS = [115200, 921600, 460800, 230400, 57600, 9600] as const;

export interface OpenedModem {
  engine: AtEngine;
  port: ModemPort;
  recorder: RecordingPort | null;
  /** the session kept in memory (masked like a --record transcript) when `capture` was asked (--html, --bundle) */
  capture: MemorySink | null;
  redactor: Redactor;
  /** the values the redactors mask wherever they show (the settings' and the caller's) */
  secrets: readonly string[];
  baud: number;
  /** the dialect the module speaks: --dialect, or detected from its identity (auto), with the observation it rests on */
  dialect: Detection;
  /** Flush the transcript and close the port (idempotent). */
  close(): Promise<void>;
}

export interface OpenModemOptions {
  /** send `AT` first and fail clearly when nothing answers (default true; false for passive verbs) */
  probe?: boolean;
  /** progress on stderr (default: !json) */
  progress?: boolean;
  /** recorded as the transcript's source */
  verb: string;
  /** secrets the caller knows (a password read from a file) to mask everywhere */
  secrets?: string[];
  /** --follow: the device went away or came back */
  onFollow?: (e: FollowEvent) => void;
  /** keep the session in memory as well, for --html and --bundle (default false) */
  capture?: boolean;
}

/** The USB serial number of the device at `path`, to find it again if it comes back under another name. */
async function followOptions(path: string): Promise<{ serialNumber?: string }> {
  try {
    const { realpathSync } = await import('node:fs');
    const real = realpathSync(path);
    const { listPorts } = await import('../port/list.js');
    const p = (await listPorts()).find((x) => x.path === path || x.realPath === real || x.byId.includes(path));
    return p?.serialNumber ? { serialNumber: p.serialNumber } : {};
  } catch {
    return {};
  }
}

function notAModem(path: string, baud: number | string, d: RxDiagnosis | null = null): CatError {
  if (d && d.kind !== 'silent' && d.kind !== 'at') {
    return new CatError('ERR_AT_TIMEOUT', `no answer to AT on ${path} at ${String(baud)} baud: ${d.summary.en}; ${d.hint?.en ?? ''}`.trim(), { context: { path, diagnosis: d.kind } });
  }
  return new CatError('ERR_AT_TIMEOUT', `no answer to AT on ${path} at ${String(baud)} baud: not the AT port? (USB modules expose several ports: try "cat1 ports --probe"; on a UART try --baud auto)`, { context: { path } });
}

/**
 * Refuse a --record path that cannot be written before anything is opened or created, so a
 * bad path never leaves a port open or a half file behind.
 */
export function checkRecordPath(path: string): void {
  let st: Stats | null = null;
  try {
    st = statSync(path);
  } catch {
    st = null;
  }
  if (st?.isDirectory()) throw new CatError('ERR_INPUT', `--record ${path}: is a directory, not a file`, { zh: `--record ${path}：这是一个目录，不是文件` });
  const dir = dirname(resolve(path));
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    accessSync(dir, fsConstants.W_OK);
    if (st) accessSync(path, fsConstants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CatError('ERR_INPUT', `--record ${path}: cannot write there (${code === 'ENOENT' ? `no directory ${dir}` : code ?? 'not a directory'})`);
  }
}

async function tryAt(engine: AtEngine, ms: number): Promise<boolean> {
  const o = await engine.send('AT', { timeoutMs: ms });
  return o.status === 'ok' || o.status === 'error';
}

/**
 * Open the module's serial port for a verb: the baud rate (or probe it), an optional `AT`
 * check, and the --record transcript (identity probed first, so the header says what the
 * module is and never calls the emulator hardware).
 */
export async function openModem(s: ModemSettings, o: OpenModemOptions): Promise<OpenedModem> {
  if (!s.port) throw new CatError('ERR_INVALID_OPTION', '--port is needed: the serial device of the module (run "cat1 ports" to list candidates)', { zh: '需要 --port：模组的串口设备（运行 "cat1 ports" 列出候选串口）' });
  if (s.record) checkRecordPath(s.record);
  const path = s.port;
  const progress = o.progress ?? !s.json;
  const grammar = grammarFor(s.dialect);
  let raw: SerialModemPort | FollowingPort;
  let baud: number;
  if (s.baud === 'auto') {
    let found: { port: SerialModemPort; baud: number } | null = null;
    for (const rate of AUTO_BAUDS) {
      if (progress) note(`cat1: trying ${rate} baud on ${path}…`);
      const p = await SerialModemPort.open({ path, baudRate: rate });
      const e = new AtEngine(p, { grammar, resyncCommand: null });
      // two tries: the first AT after a rate change often meets garbage
      const ok = (await tryAt(e, 400)) || (await tryAt(e, 400));
      e.dispose();
      if (ok) {
        found = { port: p, baud: rate };
        break;
      }
      await p.close();
    }
    if (!found) throw new CatError('ERR_AT_TIMEOUT', `no answer to AT on ${path} at any of ${AUTO_BAUDS.join(', ')} baud: not the AT port, or the module is off`, { zh: `${path} 在 ${AUTO_BAUDS.join('、')} 这几种波特率下都不应答 AT：不是 AT 口，或者模组没开机` });
    if (progress) note(`cat1: ${path} answered at ${found.baud} baud`);
    raw = found.port;
    baud = found.baud;
    if (s.follow) {
      await raw.close();
      raw = await FollowingPort.open({ path, baudRate: baud }, await followOptions(path));
    }
  } else {
    raw = s.follow ? await FollowingPort.open({ path, baudRate: s.baud }, await followOptions(path)) : await SerialModemPort.open({ path, baudRate: s.baud });
    baud = s.baud;
    if (o.probe !== false) {
      const sampler = new RxSampler(raw);
      const e = new AtEngine(raw, { grammar, resyncCommand: null, timeoutMs: Math.min(s.timeoutMs, 2000) });
      let ok = false;
      try {
        ok = (await tryAt(e, Math.min(s.timeoutMs, 2000))) || (await tryAt(e, Math.min(s.timeoutMs, 2000)));
      } finally {
        e.dispose();
        sampler.detach();
      }
      if (!ok) {
        await raw.close();
        throw notAModem(path, baud, classifyRx({ bytes: sampler.bytes, sample: sampler.sample, written: ['AT'] }));
      }
    }
  }
  const secrets = [...new Set([...s.secrets, ...(o.secrets ?? [])])];
  const redactor = createRedactor(undefined, secrets);
  let port: ModemPort = raw;
  let recorder: RecordingPort | null = null;
  let capture: MemorySink | null = null;
  // --dialect auto with more than one dialect registered: the module's identity (AT+CGMI/CGMM/CGMR) decides
  const askIdentity = o.probe !== false && (s.record !== null || o.capture === true || (s.dialect === 'auto' && dialects.length > 1));
  const identity = askIdentity ? await probeIdentity(raw, grammar, s.timeoutMs) : null;
  const dialect = detectDialect(s.dialect, { identity: identity ? [identity.module.manufacturer, identity.module.model, identity.module.firmware].filter(Boolean).join('\n') : null });
  if (dialect.by === 'identity' && progress) note(`cat1: the module answered "${dialect.evidence?.split('\n')[0] ?? ''}": ${dialect.dialect.title} dialect`);
  if (s.record || o.capture) {
    const header = makeHeader({
      kind: identity?.emulator ? 'emulator' : 'hardware',
      source: `cat1 ${o.verb} on ${path}${identity?.emulator ? ' (the module answered as the cat1-bridge emulator)' : identity ? '' : ' (module not identified: the header is completed if its identity shows in the traffic)'}`,
      timing: 'recorded',
      redacted: !s.logSecrets,
      port: { path, baudRate: baud },
      ...(identity ? { module: identity.module } : {}),
      dialect: dialect.dialect.name,
      dialectFrom: dialect.by,
    });
    let writer: TranscriptWriter | null = null;
    if (s.record) {
      try {
        writer = TranscriptWriter.create(s.record, header, { reserve: identity ? 0 : 200 });
      } catch (err) {
        await raw.close(); // an open port would keep the process alive after the error
        throw err;
      }
    }
    capture = o.capture ? new MemorySink(header) : null;
    const sinks = [writer, capture].filter((x): x is TranscriptWriter | MemorySink => x !== null);
    const sink: TranscriptSink = sinks.length === 1 ? sinks[0]! : { write: (e) => sinks.forEach((k) => k.write(e)), close: () => sinks.forEach((k) => k.close()) };
    recorder = new RecordingPort(raw, sink, s.logSecrets ? { redact: false } : { redactor });
    if (!identity) {
      // passive: nothing may be written to learn who the module is; watch what it says instead
      let tail = '';
      const watch = (chunk: Buffer): void => {
        tail = (tail + chunk.toString('latin1')).slice(-256);
        if (!/cat1-bridge emulator/.test(tail)) return;
        (raw as ModemPort).off('data', watch);
        const next = { ...header, kind: 'emulator' as const, source: `cat1 ${o.verb} on ${path} (the module identified itself as the cat1-bridge emulator)` };
        writer?.rewriteHeader(next);
        if (capture) Object.assign(capture.header, next);
      };
      (raw as ModemPort).on('data', watch);
    }
    port = recorder;
  }
  const engine = new AtEngine(port, { grammar, timeoutMs: s.timeoutMs });
  if (raw instanceof FollowingPort) {
    const rec = recorder;
    raw.on('follow', (e: FollowEvent) => {
      const msg = e.type === 'gone' ? `${e.path} went away (${e.reason}); waiting for it to come back (--follow)` : `${e.path} is back after ${(e.downMs / 1000).toFixed(1)} s; resuming`;
      note(`cat1: ${msg}`);
      rec?.note(e.type === 'gone' ? msg : gapNote(e));
      // a command in flight can never be answered now: it fails at once, not at its timeout
      if (e.type === 'gone') engine.portLost(e.reason);
      o.onFollow?.(e);
    });
  }
  let closed = false;
  return {
    engine,
    port,
    recorder,
    capture,
    redactor,
    secrets,
    baud,
    dialect,
    async close() {
      if (closed) return;
      closed = true;
      recorder?.flush();
      await port.close();
    },
  };
}

/** The transcript's note for a --follow gap: from when to when nothing could be recorded. */
export function gapNote(e: Extract<FollowEvent, { type: 'back' }>): string {
  return `gap: ${e.path} was gone from ${new Date(e.from).toISOString()} to ${new Date(e.to).toISOString()} (${(e.downMs / 1000).toFixed(3)} s); bytes the module sent meanwhile may have been lost; resuming`;
}

async function probeIdentity(port: ModemPort, grammar: ReturnType<typeof defaultGrammar>, timeoutMs: number): Promise<{ emulator: boolean; module: { manufacturer?: string; model?: string; firmware?: string } } | null> {
  const e = new AtEngine(port, { grammar, resyncCommand: null, timeoutMs: Math.min(timeoutMs, 2000) });
  const first = async (cmd: string): Promise<string | undefined> => {
    const r = await e.send(cmd);
    if (r.status !== 'ok') return undefined;
    const l = r.lines[0];
    if (!l) return undefined;
    return l.type === 'info' ? l.text.trim() : l.raw.trim();
  };
  try {
    const manufacturer = await first('AT+CGMI');
    const model = await first('AT+CGMM');
    const firmware = await first('AT+CGMR');
    const module: { manufacturer?: string; model?: string; firmware?: string } = {};
    if (manufacturer) module.manufacturer = manufacturer;
    if (model) module.model = model;
    if (firmware) module.firmware = firmware;
    const emulator = /emulat/i.test(`${manufacturer ?? ''} ${firmware ?? ''}`);
    return { emulator, module };
  } finally {
    e.dispose();
  }
}

export interface WithModemOptions {
  /**
   * Leave the module as it was found: called once, when `fn` ends for any reason or on Ctrl-C
   * (SIGINT/SIGTERM), before the port closes. `send` is the engine's reserved sender: nothing
   * else reaches the module any more.
   */
  tidy?: (how: { send: (command: string, opts?: SendOptions) => Promise<AtOutcome>; interrupted: boolean }) => Promise<void>;
  /** on Ctrl-C, after the module is tidied and the port closed, before the process exits (--html, --bundle) */
  onInterrupt?: () => Promise<unknown>;
}

/**
 * Run `fn`; whatever ends it (a result, an error, Ctrl-C) the module is tidied (o.tidy) and
 * the transcript flushed and the port closed. On Ctrl-C the process then exits with 130.
 */
export async function withModem<T>(m: OpenedModem, fn: () => Promise<T>, o: WithModemOptions = {}): Promise<T> {
  let tidied: Promise<void> | null = null;
  const tidy = (interrupted: boolean): Promise<void> => {
    const t = o.tidy;
    tidied ??= t ? t({ send: m.engine.reserve(interrupted ? 'interrupted (Ctrl-C)' : 'the run is over'), interrupted }).catch(() => undefined) : Promise.resolve();
    return tidied;
  };
  const stop = onStopSignal();
  void stop.signal.then(async () => {
    await tidy(true);
    await m.close().catch(() => undefined);
    await o.onInterrupt?.().catch(() => undefined);
    process.exit(130);
  });
  try {
    return await fn();
  } finally {
    // the signal handlers stay until the module is tidy: a Ctrl-C now still ends cleanly
    await tidy(false);
    stop.cancel();
    await m.close();
  }
}

/**
 * The `tidy` of a verb that runs a module's MQTT session (compare, diagnose): undo what the run
 * opened on the module with its dialect's commands (ECMT: AT+ECMTDISC / AT+ECMTCLOSE; QMT:
 * AT+QMTDISC / AT+QMTCLOSE; see SessionTidy), saying so on stderr and in the --record transcript.
 */
export function moduleTidy(m: OpenedModem, quiet: boolean): { tidy: NonNullable<WithModemOptions['tidy']>; actions: Array<{ what: Text; ok: boolean }> } {
  const debt = new SessionTidy(m.engine, m.dialect.dialect);
  /** what the tidy did, for the report (printed after it) */
  const actions: Array<{ what: Text; ok: boolean }> = [];
  return {
    actions,
    async tidy({ send, interrupted }) {
      const owed = debt.owed;
      const first = debt.firstCommand;
      if (owed === 'none' || first === null) {
        debt.detach();
        return;
      }
      // what to send by hand when the tidy fails: the disconnect (it frees the link too)
      const byHand = tidyCommand(debt.dialect, 'disconnect', debt.client) ?? first;
      const what = owed === 'disc' ? "the module's MQTT connection" : "the module's MQTT link";
      const msg = `${interrupted ? 'interrupted' : 'the run stopped'} with ${what} still up: ${first} to leave the module as it was found`;
      if (!quiet) note(`cat1: ${msg}…`);
      m.recorder?.note(`cat1: ${msg}`);
      const steps = await debt.tidy({ send, urcWaitMs: 3000, timeoutMs: 5000 });
      const last = steps[steps.length - 1];
      const sent = last && last.error === null && last.outcome?.status === 'ok';
      // the module closed the client itself meanwhile (its link-loss URC, a dialect that does not reconnect): nothing left to undo
      const closedBy = sent ? null : debt.closedBy;
      const done = sent || closedBy !== null;
      const result = sent
        ? `${last.command}: OK${last.urc ? `, ${last.urc.raw.trim()}` : ' (no confirming URC within 3 s)'}`
        : closedBy
          ? `${closedBy.raw.trim()}: the module closed the client itself, nothing left to undo`
          : `could not tidy the module (${last?.error?.message ?? last?.outcome?.status ?? 'nothing sent'}): send ${byHand} by hand or reset it`;
      if (!quiet || !done) note(`cat1: ${result}`);
      m.recorder?.note(`cat1: ${result}`);
      const whatZh = owed === 'disc' ? '本次运行建立的模组 MQTT 连接' : '本次运行打开的模组 MQTT 链路';
      const resultZh = sent
        ? `${last.command}：OK${last.urc ? `，${last.urc.raw.trim()}` : '（3 秒内没有确认的 URC）'}`
        : closedBy
          ? `${closedBy.raw.trim()}：模组已自行关闭该客户端，无需恢复`
          : `无法恢复模组（${last?.error?.message ?? last?.outcome?.status ?? '未发送'}）：请手动发送 ${byHand} 或复位模组`;
      actions.push({ what: text(`${what} this run opened was still up: ${result}`, `${whatZh}仍在：${resultZh}`), ok: done === true });
      debt.detach();
    },
  };
}
