/**
 * Issue 12, items 4 and 5, end to end: the emulator (through the library's session) beside a
 * direct mqtt.js client against a real mosquitto. The verdict must rest on what the broker's
 * log or the takeover probe showed, not on what the chosen firmware profile assumes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AtEngine } from '../../src/at/engine.js';
import { defaultGrammar } from '../../src/grammar.js';
import { createPortPair } from '../../src/port/memory.js';
import { EcmtEmulator } from '../../src/emulator/emulator.js';
import { EcmtSession } from '../../src/dialects/ecmt/session.js';
import { compare, type CompareOptions } from '../../src/mirror/compare.js';
import { reportToJson } from '../../src/mirror/json.js';
import { exitForReport } from '../../src/cli/commands/compare-run.js';
import type { FirmwareProfileName } from '../../src/dialects/ecmt/firmware.js';
import type { CompareReport } from '../../src/mirror/report.js';
import { mosquittoMissing, startMosquitto, type RunningMosquitto } from '../helpers/mosquitto.js';

const missing = mosquittoMissing();
if (missing) console.warn(`skipping the evidence end-to-end tests: ${missing}`);

/** `module`: the firmware the emulator plays; the session (what the user named) stays ec616s. */
async function run(broker: RunningMosquitto, module: FirmwareProfileName, over: Partial<CompareOptions> = {}): Promise<CompareReport> {
  const pair = createPortPair();
  const emulator = new EcmtEmulator(pair.module, { profile: module, reconnectDelayMs: 200 });
  const engine = new AtEngine(pair.host, { grammar: defaultGrammar() });
  const session = new EcmtSession(engine, { profile: 'ec616s', openTimeoutMs: 10_000, connectTimeoutMs: 10_000, ackTimeoutMs: 10_000 });
  try {
    return await compare({
      session,
      broker: { host: '127.0.0.1', port: broker.port, tls: false },
      credentials: { clientId: 'dev1', username: 'user1' },
      deliveryTimeoutMs: 3000,
      brokerLog: broker.logPath,
      ...over,
    });
  } finally {
    await emulator.close();
  }
}

const ids = (r: CompareReport): string[] => r.verdict.causes.map((c) => c.id);
const evidenceOf = (r: CompareReport, id: string): string => (r.verdict.causes.find((c) => c.id === id)?.evidence ?? []).map((e) => e.en).join('\n');

describe.skipIf(missing !== null)('item 4: the credential quirk and the module\'s identity, by observation', () => {
  let broker: RunningMosquitto;
  beforeAll(async () => {
    // accepts anonymous clients and any user name (no password file): the classic "connected, but offline on the platform"
    broker = await startMosquitto({ allowAnonymous: true });
  });
  afterAll(async () => {
    await broker?.stop();
  });

  it('a module WITHOUT the quirk, seen on the broker as dev1 with a user name: no credential-quirk cause, exit 0', async () => {
    const r = await run(broker, 'no-quirk');
    expect(r.identity.observed).toMatchObject({ status: 'as-given', clientId: 'dev1', user: 'present' });
    expect(ids(r)).not.toContain('credential-quirk');
    expect(ids(r)).not.toContain('identity-mismatch');
    expect(r.agree).toBe(true);
    expect(exitForReport(r)).toBe(0);
    // the user name itself never reaches the report
    expect(JSON.stringify(reportToJson(r))).not.toContain("u'user1'");
  });

  it('a module WITH the quirk against a broker accepting anonymous clients: seen as auto-…, identity-mismatch, exit 1', async () => {
    const r = await run(broker, 'ec616s');
    const conn = r.steps.find((s) => s.step === 'connect')!;
    expect(conn).toMatchObject({ same: true, module: { ok: true }, direct: { ok: true } });
    expect(r.identity.observed).toMatchObject({ status: 'other', assigned: true, user: 'absent' });
    expect(r.steps.find((s) => s.step === 'identity')).toMatchObject({ same: false, module: { ok: false } });
    expect(r.agree).toBe(false);
    expect(exitForReport(r)).toBe(1);
    expect(ids(r)).toContain('identity-mismatch');
    expect(evidenceOf(r, 'identity-mismatch')).toMatch(/broker log: .*New client connected from \S+ as auto-/);
    // the quirk is now observed (not a hypothesis): its evidence is the same log line
    const quirk = r.verdict.causes.find((c) => c.id === 'credential-quirk')!;
    expect(quirk.hypothesis).toBeUndefined();
    expect(quirk.confidence).toBeGreaterThanOrEqual(0.9);
    expect(evidenceOf(r, 'credential-quirk')).toMatch(/as auto-/);
  });

  it('without a broker log, the quirk is only a hypothesis worded as such', async () => {
    const r = await run(broker, 'ec616s', { brokerLog: undefined });
    const quirk = r.verdict.causes.find((c) => c.id === 'credential-quirk')!;
    expect(quirk.hypothesis).toBe(true);
    expect(quirk.confidence).toBeLessThan(0.5);
    expect(quirk.text.en).toMatch(/hypothesis.*not observed/);
    expect(reportToJson(r)).toMatchObject({ verdict: { causes: expect.arrayContaining([expect.objectContaining({ id: 'credential-quirk', basis: 'assumed' })]) } });
  });

  it('--probe-identity, quirk module: the takeover does not drop the module → identity-mismatch from the probe, exit 1, module untouched', async () => {
    const r = await run(broker, 'ec616s', { brokerLog: undefined, probeIdentity: true, probeWindowMs: 1500 });
    expect(r.identity.probe).toMatchObject({ clientId: 'dev1', connack: 0, moduleDropped: false, restored: 'untouched' });
    expect(ids(r)).toContain('identity-mismatch');
    expect(evidenceOf(r, 'identity-mismatch')).toMatch(/did NOT drop the module within 1500 ms/);
    expect(exitForReport(r)).toBe(1);
  });

  it('--probe-identity, module without the quirk: the broker drops the module, it reconnects by itself, traffic still passes, exit 0', async () => {
    const r = await run(broker, 'no-quirk', { brokerLog: undefined, probeIdentity: true, probeWindowMs: 5000 });
    expect(r.identity.probe).toMatchObject({ connack: 0, moduleDropped: true, restored: 'module-reconnected' });
    expect(ids(r)).not.toContain('identity-mismatch');
    expect(ids(r)).not.toContain('credential-quirk');
    expect(r.steps.find((s) => s.step === 'deliver-direct-to-module')?.same).toBe(true);
    expect(exitForReport(r)).toBe(0);
  });
});

