import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cat1 } from '../helpers/cli.js';
import { mosquittoMissing, startMosquitto, type RunningMosquitto } from '../helpers/mosquitto.js';
import { hasSocat } from '../helpers/pty.js';
import { startPtyEmulator, type PtyEmulator } from '../../src/emulator/pty.js';

/**
 * `cat1 compare` against the QMT emulator (a Quectel EC800N) on a real pseudo-terminal and a real
 * mosquitto with a password file: the same verdicts as for ECMT, from the QMT result URCs
 * (qmt.md: `+QMTCONN: <idx>,0,<ret_code>`, ret_code 5 = not authorised), and `--dialect auto`
 * choosing QMT from the module's own identity answer.
 */

interface Report {
  agree: boolean;
  dialect?: { name: string; by: string; evidence: string | null };
  steps: Array<{ step: string; same: boolean; module: { code: unknown; observed?: string[] }; direct: { code: unknown } }>;
  verdict: { causes: Array<{ id: string; evidence: string[] }> };
  brokerLog: string[];
}

const missing = mosquittoMissing() ?? (hasSocat() ? null : 'socat is not installed (apt-get install socat)');
if (missing) console.warn(`skipping the cat1 compare --dialect qmt tests: ${missing}`);

describe.skipIf(missing !== null)('cat1 compare against the QMT emulator on a pseudo-terminal and mosquitto', () => {
  let broker: RunningMosquitto;
  let pty: PtyEmulator;
  const dir = mkdtempSync(join(tmpdir(), 'cat1-compare-qmt-'));
  beforeAll(async () => {
    broker = await startMosquitto({ users: { 'field-user': 'S3cret!pw' }, allowAnonymous: false });
    pty = await startPtyEmulator({ dialect: 'qmt', model: 'EC800N' });
  });
  afterAll(async () => {
    await pty?.stop();
    await broker?.stop();
  });

  it('--dialect qmt, the right password: the sides agree (exit 0), the module side shows +QMTCONN, the password never shows', async () => {
    const r = await cat1(['compare', '--dialect', 'qmt', '--port', pty.path, '--broker', broker.url, '--client-id', 'qmt-dev-1', '--username', 'field-user', '--json'], { env: { CAT1_PASSWORD: 'S3cret!pw' } });
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout.trim()) as Report;
    expect(report.agree).toBe(true);
    expect(report.dialect).toMatchObject({ name: 'qmt', by: 'option' });
    const conn = report.steps.find((s) => s.step === 'connect')!;
    expect(conn).toMatchObject({ same: true, module: { code: 0 }, direct: { code: 0 } });
    expect(conn.module.observed?.join('\n')).toMatch(/URC \+QMTCONN: 0,0,0/);
    expect(report.steps.find((s) => s.step === 'deliver-direct-to-module')?.same).toBe(true);
    expect(r.stdout + r.stderr).not.toContain('S3cret!pw');
  });

  it('--dialect qmt, a wrong password: +QMTCONN: 0,0,5 beside the direct CONNACK 5, explained as broker-credentials with the broker log line', async () => {
    const pw = join(dir, 'pw.txt');
    writeFileSync(pw, 'not-the-password\n');
    const r = await cat1(['compare', '--dialect', 'qmt', '--port', pty.path, '--broker', broker.url, '--client-id', 'qmt-dev-2', '--username', 'field-user', '--password-file', pw, '--broker-log', broker.logPath, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout.trim()) as Report;
    const conn = report.steps.find((s) => s.step === 'connect')!;
    expect(conn).toMatchObject({ module: { code: 5 }, direct: { code: 5 } });
    expect(conn.module.observed?.join('\n')).toMatch(/URC \+QMTCONN: 0,0,5/);
    expect(report.verdict.causes[0]!.id).toBe('broker-credentials');
    expect(report.brokerLog.join('\n')).toMatch(/not authori[sz]ed/);
    expect(r.stdout).not.toContain('not-the-password');
  });

  it('--dialect auto: QMT is picked from the module\'s identity answer by itself, and the output says so', async () => {
    const r = await cat1(['compare', '--dialect', 'auto', '--port', pty.path, '--broker', broker.url, '--client-id', 'qmt-dev-3', '--username', 'field-user'], { env: { CAT1_PASSWORD: 'S3cret!pw' } });
    expect(r.code, r.stderr).toBe(0);
    // the emulator answers AT+CGMI with "Quectel" (dialects/qmt/emulator-models.ts)
    expect(r.stdout).toMatch(/dialect Quectel QMT \(qmt\): detected from the module's answer "Quectel/);
    expect(r.stdout).toMatch(/connect +same/);
    const j = await cat1(['compare', '--port', pty.path, '--broker', broker.url, '--client-id', 'qmt-dev-4', '--username', 'field-user', '--json'], { env: { CAT1_PASSWORD: 'S3cret!pw' } });
    expect(j.code, j.stderr).toBe(0);
    const report = JSON.parse(j.stdout.trim()) as Report;
    expect(report.dialect).toMatchObject({ name: 'qmt', by: 'identity' });
    expect(report.dialect?.evidence).toMatch(/Quectel/);
  });

  it('MQTT settings flags the QMT module cannot take yet (--keepalive) are refused in one line, exit 2, not silently left out of the comparison', async () => {
    const r = await cat1(['compare', '--dialect', 'qmt', '--port', pty.path, '--broker', broker.url, '--client-id', 'qmt-dev-5', '--username', 'field-user', '--keepalive', '30'], { env: { CAT1_PASSWORD: 'S3cret!pw' } });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--keepalive.*Quectel QMT module cannot take them yet/);
    expect(r.stdout + r.stderr).not.toContain('S3cret!pw');
  });
});
