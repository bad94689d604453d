import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startPtyEmulator, type PtyEmulator } from '../../src/emulator/pty.js';
import { cat1, startCat1 } from '../helpers/cli.js';
import { hasSocat } from '../helpers/pty.js';

const reason = hasSocat() ? null : 'socat is not installed (apt-get install socat)';
if (reason) console.warn(`[test/cli/monitor.test.ts: pseudo-terminal tests skipped] ${reason}`);

const tmp = mkdtempSync(join(tmpdir(), 'cat1-monitor-'));
// eslint-disable-next-line no-control-regex
const plain = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '');

const start = startCat1;

describe.skipIf(reason !== null)('cat1 monitor, against the emulator on a pseudo-terminal', () => {
  let pty: PtyEmulator | null = null;
  afterEach(async () => {
    await pty?.stop();
    pty = null;
  });

  it('prints each line the module emits with wall-clock and relative times, decoded, URCs highlighted; --hex shows the chunks; Ctrl-C exits 0 with the transcript flushed', async () => {
    pty = await startPtyEmulator();
    const record = join(tmp, 'monitor.jsonl');
    const m = start(['monitor', '--port', pty.path, '--hex', '--record', record], { NO_COLOR: '', FORCE_COLOR: '1' });
    await m.waitFor(/monitoring .* \(passive/, 'stderr');
    pty.emulator.reboot();
    await m.waitFor(/RDY.*module \(re\)started/);
    const out = plain(m.io.stdout);
    expect(out).toMatch(/^\d\d:\d\d:\d\d\.\d{3} +\d+\.\d{3} {2}← {2}RDY +module \(re\)started/m);
    // the hex of each chunk as the port delivered it, with its printable view
    expect(out).toMatch(/^\d\d:\d\d:\d\d\.\d{3} +\d+\.\d{3} {2}⇠ {2}0d( [0-9a-f]{2})* +\|\./m);
    const hexBytes = [...out.matchAll(/⇠ {2}((?:[0-9a-f]{2} ?)+)/g)].map((x) => x[1]!.trim()).join(' ');
    expect(hexBytes).toBe('0d 0a 52 44 59 0d 0a');
    expect(m.io.stdout).toContain('\x1b[36mRDY'); // a URC, in cyan
    m.child.kill('SIGINT');
    expect(await m.exited).toBe(0);
    expect(m.io.stderr).toMatch(/stopped; transcript saved to/);
    const lines = readFileSync(record, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ cat1: 'transcript', kind: 'hardware' });
    expect(lines.slice(1).map((e) => e['text']).join('')).toBe('\r\nRDY\r\n');
    expect(lines.slice(1).every((e) => e['dir'] === 'rx')).toBe(true); // passive: nothing was written
  });

  it('--json prints JSON Lines: a start object, chunks with hex, events with an ISO time, and stops after --duration', async () => {
    pty = await startPtyEmulator({ bootBanner: ['RDY', '+CEREG: 1'] });
    const m = start(['monitor', '--port', pty.path, '--json', '--hex', '--duration', '1.5']);
    await m.waitFor(/"type":"start"/);
    pty.emulator.reboot();
    expect(await m.exited).toBe(0);
    const objs = m.io.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(objs[0]).toMatchObject({ type: 'start', port: pty.path, baud: 115200 });
    const chunks = objs.filter((o) => o['type'] === 'chunk');
    expect(chunks.map((c) => c['hex']).join('')).toBe(Buffer.from('\r\nRDY\r\n\r\n+CEREG: 1\r\n').toString('hex'));
    for (const c of chunks) expect(c).toMatchObject({ dir: 'rx', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    const boot = objs.find((o) => o['type'] === 'boot');
    expect(boot).toMatchObject({ role: 'urc', raw: 'RDY', dir: 'rx', time: expect.stringMatching(/Z$/) });
    expect(typeof boot!['t']).toBe('number');
    const reg = objs.find((o) => o['type'] === 'reg');
    expect(reg).toMatchObject({ role: 'urc', stat: 1, explain: expect.stringMatching(/registered/i) });
    expect(objs.at(-1)).toMatchObject({ type: 'end', reason: 'duration' });
    expect(m.io.stderr).toBe('');
  });

  it('the port vanishing ends the run with one line and exit code 3', async () => {
    pty = await startPtyEmulator();
    const m = start(['monitor', '--port', pty.path]);
    await m.waitFor(/monitoring/, 'stderr');
    await pty.stop();
    expect(await m.exited).toBe(3);
    const err = m.io.stderr.trim().split('\n');
    expect(err.at(-1)).toMatch(/^cat1: .*(went away|closed)/);
    expect(m.io.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});

describe('cat1 monitor usage errors', () => {
  it('without --port: one line, exit 2', async () => {
    const r = await cat1(['monitor']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('cat1: --port is needed: the serial device of the module (run "cat1 ports" to list candidates)');
  });

  it('a device that does not exist: one line, exit 3', async () => {
    const r = await cat1(['monitor', '--port', join(tmp, 'no-such-tty')]);
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/no such device/);
  });

  it('refuses --baud auto (it would write) and a bad --duration, and an unknown flag, exit 2', async () => {
    const a = await cat1(['monitor', '--port', '/dev/null', '--baud', 'auto']);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/never writes/);
    const d = await cat1(['monitor', '--port', '/dev/null', '--duration', '0']);
    expect(d.code).toBe(2);
    expect(d.stderr).toMatch(/--duration/);
    const u = await cat1(['monitor', '--port', '/dev/null', '--bogus']);
    expect(u.code).toBe(2);
    expect(u.stderr).toMatch(/Unknown argument: bogus/);
  });

  it('--help shows examples and the exit codes', async () => {
    const r = await cat1(['monitor', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toContain('cat1 monitor --port /dev/ttyUSB2');
    expect(r.stdout).toMatch(/Exit codes: 0/);
  });
});
