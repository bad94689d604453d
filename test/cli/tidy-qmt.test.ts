/**
 * The close-on-exit tidy for a Quectel QMT module: `cat1 compare` and `cat1 diagnose` that stop
 * (the broker killed mid-run, Ctrl-C) leave the module as they found it with the QMT commands —
 * AT+QMTDISC=<idx> answered by `+QMTDISC: <idx>,<result>` (shared/protocol/qmt.md, command
 * table) — never an ECMT command. The QMT emulator (EC800N) on a real pseudo-terminal, a real
 * mosquitto, the built CLI in a subprocess.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PtyEmulator, PtyEmulatorOptions } from '../../src/emulator/pty.js';
import { recordingLines, withBrokerAndPty } from '../helpers/emulator-rig.js';
import { cat1, startCat1 } from '../helpers/cli.js';
import { mosquittoMissing, type RunningMosquitto } from '../helpers/mosquitto.js';
import { hasSocat } from '../helpers/pty.js';

const PASSWORD = 'Qt1dy-pw-7';
const missing = mosquittoMissing() ?? (hasSocat() ? null : 'socat is not installed (apt-get install socat)');
if (missing) console.warn(`skipping the QMT tidy tests: ${missing}`);

const recording = recordingLines;

const mqttTx = (r: ReturnType<typeof recording>): string[] => r.filter((x) => x.dir === 'tx' && /^AT\+(QMT|ECMT)/.test(x.text)).map((x) => x.text);

describe.skipIf(missing !== null)('cat1 compare / diagnose leave a QMT module as they found it', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cat1-tidy-qmt-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const withRig = <T>(emu: PtyEmulatorOptions, fn: (pty: PtyEmulator, broker: RunningMosquitto) => Promise<T>): Promise<T> =>
    withBrokerAndPty({ users: { 'tidy-user': PASSWORD } }, { dialect: 'qmt', model: 'EC800N', ...emu }, fn);

  it("the broker killed mid-run: compare ends, and the connection it made is ended by AT+QMTDISC=0 or was closed by the module's own +QMTSTAT", async () => {
    const file = join(dir, 'broker-killed.jsonl');
    await withRig({}, async (pty, broker) => {
      pty.emulator.on('mqtt', (dirn, packet) => {
        if (dirn === 'in' && packet.cmd === 'connack') broker.kill();
      });
      const r = await cat1(['compare', '--dialect', 'qmt', '--port', pty.path, '--broker', broker.url, '--client-id', 'qtidy-1', '--username', 'tidy-user', '--record', file], { env: { CAT1_PASSWORD: PASSWORD } });
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect([1, 3]).toContain(r.code);
      const rec = recording(file);
      const sent = mqttTx(rec);
      expect(sent).toContain('AT+QMTOPEN=0,"127.0.0.1",' + String(broker.port));
      expect(sent.some((c) => c.startsWith('AT+QMTCONN=0,'))).toBe(true);
      expect(sent.some((c) => /ECMT/.test(c))).toBe(false);
      // the broker is gone, and when the module hears of it is a race: before the run ends
      // (+QMTSTAT closes the client, qmt.md §1: nothing is owed, nothing sent), during the tidy
      // (the module then refuses the command in flight: the note names the +QMTSTAT), or not yet
      // (AT+QMTDISC=0 ends the connection, confirmed by +QMTDISC: 0,<result>). Never a failed tidy.
      const notes = rec.filter((x) => x.dir === 'note').map((x) => x.text).join('\n');
      expect(notes).not.toMatch(/could not tidy/);
      if (sent.includes('AT+QMTDISC=0')) {
        expect(notes).toMatch(/still up: AT\+QMTDISC=0/);
        expect(notes).toMatch(/AT\+QMTDISC=0: OK, \+QMTDISC: 0,|\+QMTSTAT: 0,\d+: the module closed the client itself, nothing left to undo/);
      } else {
        expect(rec.some((x) => x.dir === 'rx' && /^\+QMTSTAT: 0,\d+$/.test(x.text))).toBe(true);
        expect(sent.some((c) => /^AT\+QMT(DISC|CLOSE)=/.test(c))).toBe(false);
      }
      expect(readFileSync(file, 'utf8')).not.toContain(PASSWORD);
    });
  });

  it('Ctrl-C (SIGINT) while diagnose waits for the CONNACK: AT+QMTDISC=0, refused while connecting, then AT+QMTCLOSE=0 confirmed by +QMTCLOSE, exit 130', async () => {
    const file = join(dir, 'sigint.jsonl');
    // the module never hears the CONNACK: the host waits for +QMTCONN — the run is in flight. A
    // client still connecting refuses AT+QMTDISC (qmt.md §1: a command in the wrong state is
    // refused with ERROR; the emulator models it): the tidy falls back to AT+QMTCLOSE.
    await withRig({ faults: { brokerSilence: ['connack'] } }, async (pty, broker) => {
      const seen: string[] = [];
      pty.emulator.on('command', (c) => seen.push(c.line));
      const connectSent = new Promise<void>((resolve) => pty.emulator.on('mqtt', (d, p) => d === 'out' && p.cmd === 'connect' && resolve()));
      const run = startCat1(['diagnose', '--dialect', 'qmt', '--port', pty.path, '--broker', broker.url, '--client-id', 'qtidy-2', '--username', 'tidy-user', '--record', file], { CAT1_PASSWORD: PASSWORD });
      try {
        await connectSent;
        await run.waitFor(/AT\+QMTCONN/, 'stderr');
        run.child.kill('SIGINT');
        expect(await run.exited).toBe(130);
      } finally {
        run.child.kill('SIGKILL');
      }
      expect(run.io.stderr).toMatch(/cat1: interrupted with the module's MQTT connection still up: AT\+QMTDISC=0/);
      expect(run.io.stderr).toMatch(/cat1: AT\+QMTCLOSE=0: OK, \+QMTCLOSE: 0,0/);
      expect(run.io.stderr).not.toMatch(/ECMT/);
      const sent = mqttTx(recording(file));
      expect(sent.filter((c) => /^AT\+QMT(OPEN|CONN|DISC|CLOSE)=/.test(c)).map((c) => c.replace(/=.*/, ''))).toEqual(['AT+QMTOPEN', 'AT+QMTCONN', 'AT+QMTDISC', 'AT+QMTCLOSE']);
      expect(seen.filter((l) => /^AT\+QMT(DISC|CLOSE)/.test(l))).toEqual(['AT+QMTDISC=0', 'AT+QMTCLOSE=0']);
      // the client is free again: the module lists no open client
      expect(pty.emulator.state).toBe('none');
    });
  });
});
