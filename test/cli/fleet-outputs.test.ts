/**
 * `cat1 fleet` beyond the plain run: --html/--bundle for the whole fleet (no secret in the page
 * or the bundle), fleet compare taking compare's options (--broker-log, --probe-identity,
 * --broker-kind, --reconnect) through the same builder, and Ctrl-C of a running fleet. The
 * emulators on real pseudo-terminals (socat), a real mosquitto with a password file, the built
 * CLI in a subprocess, the page in Debian's chromium.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AtEngine } from '../../src/at/engine.js';
import { EcmtSession } from '../../src/dialects/ecmt/session.js';
import { defaultGrammar } from '../../src/grammar.js';
import { startPtyEmulator, type PtyEmulator, type PtyEmulatorOptions } from '../../src/emulator/pty.js';
import { SerialModemPort } from '../../src/port/serial.js';
import { cat1, startCat1 } from '../helpers/cli.js';
import { mosquittoMissing, startMosquitto, type RunningMosquitto } from '../helpers/mosquitto.js';
import { hasSocat } from '../helpers/pty.js';
import { chromiumMissing, launch } from '../helpers/browser.js';

const tarMissing = spawnSync('tar', ['--version'], { stdio: 'ignore' }).error ? 'tar is not installed' : null;
const missing = mosquittoMissing() ?? (hasSocat() ? null : 'socat is not installed (apt-get install socat)') ?? tarMissing;
if (missing) console.warn(`[test/cli/fleet-outputs.test.ts skipped] ${missing}`);

const PASSWORD = 'Canary-fleet-9Qz';
const USER = 'fleet-user';
const imei = (n: number): string => `86${String(n).padStart(13, '0')}`;
type Obj = Record<string, unknown>;
const parse = (s: string): Obj[] => s.trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Obj);

/** Every file below a folder, recursively. */
function filesBelow(d: string): string[] {
  return readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? filesBelow(join(d, n)).map((x) => join(n, x)) : [n]));
}

