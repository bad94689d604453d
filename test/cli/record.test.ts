/**
 * --record end to end: a session recorded by a verb reads back with decode and replays strictly
 * with replay --verify; the header never calls the emulator hardware.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cat1 } from '../helpers/cli.js';
import { hasSocat } from '../helpers/pty.js';
import { startPtyEmulator, type PtyEmulator } from '../../src/emulator/pty.js';
import { parseTranscript } from '../../src/recording/reader.js';

const skip = !hasSocat();
if (skip) console.warn('skipping the --record tests: socat is not installed (apt-get install socat)');

describe.skipIf(skip)('--record', () => {
  let emu: PtyEmulator;
  const dir = mkdtempSync(join(tmpdir(), 'cat1-record-'));
  beforeAll(async () => {
    emu = await startPtyEmulator({ profile: 'ec616s' });
  });
  afterAll(async () => {
    await emu?.stop();
  });

  it('cat1 at --record writes a transcript that decode and replay --verify accept, marked emulator', async () => {
    const file = join(dir, 'at.jsonl');
    const r = await cat1(['at', '--port', emu.path, '--record', file, 'AT+CGMI', 'AT+CSQ', 'AT+CEREG?', 'AT+ECMTCFG="keepalive",0,60']);
    expect(r.code).toBe(0);
    const t = parseTranscript(readFileSync(file, 'utf8'), file);
    expect(t.header).toMatchObject({ kind: 'emulator', redacted: true, timing: 'recorded' });
    expect(t.entries.length).toBeGreaterThan(4);
    const d = await cat1(['decode', file]);
    expect(d.code).toBe(0);
    expect(d.stdout).toMatch(/\+CSQ: \d+,\d+ +signal/);
    const v = await cat1(['replay', '--verify', file]);
    expect(v.stderr).not.toMatch(/\n\s+at /);
    expect(v.code).toBe(0);
  });

  it('a password typed in a command is masked in the recording unless --log-secrets', async () => {
    const file = join(dir, 'secret.jsonl');
    const r = await cat1(['at', '--port', emu.path, '--record', file, '--wait', '0', 'AT+ECMTCONN=0,"dev","user","Pa55-w0rd!"']);
    expect([0, 1]).toContain(r.code);
    expect(readFileSync(file, 'utf8')).not.toContain('Pa55-w0rd!');
    expect(r.stdout).not.toContain('Pa55-w0rd!');
  });

  it('--baud auto says which rate answered', async () => {
    const r = await cat1(['at', '--port', emu.path, '--baud', 'auto', 'AT']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/answered at 115200 baud/);
  });

  it('options come from a --config file, and flags override it', async () => {
    const cfg = join(dir, 'cat1.json');
    writeFileSync(cfg, JSON.stringify({ port: emu.path, timeout: 3, json: true }));
    const a = await cat1(['at', '--config', cfg, 'AT']);
    expect(a.code).toBe(0);
    expect(JSON.parse(a.stdout.trim().split('\n').at(-1)!)).toMatchObject({ type: 'outcome', status: 'ok' });
    const b = await cat1(['at', '--config', cfg, '--port', '/dev/nonexistent-port', 'AT']);
    expect(b.code).toBe(3);
    expect(b.stderr).toMatch(/nonexistent-port/);
  });

  it('CAT1_* variables override the config file', async () => {
    const cfg = join(dir, 'cat1-env.json');
    writeFileSync(cfg, JSON.stringify({ port: '/dev/nonexistent-port' }));
    const r = await cat1(['at', '--config', cfg, 'AT'], { env: { CAT1_PORT: emu.path } });
    expect(r.code).toBe(0);
  });
});
