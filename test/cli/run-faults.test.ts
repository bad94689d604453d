/**
 * How `cat1 compare` / `cat1 diagnose` behave when the run itself goes wrong or finds the module
 * busy (issue 12, items 1–3): a module already connected is observed, never passed, never torn
 * down unasked (--reconnect ends it, and says so); a broker killed mid-run is `broker-lost`
 * (exit 3) with a partial report whatever the step; a module that stops answering is
 * `module-silent` (exit 3) naming its last byte and line. The emulator on a real
 * pseudo-terminal, a real mosquitto with a password file, the built CLI in a subprocess. Every
 * fault is triggered by an event (a command the emulator received, an MQTT packet it wrote), not
 * by time.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AtEngine } from '../../src/at/engine.js';
import { EcmtSession } from '../../src/dialects/ecmt/session.js';
import { defaultGrammar } from '../../src/grammar.js';
import { defaultConnect } from '../../src/emulator/network.js';
import { startPtyEmulator, type PtyEmulator, type PtyEmulatorOptions } from '../../src/emulator/pty.js';
import { SerialModemPort } from '../../src/port/serial.js';
import { cat1 } from '../helpers/cli.js';
import { mosquittoMissing, startMosquitto, type RunningMosquitto } from '../helpers/mosquitto.js';
import { hasSocat } from '../helpers/pty.js';

const GOOD = 'R1ght-pw-12';
const BAD = 'Wr0ng-pw-34';
const USER = 'field-user';
const missing = mosquittoMissing() ?? (hasSocat() ? null : 'socat is not installed (apt-get install socat)');
if (missing) console.warn(`skipping the run-fault tests: ${missing}`);

interface Report {
  agree: boolean;
  steps: Array<{ step: string; same: boolean; notRun?: string; module: { ok: boolean; code: unknown; skipped?: boolean; detail: string }; direct: { ok: boolean; code: unknown; detail: string } }>;
  verdict: { summary: string; causes: Array<{ id: string; text: string; evidence: string[] }> };
  run: {
    found: { open: { host: string; port: number }; connState: number | null } | null;
    mode: string;
    notRun: Array<{ step: string; why: string; how: string }>;
    changes: Array<{ what: string; restored: boolean }>;
    brokerLost: { at: number; step: string; code: string } | null;
    moduleSilent: { lastByteAt: number | null; lastLine: string | null; command: string } | null;
  };
}

describe.skipIf(missing !== null)('compare / diagnose: a module already connected, the broker lost, the module silent', () => {
  let dir: string;
  let good: string;
  let bad: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cat1-runfaults-'));
    good = join(dir, 'goodpw.txt');
    bad = join(dir, 'badpw.txt');
    writeFileSync(good, `${GOOD}\n`);
    writeFileSync(bad, `${BAD}\n`);
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function withRig<T>(emu: PtyEmulatorOptions | ((b: RunningMosquitto) => PtyEmulatorOptions), fn: (pty: PtyEmulator, broker: RunningMosquitto) => Promise<T>): Promise<T> {
    const broker = await startMosquitto({ users: { [USER]: GOOD } });
    try {
      const pty = await startPtyEmulator({ profile: 'ec616s', reconnectDelayMs: 50, ...(typeof emu === 'function' ? emu(broker) : emu) });
      try {
        return await fn(pty, broker);
      } finally {
        await pty.stop();
      }
    } finally {
      await broker.stop();
    }
  }

  /** The user's own application connects the module with the right password (as with `cat1 at`), then lets go of the port. */
  async function connectModule(pty: PtyEmulator, broker: RunningMosquitto, clientId: string): Promise<void> {
    const port = await SerialModemPort.open({ path: pty.path, baudRate: 115200 });
    const engine = new AtEngine(port, { grammar: defaultGrammar(), timeoutMs: 5000 });
    try {
      const s = new EcmtSession(engine);
      expect((await s.open('127.0.0.1', broker.port)).ok).toBe(true);
      expect((await s.connect({ clientId, username: USER, password: GOOD })).ok).toBe(true);
    } finally {
      engine.dispose();
      await port.close();
    }
    expect(pty.emulator.state).toBe('connected');
  }

  const compareArgs = (pty: PtyEmulator, broker: RunningMosquitto, clientId: string, pw: string, ...more: string[]): string[] => [
    'compare', '--port', pty.path, '--broker', broker.url, '--client-id', clientId, '--username', USER, '--password-file', pw, ...more,
  ];
  const commandsSeen = (pty: PtyEmulator): string[] => {
    const seen: string[] = [];
    pty.emulator.on('command', (c) => seen.push(c.line));
    return seen;
  };

  it('compare, module already connected with the right password, a wrong one given: not a pass (exit 1); the session is observed, not torn down; the report says what it changed', async () => {
    await withRig({}, async (pty, broker) => {
      await connectModule(pty, broker, 'dev-ac1');
      const seen = commandsSeen(pty);
      const r = await cat1(compareArgs(pty, broker, 'dev-ac1', bad, '--json'));
      expect(r.code, r.stderr).toBe(1);
      const rep = JSON.parse(r.stdout) as Report;
      expect(rep.agree).toBe(false);
      expect(rep.run.mode).toBe('observed');
      expect(rep.run.found).toEqual({ open: { host: '127.0.0.1', port: broker.port }, connState: 3 });
      // the credential step did not run on the module, and no connect with the module's own ID was made
      // (it would take its session over); the traffic client (derived ID) says what the broker thinks of the values
      const conn = rep.steps.find((s) => s.step === 'connect')!;
      expect(conn.notRun).toMatch(/already connected/);
      expect(conn.module.skipped).toBe(true);
      expect(conn.direct.detail).toMatch(/would take over the session the module has/);
      expect(rep.steps.find((s) => s.step === 'subscribe')!.direct).toMatchObject({ ok: false, code: 5 });
      expect(rep.run.notRun.map((n) => n.step)).toEqual(expect.arrayContaining(['open', 'connect']));
      expect(rep.run.notRun.find((n) => n.step === 'connect')!.how).toMatch(/--reconnect/);
      expect(rep.verdict.summary).toMatch(/^not verified: .*connect.* did not run/);
      expect(rep.verdict.causes.map((c) => c.id)).not.toContain('broker-credentials');
      // with these credentials the host's traffic client is refused too: nothing of the session could be observed — said, not a difference
      expect(rep.steps.find((s) => s.step === 'subscribe')!.notRun).toMatch(/traffic client \(dev-ac1-mirror\) could not connect with the credentials given/);
      expect(rep.steps.every((s) => s.notRun !== undefined || s.same)).toBe(true);
      expect(rep.verdict.causes.map((c) => c.id)).not.toContain('unexplained');
      // nothing that ends a session, no new connect, nothing changed
      expect(seen.filter((c) => /^AT\+ECMT(DISC|CLOSE|CONN|OPEN|SUB|UNS|PUB|CFG)=/.test(c))).toEqual([]);
      expect(rep.run.changes).toEqual([]);
      expect(pty.emulator.state).toBe('connected');
      expect(r.stdout + r.stderr).not.toContain(BAD);
      expect(r.stdout + r.stderr).not.toContain(GOOD);
    });
  });

  it('compare, module already connected, the right password given: its traffic is observed and agrees, but connect did not run: exit 1; the subscription it added is taken back', async () => {
    await withRig({}, async (pty, broker) => {
      await connectModule(pty, broker, 'dev-ac5');
      const seen = commandsSeen(pty);
      // the module's own session must never be taken over (a direct connect with its client ID would drop it)
      const linkEvents: string[] = [];
      pty.emulator.on('link', (e) => linkEvents.push(e.type));
      const r = await cat1(compareArgs(pty, broker, 'dev-ac5', good));
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.stdout).toMatch(/^connect\s+NOT RUN$/m);
      expect(r.stdout).toMatch(/^deliver-direct-to-module\s+same$/m);
      expect(r.stdout).toMatch(/^deliver-module-to-direct\s+same$/m);
      expect(r.stdout).toMatch(/Verdict: not verified: some steps did not run/);
      expect(r.stdout).toMatch(/not run connect: the module was already connected to 127\.0\.0\.1:\d+ when the run started: the credentials it uses are unknown, the ones given were not checked on the module → run with --reconnect/);
      expect(r.stdout).toMatch(/changed on the module: subscribed to cat1\/compare\/[0-9a-f]+\/d2m on the session the module already had; unsubscribed again \(AT\+ECMTUNS\) \(restored\)/);
      expect(seen.filter((c) => /^AT\+ECMT(DISC|CLOSE|CONN|OPEN)=/.test(c))).toEqual([]);
      expect(seen.filter((c) => /^AT\+ECMT(SUB|UNS)=/.test(c)).map((c) => c.replace(/=.*/, ''))).toEqual(['AT+ECMTSUB', 'AT+ECMTUNS']);
      expect(linkEvents).toEqual([]);
      expect(broker.log()).not.toMatch(/Client dev-ac5 already connected, closing old connection/);
      expect(pty.emulator.state).toBe('connected');
    });
  });

  it('compare --reconnect: the session found is ended first (said in the report), then every step runs', async () => {
    await withRig({}, async (pty, broker) => {
      await connectModule(pty, broker, 'dev-ac2');
      const seen = commandsSeen(pty);
      const r = await cat1(compareArgs(pty, broker, 'dev-ac2', bad, '--reconnect'));
      // both refused with 5: the module behaves like the host (the existing rule), but now it was checked
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(seen.filter((c) => /^AT\+ECMT(DISC|CLOSE|OPEN|CONN)=/.test(c)).map((c) => c.replace(/=.*/, ''))).toEqual(['AT+ECMTDISC', 'AT+ECMTOPEN', 'AT+ECMTCONN', 'AT+ECMTCLOSE']);
      expect(r.stdout).toMatch(/^connect\s+same$/m);
      expect(r.stdout).toMatch(/Module: found connected to 127\.0\.0\.1:\d+ when the run started — ended first \(--reconnect\)/);
      expect(r.stdout).toMatch(/changed on the module: ended the session the module had when the run started \(connected to 127\.0\.0\.1:\d+\) with AT\+ECMTDISC \(--reconnect\): done; not restored/);
      expect(r.stdout).toMatch(/\(not restored\)/);
    });
  });

  it('diagnose, module already connected, a wrong password given: stage 9 NOT RUN, never PASS (exit 1), the session left connected', async () => {
    await withRig({}, async (pty, broker) => {
      await connectModule(pty, broker, 'dev-ac3');
      const seen = commandsSeen(pty);
      const r = await cat1(['diagnose', '--port', pty.path, '--broker', broker.url, '--client-id', 'dev-ac3', '--username', USER, '--password-file', bad]);
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.stdout).toMatch(/ 9\/10 NOT RUN {2}MQTT open and connect: the module is already connected to 127\.0\.0\.1:\d+ — a session this run did not open, left as found: the open and the credentials were not checked/);
      expect(r.stdout).toMatch(/10\/10 NOT RUN {2}Comparison with a direct connection: not verified/);
      expect(r.stdout).toMatch(/\nResult: NOT VERIFIED — not run: MQTT open and connect, Comparison with a direct connection; .* 2 not run/);
      expect(r.stdout).not.toMatch(/Result: PASS/);
      expect(r.stdout).toMatch(/next: run with --reconnect/);
      expect(seen.filter((c) => /^AT\+ECMT(DISC|CLOSE|CONN|OPEN)=/.test(c))).toEqual([]);
      expect(pty.emulator.state).toBe('connected');
    });
  });

  it('diagnose --reconnect with the wrong password: the session is ended (said), the connect is refused: FAIL, exit 1', async () => {
    await withRig({}, async (pty, broker) => {
      await connectModule(pty, broker, 'dev-ac4');
      const r = await cat1(['diagnose', '--port', pty.path, '--broker', broker.url, '--client-id', 'dev-ac4', '--username', USER, '--password-file', bad, '--reconnect', '--json']);
      expect(r.code, r.stderr).toBe(1);
      const objs = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      const mqtt = objs.find((o) => o['stage'] === 'mqtt')!;
      expect(mqtt['status']).toBe('fail');
      expect(mqtt['summary']).toMatch(/was ended first with AT\+ECMTDISC \(--reconnect\) and is not restored/);
      expect((mqtt['data'] as { connect: { retCode: number } }).connect.retCode).toBe(5);
      expect(objs[objs.length - 1]).toMatchObject({ type: 'diagnosis', outcome: 'fail' });
    });
  });

  // ---- the broker killed at each step of the module's session ----

  const killPoints: Array<[string, (b: RunningMosquitto) => PtyEmulatorOptions, (pty: PtyEmulator, b: RunningMosquitto) => void]> = [
    // the module's TCP connect happens only once the broker is dead
    ['open', (b) => ({ connect: async (target) => (b.kill(), await b.exited(), defaultConnect(target)) }), () => undefined],
    // the moment each packet leaves the module
    ['connect', () => ({}), (pty, b) => pty.emulator.on('mqtt', (d, p) => d === 'out' && p.cmd === 'connect' && b.kill())],
    ['subscribe', () => ({}), (pty, b) => pty.emulator.on('mqtt', (d, p) => d === 'out' && p.cmd === 'subscribe' && b.kill())],
    ['publish', () => ({}), (pty, b) => pty.emulator.on('mqtt', (d, p) => d === 'out' && p.cmd === 'publish' && b.kill())],
  ];

  it.each(killPoints)('the broker killed during the module\'s %s: broker-lost (not network-module) with the direct error, exit 3, a partial --json report', async (step, emu, arm) => {
    await withRig(emu, async (pty, broker) => {
      arm(pty, broker);
      const r = await cat1(compareArgs(pty, broker, `dev-bl-${step}`, good, '--json'));
      expect(r.code, r.stderr).toBe(3);
      const rep = JSON.parse(r.stdout) as Report;
      const ids = rep.verdict.causes.map((c) => c.id);
      expect(ids[0]).toBe('broker-lost');
      expect(ids).not.toContain('network-module');
      expect(ids).not.toContain('unexplained');
      // the broker may still answer the packet it was killed on (SIGKILL is not instant): the loss is
      // seen in that step or the next one, never earlier
      const order = ['open', 'connect', 'subscribe', 'publish', 'deliver-module-to-direct'];
      const lost = rep.run.brokerLost!;
      // refused, or reset when the probe met the listener as it died
      expect(lost.code).toMatch(/^ECONN(REFUSED|RESET)$/);
      expect(order.indexOf(lost.step)).toBeGreaterThanOrEqual(order.indexOf(step));
      expect(order.indexOf(lost.step)).toBeLessThanOrEqual(order.indexOf(step) + 1);
      const top = rep.verdict.causes[0]!;
      expect(top.evidence[0]).toMatch(new RegExp(`a direct TCP connect from this host at \\d+\\.\\d s \\(during "${lost.step}"\\) failed: ${lost.code}`));
      expect(rep.verdict.summary).toMatch(new RegExp(`^the run stopped during "${lost.step}": the broker went away during the run`));
      // the steps completed are there, up to the one the loss interrupted
      const names = rep.steps.map((s) => s.step);
      expect(names.slice(0, 2)).toEqual(['open', 'connect']);
      if (step !== 'open') expect(names).toContain(step);
      // the run stopped there: what it never reached is listed as not run, up to the disconnect (the
      // step during which the loss was seen may itself have completed on both sides, or on one:
      // a QoS 1 PUBACK can still reach the module while the host's publish fails)
      expect(rep.run.notRun.map((n) => n.step)).toContain('disconnect');
      expect(rep.steps.map((s) => s.step)).not.toContain('disconnect');
      expect(rep.agree).toBe(false);
      expect(r.stdout + r.stderr).not.toContain(GOOD);
    });
  });

  it.each(['subscribe', 'publish'])('the broker killed during the module\'s %s: the text report is printed too (the steps completed, the verdict), exit 3', async (step) => {
    await withRig({}, async (pty, broker) => {
      pty.emulator.on('mqtt', (d, p) => d === 'out' && p.cmd === step && broker.kill());
      const r = await cat1(compareArgs(pty, broker, `dev-blt-${step}`, good));
      expect(r.code, r.stderr).toBe(3);
      expect(r.stdout).toMatch(/^open\s+same$/m);
      expect(r.stdout).toMatch(/^connect\s+same$/m);
      expect(r.stdout).toMatch(/Verdict: stopped early: the broker went away \(partial report\)/);
      expect(r.stdout).toMatch(/1\. \[broker-lost, 95%\] the broker went away during the run/);
      expect(r.stdout).toMatch(/not run (publish|deliver-module-to-direct|deliver-direct-to-module): the broker went away at \d+\.\d s/);
    });
  });

  // ---- the module stops answering ----

  it('the module hangs at AT+ECMTSUB: module-silent with the time of its last byte and its last line, exit 3, a partial report', async () => {
    await withRig({ faults: { hang: { atCommand: 'AT+ECMTSUB' } } }, async (pty, broker) => {
      const r = await cat1([...compareArgs(pty, broker, 'dev-ms1', good, '--json'), '--timeout', '2']);
      expect(r.code, r.stderr).toBe(3);
      const rep = JSON.parse(r.stdout) as Report;
      expect(rep.verdict.causes[0]!.id).toBe('module-silent');
      expect(rep.verdict.causes.map((c) => c.id)).not.toContain('unexplained');
      const silent = rep.run.moduleSilent!;
      expect(silent.command).toMatch(/^AT\+ECMTSUB=0,\d+,"cat1\/compare\/[0-9a-f]+\/d2m",1$/);
      expect(silent.lastByteAt).toBeGreaterThan(0);
      // the last thing the module said before the hang was the CONNACK's URC or an OK
      expect(silent.lastLine).toMatch(/^(\+ECMTCONN: 0,0,0|OK)$/);
      expect(rep.verdict.causes[0]!.text).toMatch(/^the module stopped answering at \d+\.\d s \(last line "(\+ECMTCONN: 0,0,0|OK)"\): AT\+ECMTSUB=.* got no answer and not a single byte came within \d+ ms/);
      expect(rep.steps.map((s) => s.step)).toEqual(['open', 'connect', 'subscribe']);
      expect(rep.run.notRun.map((n) => n.step)).toEqual(['publish', 'deliver-module-to-direct', 'deliver-direct-to-module', 'disconnect']);
    });
  }, 60_000);

  it('the module hangs right away (at the first ECMT command): module-silent, nothing sent to the broker from the module, exit 3', async () => {
    await withRig({ faults: { hang: { atCommand: 'AT+ECMTOPEN' } } }, async (pty, broker) => {
      const r = await cat1([...compareArgs(pty, broker, 'dev-ms2', good), '--timeout', '1']);
      expect(r.code, r.stderr).toBe(3);
      expect(r.stdout).toMatch(/Verdict: stopped early: the module stopped answering \(partial report\)/);
      // this run's engine never heard from it (the port check before is another conversation): said so, no line made up
      expect(r.stdout).toMatch(/\[module-silent, 95%\] the module answered nothing since the comparison started: AT\+ECMTOPEN\? got no answer/);
      expect(r.stdout).toMatch(/^open\s+NOT RUN$/m);
      expect(r.stdout).toMatch(/^connect\s+NOT RUN$/m);
    });
  }, 60_000);

  // ---- the same in diagnose: the stage that met it says so, the run ends, exit 3 ----

  const diagnoseArgs = (pty: PtyEmulator, broker: RunningMosquitto, clientId: string, ...more: string[]): string[] => [
    'diagnose', '--port', pty.path, '--broker', broker.url, '--client-id', clientId, '--username', USER, '--password-file', good, ...more,
  ];

  it('diagnose, the broker killed when the module sends CONNECT (stage 9): broker-lost, not the module\'s network; exit 3, the stages so far printed', async () => {
    await withRig({}, async (pty, broker) => {
      pty.emulator.on('mqtt', (d, p) => d === 'out' && p.cmd === 'connect' && broker.kill());
      const r = await cat1(diagnoseArgs(pty, broker, 'dev-dbl1'));
      expect(r.code, r.stdout + r.stderr).toBe(3);
      expect(r.stdout).toMatch(/ 6\/10 PASS {2}PDP context/);
      // SIGKILL is not instant: mosquitto may still answer the CONNECT it was killed on, and then the
      // loss is seen by stage 10 (the broker accepted the module in stage 9, so it went away)
      if (/ 9\/10 PASS /.test(r.stdout)) {
        expect(r.stdout).toMatch(/10\/10 FAIL {2}Comparison with a direct connection: the run stopped during "open": the broker went away during the run: at \d+\.\d s, during "open", this host could no longer connect to it either \(ECONN(REFUSED|RESET)\)\. The broker stopped, restarted or became unreachable for everyone — this says nothing about the module or its carrier network/);
      } else {
        expect(r.stdout).toMatch(/ 9\/10 FAIL {2}MQTT open and connect: the broker went away during "connect": at \d+\.\d s this host could no longer connect to 127\.0\.0\.1:\d+ either \(ECONN(REFUSED|RESET)\)/);
        expect(r.stdout).toMatch(/next: the broker stopped, restarted or became unreachable for everyone — nothing points at the module/);
        expect(r.stdout).toMatch(/\nResult: FAIL — stopped at stage 9/);
      }
      expect(r.stdout).not.toMatch(/network-module|suspect the carrier|APN|firewall/);
    });
  });

  it('diagnose --json, the broker killed when the module subscribes (stage 10): the comparison\'s broker-lost, exit 3, every stage object printed', async () => {
    await withRig({}, async (pty, broker) => {
      // stage 9 subscribes nothing: the first SUBSCRIBE from the module is the comparison's
      pty.emulator.on('mqtt', (d, p) => d === 'out' && p.cmd === 'subscribe' && broker.kill());
      const r = await cat1(diagnoseArgs(pty, broker, 'dev-dbl2', '--json'));
      expect(r.code, r.stderr).toBe(3);
      const objs = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(objs.map((o) => o['stage'] ?? o['type'])).toEqual(['link', 'identity', 'sim', 'signal', 'registration', 'pdp', 'dns', 'ping', 'mqtt', 'compare', 'diagnosis']);
      const cmp = objs[9]!;
      expect(cmp['status']).toBe('fail');
      expect((cmp['data'] as { stoppedBy: string; causes: string[] }).stoppedBy).toBe('broker-lost');
      expect((cmp['data'] as { causes: string[] }).causes[0]).toBe('broker-lost');
    });
  });

  it('diagnose, the module hangs at AT+ECMTCONN (stage 9): module-silent with its last byte and line, the run stops there, exit 3', async () => {
    await withRig({ faults: { hang: { atCommand: 'AT+ECMTCONN' } } }, async (pty, broker) => {
      const r = await cat1(diagnoseArgs(pty, broker, 'dev-dms1', '--timeout', '2'));
      expect(r.code, r.stdout + r.stderr).toBe(3);
      // the first AT+ECMTCONN is the read form (AT+ECMTCONN?) the session sends before connecting
      expect(r.stdout).toMatch(/ 9\/10 FAIL {2}MQTT open and connect: the module stopped answering at \d+\.\d s \(last line "[^"]+"\): AT\+ECMTCONN\S* got no answer, nor did an AT after it/);
      expect(r.stdout).toMatch(/AT → no answer within \d+ ms \(the module is silent\)/);
      expect(r.stdout).toMatch(/next: the module is silent — a hung firmware/);
      expect(r.stdout).toMatch(/not run: Comparison with a direct connection/);
    });
  }, 60_000);
});
