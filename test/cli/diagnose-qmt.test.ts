/**
 * `cat1 diagnose --dialect qmt` (the built CLI in a subprocess) against the QMT emulator (a
 * Quectel EC800N) on a pseudo-terminal and a real mosquitto with a password file: the PDP stage
 * asks Quectel's `AT+QIACT?` (qmt.md §4), the MQTT stages drive the QMT session.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PtyEmulator } from '../../src/emulator/pty.js';
import { withPty } from '../helpers/emulator-rig.js';
import { cat1 } from '../helpers/cli.js';
import { mosquittoMissing, startMosquitto, type RunningMosquitto } from '../helpers/mosquitto.js';
import { hasSocat } from '../helpers/pty.js';

const PASSWORD = 'qmt-S3cret-77';

interface StageJson {
  stage: string;
  status: string;
  summary: string;
  seen: string[];
  hint: string | null;
}

const missing = mosquittoMissing() ?? (hasSocat() ? null : 'socat is not installed (apt-get install socat)');
if (missing) console.warn(`[test/cli/diagnose-qmt.test.ts skipped] ${missing}`);


function stages(stdout: string): StageJson[] {
  // --json: one object per stage as it ends (`type: 'stage'`), then the result
  return stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as StageJson & { type: string })
    .filter((o) => o.type === 'stage');
}

describe.skipIf(missing !== null)('cat1 diagnose --dialect qmt against the QMT emulator and mosquitto', () => {
  let broker: RunningMosquitto;
  let dir: string;
  let pw: string;
  const args = (pty: PtyEmulator, passwordFile = pw): string[] => ['diagnose', '--dialect', 'qmt', '-p', pty.path, '--broker', broker.url, '--client-id', 'qmt-diag', '--username', 'dev', '--password-file', passwordFile, '--json'];

  beforeAll(async () => {
    broker = await startMosquitto({ users: { dev: PASSWORD }, allowAnonymous: false });
    dir = mkdtempSync(join(tmpdir(), 'cat1-diagnose-qmt-'));
    pw = join(dir, 'pw.txt');
    writeFileSync(pw, `${PASSWORD}\n`);
  });
  afterAll(async () => {
    await broker?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('healthy: the PDP stage passes on AT+QIACT?, the MQTT stage on +QMTOPEN/+QMTCONN, the comparison agrees, exit 0', async () => {
    const r = await withPty({ dialect: 'qmt', model: 'EC800N' }, (pty) => cat1(args(pty)));
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const s = stages(r.stdout);
    const pdp = s.find((x) => x.stage === 'pdp')!;
    expect(pdp.status).toBe('pass');
    expect(pdp.seen.join('\n')).toMatch(/AT\+QIACT\? → \+QIACT: 1,1,1,"10\.64\.0\.2"/);
    const mqtt = s.find((x) => x.stage === 'mqtt')!;
    expect(mqtt.status).toBe('pass');
    expect(mqtt.seen.join('\n')).toMatch(/\+QMTOPEN: 0,0/);
    expect(mqtt.seen.join('\n')).toMatch(/\+QMTCONN: 0,0,0/);
    expect(s.find((x) => x.stage === 'compare')?.status).toBe('pass');
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
  });

  it('no active PDP context: the PDP stage fails naming AT+QIACT? and its bare OK; with --keep-going the MQTT stage names +QMTOPEN: 0,3; exit 1', async () => {
    const r = await withPty({ dialect: 'qmt', model: 'EC800N', conditions: { pdp: { active: false } } }, (pty) => cat1([...args(pty), '--keep-going']));
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const s = stages(r.stdout);
    const pdp = s.find((x) => x.stage === 'pdp')!;
    expect(pdp.status).toBe('fail');
    expect(pdp.summary).toMatch(/AT\+QIACT\? answered OK with no \+QIACT line/);
    // qmt.md: +QMTOPEN result 3 = PDP activation failed
    const mqtt = s.find((x) => x.stage === 'mqtt')!;
    expect(mqtt.status).toBe('fail');
    expect(mqtt.seen.join('\n')).toMatch(/\+QMTOPEN: 0,3/);
    expect(mqtt.summary).toMatch(/PDP/);
    expect(mqtt.hint).toMatch(/see the PDP stage \(AT\+QIACT\?\)/);
  });

  it('--dialect auto: the identity stage\'s answer (Quectel) picks QMT for the PDP and MQTT stages, exit 0', async () => {
    const r = await withPty({ dialect: 'qmt', model: 'EC800N' }, (pty) => cat1(args(pty).map((a) => (a === 'qmt' ? 'auto' : a))));
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const s = stages(r.stdout);
    expect(s.find((x) => x.stage === 'pdp')!.seen.join('\n')).toMatch(/AT\+QIACT\?/);
    const mqtt = s.find((x) => x.stage === 'mqtt')! as StageJson & { data: { dialect: { name: string; by: string; evidence: string } } };
    expect(mqtt.seen.join('\n')).toMatch(/\+QMTCONN: 0,0,0/);
    expect(mqtt.data.dialect).toMatchObject({ name: 'qmt', by: 'identity' });
    expect(mqtt.data.dialect.evidence).toMatch(/Quectel/);
  });

  it('a wrong password: the MQTT stage fails on +QMTCONN: 0,0,5 with the credentials hint', async () => {
    const bad = join(dir, 'bad.txt');
    writeFileSync(bad, 'not-the-password\n');
    const r = await withPty({ dialect: 'qmt', model: 'EC800N' }, (pty) => cat1(args(pty, bad)));
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const mqtt = stages(r.stdout).find((x) => x.stage === 'mqtt')!;
    expect(mqtt.status).toBe('fail');
    expect(mqtt.seen.join('\n')).toMatch(/\+QMTCONN: 0,0,5/);
    expect(mqtt.hint).toMatch(/the broker refused the credentials \(CONNACK 5/);
    expect(r.stdout).not.toContain('not-the-password');
  });

  it('the model: from the identity answers of an EG915U (no --model), named by --model BG96; the MQTT stage says which and its data carries it', async () => {
    // the emulator is started as an EG915U: its ATI/AT+CGMM answers name it (the fixture, not our code, says which model it is)
    const r = await withPty({ dialect: 'qmt', model: 'EG915U' }, (pty) => cat1(args(pty)));
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const mqtt = stages(r.stdout).find((x) => x.stage === 'mqtt')! as StageJson & { data: { model?: { name: string; by: string; evidence: string | null } } };
    expect(mqtt.data.model).toMatchObject({ name: 'EG915U', by: 'identity' });
    expect(mqtt.data.model?.evidence).toMatch(/EG915U/);
    expect(mqtt.seen.join('\n')).toMatch(/model EG915U: from the module's identity answer ".*EG915U/);
    const o = await withPty({ dialect: 'qmt', model: 'EG915U' }, (pty) => cat1([...args(pty), '--model', 'BG96']));
    expect(o.code, o.stdout + o.stderr).toBe(0);
    const m2 = stages(o.stdout).find((x) => x.stage === 'mqtt')! as StageJson & { data: { model?: { name: string; by: string } } };
    expect(m2.data.model).toEqual({ name: 'BG96', by: 'option', evidence: null });
    expect(m2.seen.join('\n')).toMatch(/model BG96: named by --model/);
  });

  it('--model with a name no profile has: one line, exit 2, before the port is opened (en and zh)', async () => {
    const r = await cat1(['diagnose', '--dialect', 'qmt', '-p', '/dev/null', '--broker', broker.url, '--model', 'EC999X']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--model EC999X: not a model cat1 has a profile for \(known: .*EC800N/);
    const zh = await cat1(['diagnose', '--dialect', 'qmt', '-p', '/dev/null', '--broker', broker.url, '--model', 'EC999X', '--lang', 'zh']);
    expect(zh.code).toBe(2);
    expect(zh.stderr).toMatch(/--model EC999X：cat1 没有这个型号的配置/);
  });

  it('--keepalive 30 --no-clean --mqtt-version 3.1: the MQTT stage sends AT+QMTCFG keepalive/session/version, and the broker saw p1, c0, k30', async () => {
    const r = await withPty({ dialect: 'qmt', model: 'EC800N' }, (pty) => cat1([...args(pty).map((x) => (x === 'qmt-diag' ? 'qmt-diag-set' : x)), '--keepalive', '30', '--no-clean', '--mqtt-version', '3.1']));
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const seen = stages(r.stdout).find((x) => x.stage === 'mqtt')!.seen.join('\n');
    // qmt.md §2.2: "session",<idx>,0 keeps the session; "version",<idx>,3 is MQTT 3.1
    for (const c of ['AT+QMTCFG="keepalive",0,30', 'AT+QMTCFG="session",0,0', 'AT+QMTCFG="version",0,3']) expect(seen).toContain(c);
    // mosquitto's CONNECT line: p1 = MQTT 3.1, c0 = no clean session, k30 = keep-alive 30 s
    const lines = [...broker.log().matchAll(/New client connected from [^ ]+ as qmt-diag-set \(p(\d), c(\d), k(\d+)/g)].map((m) => `p${m[1]} c${m[2]} k${m[3]}`);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const l of lines) expect(l).toBe('p1 c0 k30');
  });
});
