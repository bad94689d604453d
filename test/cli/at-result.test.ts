/**
 * `cat1 at` and the ECMT two-phase commands: the command answers OK at once, its outcome comes
 * later as a result URC. A result URC that reports a failure (shared/protocol/ecmt.md, "Result
 * URCs": OPEN/CLOSE/DISC result -1, CONN result ≠ 0 or CONNACK ≠ 0, SUB/UNS/PUB result ≠ 0,
 * SUB value 128 = SUBACK 0x80) makes the command a failed one: exit 1, `--json` status "failed"
 * with the decoded reason. The emulator on a real pseudo-terminal and a real mosquitto; the
 * SUBACK-0x80 and PUBLISH-not-sent shapes, which the emulated EC616S cannot print, come from a
 * scripted module on a pseudo-terminal.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPtyEmulator } from '../../src/emulator/pty.js';
import { openPtyPair } from '../../src/port/pty.js';
import { cat1 } from '../helpers/cli.js';
import { mosquittoMissing, startMosquitto, type RunningMosquitto } from '../helpers/mosquitto.js';
import { hasSocat } from '../helpers/pty.js';

const noSocat = hasSocat() ? null : 'socat is not installed (apt-get install socat)';
const missing = noSocat ?? mosquittoMissing();
if (missing) console.warn(`[test/cli/at-result.test.ts: skipped] ${missing}`);

const jsonLines = (s: string): Record<string, unknown>[] => s.trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);

/** A TCP port on 127.0.0.1 that nobody listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

const PASSWORD = 'Right-pw-77';
const WRONG = 'Wr0ng-pw-11';

describe.skipIf(missing !== null)('cat1 at: a result URC that reports a failure fails the command (emulator, mosquitto)', () => {
  let broker: RunningMosquitto;
  beforeAll(async () => {
    broker = await startMosquitto({ users: { 'at-user': PASSWORD } });
  });
  afterAll(async () => {
    await broker?.stop();
  });

  it('AT+ECMTOPEN to a closed port: +ECMTOPEN: 0,-1, exit 1, the reason in English', async () => {
    const pty = await startPtyEmulator();
    try {
      const port = await closedPort();
      const r = await cat1(['at', '--port', pty.path, `AT+ECMTOPEN=0,"127.0.0.1",${port}`]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout).toMatch(/\+ECMTOPEN: 0,-1/);
      expect(r.stdout).toMatch(/^ +\+ECMTOPEN failed: open failed: DNS lookup, TCP connect or TLS handshake failed/m);
    } finally {
      await pty.stop();
    }
  });

  it('--json: the outcome of AT+ECMTOPEN says status "failed", the URC and the decoded reason; --lang zh decodes it in Chinese', async () => {
    const pty = await startPtyEmulator();
    try {
      const port = await closedPort();
      const r = await cat1(['at', '--port', pty.path, '--json', '--lang', 'zh', `AT+ECMTOPEN=0,"127.0.0.1",${port}`]);
      expect(r.code, r.stderr).toBe(1);
      const objs = jsonLines(r.stdout);
      const outcome = objs.find((o) => o['type'] === 'outcome');
      expect(outcome).toMatchObject({ command: `AT+ECMTOPEN=0,"127.0.0.1",${port}`, status: 'failed', urc: '+ECMTOPEN: 0,-1', reason: expect.stringContaining('打开失败') });
      expect(objs.filter((o) => o['type'] === 'outcome')).toHaveLength(1);
    } finally {
      await pty.stop();
    }
  });

  it('a wrong password: +ECMTCONN: 0,0,5 (CONNACK 5 from mosquitto), exit 1, --json status "failed" with "not authorized"; the password never shows', async () => {
    const pty = await startPtyEmulator();
    try {
      const r = await cat1(['at', '--port', pty.path, '--json', `AT+ECMTOPEN=0,"127.0.0.1",${broker.port}`, `AT+ECMTCONN=0,"at-cid-1","at-user","${WRONG}"`], { env: { CAT1_PASSWORD: WRONG } });
      expect(r.code, r.stderr).toBe(1);
      const outcomes = jsonLines(r.stdout).filter((o) => o['type'] === 'outcome');
      expect(outcomes).toHaveLength(2);
      expect(outcomes[0]).toMatchObject({ status: 'ok', urc: '+ECMTOPEN: 0,0' });
      expect(outcomes[1]).toMatchObject({ status: 'failed', urc: '+ECMTCONN: 0,0,5', reason: expect.stringMatching(/broker refused: not authorized \(CONNACK 5\)/) });
      expect(r.stdout + r.stderr).not.toContain(WRONG);
      // the refusal is the broker's own: its log shows the CONNACK it sent
      await broker.waitForLog(/Sending CONNACK to 127\.0\.0\.1 \(0, 5\)/);
    } finally {
      await pty.stop();
    }
  });

  it('the right password: +ECMTCONN: 0,0,0, exit 0, --json status "ok" with the URC', async () => {
    const pty = await startPtyEmulator();
    try {
      const r = await cat1(['at', '--port', pty.path, '--json', `AT+ECMTOPEN=0,"127.0.0.1",${broker.port}`, `AT+ECMTCONN=0,"at-cid-2","at-user","${PASSWORD}"`, 'AT+ECMTDISC=0'], { env: { CAT1_PASSWORD: PASSWORD } });
      expect(r.code, r.stderr).toBe(0);
      const outcomes = jsonLines(r.stdout).filter((o) => o['type'] === 'outcome');
      expect(outcomes.map((o) => [o['status'], o['urc']])).toEqual([
        ['ok', '+ECMTOPEN: 0,0'],
        ['ok', '+ECMTCONN: 0,0,0'],
        ['ok', '+ECMTDISC: 0,0'],
      ]);
    } finally {
      await pty.stop();
    }
  });

  it('human output of a refused connect: the URC line and one red "failed" line with the reason, exit 1', async () => {
    const pty = await startPtyEmulator();
    try {
      const r = await cat1(['at', '--port', pty.path, `AT+ECMTOPEN=0,"127.0.0.1",${broker.port}`, `AT+ECMTCONN=0,"at-cid-3","at-user","${WRONG}"`], { env: { CAT1_PASSWORD: WRONG } });
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout).toMatch(/\+ECMTCONN: 0,0,5/);
      expect(r.stdout.match(/failed:/g)).toHaveLength(1);
      expect(r.stdout).toMatch(/^ +\+ECMTCONN failed: broker refused: not authorized \(CONNACK 5\)$/m);
    } finally {
      await pty.stop();
    }
  });
});

describe.skipIf(noSocat !== null)('cat1 at: result URCs of a scripted module (shapes the emulated EC616S does not print)', () => {
  /** A module that answers OK to every command line and then prints the URC given for it. */
  async function scripted(urcFor: (line: string) => string | null): Promise<{ path: string; stop(): Promise<void> }> {
    const pair = await openPtyPair();
    let buf = '';
    pair.port.on('data', (c) => {
      buf += Buffer.from(c).toString('latin1');
      let i: number;
      while ((i = buf.indexOf('\r')) >= 0) {
        const line = buf.slice(0, i).trim();
        buf = buf.slice(i + 1);
        if (line === '') continue;
        const urc = urcFor(line);
        void pair.port.write(`\r\nOK\r\n${urc ? `\r\n${urc}\r\n` : ''}`);
      }
    });
    return { path: pair.path, stop: () => pair.stop() };
  }

  it('SUBACK 0x80 (+ECMTSUB: 0,1,0,128): exit 1, --json status "failed", "the broker refused the subscription"', async () => {
    const m = await scripted((l) => (l.startsWith('AT+ECMTSUB=') ? '+ECMTSUB: 0,1,0,128' : null));
    try {
      const r = await cat1(['at', '--port', m.path, '--json', 'AT+ECMTSUB=0,1,"denied/topic",1']);
      expect(r.code, r.stderr).toBe(1);
      expect(jsonLines(r.stdout).find((o) => o['type'] === 'outcome')).toMatchObject({ status: 'failed', urc: '+ECMTSUB: 0,1,0,128', reason: expect.stringMatching(/refused the subscription \(SUBACK 0x80/) });
    } finally {
      await m.stop();
    }
  });

  it('a granted subscription (+ECMTSUB: 0,2,0,1) is not a failure: exit 0', async () => {
    const m = await scripted((l) => (l.startsWith('AT+ECMTSUB=') ? '+ECMTSUB: 0,2,0,1' : null));
    try {
      const r = await cat1(['at', '--port', m.path, '--json', 'AT+ECMTSUB=0,2,"ok/topic",1']);
      expect(r.code, r.stderr).toBe(0);
      expect(jsonLines(r.stdout).find((o) => o['type'] === 'outcome')).toMatchObject({ status: 'ok', urc: '+ECMTSUB: 0,2,0,1' });
    } finally {
      await m.stop();
    }
  });

  it('PUBLISH not sent (+ECMTPUB: 0,3,2): exit 1; --lang zh gives the reason in Chinese on the human output', async () => {
    const m = await scripted((l) => (l.startsWith('AT+ECMTPUB=') ? '+ECMTPUB: 0,3,2' : null));
    try {
      const r = await cat1(['at', '--port', m.path, '--lang', 'zh', 'AT+ECMTPUB=0,3,1,0,"t/x","hi"']);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout).toMatch(/^ +\+ECMTPUB 失败：PUBLISH 报文未能发出/m);
    } finally {
      await m.stop();
    }
  });

  it('the result URC of another msgID does not answer the command: only its own does', async () => {
    // msgID 4 is asked; the module first prints a failure for msgID 9 (another publisher), then success for 4
    const m = await scripted((l) => (l.startsWith('AT+ECMTPUB=') ? '+ECMTPUB: 0,9,2\r\n\r\n+ECMTPUB: 0,4,0' : null));
    try {
      const r = await cat1(['at', '--port', m.path, '--json', 'AT+ECMTPUB=0,4,1,0,"t/x","hi"']);
      expect(r.code, r.stderr).toBe(0);
      expect(jsonLines(r.stdout).find((o) => o['type'] === 'outcome')).toMatchObject({ status: 'ok', urc: '+ECMTPUB: 0,4,0' });
    } finally {
      await m.stop();
    }
  });

  it('--wait: a failure URC that comes while listening still fails the run (exit 1, a "result" object)', async () => {
    const m = await scripted((l) => (l.startsWith('AT+ECMTOPEN=') ? '+ECMTOPEN: 0,-1' : null));
    try {
      const r = await cat1(['at', '--port', m.path, '--json', '--wait', '0.5', 'AT+ECMTOPEN=0,"192.0.2.1",1883']);
      expect(r.code, r.stderr).toBe(1);
      const objs = jsonLines(r.stdout);
      expect(objs.find((o) => o['type'] === 'outcome')).toMatchObject({ status: 'ok' });
      expect(objs.find((o) => o['type'] === 'result')).toMatchObject({ status: 'failed', urc: '+ECMTOPEN: 0,-1', reason: expect.stringMatching(/^open failed/) });
    } finally {
      await m.stop();
    }
  });
});