describe.skipIf(missing !== null)('item 5: a module that cuts the password', () => {
  const PW40 = 'Abcdefghij0123456789Abcdefghij0123456789'; // 40 bytes: over the old build's 32, under ec616s's 128
  const PW20 = 'Short-pass-20-bytes!';
  let broker: RunningMosquitto;
  beforeAll(async () => {
    broker = await startMosquitto({ users: { 'plant-7': PW40, 'plant-8': PW20 }, allowAnonymous: false });
  });
  afterAll(async () => {
    await broker?.stop();
  });

  it('same inputs, the broker accepted the host and refused the module: credentials-altered with its evidence and the bisect hint, exit 1', async () => {
    const r = await run(broker, 'old-truncating', { credentials: { clientId: 'dev5', username: 'plant-7', password: PW40 } });
    const conn = r.steps.find((s) => s.step === 'connect')!;
    expect(conn).toMatchObject({ same: false, module: { ok: false, code: 5 }, direct: { ok: true, code: 0 } });
    expect(r.lint.filter((f) => f.code === 'too-long')).toEqual([]); // the profile the user named has no objection
    const top = r.verdict.causes[0]!;
    expect(top.id).toBe('credentials-altered');
    expect(top.confidence).toBeGreaterThanOrEqual(0.85);
    expect(top.text.en).toMatch(/Bisect the length/);
    const ev = evidenceOf(r, 'credentials-altered');
    expect(ev).toMatch(/same inputs on both sides: client ID 4 bytes, user name 7 bytes, password 40 bytes/);
    expect(ev).toMatch(/connect, direct: ok \[0\]/);
    expect(ev).toMatch(/connect, module: failed \[5\]/);
    expect(ev).toMatch(/broker log: .*not authori[sz]ed/);
    expect(ev).toMatch(/profile old-truncating would CUT the password \(40 bytes\) to 32 bytes/);
    expect(r.credentialCheck).toContainEqual({ profile: 'old-truncating', field: 'password', valueLength: 40, limit: 32, effect: 'truncate' });
    expect(ids(r)).not.toContain('unexplained');
    expect(exitForReport(r)).toBe(1);
    expect(JSON.stringify(reportToJson(r))).not.toContain(PW40);
  });

  it('a password under the old build\'s limit: the same module agrees, no credentials-altered', async () => {
    const r = await run(broker, 'old-truncating', { credentials: { clientId: 'dev6', username: 'plant-8', password: PW20 } });
    expect(r.agree).toBe(true);
    expect(ids(r)).not.toContain('credentials-altered');
    expect(exitForReport(r)).toBe(0);
  });
});
