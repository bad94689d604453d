/**
 * --follow: the device disappears and comes back under the same path (a pseudo-terminal link
 * removed and recreated, as a USB module re-enumerating under its by-id name); the session
 * resumes and says so.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openPtyPair } from '../../src/port/pty.js';
import { FollowingPort } from '../../src/port/follow.js';
import { CAT1, ROOT } from '../helpers/cli.js';
import { hasSocat } from '../helpers/pty.js';

const skip = !hasSocat();
if (skip) console.warn('skipping the --follow tests: socat is not installed (apt-get install socat)');

function waitFor(get: () => string, re: RegExp, ms = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const start = Date.now();
    const tick = (): void => {
      if (re.test(get())) return resolve();
      if (Date.now() - start > ms) return reject(new Error(`no ${String(re)} within ${ms} ms in:\n${get()}`));
      setTimeout(tick, 20).unref();
    };
    tick();
  });
}

describe.skipIf(skip)('--follow', () => {
  it('FollowingPort reopens the same path when the device comes back, and carries on', async () => {
    const link = join(mkdtempSync(join(tmpdir(), 'cat1-follow-')), 'ttyFOLLOW');
    let pair = await openPtyPair({ linkPath: link });
    const port = await FollowingPort.open({ path: link }, { pollMs: 50 });
    const events: string[] = [];
    port.on('follow', (e) => events.push(e.type));
    let got = '';
    port.on('data', (b) => (got += b.toString()));
    await pair.port.write('\r\n+ECMTSTAT: 0,1\r\n');
    await waitFor(() => got, /ECMTSTAT/);
    await pair.stop(); // the device disappears
    await waitFor(() => events.join(','), /gone/);
    await expect(port.write('AT\r')).rejects.toMatchObject({ code: 'ERR_PORT_WRITE' });
    pair = await openPtyPair({ linkPath: link }); // … and comes back
    await waitFor(() => events.join(','), /gone,back/);
    await pair.port.write('\r\n+ECMTCONN: 0,0,0\r\n');
    await waitFor(() => got, /ECMTCONN/);
    await port.close();
    await pair.stop();
    expect(events).toEqual(['gone', 'back']);
  });

  it('cat1 monitor --follow says the device went away, resumes when it is back, and keeps decoding', async () => {
    const link = join(mkdtempSync(join(tmpdir(), 'cat1-follow-')), 'ttyMON');
    let pair = await openPtyPair({ linkPath: link });
    const child = spawn(process.execPath, [CAT1, 'monitor', '--port', link, '--follow', '--json'], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', LANG: 'C' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const exited = new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    try {
      await waitFor(() => out, /"type":"start"/);
      await pair.port.write('\r\n+ECMTSTAT: 0,1\r\n');
      await waitFor(() => out, /"type":"ecmt-stat"/);
      await pair.stop();
      await waitFor(() => err, /went away.*waiting for it to come back/);
      pair = await openPtyPair({ linkPath: link });
      await waitFor(() => err, /is back after [\d.]+ s; resuming/);
      await pair.port.write('\r\n+ECMTRECV: 0,3,"dev/down",after the unplug\r\n\r\n+CEREG: 1\r\n');
      await waitFor(() => out, /"type":"ecmt-recv".*after the unplug/);
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await pair.stop();
    }
  });
});
