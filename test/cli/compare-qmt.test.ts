import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

  /**
   * The broker's own record of each CONNECT: mosquitto logs `New client connected from … as <id>
   * (p<protocol>, c<clean>, k<keepalive>…)`, where p1 is MQTT 3.1 and p2 MQTT 3.1.1 (mosquitto's
   * protocol numbering), c1/c0 the clean-session flag and k the keep-alive in seconds.
   */
  function connects(log: string, clientId: string): Array<{ p: number; c: number; k: number }> {
    const re = new RegExp(`New client connected from [^ ]+ as ${clientId} \\(p(\\d+), c(\\d), k(\\d+)`, 'g');
    return [...log.matchAll(re)].map((m) => ({ p: Number(m[1]), c: Number(m[2]), k: Number(m[3]) }));
  }
  /** The commands the host wrote, from a --record transcript (JSON lines, `dir: tx`). */
  function sent(path: string): string[] {
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('{"t"'))
      .map((l) => JSON.parse(l) as { dir: string; text: string })
      .filter((e) => e.dir === 'tx')
      .map((e) => e.text.trim());
  }

  it('--keepalive 30 --clean false --mqtt-version 3.1.1: sent as AT+QMTCFG keepalive/session/version, both sides agree, and the broker saw k30, c0, 3.1.1 from both', async () => {
    const rec = join(dir, 'settings-311.jsonl');
    const r = await cat1(['compare', '--dialect', 'qmt', '--port', pty.path, '--broker', broker.url, '--client-id', 'qmt-set-1', '--username', 'field-user', '--keepalive', '30', '--clean', 'false', '--mqtt-version', '3.1.1', '--record', rec, '--json'], { env: { CAT1_PASSWORD: 'S3cret!pw' } });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout.trim()) as Report & { parameters: { protocolLevel: number; keepalive: number; clean: boolean } };
    expect(report.agree).toBe(true);
    // qmt.md §2.2: "keepalive",<idx>,<sec>; "session",<idx>,<clean> with 0 = keep; "version",<idx>,4 = 3.1.1
    const tx = sent(rec);
    expect(tx).toContain('AT+QMTCFG="keepalive",0,30');
    expect(tx).toContain('AT+QMTCFG="session",0,0');
    expect(tx).toContain('AT+QMTCFG="version",0,4');
    // the settings come before the open
    expect(tx.indexOf('AT+QMTCFG="keepalive",0,30')).toBeLessThan(tx.findIndex((c) => c.startsWith('AT+QMTOPEN=')));
    expect(report.parameters).toMatchObject({ protocolLevel: 4, keepalive: 30, clean: false });
    // the module's CONNECT and the direct one with the same client ID: both as the flags asked
    const seen = connects(broker.log(), 'qmt-set-1');
    expect(seen.length).toBeGreaterThanOrEqual(2);
    for (const c of seen) expect(c).toEqual({ p: 2, c: 0, k: 30 });
    expect(connects(broker.log(), 'qmt-set-1-mirror')).toEqual([{ p: 2, c: 0, k: 30 }]);
    expect(r.stdout + r.stderr + readFileSync(rec, 'utf8')).not.toContain('S3cret!pw');
  });

  it('--mqtt-version 3.1 --keepalive 45 --clean true: "version",0,3 and the broker saw MQTT 3.1 (p1), c1, k45 from both sides', async () => {
    const rec = join(dir, 'settings-31.jsonl');
    const r = await cat1(['compare', '--dialect', 'qmt', '--port', pty.path, '--broker', broker.url, '--client-id', 'qmt-set-2', '--username', 'field-user', '--keepalive', '45', '--clean', 'true', '--mqtt-version', '3.1', '--record', rec, '--json'], { env: { CAT1_PASSWORD: 'S3cret!pw' } });
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout.trim()) as Report).agree).toBe(true);
    const tx = sent(rec);
    expect(tx).toEqual(expect.arrayContaining(['AT+QMTCFG="keepalive",0,45', 'AT+QMTCFG="session",0,1', 'AT+QMTCFG="version",0,3']));
    const seen = connects(broker.log(), 'qmt-set-2');
    expect(seen.length).toBeGreaterThanOrEqual(2);
    for (const c of seen) expect(c).toEqual({ p: 1, c: 1, k: 45 });
  });

  it('--ca for a QMT module is refused in one line (the CA is a file uploaded with AT+QFUPL), exit 2, in English and Chinese, nothing configured', async () => {
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n');
    const rec = join(dir, 'ca-refused.jsonl');
    const base = ['compare', '--dialect', 'qmt', '--port', pty.path, '--broker', broker.url, '--client-id', 'qmt-set-3', '--username', 'field-user', '--ca', ca];
    const r = await cat1([...base, '--record', rec], { env: { CAT1_PASSWORD: 'S3cret!pw' } });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--ca: a Quectel QMT module reads its CA from a file uploaded with AT\+QFUPL/);
    // refused before any configuration or MQTT command reached the module
    expect(sent(rec).filter((c) => /^AT\+QMT(CFG|OPEN|CONN)=/.test(c))).toEqual([]);
    const zh = await cat1([...base, '--lang', 'zh'], { env: { CAT1_PASSWORD: 'S3cret!pw' } });
    expect(zh.code).toBe(2);
    expect(zh.stderr.trim().split('\n')).toHaveLength(1);
    expect(zh.stderr).toMatch(/--ca：移远 QMT 模组从用 AT\+QFUPL 上传/);
    expect(r.stdout + r.stderr + zh.stderr).not.toContain('S3cret!pw');
  });

  it('the model: taken from the module\'s AT+CGMM answer when --model is absent (said in text and JSON); --model BC660K lints against that profile', async () => {
    // the emulator was started as an EC800N (beforeAll): that is what its AT+CGMM answer must name
    const long = 'q'.repeat(130);
    const r = await cat1(['compare', '--dialect', 'qmt', '--port', pty.path, '--broker', broker.url, '--client-id', long, '--username', 'field-user', '--json'], { env: { CAT1_PASSWORD: 'S3cret!pw' } });
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout.trim()) as Report & { profile: string; model: unknown; lint: Array<{ field: string; profile: string; limit: number | null }> };
    expect(j.profile).toBe('EC800N');
    expect(j.model).toEqual({ name: 'EC800N', by: 'identity', evidence: 'EC800N', source: 'AT+CGMM' });
    // qmt.md §2.1: no client ID limit is published for the ASR Cat-1 parts: none is invented
    expect(j.lint.filter((f) => f.field === 'clientId')).toEqual([]);
    const t = await cat1(['compare', '--dialect', 'qmt', '--port', pty.path, '--broker', broker.url, '--client-id', 'qmt-model-1', '--username', 'field-user'], { env: { CAT1_PASSWORD: 'S3cret!pw' } });
    expect(t.code, t.stderr).toBe(0);
    expect(t.stdout).toMatch(/model EC800N: from the module's answer to AT\+CGMM "EC800N"/);
    // qmt.md §2.1: BC660K takes a client ID of at most 128 bytes (D [AN-BC660K])
    const b = await cat1(['compare', '--dialect', 'qmt', '--port', pty.path, '--broker', broker.url, '--client-id', long, '--username', 'field-user', '--model', 'BC660K', '--json'], { env: { CAT1_PASSWORD: 'S3cret!pw' } });
    const jb = JSON.parse(b.stdout.trim()) as { profile: string; model: unknown; lint: Array<{ field: string; profile: string; limit: number | null; valueLength?: number }> };
    expect(jb.profile).toBe('BC660K');
    expect(jb.model).toEqual({ name: 'BC660K', by: 'option', evidence: null });
    expect(jb.lint.filter((f) => f.field === 'clientId')).toEqual([expect.objectContaining({ profile: 'BC660K', limit: 128, valueLength: 130 })]);
  });

  it('--model with an unknown name: one line, exit 2, nothing sent (en and zh)', async () => {
    const base = ['compare', '--dialect', 'qmt', '--port', pty.path, '--broker', broker.url, '--client-id', 'qmt-model-2', '--model', 'EC999X'];
    const r = await cat1(base);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--model EC999X: not a model cat1 has a profile for/);
    const zh = await cat1([...base, '--lang', 'zh']);
    expect(zh.code).toBe(2);
    expect(zh.stderr).toMatch(/--model EC999X：cat1 没有这个型号的配置/);
  });
});
