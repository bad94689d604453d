/**
 * cat1 mirror as a subprocess: a UART tap (two pseudo-terminal pairs) on a session a scripted
 * "microcontroller" runs with the emulator, and the re-run of recorded transcripts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AtEngine } from '../../src/at/engine.js';
import { defaultGrammar } from '../../src/grammar.js';
import { TypedEmitter } from '../../src/util/emitter.js';
import type { ModemPort, ModemPortEvents } from '../../src/port/types.js';
import { SerialModemPort } from '../../src/port/serial.js';
import { openPtyPair, type PtyPair } from '../../src/port/pty.js';
import { startPtyEmulator, type PtyEmulator } from '../../src/emulator/pty.js';
import type { ModemEvent } from '../../src/urc/types.js';
import { cat1, startCat1, type RunningCat1 } from '../helpers/cli.js';
import { mosquittoMissing, startMosquitto, type RunningMosquitto } from '../helpers/mosquitto.js';
import { hasSocat } from '../helpers/pty.js';

/** The microcontroller's UART, tapped: what it writes and reads is copied to two taps. */
class TappedPort extends TypedEmitter<ModemPortEvents> implements ModemPort {
  constructor(
    readonly inner: ModemPort,
    readonly tapTx: ModemPort,
    readonly tapRx: ModemPort,
  ) {
    super();
    inner.on('data', (b) => {
      void tapRx.write(b);
      this.emit('data', b);
    });
    inner.on('close', (e) => this.emit('close', e));
  }
  get description(): string {
    return this.inner.description;
  }
  get isOpen(): boolean {
    return this.inner.isOpen;
  }
  async write(data: Uint8Array | string): Promise<void> {
    await this.tapTx.write(data);
    await this.inner.write(data);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

/** cat1 mirror on a tap, running; `ready` once both taps are open. */
function startMirror(args: string[]): RunningCat1 & { ready: Promise<RegExpExecArray>; stop(): void; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const r = startCat1(['mirror', ...args]);
  return {
    ...r,
    ready: r.waitFor(/tapping/, 'stderr'),
    stop: () => r.child.kill('SIGINT'),
    done: r.exited.then((code) => ({ code, stdout: r.io.stdout, stderr: r.io.stderr })),
  };
}

const missing = mosquittoMissing() ?? (hasSocat() ? null : 'socat is not installed (apt-get install socat)');
if (missing) console.warn(`skipping the cat1 mirror tap tests: ${missing}`);

describe.skipIf(missing !== null)('cat1 mirror on a UART tap (two pseudo-terminal pairs)', () => {
  let broker: RunningMosquitto;
  beforeAll(async () => {
    broker = await startMosquitto({ users: { 'mcu-user': 'mcu-pass' }, allowAnonymous: true, extra: ['allow_zero_length_clientid false'] });
  });
  afterAll(async () => {
    await broker?.stop();
  });

  async function rig(): Promise<{ emu: PtyEmulator; tx: PtyPair; rx: PtyPair; mcu: AtEngine; urcs: ModemEvent[]; close(): Promise<void> }> {
    const emu = await startPtyEmulator({ profile: 'ec616s' });
    const tx = await openPtyPair();
    const rx = await openPtyPair();
    const uart = await SerialModemPort.open({ path: emu.path });
    const mcu = new AtEngine(new TappedPort(uart, tx.port, rx.port), { grammar: defaultGrammar() });
    const urcs: ModemEvent[] = [];
    mcu.on('urc', (e) => urcs.push(e));
    return {
      emu,
      tx,
      rx,
      mcu,
      urcs,
      async close() {
        await uart.close();
        await emu.stop();
        await tx.stop();
        await rx.stop();
      },
    };
  }

  const urcOf = (r: { urcs: ModemEvent[]; mcu: AtEngine }, pred: (e: ModemEvent) => boolean): Promise<ModemEvent> =>
    new Promise((resolve, reject) => {
      const found = r.urcs.find(pred);
      if (found) return resolve(found);
      const t = setTimeout(() => reject(new Error('URC not seen within 10 s')), 10_000);
      const on = (e: ModemEvent): void => {
        if (!pred(e)) return;
        clearTimeout(t);
        r.mcu.off('urc', on);
        resolve(e);
      };
      r.mcu.on('urc', on);
    });

  it('flags the credential quirk at the connect step while the microcontroller\'s session carries on', async () => {
    const r = await rig();
    const m = startMirror(['--tap-tx', r.tx.path, '--tap-rx', r.rx.path, '--json']);
    try {
      await m.ready;
      expect((await r.mcu.send(`AT+ECMTOPEN=0,"127.0.0.1",${broker.port}`)).status).toBe('ok');
      await urcOf(r, (e) => e.type === 'ecmt-open');
      expect((await r.mcu.send('AT+ECMTCONN=0,"mcu-dev-1"')).status).toBe('ok'); // client ID alone: the quirk
      expect(await urcOf(r, (e) => e.type === 'ecmt-conn')).toMatchObject({ result: 0, retCode: 2 });
      // the firmware's session carries on: close, open again, connect with all three values
      expect((await r.mcu.send('AT+ECMTCLOSE=0')).status).toBe('ok');
      await urcOf(r, (e) => e.type === 'ecmt-close');
      r.urcs.length = 0;
      expect((await r.mcu.send(`AT+ECMTOPEN=0,"127.0.0.1",${broker.port}`)).status).toBe('ok');
      await urcOf(r, (e) => e.type === 'ecmt-open');
      expect((await r.mcu.send('AT+ECMTCONN=0,"mcu-dev-1","mcu-user","mcu-pass"')).status).toBe('ok');
      expect(await urcOf(r, (e) => e.type === 'ecmt-conn')).toMatchObject({ result: 0, retCode: 0 });
      expect((await r.mcu.send('AT+ECMTSUB=0,1,"mcu/in",1')).status).toBe('ok');
      await urcOf(r, (e) => e.type === 'ecmt-sub');
      expect((await r.mcu.send('AT+ECMTPUB=0,2,1,0,"mcu/out","temp=21"')).status).toBe('ok');
      await urcOf(r, (e) => e.type === 'ecmt-pub');
      await m.waitFor(/"type":"step","kind":"publish"/);
      m.stop();
      const res = await m.done;
      expect(res.code).toBe(1);
      const lines = res.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      const div = lines.filter((l) => l['type'] === 'divergence');
      expect(div[0]).toMatchObject({ kind: 'connect-refused-module-only', cause: { id: 'credential-quirk' } });
      expect(div.filter((d) => d['kind'] !== 'connect-refused-module-only')).toEqual([]);
      const report = lines.at(-1) as { type: string; steps: Array<{ step: string; same: boolean }> };
      expect(report.type).toBe('mirror-report');
      expect(report.steps.map((s) => [s.step, s.same])).toEqual([
        ['open', true],
        ['connect', false],
        ['close', true],
        ['open', true],
        ['connect', true],
        ['subscribe', true],
        ['publish', true],
      ]);
      expect(res.stdout).not.toContain('mcu-pass');
    } finally {
      m.stop();
      await r.close();
    }
  });

  it('the shadow never knocks the module\'s own session off the broker (derived client ID)', async () => {
    const r = await rig();
    const m = startMirror(['--tap-tx', r.tx.path, '--tap-rx', r.rx.path, '--json']);
    try {
      await m.ready;
      await r.mcu.send(`AT+ECMTOPEN=0,"127.0.0.1",${broker.port}`);
      await urcOf(r, (e) => e.type === 'ecmt-open');
      await r.mcu.send('AT+ECMTCONN=0,"keep-me","mcu-user","mcu-pass"');
      expect(await urcOf(r, (e) => e.type === 'ecmt-conn')).toMatchObject({ retCode: 0 });
      await r.mcu.send('AT+ECMTSUB=0,1,"keep/loop",1');
      await urcOf(r, (e) => e.type === 'ecmt-sub');
      // the module publishes to a topic it listens to, three times, while the shadow is connected
      for (let i = 1; i <= 3; i++) {
        await r.mcu.send(`AT+ECMTPUB=0,${i + 1},1,0,"keep/loop","n=${i}"`);
        await urcOf(r, (e) => e.type === 'ecmt-recv' && e.payload.toString() === `n=${i}`);
      }
      const state = await r.mcu.send('AT+ECMTCONN?');
      expect(state.lines).toMatchObject([{ type: 'ecmt-conn-state', state: 3 }]);
      expect(r.urcs.filter((e) => e.type === 'ecmt-stat')).toEqual([]);
      await m.waitFor(/"type":"step","kind":"publish","id":5/);
      // stop only once the mirror has read the module's three +ECMTRECV from the tap: bytes still
      // in the pseudo-terminal at Ctrl-C are not part of the session it reports on
      await m.waitFor(/(?:"type":"message","side":"module","topic":"keep\/loop","bytes":3[^\n]*\n[\s\S]*?){3}/);
      m.stop();
      const res = await m.done;
      const report = JSON.parse(res.stdout.trim().split('\n').at(-1)!) as { agree: boolean; identity: { shadowClientId: string }; divergences: unknown[] };
      expect(report.identity.shadowClientId).toBe('keep-me-mirror');
      expect(report.divergences).toEqual([]);
      expect(report.agree).toBe(true);
    } finally {
      m.stop();
      await r.close();
    }
  });
});

describe.skipIf(mosquittoMissing() !== null)('cat1 mirror --transcript', () => {
  let broker: RunningMosquitto;
  beforeAll(async () => {
    broker = await startMosquitto({ users: { 'fixture-user': 'fixture-pass' }, allowAnonymous: false });
  });
  afterAll(async () => {
    await broker?.stop();
  });

  it('re-runs an emulator recording with no divergence (exit 0), masked credentials supplied by flags', async () => {
    const r = await cat1(['mirror', '--transcript', 'hardware-fixtures/emulator-healthy-session.jsonl', '--broker', broker.url, '--username', 'fixture-user', '--json'], { env: { CAT1_PASSWORD: 'fixture-pass' } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { agree: boolean; divergences: unknown[] };
    expect(report).toMatchObject({ agree: true, divergences: [] });
  });

  it('shows message-missing-on-module for the messages the module lost (exit 1), in the human view too', async () => {
    const r = await cat1(['mirror', '--transcript', 'hardware-fixtures/emulator-lost-messages.jsonl', '--broker', broker.url, '--username', 'fixture-user'], { env: { CAT1_PASSWORD: 'fixture-pass' } });
    expect(r.code).toBe(1);
    expect(r.stdout.match(/‼ message-missing-on-module/g)).toHaveLength(2);
    expect(r.stdout).toContain('2 divergence(s)');
  });

  it('rejects a missing or double source with one line, exit 2', async () => {
    const a = await cat1(['mirror']);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/exactly one source/);
    const b = await cat1(['mirror', '--tap-tx', '/dev/null']);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/both --tap-tx and --tap-rx/);
  });
});
