// The broker the fixture recording scripts record against: a mosquitto started here on a free
// loopback port, with a password file holding USER/PASS (shared by record-emulator-fixtures.mjs
// and record-qmt-emulator-fixtures.mjs).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, createConnection } from 'node:net';

export const USER = 'fixture-user';
export const PASS = 'fixture-pass';

export async function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

/** Starts mosquitto (anonymous refused, USER/PASS accepted); resolves once it accepts TCP. */
export async function mosquitto() {
  const dir = mkdtempSync(join(tmpdir(), 'cat1-fix-'));
  const port = await freePort();
  spawnSync('mosquitto_passwd', ['-b', '-c', join(dir, 'pw'), USER, PASS]);
  writeFileSync(join(dir, 'm.conf'), [`listener ${port} 127.0.0.1`, 'allow_anonymous false', `password_file ${join(dir, 'pw')}`, 'user root', ''].join('\n'));
  const child = spawn('/usr/sbin/mosquitto', ['-c', join(dir, 'm.conf')], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise((r) => {
      const c = createConnection({ port, host: '127.0.0.1' });
      c.once('connect', () => (c.destroy(), r(true)));
      c.once('error', () => r(false));
    });
    if (ok) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return { port, stop: () => child.kill() };
}
