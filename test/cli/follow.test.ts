/**
 * --follow: the device disappears and comes back under the same path (a pseudo-terminal link
 * removed and recreated, as a USB module re-enumerating under its by-id name); the session
 * resumes and says so.
 */
import { existsSync, mkdtempSync, readFileSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openPtyPair } from '../../src/port/pty.js';
import { FollowingPort } from '../../src/port/follow.js';
import { parseTranscript } from '../../src/recording/reader.js';
import { startCat1 } from '../helpers/cli.js';
import { hasSocat } from '../helpers/pty.js';

const skip = !hasSocat();
if (skip) console.warn('skipping the --follow tests: socat is not installed (apt-get install socat)');

/** The next `follow` event of the given type. */
function next(port: FollowingPort, type: 'gone' | 'back'): Promise<void> {
  return new Promise((resolve) => {
    const on = (e: { type: string }): void => {
      if (e.type !== type) return;
      port.off('follow', on);
      resolve();
    };
    port.on('follow', on);
  });
}

/** The next data chunk that matches. */
function data(port: FollowingPort, re: RegExp): Promise<void> {
  return new Promise((resolve) => {
    let got = '';
    const on = (b: Buffer): void => {
      got += b.toString();
      if (!re.test(got)) return;
      port.off('data', on);
      resolve();
    };
    port.on('data', on);
  });
}

