/**
 * What stays open after a fault: `cat1 compare` and `cat1 diagnose` that stop for any reason
 * (the broker killed mid-run, Ctrl-C) leave the module as they found it — AT+ECMTDISC /
 * AT+ECMTCLOSE for what they opened, in the --record transcript — and a value that cannot be
 * sent is refused before anything runs on either side. The emulator on a real pseudo-terminal,
 * a real mosquitto, the built CLI in a subprocess.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PtyEmulator, PtyEmulatorOptions } from '../../src/emulator/pty.js';
import { recordingLines, withBrokerAndPty } from '../helpers/emulator-rig.js';
import { cat1, startCat1 } from '../helpers/cli.js';
import { mosquittoMissing, type RunningMosquitto } from '../helpers/mosquitto.js';
import { hasSocat } from '../helpers/pty.js';

const PASSWORD = 'T1dy-pw-42';
const missing = mosquittoMissing() ?? (hasSocat() ? null : 'socat is not installed (apt-get install socat)');
if (missing) console.warn(`skipping the tidy-after-a-fault tests: ${missing}`);

const recording = recordingLines;

const ecmtTx = (r: ReturnType<typeof recording>): string[] => r.filter((x) => x.dir === 'tx' && /^AT\+ECMT/.test(x.text)).map((x) => x.text);

describe.skipIf(missing !== null)('cat1 compare / diagnose leave the module as they found it', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cat1-tidy-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const withRig = <T>(emu: PtyEmulatorOptions, fn: (pty: PtyEmulator, broker: RunningMosquitto) => Promise<T>): Promise<T> =>
    withBrokerAndPty({ users: { 'tidy-user': PASSWORD } }, { profile: 'ec616s', reconnectDelayMs: 50, ...emu }, fn);

  it('the broker killed mid-run: compare ends, and the recording shows AT+ECMTDISC for the connection it made', async () => {
    const file = join(dir, 'broker-killed.jsonl');
    await withRig({}, async (pty, broker) => {
      // the broker dies the moment it accepts the module's CONNECT: the module is connected, the
      // host's traffic client that comes next finds nobody (the run's own fault, mid-way)
      pty.emulator.on('mqtt', (dirn, packet) => {
        if (dirn === 'in' && packet.cmd === 'connack') broker.kill();
      });
      const r = await cat1(['compare', '--port', pty.path, '--broker', broker.url, '--client-id', 'tidy-1', '--username', 'tidy-user', '--record', file], { env: { CAT1_PASSWORD: PASSWORD } });
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect([1, 3]).toContain(r.code);
      const rec = recording(file);
      const sent = ecmtTx(rec);
      expect(sent).toContain('AT+ECMTOPEN=0,"127.0.0.1",' + String(broker.port));
      expect(sent.some((c) => c.startsWith('AT+ECMTCONN=0,'))).toBe(true);
      // the last ECMT command of the run undoes the connection, and the module confirmed it
      expect(sent[sent.length - 1]).toBe('AT+ECMTDISC=0');
      const disc = rec.findIndex((x) => x.dir === 'tx' && x.text === 'AT+ECMTDISC=0');
      expect(rec.slice(disc).some((x) => x.dir === 'rx' && /^\+ECMTDISC: 0,/.test(x.text))).toBe(true);
      expect(rec.some((x) => x.dir === 'note' && /still up: AT\+ECMTDISC=0/.test(x.text))).toBe(true);
      expect(readFileSync(file, 'utf8')).not.toContain(PASSWORD);
    });
  });

  it.each([
    ['compare', 'a password with a double quote', ['--client-id', 'tidy-2'], 'pa"ss-word', /password contains a double quote/],
    ['diagnose', 'a password with a double quote', ['--client-id', 'tidy-3'], 'pa"ss-word', /password contains a double quote/],
    ['compare', 'a client ID with a double quote', ['--client-id', 'ab"cd'], PASSWORD, /client ID contains a double quote/],
    ['diagnose', 'a password over the firmware limit', ['--client-id', 'tidy-4'], 'p'.repeat(129), /password is 129 bytes; firmware profile ec616s accepts at most 128/],
  ])('cat1 %s with %s: exit 2 with one line, before any AT command or direct connection', async (verb, _what, more, password, re) => {
    const file = join(dir, `refused-${verb}-${String(more[1])}.jsonl`);
    await withRig({}, async (pty, broker) => {
      const seen: string[] = [];
      pty.emulator.on('command', (c) => seen.push(c.line));
      const before = (broker.log().match(/New connection/g) ?? []).length;
      const r = await cat1([verb, '--port', pty.path, '--broker', broker.url, ...more, '--username', 'tidy-user', '--record', file], { env: { CAT1_PASSWORD: password } });
      expect(r.code).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(re);
      expect(lines[0]).toMatch(/^cat1: nothing was sent: /);
      expect(r.stdout + r.stderr).not.toContain(password);
      // nothing reached the module (not even AT), no transcript was started, the broker saw nobody
      expect(seen).toEqual([]);
      expect(existsSync(file)).toBe(false);
      expect((broker.log().match(/New connection/g) ?? []).length).toBe(before);
    });
  });

  it('Ctrl-C (SIGINT) while diagnose waits for the CONNACK: AT+ECMTDISC in the recording, exit 130', async () => {
    const file = join(dir, 'sigint.jsonl');
    // the module never hears the CONNACK: the host waits for +ECMTCONN (30 s) — the run is in flight
    await withRig({ faults: { brokerSilence: ['connack'] } }, async (pty, broker) => {
      const seen: string[] = [];
      pty.emulator.on('command', (c) => seen.push(c.line));
      const connectSent = new Promise<void>((resolve) => pty.emulator.on('mqtt', (d, p) => d === 'out' && p.cmd === 'connect' && resolve()));
      const run = startCat1(['diagnose', '--port', pty.path, '--broker', broker.url, '--client-id', 'tidy-5', '--username', 'tidy-user', '--record', file], { CAT1_PASSWORD: PASSWORD });
      try {
        await connectSent;
        await run.waitFor(/connecting \(AT\+ECMTCONN\)/, 'stderr');
        run.child.kill('SIGINT');
        expect(await run.exited).toBe(130);
      } finally {
        run.child.kill('SIGKILL');
      }
      expect(run.io.stderr).toMatch(/cat1: interrupted with the module's MQTT connection still up: AT\+ECMTDISC=0/);
      expect(run.io.stderr).toMatch(/cat1: AT\+ECMTDISC=0: OK, \+ECMTDISC: 0,0/);
      const sent = ecmtTx(recording(file));
      expect(sent.filter((c) => /^AT\+ECMT(OPEN|CONN|DISC|CLOSE)=/.test(c)).map((c) => c.replace(/=.*/, ''))).toEqual(['AT+ECMTOPEN', 'AT+ECMTCONN', 'AT+ECMTDISC']);
      expect(seen.filter((l) => /^AT\+ECMTDISC/.test(l))).toEqual(['AT+ECMTDISC=0']);
      expect(pty.emulator.state).toBe('none');
    });
  });
});
