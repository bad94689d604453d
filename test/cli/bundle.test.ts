/**
 * --bundle and --html at the end of real runs: the emulator on a pseudo-terminal, a mosquitto
 * started here, the archive listed and read back with the system's tar.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cat1, startCat1 } from '../helpers/cli.js';
import { mosquittoMissing, startMosquitto, type RunningMosquitto } from '../helpers/mosquitto.js';
import { hasSocat } from '../helpers/pty.js';
import { startPtyEmulator, type PtyEmulator } from '../../src/emulator/pty.js';
import { createServer, type Server } from 'node:net';

const tarMissing = spawnSync('tar', ['--version'], { stdio: 'ignore' }).error ? 'tar is not installed' : null;
const missing = mosquittoMissing() ?? (hasSocat() ? null : 'socat is not installed (apt-get install socat)') ?? tarMissing;
if (missing) console.warn(`skipping the --bundle tests: ${missing}`);

const PASSWORD = 'Canary-pw-7f3Kq';
const USER = 'bundle-user';

describe.skipIf(missing !== null)('cat1 compare --bundle / monitor --html', () => {
  let broker: RunningMosquitto;
  let pty: PtyEmulator;
  const dir = mkdtempSync(join(tmpdir(), 'cat1-bundle-'));
  beforeAll(async () => {
    broker = await startMosquitto({ users: { [USER]: PASSWORD }, allowAnonymous: false });
    pty = await startPtyEmulator({ profile: 'ec616s' });
  }, 60_000);
  afterAll(async () => {
    await pty?.stop();
    await broker?.stop();
  });

  it('writes the five files, each what README.txt says, with the password and the user name nowhere in them', async () => {
    const bundle = join(dir, 'bug.tar.gz');
    const r = await cat1(['compare', '--port', pty.path, '--broker', broker.url, '--client-id', 'bundle-dev-1', '--username', USER, '--bundle', bundle, '--json'], { env: { CAT1_PASSWORD: PASSWORD } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`bundle written to ${bundle}`);
    const list = spawnSync('tar', ['-tzf', bundle], { encoding: 'utf8' });
    expect(list.status).toBe(0);
    expect(list.stdout.trim().split('\n')).toEqual(['README.txt', 'transcript.jsonl', 'report.json', 'report.html', 'environment.json']);
    const out = join(dir, 'x');
    mkdirSync(out);
    expect(spawnSync('tar', ['-xzf', bundle, '-C', out]).status).toBe(0);
    const read = (n: string): string => readFileSync(join(out, n), 'utf8');
    for (const n of readdirSync(out)) {
      expect(read(n)).not.toContain(PASSWORD);
      expect(read(n)).not.toContain(USER);
    }
    const readme = read('README.txt');
    for (const n of ['transcript.jsonl', 'report.json', 'report.html', 'environment.json']) expect(readme).toContain(n);
    expect(readme).toMatch(/Masked:/);
    // report.json is what --json printed
    expect(JSON.parse(read('report.json'))).toEqual(JSON.parse(r.stdout.trim()));
    // the transcript: a header, then the session with the credentials masked (same length)
    const t = read('transcript.jsonl').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(t[0]).toMatchObject({ cat1: 'transcript', version: 1, kind: 'emulator', redacted: true });
    const conn = t.find((e) => typeof e['text'] === 'string' && (e['text'] as string).startsWith('AT+ECMTCONN='));
    expect(conn?.['text']).toBe(`AT+ECMTCONN=0,"bundle-dev-1","${'*'.repeat(USER.length)}","${'*'.repeat(PASSWORD.length)}"\r`);
    // the page is the same self-contained page --html writes
    expect(read('report.html')).toMatch(/^<!DOCTYPE html>/);
    expect(read('report.html')).toContain('id="cat1-data"');
    const env = JSON.parse(read('environment.json')) as Record<string, unknown>;
    expect(env).toMatchObject({ node: process.version, dialect: 'ECMT', profile: 'ec616s', broker: broker.url, verb: 'compare', port: { path: pty.path, baudRate: 115200 }, module: { manufacturer: 'cat1-bridge emulator' } });
    expect(env['cat1']).toBe(JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')).version);
    expect((env['os'] as Record<string, unknown>)['platform']).toBe(process.platform);
  }, 60_000);

  it('a planted canary (the password, base64-encoded in the payload) refuses the bundle: exit 1, the reason named, no file', async () => {
    const bundle = join(dir, 'refused.tar.gz');
    const payload = Buffer.from(`{"auth":"${PASSWORD}"}`).toString('base64');
    const r = await cat1(['compare', '--port', pty.path, '--broker', broker.url, '--client-id', 'bundle-dev-2', '--username', USER, '--payload', payload, '--bundle', bundle], { env: { CAT1_PASSWORD: PASSWORD } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--bundle .*refused\.tar\.gz: not written: secret #1 \(\d+ bytes\) \(base64\) in transcript\.jsonl/);
    expect(r.stderr).not.toContain(PASSWORD);
    expect(existsSync(bundle)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('partial'))).toEqual([]);
  }, 60_000);

  it('at --bundle: the IMEI the module gave is not taken for an IMSI, the IMSI and ICCID are masked, the page shows the IMEI masked', async () => {
    const bundle = join(dir, 'at.tar.gz');
    const r = await cat1(['at', '--port', pty.path, 'AT+CGSN', 'AT+CIMI', 'AT+ECICCID', '--bundle', bundle, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = join(dir, 'at');
    mkdirSync(out);
    expect(spawnSync('tar', ['-xzf', bundle, '-C', out]).status).toBe(0);
    const outcomes = readFileSync(join(out, 'report.json'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { command: string; lines: string[] });
    expect(outcomes.map((o) => o.command)).toEqual(['AT+CGSN', 'AT+CIMI', 'AT+ECICCID']);
    const imei = /\d{15}/.exec(outcomes[0]!.lines.join(' '))?.[0];
    expect(imei).toBeDefined();
    expect(outcomes[1]!.lines.join(' ')).toMatch(/^\*{15}$/);
    const page = readFileSync(join(out, 'report.html'), 'utf8');
    expect(page).toContain(`${imei!.slice(0, 8)}*******`);
    expect(page).not.toContain(imei!);
    expect(readFileSync(join(out, 'environment.json'), 'utf8')).not.toContain(imei!);
  }, 60_000);

  it('monitor --html: the page is written when Ctrl-C ends the run', async () => {
    const html = join(dir, 'monitor.html');
    const m = startCat1(['monitor', '--port', pty.path, '--html', html]);
    await m.waitFor(/monitoring .* \(passive/, 'stderr');
    pty.emulator.reboot();
    await m.waitFor(/RDY/);
    m.child.kill('SIGINT');
    expect(await m.exited).toBe(0);
    expect(m.io.stderr).toContain(`HTML report written to ${html}`);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('Monitored session');
    expect(page).toContain('interrupted (Ctrl-C)');
    expect(page).toContain('RDY');
  }, 60_000);

  it('diagnose --html and mirror --html: the stages / the shadow on the page, the password nowhere', async () => {
    const dh = join(dir, 'diagnose.html');
    const d = await cat1(['diagnose', '--port', pty.path, '--broker', broker.url, '--client-id', 'bundle-diag', '--username', USER, '--html', dh, '--json'], { env: { CAT1_PASSWORD: PASSWORD } });
    expect([0, 1]).toContain(d.code);
    const stages = d.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; title?: string; status?: string }).filter((o) => o.type === 'stage');
    const page = readFileSync(dh, 'utf8');
    expect(page).toContain('<table id="stages">');
    for (const st of stages) expect(page).toContain(`<td>${st.title!}</td>`);
    expect(page).not.toContain(PASSWORD);
    const mh = join(dir, 'mirror.html');
    const fixture = join(import.meta.dirname, '..', '..', 'hardware-fixtures', 'emulator-healthy-session.jsonl');
    const m = await cat1(['mirror', '--transcript', fixture, '--broker', broker.url, '--username', USER, '--html', mh, '--window', '2'], { env: { CAT1_PASSWORD: PASSWORD } });
    expect([0, 1]).toContain(m.code);
    expect(m.stderr).toContain(`HTML report written to ${mh}`);
    const mp = readFileSync(mh, 'utf8');
    expect(mp).toContain('Mirror: module vs shadow client');
    expect(mp).toContain('<table id="steps">');
    expect(mp).not.toContain(PASSWORD);
  }, 90_000);

  it('compare --html: Ctrl-C while the broker never answers still writes the page (exit 130), marked interrupted', async () => {
    // a "broker" that accepts TCP and never says anything: the direct CONNECT waits
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    try {
      const html = join(dir, 'interrupted.html');
      const c = startCat1(['compare', '--port', pty.path, '--broker', `mqtt://127.0.0.1:${port}`, '--client-id', 'bundle-int', '--html', html]);
      await c.waitFor(/direct: resolving and connecting/, 'stderr', 20_000);
      c.child.kill('SIGINT');
      expect(await c.exited).toBe(130);
      const page = readFileSync(html, 'utf8');
      expect(page).toContain('the run was interrupted (Ctrl-C)');
      expect(page).toContain('cat1-bridge emulator'); // what was learned before: the module's identity
    } finally {
      silent.close();
    }
  }, 60_000);

  it('bad output paths are refused before anything runs (exit 2, one line)', async () => {
    const r = await cat1(['compare', '--port', pty.path, '--broker', broker.url, '--client-id', 'x', '--html', join(dir, 'no', 'such', 'dir', 'a.html')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^cat1: --html .*: cannot write there \(no directory/);
    const r2 = await cat1(['report', join(dir, 'nope.jsonl'), '-o', join(dir, 'a.html')]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/nope\.jsonl: cannot read it/);
  }, 30_000);
});
