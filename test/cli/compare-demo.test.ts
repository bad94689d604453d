import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cat1 } from '../helpers/cli.js';
import { mosquittoMissing, startMosquitto, type RunningMosquitto } from '../helpers/mosquitto.js';
import { hasSocat } from '../helpers/pty.js';
import { startPtyEmulator, type PtyEmulator } from '../../src/emulator/pty.js';

describe('cat1 demo', () => {
  it('prints the four reports (three ECMT, one QMT) with no hardware and no external service', async () => {
    const r = await cat1(['demo']);
    expect(r.code).toBe(0);
    expect(r.stdout.match(/━━ \d\/4 /g)).toHaveLength(4);
    expect(r.stdout).toContain('[credential-quirk');
    expect(r.stdout).toContain('[broker-credentials');
    expect(r.stdout).not.toContain('correct horse');
  });

  it('--json: one report per comparison, in the documented shape', async () => {
    const r = await cat1(['demo', '--json']);
    expect(r.code).toBe(0);
    const reports = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { demo: string; agree: boolean; steps: Array<{ step: string; same: boolean; module: { ok: boolean }; direct: { ok: boolean } }>; verdict: { summary: string; causes: Array<{ id: string; text: string; confidence: number }> } });
    expect(reports.map((x) => [x.demo, x.agree])).toEqual([
      ['healthy', true],
      ['credential-quirk', false],
      ['wrong-password', true],
      ['qmt-wrong-password', true],
    ]);
    expect(reports[3]!.verdict.causes[0]!.id).toBe('broker-credentials');
    // the QMT run: the module's connect result is the Quectel URC (qmt.md: +QMTCONN: <idx>,0,<ret_code>, 5 = not authorised)
    const qconn = (reports[3] as unknown as { steps: Array<{ step: string; module: { code: unknown; observed?: string[] } }> }).steps.find((x) => x.step === 'connect')!;
    expect(qconn.module.code).toBe(5);
    expect(qconn.module.observed?.join('\n')).toMatch(/URC \+QMTCONN: 0,0,5/);
    expect(reports[1]!.verdict.causes[0]!.id).toBe('credential-quirk');
    for (const x of reports) {
      expect(typeof x.verdict.summary).toBe('string');
      for (const s of x.steps) expect(Object.keys(s)).toEqual(expect.arrayContaining(['step', 'module', 'direct', 'same']));
    }
  });

  it('explains in Chinese with --lang zh', async () => {
    const r = await cat1(['demo', '--lang', 'zh']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('凭据特性');
    expect(r.stdout).toContain('结论');
  });
});

const missing = mosquittoMissing() ?? (hasSocat() ? null : 'socat is not installed (apt-get install socat)');
if (missing) console.warn(`skipping the cat1 compare subprocess tests: ${missing}`);

describe.skipIf(missing !== null)('cat1 compare against the emulator on a pseudo-terminal and mosquitto', () => {
  let broker: RunningMosquitto;
  let pty: PtyEmulator;
  const dir = mkdtempSync(join(tmpdir(), 'cat1-compare-'));
  beforeAll(async () => {
    broker = await startMosquitto({ users: { 'field-user': 'S3cret!pw' }, allowAnonymous: false });
    pty = await startPtyEmulator({ profile: 'ec616s' });
  });
  afterAll(async () => {
    await pty?.stop();
    await broker?.stop();
  });

  it('agree: exit 0 with the side-by-side table; the password comes from CAT1_PASSWORD and never shows', async () => {
    const r = await cat1(['compare', '--port', pty.path, '--broker', broker.url, '--client-id', 'cli-dev-1', '--username', 'field-user'], { env: { CAT1_PASSWORD: 'S3cret!pw' } });
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/connect +same/);
    expect(r.stdout).toMatch(/deliver-direct-to-module +same/);
    expect(r.stdout).toContain('the two sides agree');
    expect(r.stdout + r.stderr).not.toContain('S3cret!pw');
  });

  it('--broker-log: the user names mosquitto logs (u\'field-user\') are masked before the report, their presence kept', async () => {
    const r = await cat1(['compare', '--port', pty.path, '--broker', broker.url, '--client-id', 'cli-dev-4', '--username', 'field-user', '--broker-log', broker.logPath, '--json'], { env: { CAT1_PASSWORD: 'S3cret!pw' } });
    expect(r.code, r.stderr).toBe(0);
    expect(broker.log()).toMatch(/New client connected from .* as cli-dev-4 \(.*u'field-user'\)/);
    const report = JSON.parse(r.stdout.trim()) as { brokerLog: string[] };
    expect(report.brokerLog.join('\n')).toMatch(/as cli-dev-4 \(.*u'\*{10}'\)/);
    expect(r.stdout + r.stderr).not.toContain('field-user');
  });

  it('a wrong password from --password-file: both refused, exit 0 (they agree), --json with the broker log as evidence', async () => {
    const pw = join(dir, 'pw.txt');
    writeFileSync(pw, 'not-the-password\n');
    const r = await cat1(['compare', '--port', pty.path, '--broker', broker.url, '--client-id', 'cli-dev-2', '--username', 'field-user', '--password-file', pw, '--broker-log', broker.logPath, '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout.trim()) as { agree: boolean; steps: Array<{ step: string; module: { code: unknown }; direct: { code: unknown } }>; verdict: { causes: Array<{ id: string; evidence: string[] }> }; brokerLog: string[] };
    expect(report.agree).toBe(true);
    expect(report.steps.find((s) => s.step === 'connect')).toMatchObject({ module: { code: 5 }, direct: { code: 5 } });
    expect(report.verdict.causes[0]!.id).toBe('broker-credentials');
    expect(report.brokerLog.join('\n')).toMatch(/not authori[sz]ed/);
    expect(r.stdout).not.toContain('not-the-password');
    expect(r.stdout).not.toContain('field-user');
  });

  it('the credential quirk: exit 1 when the sides differ', async () => {
    const anon = await startMosquitto({ allowAnonymous: true, extra: ['allow_zero_length_clientid false'] });
    try {
      const r = await cat1(['compare', '--port', pty.path, '--broker', anon.url, '--client-id', 'cli-dev-3', '--json']);
      expect(r.code).toBe(1);
      const report = JSON.parse(r.stdout.trim()) as { agree: boolean; verdict: { causes: Array<{ id: string }> } };
      expect(report.agree).toBe(false);
      expect(report.verdict.causes[0]!.id).toBe('credential-quirk');
    } finally {
      await anon.stop();
    }
  });

  it.each([
    [['compare', '--port', '/dev/null-nope', '--broker', 'mqtt://127.0.0.1:1', '--client-id', 'x'], 3, /cannot open/],
    [['compare', '--broker', 'mqtt://127.0.0.1:1', '--client-id', 'x'], 2, /--port is needed/],
    [['compare', '--port', '/dev/ttyX', '--broker', 'http://x', '--client-id', 'x'], 2, /--broker/],
    [['compare', '--port', '/dev/ttyX', '--broker', 'mqtt://u:p@host', '--client-id', 'x'], 2, /must not hold credentials/],
    [['compare', '--port', '/dev/ttyX', '--client-id', 'x'], 2, /--broker is needed/],
    [['compare', '--port', '/dev/ttyX', '--broker', 'mqtt://h', '--client-id', 'x', '--password', 'p'], 2, /passwords are not taken from the command line/],
  ])('bad input %j → exit %i with one line', async (args, code, re) => {
    const r = await cat1(args);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(re);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
