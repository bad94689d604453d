/**
 * Issue 12 items 4 and 5 as users run them: the built `cat1` in a subprocess, the emulator on a
 * pseudo-terminal, a real mosquitto. Exit codes, the cause ids and their evidence in --json.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PtyEmulator, PtyEmulatorOptions } from '../../src/emulator/pty.js';
import { withPty as withRigPty } from '../helpers/emulator-rig.js';
import { cat1 } from '../helpers/cli.js';
import { hasSocat } from '../helpers/pty.js';
import { mosquittoMissing, startMosquitto, type RunningMosquitto } from '../helpers/mosquitto.js';

const missing = mosquittoMissing() ?? (hasSocat() ? null : 'socat is not installed (apt-get install socat)');
if (missing) console.warn(`skipping the cat1 evidence subprocess tests: ${missing}`);

interface Report {
  agree: boolean;
  steps: Array<{ step: string; same: boolean; module: { ok: boolean; code: unknown; observed?: string[] }; direct: { ok: boolean; code: unknown; observed?: string[] } }>;
  identity: { observed: { status: string; clientId?: string } | null; probe: { moduleDropped: boolean; restored: string } | null };
  verdict: { causes: Array<{ id: string; basis: string; evidence: string[] }> };
}

const withPty = <T>(opts: PtyEmulatorOptions, fn: (pty: PtyEmulator) => Promise<T>): Promise<T> => withRigPty({ reconnectDelayMs: 200, ...opts }, fn);

describe.skipIf(missing !== null)('cat1 compare / diagnose: identity and altered credentials by observation', () => {
  let anon: RunningMosquitto;
  let locked: RunningMosquitto;
  const dir = mkdtempSync(join(tmpdir(), 'cat1-evidence-'));
  const PW40 = 'Abcdefghij0123456789Abcdefghij0123456789';
  const pwFile = join(dir, 'pw.txt');
  beforeAll(async () => {
    anon = await startMosquitto({ allowAnonymous: true });
    locked = await startMosquitto({ users: { 'plant-7': PW40 }, allowAnonymous: false });
    writeFileSync(pwFile, `${PW40}\n`);
  });
  afterAll(async () => {
    await anon?.stop();
    await locked?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('compare --broker-log, a quirk module against a broker accepting anonymous clients: identity-mismatch, exit 1', async () => {
    const r = await withPty({ profile: 'ec616s' }, (pty) => cat1(['compare', '-p', pty.path, '--broker', anon.url, '--client-id', 'dev1', '--username', 'user1', '--broker-log', anon.logPath, '--json']));
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout.trim()) as Report;
    expect(report.identity.observed).toMatchObject({ status: 'other' });
    expect(report.steps.find((s) => s.step === 'identity')).toMatchObject({ same: false });
    const c = report.verdict.causes.find((x) => x.id === 'identity-mismatch')!;
    expect(c.basis).toBe('observed');
    expect(c.evidence.join('\n')).toMatch(/broker log: .* as auto-/);
    // each step says what was sent and answered
    const conn = report.steps.find((s) => s.step === 'connect')!;
    expect(conn.module.observed?.join('\n')).toMatch(/sent AT\+ECMTCONN=0,"dev1"/);
    expect(conn.module.observed?.join('\n')).toMatch(/URC \+ECMTCONN: 0,0,0 after \d+ ms/);
    expect(conn.direct.observed?.join('\n')).toMatch(/connect: CONNACK 0 after \d+ ms \(from local port \d+\)/);
    expect(r.stdout).not.toContain('user1');
  });

  it('compare --probe-identity, a module without the quirk: the broker drops it, it reconnects, the text report says so, exit 0', async () => {
    const r = await withPty({ profile: 'no-quirk' }, (pty) => cat1(['compare', '-p', pty.path, '--broker', anon.url, '--client-id', 'dev2', '--username', 'user1', '--probe-identity']));
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/identity probe: a direct connect as "dev2" made the broker drop the module \(\+ECMTSTAT after \d+ ms\): the module uses that client ID; the module's session came back by itself/);
    expect(r.stdout).not.toMatch(/credential-quirk/);
  });

  it('diagnose --probe-identity, a quirk module: the comparison stage fails on the identity, exit 1', async () => {
    const r = await withPty({ profile: 'ec616s' }, (pty) => cat1(['diagnose', '-p', pty.path, '--broker', anon.url, '--client-id', 'dev3', '--username', 'user1', '--probe-identity', '--json']));
    expect(r.code, r.stderr).toBe(1);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const stage = lines.find((l) => l['stage'] === 'compare' || l['id'] === 'compare');
    expect(JSON.stringify(stage)).toMatch(/identity-mismatch/);
    expect(JSON.stringify(stage)).toMatch(/identity probe: a direct connect as \\"dev3\\" did NOT drop the module within 3000 ms.*the module's session was not touched/);
  });

  it('compare, a firmware that cuts the password (old-truncating) while the user named ec616s: credentials-altered, exit 1', async () => {
    const r = await withPty({ profile: 'old-truncating' }, (pty) => cat1(['compare', '-p', pty.path, '--broker', locked.url, '--client-id', 'dev5', '--username', 'plant-7', '--password-file', pwFile, '--broker-log', locked.logPath, '--json']));
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout.trim()) as Report;
    const top = report.verdict.causes[0]!;
    expect(top.id).toBe('credentials-altered');
    expect(top.evidence.join('\n')).toMatch(/same inputs on both sides/);
    expect(top.evidence.join('\n')).toMatch(/profile old-truncating would CUT the password \(40 bytes\) to 32 bytes/);
    expect(r.stdout + r.stderr).not.toContain(PW40);
  });
});
