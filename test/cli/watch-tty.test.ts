/**
 * `cat1 watch` on a terminal: a live table redrawn in place as the stations' reports arrive,
 * columns aligned by display width (a station named in Chinese). cat1 runs under script(1),
 * which gives it a real pseudo-terminal as stdout; the reports are published to the embedded
 * broker by this test, each only after the watcher said it is subscribed (no sleeps).
 */
import { spawn, spawnSync } from 'node:child_process';
import mqtt from 'mqtt';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { startEmbeddedBroker } from '../../src/mirror/broker.js';
import { CAT1 } from '../helpers/cli.js';

const noScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status !== 0 ? 'script(1) is not installed (util-linux)' : null;
if (noScript) console.warn(`[test/cli/watch-tty.test.ts skipped] ${noScript}`);

describe.skipIf(noScript !== null)('cat1 watch on a terminal', () => {
  it('draws a table, redraws it in place as reports arrive, ends with the final table and the count; columns by display width', async () => {
    const broker = await startEmbeddedBroker();
    const url = `mqtt://127.0.0.1:${broker.port}`;
    const pub = await mqtt.connectAsync(url, { reconnectPeriod: 0, clientId: 'watch-tty-pub' });
    try {
      const cmd = [process.execPath, CAT1, 'watch', url, '--no-color', '--count', '2', '--duration', '60'].join(' ');
      const child = spawn('script', ['-qfec', cmd, '/dev/null'], { env: { ...process.env, NO_COLOR: '1', LANG: 'C', COLUMNS: '160' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      const waiters = new Set<() => void>();
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString('utf8');
        waiters.forEach((w) => w());
      });
      const exited = new Promise<number | null>((r) => child.on('close', (c) => (waiters.forEach((w) => w()), r(c))));
      const waitFor = (re: RegExp): Promise<void> =>
        new Promise((resolve, reject) => {
          const check = (): void => {
            if (re.test(out)) {
              waiters.delete(check);
              resolve();
            } else if (child.exitCode !== null) reject(new Error(`cat1 watch exited before ${String(re)}:\n${out}`));
          };
          waiters.add(check);
          check();
        });
      await waitFor(/watching cat1\/\+\/\+\/\+/);
      const send = (t: string, body: Record<string, unknown>, retain = false): Promise<unknown> => pub.publishAsync(t, JSON.stringify(body), { qos: 1, retain });
      await send('cat1/rack9/_station/status', { station: 'rack9', online: true }, true);
      await send('cat1/rack9/860000000000001/status', { state: 'running', step: 'sim' });
      // the table is drawn once the first status is seen
      await waitFor(/rack9 +860000000000001 +sim +running/);
      await send('cat1/产线1/860000000000002/status', { state: 'running', step: 'mqtt' });
      await waitFor(/860000000000002 +mqtt/);
      await send('cat1/rack9/860000000000001/verdict', { outcome: 'pass', summary: '10 stages passed', elapsedMs: 4200 });
      await send('cat1/产线1/860000000000002/verdict', { outcome: 'fail', summary: 'sim: CME ERROR 10: SIM not inserted', elapsedMs: 1500 });
      expect(await exited, out).toBe(0);
      const text = out.replace(/\r/g, '');
      expect(text).toMatch(/\x1b\[\d+A\x1b\[J/); // redrawn in place
      const final = text.split(/\x1b\[\d+A\x1b\[J/).at(-1)!;
      const lines = final.split('\n');
      const head = lines.find((l) => /^station +module +step +result +time/.test(l))!;
      const a = lines.find((l) => l.includes('860000000000001'))!;
      const b = lines.find((l) => l.includes('860000000000002'))!;
      expect(a).toMatch(/^rack9 +860000000000001 +done +pass +4\.2 s +10 stages passed$/);
      expect(b).toMatch(/^产线1 +860000000000002 +done +fail +1\.5 s +sim: CME ERROR 10: SIM not inserted$/);
      // the module column starts at the same display column on every line (产 and 线 take two each)
      const col = (l: string, s: string): number => stringWidth(l.slice(0, l.indexOf(s)));
      expect(col(a, '860000000000001')).toBe(col(head, 'module'));
      expect(col(b, '860000000000002')).toBe(col(head, 'module'));
      expect(final).toMatch(/^2 modules with a verdict, 1 station\(s\) online$/m);
    } finally {
      await pub.endAsync(true);
      await broker.stop();
    }
  }, 60_000);
});