describe.skipIf(skip)('--follow', () => {
  it('FollowingPort reopens the same path when the device comes back, and carries on', async () => {
    const link = join(mkdtempSync(join(tmpdir(), 'cat1-follow-')), 'ttyFOLLOW');
    let pair = await openPtyPair({ linkPath: link });
    const port = await FollowingPort.open({ path: link }, { pollMs: 50 });
    const events: string[] = [];
    port.on('follow', (e) => events.push(e.type));
    const first = data(port, /ECMTSTAT/);
    await pair.port.write('\r\n+ECMTSTAT: 0,1\r\n');
    await first;
    const gone = next(port, 'gone');
    await pair.stop(); // the device disappears
    await gone;
    await expect(port.write('AT\r')).rejects.toMatchObject({ code: 'ERR_PORT_WRITE' });
    const back = next(port, 'back');
    pair = await openPtyPair({ linkPath: link }); // … and comes back
    await back;
    const second = data(port, /ECMTCONN/);
    await pair.port.write('\r\n+ECMTCONN: 0,0,0\r\n');
    await second;
    await port.close();
    await pair.stop();
    expect(events).toEqual(['gone', 'back']);
  });

  it('cat1 monitor --follow says the device went away, resumes when it is back, and keeps decoding', async () => {
    const link = join(mkdtempSync(join(tmpdir(), 'cat1-follow-')), 'ttyMON');
    let pair = await openPtyPair({ linkPath: link });
    const m = startCat1(['monitor', '--port', link, '--follow', '--json']);
    try {
      await m.waitFor(/"type":"start"/);
      await pair.port.write('\r\n+ECMTSTAT: 0,1\r\n');
      await m.waitFor(/"type":"ecmt-stat"/);
      await pair.stop();
      await m.waitFor(/went away.*waiting for it to come back/, 'stderr');
      pair = await openPtyPair({ linkPath: link });
      await m.waitFor(/is back after [\d.]+ s; resuming/, 'stderr');
      await pair.port.write('\r\n+ECMTRECV: 0,3,"dev/down",after the unplug\r\n\r\n+CEREG: 1\r\n');
      await m.waitFor(/"type":"ecmt-recv".*after the unplug/);
      m.child.kill('SIGINT');
      expect(await m.exited).toBe(0);
    } finally {
      m.child.kill('SIGKILL');
      await pair.stop();
    }
  });

  it('cat1 at --follow: a command in flight when the port vanishes fails at once (exit 3), secrets masked; never left to its timeout nor answered after the port is back', async () => {
    const link = join(mkdtempSync(join(tmpdir(), 'cat1-follow-')), 'ttyAT');
    let pair = await openPtyPair({ linkPath: link });
    // the module hears the command and says nothing: the command stays in flight (its timeout is 60 s)
    let heard = '';
    const commandHeard = new Promise<void>((resolve) =>
      pair.port.on('data', (b: Buffer) => {
        heard += b.toString('latin1');
        if (/AT\+ECMTCONN=[^\r]*\r/.test(heard)) resolve();
      }),
    );
    const m = startCat1(['at', '--port', link, '--follow', '--timeout', '60', 'AT+ECMTCONN=0,"dev","user","s3cr3t-Pw"', 'AT+CSQ']);
    try {
      await commandHeard;
      await pair.stop(); // the device vanishes with the command pending…
      await m.waitFor(/went away.*waiting for it to come back/, 'stderr');
      pair = await openPtyPair({ linkPath: link }); // … and comes back, ready to say OK to anything
      pair.port.on('data', () => void pair.port.write('\r\nOK\r\n').catch(() => undefined));
      const failed = await m.waitFor(/^cat1: the port went away while (.*) was pending \(.*\)$/m, 'stderr');
      expect(failed[1]).toBe('AT+ECMTCONN=0,"dev","****","*********"');
      expect(await m.exited).toBe(3);
      expect(m.io.stdout + m.io.stderr).not.toContain('s3cr3t-Pw');
      // no outcome was printed for it (not OK after the port was back), and AT+CSQ was never sent
      expect(m.io.stdout).not.toMatch(/\bOK\b/);
      expect(heard).not.toContain('AT+CSQ');
    } finally {
      m.child.kill('SIGKILL');
      await pair.stop();
    }
  });

  it('cat1 monitor --follow reattaches within 200 ms of the device reappearing, and the --record transcript notes the gap', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cat1-follow-'));
    const link = join(dir, 'ttyGAP');
    const file = join(dir, 'gap.jsonl');
    let pair = await openPtyPair({ linkPath: link });
    const m = startCat1(['monitor', '--port', link, '--follow', '--json', '--record', file]);
    try {
      await m.waitFor(/"type":"start"/);
      await pair.stop();
      await m.waitFor(/went away.*waiting for it to come back/, 'stderr');
      // the moment the device reappears, as the file system tells it (not when our helper returns)
      const appeared = new Promise<number>((resolve) => {
        const w = watch(dirname(link), () => {
          if (!existsSync(link)) return;
          w.close();
          resolve(Date.now());
        });
      });
      pair = await openPtyPair({ linkPath: link });
      const at = await appeared;
      const [line] = await m.waitFor(/^\{"type":"gap".*$/m);
      const gap = JSON.parse(line) as { from: string; to: string; downMs: number; note: string };
      const reattachMs = Date.parse(gap.to) - at;
      console.info(`monitor --follow reattached ${reattachMs} ms after the device reappeared`);
      expect(reattachMs).toBeLessThan(200);
      expect(Date.parse(gap.to) - Date.parse(gap.from)).toBe(gap.downMs);
      expect(gap.note).toMatch(/may have been lost/);
      // still decoding after the gap
      await pair.port.write('\r\n+CEREG: 1\r\n');
      await m.waitFor(/"raw":"\+CEREG: 1"/);
      m.child.kill('SIGINT');
      expect(await m.exited).toBe(0);
      const notes = parseTranscript(readFileSync(file, 'utf8'), file).entries.flatMap((e) => (e.dir === 'note' ? [e.text] : []));
      expect(notes).toContainEqual(`gap: ${link} was gone from ${gap.from} to ${gap.to} (${(gap.downMs / 1000).toFixed(3)} s); bytes the module sent meanwhile may have been lost; resuming`);
    } finally {
      m.child.kill('SIGKILL');
      await pair.stop();
    }
  });
});

