import { AtEngine } from '../at/engine.js';
import { defaultGrammar } from '../grammar.js';
import type { ModemPort } from '../port/types.js';
import { SerialModemPort } from '../port/serial.js';
import { RecordingPort } from '../port/recorder.js';
import { TranscriptWriter, makeHeader } from '../transcript/writer.js';
import { createRedactor, type Redactor } from '../transcript/redact.js';
import { CatError } from '../util/errors.js';
import type { ModemSettings } from './options.js';
import { note } from './io.js';

export const AUTO_BAUDS = [115200, 921600, 460800, 230400, 57600, 9600] as const;

export interface OpenedModem {
  engine: AtEngine;
  port: ModemPort;
  recorder: RecordingPort | null;
  redactor: Redactor;
  baud: number;
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
}

function notAModem(path: string, baud: number | string): CatError {
  return new CatError('ERR_AT_TIMEOUT', `no answer to AT on ${path} at ${String(baud)} baud: not the AT port? (USB modules expose several ports: try "cat1 ports --probe"; on a UART try --baud auto)`, { context: { path } });
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
  if (!s.port) throw new CatError('ERR_INVALID_OPTION', '--port is needed: the serial device of the module (run "cat1 ports" to list candidates)');
  const path = s.port;
  const progress = o.progress ?? !s.json;
  const grammar = defaultGrammar();
  let raw: SerialModemPort;
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
    if (!found) throw new CatError('ERR_AT_TIMEOUT', `no answer to AT on ${path} at any of ${AUTO_BAUDS.join(', ')} baud: not the AT port, or the module is off`);
    if (progress) note(`cat1: ${path} answered at ${found.baud} baud`);
    raw = found.port;
    baud = found.baud;
  } else {
    raw = await SerialModemPort.open({ path, baudRate: s.baud });
    baud = s.baud;
    if (o.probe !== false) {
      const e = new AtEngine(raw, { grammar, resyncCommand: null, timeoutMs: Math.min(s.timeoutMs, 2000) });
      const ok = (await tryAt(e, Math.min(s.timeoutMs, 2000))) || (await tryAt(e, Math.min(s.timeoutMs, 2000)));
      e.dispose();
      if (!ok) {
        await raw.close();
        throw notAModem(path, baud);
      }
    }
  }
  const redactor = createRedactor();
  for (const secret of o.secrets ?? []) redactor.addSecret(secret);
  let port: ModemPort = raw;
  let recorder: RecordingPort | null = null;
  if (s.record) {
    const identity = o.probe === false ? null : await probeIdentity(raw, grammar, s.timeoutMs);
    const writer = TranscriptWriter.create(
      s.record,
      makeHeader({
        kind: identity?.emulator ? 'emulator' : 'hardware',
        source: `cat1 ${o.verb} on ${path}${identity?.emulator ? ' (the module answered as the cat1-bridge emulator)' : ''}`,
        timing: 'recorded',
        redacted: !s.logSecrets,
        port: { path, baudRate: baud },
        ...(identity ? { module: identity.module } : {}),
      }),
    );
    recorder = new RecordingPort(raw, writer, s.logSecrets ? { redact: false } : { redactor });
    port = recorder;
  }
  const engine = new AtEngine(port, { grammar, timeoutMs: s.timeoutMs });
  let closed = false;
  return {
    engine,
    port,
    recorder,
    redactor,
    baud,
    async close() {
      if (closed) return;
      closed = true;
      recorder?.flush();
      await port.close();
    },
  };
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

/** Run `fn`, and on Ctrl-C (SIGINT/SIGTERM) flush the transcript and close the port cleanly. */
export async function withModem<T>(m: OpenedModem, fn: () => Promise<T>): Promise<T> {
  const stop = (): void => {
    void m.close().finally(() => process.exit(130));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    return await fn();
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await m.close();
  }
}
