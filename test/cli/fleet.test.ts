/**
 * `cat1 fleet` as users run it (the built CLI in a subprocess) against several emulators, each
 * on its own pseudo-terminal (socat), with the embedded broker.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import mqtt from 'mqtt';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPtyEmulator, type PtyEmulator, type PtyEmulatorOptions } from '../../src/emulator/pty.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/mirror/broker.js';
import { spawn, spawnSync } from 'node:child_process';
import { CAT1, cat1, startCat1 } from '../helpers/cli.js';
import { hasSocat } from '../helpers/pty.js';
import { mosquittoMissing, startMosquitto } from '../helpers/mosquitto.js';

const reason = hasSocat() ? null : 'socat is not installed (apt-get install socat)';
if (reason) console.warn(`[test/cli/fleet.test.ts: the pseudo-terminal tests are skipped] ${reason}`);

const imei = (n: number): string => `86${String(n).padStart(13, '0')}`;
type Obj = Record<string, unknown>;
const parse = (s: string): Obj[] => s.trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Obj);

describe.skipIf(reason !== null)('cat1 fleet over pseudo-terminals', () => {
  let broker: EmbeddedBroker;
  let dir: string;
  const ptys: PtyEmulator[] = [];
  const start = async (o: PtyEmulatorOptions): Promise<PtyEmulator> => {
    const p = await startPtyEmulator(o);
    ptys.push(p);
    return p;
  };
  beforeAll(async () => {
    broker = await startEmbeddedBroker();
    dir = mkdtempSync(join(tmpdir(), 'cat1-fleet-'));
    writeFileSync(join(dir, 'pw'), 'p\n');
  });
  afterAll(async () => {
    await Promise.all(ptys.map((p) => p.stop()));
    await broker?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('diagnose: a healthy module passes, one without SIM fails, one whose link is removed mid-run fails alone; JSON tagged per module, JUnit per step, exit 1', async () => {
    const healthy = await start({ identity: { imei: imei(1) } });
    const noSim = await start({ identity: { imei: imei(2) }, conditions: { sim: 'absent' } });
    const doomed = await start({ identity: { imei: imei(3) }, faults: { delayMs: 150 } });
    const junit = join(dir, 'fleet.xml');
    const run = startCat1(['fleet', 'diagnose', '--ports', [healthy.path, noSim.path, doomed.path].join(','), '--broker', `mqtt://localhost:${broker.port}`, '--client-id', 'line1-{imei}', '--json', '--junit', junit, '--timeout', '2']);
    // the slow module reached its SIM stage: remove its link now
    await run.waitFor(new RegExp(`"stage":"sim"[^\\n]*"module":"${imei(3)}"`), 'stdout', 20_000);
    await doomed.stop();
    const code = await run.exited;
    expect(code, run.io.stderr).toBe(1);
    const objs = parse(run.io.stdout);
    const last = objs.at(-1)!;
    expect(last).toMatchObject({ type: 'fleet', action: 'diagnose', outcome: 'fail', modules: 3, failed: 2, unreachable: 0, exit: 1 });
    expect((last['passed'] as number) + (last['warned'] as number)).toBe(1);
    // every other line is tagged with the module's port and identity
    for (const o of objs.slice(0, -1)) {
      expect(o['port'], JSON.stringify(o)).toMatch(/host$/);
      expect([imei(1), imei(2), imei(3)]).toContain(o['module']);
      expect(o['clientId']).toBe(`line1-${o['module'] as string}`);
    }
    const result = (m: string): Obj => objs.find((o) => o['type'] === 'module' && o['module'] === m)!;
    expect(['pass', 'warn']).toContain(result(imei(1))['outcome']);
    expect(objs.filter((o) => o['module'] === imei(1) && o['type'] === 'stage').map((o) => o['stage'])).toEqual(['link', 'identity', 'sim', 'signal', 'registration', 'pdp', 'dns', 'ping', 'mqtt', 'compare']);
    expect(result(imei(2))).toMatchObject({ outcome: 'fail' });
    expect(result(imei(2))['summary']).toMatch(/^sim: CME ERROR 10: SIM not inserted/);
    expect(result(imei(3))).toMatchObject({ outcome: 'fail', error: { code: 'ERR_PORT_CLOSED' } });
    expect(result(imei(3))['summary']).toMatch(/the port went away/);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain(`<testcase classname="${imei(1)} (${healthy.path})" name="10 compare"`);
    expect(xml).toMatch(new RegExp(`<testcase classname="${imei(2)} \\(${noSim.path}\\)" name="3 sim" time="[\\d.]+">\\s*<failure message="CME ERROR 10: SIM not inserted`));
    expect(xml).toMatch(new RegExp(`<testcase classname="${imei(3)} \\(${doomed.path}\\)" name="[^"]+" time="[\\d.]+">\\s*<error message="the port went away`));
    expect(xml).toMatch(/failures="1" errors="1"/);
  }, 60_000);

  it('at: every module answers each command; human lines, then the count; exit 0', async () => {
    const a = await start({ identity: { imei: imei(11) } });
    const b = await start({ identity: { imei: imei(12) } });
    const r = await cat1(['fleet', 'at', '--ports', `${a.path},${b.path}`, 'AT+CGSN', 'AT+CSQ']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^ +\\d+ +${a.path} +${imei(11)} +PASS +[\\d.]+ s +2 commands OK$`, 'm'));
    expect(r.stdout).toMatch(new RegExp(`^ +\\d+ +${b.path} +${imei(12)} +PASS`, 'm'));
    expect(r.stdout).toMatch(/^2 modules: 2 passed, 0 with warnings, 0 failed, 0 unreachable, in [\d.]+ s$/m);
  }, 30_000);

  it('compare: each module beside its own direct connection, the broker named by --broker-kind; a compare report per module, exit 0', async () => {
    const a = await start({ identity: { imei: imei(41) } });
    const b = await start({ identity: { imei: imei(42) } });
    const r = await cat1(['fleet', 'compare', '--ports', `${a.path},${b.path}`, '--broker', `mqtt://localhost:${broker.port}`, '--client-id', 'cmp-{index}', '--username', 'u', '--password-file', join(dir, 'pw'), '--broker-kind', 'aedes', '--qos', '2', '--json'], { env: {} });
    expect(r.code, r.stderr).toBe(0);
    const objs = parse(r.stdout);
    const reports = objs.filter((o) => o['type'] === 'compare-report');
    expect(reports.map((o) => [o['module'], o['clientId'], o['agree']])).toEqual(expect.arrayContaining([[imei(41), 'cmp-1', true], [imei(42), 'cmp-2', true]]));
    expect(JSON.stringify(reports)).not.toMatch(/broker-qos2/); // aedes does QoS 2
    expect(objs.at(-1)).toMatchObject({ type: 'fleet', action: 'compare', passed: 2, failed: 0, exit: 0 });
  }, 30_000);

  it.skipIf(spawnSync('script', ['--version'], { stdio: 'ignore' }).status !== 0)('on a terminal: a live table, redrawn in place, then the final table and the count', async () => {
    const a = await start({ identity: { imei: imei(51) } });
    const b = await start({ identity: { imei: imei(52) } });
    // script(1) gives cat1 a pseudo-terminal as its stdout
    const cmd = [process.execPath, CAT1, 'fleet', 'at', '--no-color', '--ports', `${a.path},${b.path}`, '--client-id', 'tty-{index}', 'AT+CSQ'].join(' ');
    // asynchronously: the emulators answer from this process
    const r = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn('script', ['-qfec', cmd, '/dev/null'], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
      child.on('error', reject);
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const out = r.stdout.replace(/\r/g, '');
    expect(out).toMatch(/^#  port +identity +step +result +time/m);
    expect(out).toMatch(/\x1b\[\d+A\x1b\[J/); // redrawn in place
    const final = out.split(/\x1b\[\d+A\x1b\[J/).at(-1)!;
    expect(final).toMatch(new RegExp(`^1 +${a.path} +${imei(51)} tty-1 +done +PASS +[\\d.]+ s +1 command OK$`, 'm'));
    expect(final).toMatch(new RegExp(`^2 +${b.path} +${imei(52)} tty-2 +done +PASS`, 'm'));
    expect(final).toMatch(/^2 modules: 2 passed, 0 with warnings, 0 failed, 0 unreachable/m);
  }, 30_000);

  it('no module answers: each is reported, exit 3', async () => {
    const a = await start({});
    const b = await start({});
    await a.emulator.close();
    await b.emulator.close();
    const r = await cat1(['fleet', 'at', '--ports', `${a.path},${b.path}`, '--json', '--timeout', '0.3', 'AT']);
    expect(r.code, r.stderr).toBe(3);
    const objs = parse(r.stdout);
    expect(objs.filter((o) => o['type'] === 'module').map((o) => o['outcome'])).toEqual(['unreachable', 'unreachable']);
    expect(objs.at(-1)).toMatchObject({ type: 'fleet', outcome: 'unreachable', unreachable: 2, exit: 3 });
  }, 30_000);

  it('a client-ID template that gives two modules one ID is refused before any session: {port} before the ports open, {imei} before any MQTT', async () => {
    const r1 = await cat1(['fleet', 'diagnose', '--ports', '/nonexistent/a/host,/nonexistent/b/host', '--broker', `mqtt://localhost:${broker.port}`, '--client-id', 'dev-{port}']);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/^cat1: --client-id dev-\{port\} gives 2 modules the same client ID "dev-host" \(\/nonexistent\/a\/host, \/nonexistent\/b\/host\)/);
    const twinA = await start({ identity: { imei: imei(21) } });
    const twinB = await start({ identity: { imei: imei(21) } });
    const before = broker.log.length;
    const r2 = await cat1(['fleet', 'diagnose', '--ports', `${twinA.path},${twinB.path}`, '--broker', `mqtt://localhost:${broker.port}`, '--client-id', 'dev-{imei}']);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain(`same client ID "dev-${imei(21)}"`);
    expect(broker.log.slice(before).filter((l) => /New client connected/.test(l))).toEqual([]);
  }, 30_000);

  it.skipIf(mosquittoMissing() !== null)('diagnose --report-to: the verdict lands retained under the IMEI, the station is marked offline at the end; the password from a file, never a flag', async () => {
    const REPORT_PW = 'rep0rt-Pw-77';
    const reportBroker = await startMosquitto({ users: { station: REPORT_PW } });
    try {
      const pty = await start({ identity: { imei: imei(31) } });
      const pwFile = join(dir, 'report-pw');
      writeFileSync(pwFile, `${REPORT_PW}\n`);
      const flag = await cat1(['diagnose', '-p', pty.path, '--broker', `mqtt://localhost:${broker.port}`, '--report-to', reportBroker.url, '--report-password', REPORT_PW]);
      expect(flag.code).toBe(2);
      const r = await cat1(['diagnose', '-p', pty.path, '--broker', `mqtt://localhost:${broker.port}`, '--json', '--report-to', reportBroker.url, '--station', 'bench7', '--report-username', 'station', '--report-password-file', pwFile]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout + r.stderr).not.toContain(REPORT_PW);
      // a subscriber that comes later still gets the latest verdict and the station's state (retained)
      const sub = await mqtt.connectAsync(reportBroker.url, { username: 'station', password: REPORT_PW, reconnectPeriod: 0 });
      const got = new Map<string, { retain: boolean; body: Obj }>();
      const both = new Promise<void>((res) =>
        sub.on('message', (t, p, pkt) => {
          got.set(t, { retain: pkt.retain, body: JSON.parse(p.toString()) as Obj });
          if (got.size >= 2) res();
        }),
      );
      await sub.subscribeAsync(['cat1/bench7/+/verdict', 'cat1/bench7/_station/status'], { qos: 1 });
      await both;
      await sub.endAsync(true);
      const v = got.get(`cat1/bench7/${imei(31)}/verdict`)!;
      expect(v.retain).toBe(true);
      const diagnosis = parse(r.stdout).at(-1)!;
      expect(diagnosis['type']).toBe('diagnosis');
      expect(v.body).toMatchObject({ station: 'bench7', module: imei(31), action: 'diagnose', outcome: diagnosis['outcome'] });
      expect(got.get('cat1/bench7/_station/status')?.body).toMatchObject({ station: 'bench7', online: false, reason: 'finished' });
    } finally {
      await reportBroker.stop();
    }
  }, 30_000);
});
