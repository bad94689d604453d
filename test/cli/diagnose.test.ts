/**
 * `cat1 diagnose` as users run it (the built CLI in a subprocess) against the emulator on a
 * pseudo-terminal (socat) in this process, with the embedded broker.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PtyEmulator } from '../../src/emulator/pty.js';
import { withPty } from '../helpers/emulator-rig.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/mirror/broker.js';
import { cat1 } from '../helpers/cli.js';
import { hasSocat } from '../helpers/pty.js';

const PASSWORD = 's3cret-Pw-99';
const STAGE_IDS = ['link', 'identity', 'sim', 'signal', 'registration', 'pdp', 'dns', 'ping', 'mqtt', 'compare'];

const reason = hasSocat() ? null : 'socat is not installed (apt-get install socat)';
if (reason) console.warn(`[test/cli/diagnose.test.ts: the pseudo-terminal tests are skipped] ${reason}`);


describe.skipIf(reason !== null)('cat1 diagnose against the emulator on a pseudo-terminal', () => {
  let broker: EmbeddedBroker;
  let dir: string;
  let pw: string;
  const args = (pty: PtyEmulator, ...more: string[]): string[] => ['diagnose', '-p', pty.path, '--broker', `mqtt://localhost:${broker.port}`, '--client-id', 'dev-cli', '--username', 'dev', '--password-file', pw, ...more];

  beforeAll(async () => {
    broker = await startEmbeddedBroker({ users: { dev: PASSWORD } });
    dir = mkdtempSync(join(tmpdir(), 'cat1-diagnose-'));
    pw = join(dir, 'pw.txt');
    writeFileSync(pw, `${PASSWORD}\n`);
  });
  afterAll(async () => {
    await broker?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('healthy: every stage passes, the comparison agrees, exit 0; progress on stderr, the password nowhere', async () => {
    const r = await withPty({}, (pty) => cat1(args(pty)));
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^Diagnosis of .+ → mqtt:\/\/localhost:\d+ \(dialect from the module's answers; profile ec616s if Eigencomm ECMT\)$/);
    expect(lines.filter((l) => /^\s*\d+\/10 (PASS|WARN|FAIL|SKIP) {2}/.test(l)).map((l) => l.trim().slice(0, 10))).toEqual([
      '1/10 PASS ',
      '2/10 PASS ',
      '3/10 PASS ',
      '4/10 PASS ',
      '5/10 PASS ',
      '6/10 PASS ',
      '7/10 PASS ',
      '8/10 SKIP ',
      '9/10 PASS ',
      '10/10 PASS',
    ]);
    expect(r.stdout).toContain('AT+CPIN? → +CPIN: READY');
    expect(r.stdout).toMatch(/Verdict: the two sides agree/);
    expect(r.stdout).toMatch(/\nResult: PASS — 9 passed, 0 with warnings, 0 failed, 1 skipped/);
    expect(r.stderr).toMatch(/^cat1: opening the MQTT link to localhost:\d+ \(AT\+ECMTOPEN\)…$/m);
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
  });

  it('--json: one object per stage as it completes, then the diagnosis; nothing else on stdout', async () => {
    const r = await withPty({ conditions: { ping: { rttMs: 5 } } }, (pty) => cat1(args(pty, '--json', '--ping')));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const objs = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(objs.map((o) => o['type'])).toEqual([...STAGE_IDS.map(() => 'stage'), 'diagnosis']);
    expect(objs.slice(0, -1).map((o) => [o['stage'], o['status']])).toEqual(STAGE_IDS.map((id) => [id, 'pass']));
    for (const o of objs.slice(0, -1)) {
      expect(Array.isArray(o['seen'])).toBe(true);
      expect(o).toHaveProperty('hint');
      expect(typeof o['data']).toBe('object');
    }
    expect((objs[9]!['data'] as { report: { type: string; agree: boolean } }).report).toMatchObject({ type: 'compare-report', agree: true });
    expect(objs.at(-1)).toMatchObject({ type: 'diagnosis', outcome: 'pass', failed: [], stoppedAt: null, notRun: [] });
    expect(r.stdout).not.toContain(PASSWORD);
  });

  it('no SIM: exit 1, the run stops at the SIM stage with its hint', async () => {
    const r = await withPty({ conditions: { sim: 'absent' } }, (pty) => cat1(args(pty)));
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/ 3\/10 FAIL {2}SIM: CME ERROR 10: SIM not inserted/);
    expect(r.stdout).toMatch(/next: SIM not inserted: power off, reseat the SIM, check the SIM detect pin/);
    expect(r.stdout).toMatch(/Result: FAIL — stopped at stage 3 \(SIM\)/);
    expect(r.stdout).toMatch(/not run: Signal, Network registration, .*Comparison with a direct connection/);
    expect(r.stdout).not.toMatch(/ 4\/10 /);
  });

  it('a port that is not a modem (the other side stays silent): one line, exit 3', async () => {
    const r = await withPty({}, async (pty) => {
      await pty.emulator.close(); // the pty stays open, nobody answers
      return cat1(['diagnose', '-p', pty.path, '--broker', 'mqtt://localhost:1883', '--timeout', '0.3']);
    });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^cat1: no answer to AT at all on .+ at 115200 baud: not the AT port\?/);
  });
});

describe('cat1 diagnose: usage', () => {
  it('without --broker: exit 2 before touching the port', async () => {
    const r = await cat1(['diagnose', '-p', '/nonexistent/tty']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--broker is needed/);
  });
});