describe.skipIf(missing !== null)('cat1 fleet: page, bundle, compare options, Ctrl-C', () => {
  let locked: RunningMosquitto;
  let anon: RunningMosquitto;
  let dir: string;
  let pw: string;
  const ptys: PtyEmulator[] = [];
  const start = async (o: PtyEmulatorOptions): Promise<PtyEmulator> => {
    const p = await startPtyEmulator({ reconnectDelayMs: 200, ...o });
    ptys.push(p);
    return p;
  };
  beforeAll(async () => {
    locked = await startMosquitto({ users: { [USER]: PASSWORD }, allowAnonymous: false });
    anon = await startMosquitto({ allowAnonymous: true });
    dir = mkdtempSync(join(tmpdir(), 'cat1-fleet-out-'));
    pw = join(dir, 'pw');
    writeFileSync(pw, `${PASSWORD}\n`);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(ptys.map((p) => p.stop()));
    await locked?.stop();
    await anon?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('diagnose --html --bundle: one page with a row and a section per module, a bundle with each module\'s transcript, report and page; the password and the user name in none of them', async () => {
    const good = await start({ identity: { imei: imei(101) } });
    const noSim = await start({ identity: { imei: imei(102) }, conditions: { sim: 'absent' } });
    const html = join(dir, 'fleet.html');
    const bundle = join(dir, 'fleet.tar.gz');
    const r = await cat1(['fleet', 'diagnose', '--ports', `${good.path},${noSim.path}`, '--broker', locked.url, '--client-id', 'eol-{index}', '--username', USER, '--password-file', pw, '--html', html, '--bundle', bundle, '--json', '--timeout', '3']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`HTML report written to ${html}`);
    expect(r.stderr).toContain(`bundle written to ${bundle}`);
    const objs = parse(r.stdout);
    const result = (m: string): Obj => objs.find((o) => o['type'] === 'module' && o['module'] === m)!;
    expect(['pass', 'warn']).toContain(result(imei(101))['outcome']);
    expect(result(imei(102))['outcome']).toBe('fail');

    // the page: a row per module with its verdict, linking to its own section
    const page = readFileSync(html, 'utf8');
    expect(page).not.toContain(PASSWORD);
    expect(page).not.toContain(USER);
    const rows = [...page.matchAll(/<tr data-module="(\d+)" data-outcome="(\w+)">(.*?)<\/tr>/g)];
    expect(rows.map((m) => [m[1], m[2]])).toEqual([['1', String(result(imei(101))['outcome'])], ['2', 'fail']]);
    for (const [, n] of rows) {
      expect(page).toContain(`href="#module-${n}"`);
      expect(page).toContain(`<section class="module" id="module-${n}">`);
    }
    // the failing module's section carries its SIM stage finding (as its own run reports it)
    const section2 = page.slice(page.indexOf('id="module-2"'));
    expect(section2).toMatch(/SIM not inserted/);
    // the IMEI shows masked, as on a single run's page
    expect(page).not.toContain(imei(101));

    // the bundle: the fleet's files, then each module's
    const list = spawnSync('tar', ['-tzf', bundle], { encoding: 'utf8' });
    expect(list.status).toBe(0);
    const names = list.stdout.trim().split('\n');
    expect(names.slice(0, 4)).toEqual(['README.txt', 'report.json', 'report.html', 'environment.json']);
    const base = (p: string): string => p.replace(/^.*\//, '');
    for (const [i, p] of [good.path, noSim.path].entries()) for (const f of ['transcript.jsonl', 'report.json', 'report.html']) expect(names).toContain(`modules/${i + 1}-${base(p)}/${f}`);
    const out = join(dir, 'x');
    mkdirSync(out);
    expect(spawnSync('tar', ['-xzf', bundle, '-C', out]).status).toBe(0);
    for (const n of filesBelow(out)) {
      const text = readFileSync(join(out, n), 'utf8');
      expect(text, n).not.toContain(PASSWORD);
      expect(text, n).not.toContain(USER);
    }
    // report.json is what --json printed
    expect(parse(readFileSync(join(out, 'report.json'), 'utf8'))).toEqual(objs);
    // the module's transcript has its CONNECT with the credentials masked to their length
    const t = readFileSync(join(out, `modules/1-${base(good.path)}/transcript.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Obj);
    const conn = t.find((e) => typeof e['text'] === 'string' && (e['text'] as string).startsWith('AT+ECMTCONN='));
    expect(conn?.['text']).toMatch(new RegExp(`^AT\\+ECMTCONN=0,"eol-1","\\*{${USER.length}}","\\*{${PASSWORD.length}}"\\s*$`));
    const readme = readFileSync(join(out, 'README.txt'), 'utf8');
    expect(readme).toContain(`modules/1-${base(good.path)}/transcript.jsonl`);

    // the page in a browser: the link to a module's section lands on it
    if (chromiumMissing() === null) {
      const browser = await launch();
      try {
        const p = await browser.newPage();
        const network: string[] = [];
        p.on('request', (q) => {
          if (q.url() !== `file://${html}`) network.push(q.url());
        });
        await p.goto(`file://${html}`);
        expect(await p.locator('#modules tbody tr').count()).toBe(2);
        await p.locator('#modules a[href="#module-2"]').click();
        expect(await p.evaluate('location.hash')).toBe('#module-2');
        expect(await p.locator('#module-2 .verdict .headline').textContent()).toBe('FAIL');
        expect(network).toEqual([]);
      } finally {
        await browser.close();
      }
    } else console.warn(`[fleet page in a browser skipped] ${chromiumMissing()}`);
  }, 90_000);

  it('compare takes compare\'s options: --broker-log (the log lines in each report), --probe-identity (the probe ran), --broker-kind, --reconnect (a session found is ended first)', async () => {
    const a = await start({ profile: 'no-quirk', identity: { imei: imei(111) } });
    const b = await start({ profile: 'no-quirk', identity: { imei: imei(112) } });
    // module a was connected by the user's application before the run
    const port = await SerialModemPort.open({ path: a.path, baudRate: 115200 });
    const engine = new AtEngine(port, { grammar: defaultGrammar(), timeoutMs: 5000 });
    try {
      const s = new EcmtSession(engine);
      expect((await s.open('127.0.0.1', anon.port)).ok).toBe(true);
      expect((await s.connect({ clientId: 'pre-1' })).ok).toBe(true);
    } finally {
      engine.dispose();
      await port.close();
    }
    expect(a.emulator.state).toBe('connected');
    const r = await cat1(['fleet', 'compare', '--ports', `${a.path},${b.path}`, '--broker', anon.url, '--client-id', 'cmp-{index}', '--broker-log', anon.logPath, '--probe-identity', '--broker-kind', 'mosquitto', '--reconnect', '--json']);
    const objs = parse(r.stdout);
    const reports = objs.filter((o) => o['type'] === 'compare-report');
    expect(reports.map((o) => o['clientId']).sort()).toEqual(['cmp-1', 'cmp-2']);
    for (const rep of reports) {
      const id = rep['clientId'] as string;
      // --broker-log: the broker's own lines of the run are in the report, naming this module's client
      expect((rep['brokerLog'] as string[]).join('\n'), id).toContain(id);
      // --probe-identity: the takeover probe ran and the module (no quirk) was dropped by it
      expect((rep['identity'] as { probe: { moduleDropped: boolean } | null }).probe, id).toMatchObject({ moduleDropped: true });
    }
    // --broker-kind: the broker is taken as named, so no detection connection (client ID <id>-kind) was made
    const log = readFileSync(anon.logPath, 'utf8');
    expect(log).toMatch(/as cmp-1\b/);
    expect(log).not.toMatch(/cmp-\d-kind/);
    // --reconnect: module a's session was ended first and the run says so
    const ra = reports.find((o) => o['clientId'] === 'cmp-1')!;
    expect((ra['run'] as { mode: string }).mode).toBe('reconnected');
    expect(JSON.stringify((ra['run'] as { changes: unknown[] }).changes)).toMatch(/ended the session the module had when the run started .* with AT\+ECMTDISC \(--reconnect\)/);
    expect(r.code, r.stderr).toBe(0);
  }, 90_000);

  it('Ctrl-C during a run: the open modules are left as found, the partial results are printed and the JUnit written, exit 130', async () => {
    const quick = await start({ identity: { imei: imei(121) } });
    // the slow one answers every command late, so it is mid-checklist when the signal comes
    const slow = await start({ identity: { imei: imei(122) }, faults: { delayMs: 400 } });
    const junit = join(dir, 'int.xml');
    const html = join(dir, 'int.html');
    // the signal comes once the slow module's own MQTT session is up (its CONNACK arrived)
    const connected = new Promise<void>((resolve) => slow.emulator.on('mqtt', (dir, p) => dir === 'in' && p.cmd === 'connack' && resolve()));
    const seen: string[] = [];
    slow.emulator.on('command', (c) => seen.push(c.line));
    const run = startCat1(['fleet', 'diagnose', '--ports', `${quick.path},${slow.path}`, '--broker', anon.url, '--client-id', 'int-{index}', '--json', '--junit', junit, '--html', html, '--timeout', '10']);
    await connected;
    expect(slow.emulator.state).toBe('connected');
    const before = seen.length;
    run.child.kill('SIGINT');
    const code = await run.exited;
    expect(code, run.io.stderr).toBe(130);
    const objs = parse(run.io.stdout);
    const last = objs.at(-1)!;
    expect(last).toMatchObject({ type: 'fleet', action: 'diagnose', outcome: 'interrupted', modules: 2, exit: 130 });
    const slowEnd = objs.find((o) => o['type'] === 'module' && o['module'] === imei(122))!;
    expect(slowEnd).toMatchObject({ outcome: 'fail', interrupted: true });
    expect(slowEnd['summary']).toMatch(/^interrupted \(Ctrl-C\) during \w+; the module was left as found$/);
    // each module in a known state: the session the run opened on the slow one was closed by the tidy
    expect(seen.slice(before).some((c) => /^AT\+ECMT(DISC|CLOSE)=/.test(c)), seen.slice(before).join(' | ')).toBe(true);
    expect(['none', 'configured']).toContain(slow.emulator.state);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(new RegExp(`<testcase classname="${imei(122)} \\(${slow.path}\\)" name="\\w+" time="[\\d.]+">\\s*<error message="interrupted \\(Ctrl-C\\)`));
    expect(existsSync(html)).toBe(true);
    expect(readFileSync(html, 'utf8')).toContain('The run was interrupted (Ctrl-C)');
  }, 90_000);
});
