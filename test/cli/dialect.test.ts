/**
 * --dialect on the verbs that talk to a module or read a log: validated (exit 2, one line), the
 * named dialect reads the log, and the --record header says which dialect the session was read
 * with and how it was chosen.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cat1 } from '../helpers/cli.js';
import { hasSocat } from '../helpers/pty.js';
import { startPtyEmulator, type PtyEmulator } from '../../src/emulator/pty.js';
import { parseTranscript } from '../../src/recording/reader.js';

const FIXTURE = new URL('../../hardware-fixtures/ec626-tls-double-conn.jsonl', import.meta.url).pathname;

describe('--dialect on decode', () => {
  it('an unknown dialect is a usage error: one line, exit 2, no stack trace', async () => {
    const r = await cat1(['decode', '--dialect', 'simcom', FIXTURE]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/dialect/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('--dialect ecmt reads an ECMT log as auto does (the URCs of the fixture decoded the same way)', async () => {
    const auto = await cat1(['decode', '--json', FIXTURE]);
    const named = await cat1(['decode', '--json', '--dialect', 'ecmt', FIXTURE]);
    expect(named.code).toBe(auto.code);
    expect(named.stdout).toBe(auto.stdout);
    // the fixture's two connect results (ecmt.md §4: +ECMTCONN: 0,2,2 then 0,0,0) are read as URCs
    expect(named.stdout).toMatch(/"type":"ecmt-conn"/);
  });

  it('--help lists the option with its choices', async () => {
    const r = await cat1(['decode', '--help']);
    expect(r.stdout).toMatch(/--dialect/);
    expect(r.stdout).toMatch(/"ecmt"/);
    expect(r.stdout).toMatch(/"auto"/);
  });
});

const skip = !hasSocat();
if (skip) console.warn('skipping the --dialect recording tests: socat is not installed (apt-get install socat)');

describe.skipIf(skip)('--dialect and the --record header', () => {
  let emu: PtyEmulator;
  const dir = mkdtempSync(join(tmpdir(), 'cat1-dialect-'));
  beforeAll(async () => {
    emu = await startPtyEmulator({ profile: 'ec616s' });
  });
  afterAll(async () => {
    await emu?.stop();
  });

  it('the header records the dialect named by --dialect, and that the option chose it', async () => {
    const file = join(dir, 'named.jsonl');
    const r = await cat1(['at', '--port', emu.path, '--dialect', 'ecmt', '--record', file, 'AT+CSQ']);
    expect(r.code).toBe(0);
    const t = parseTranscript(readFileSync(file, 'utf8'), file);
    expect(t.header).toMatchObject({ dialect: 'ecmt', dialectFrom: 'option', version: 1 });
  });

  it('with auto the header records the dialect and what it rests on', async () => {
    const file = join(dir, 'auto.jsonl');
    const r = await cat1(['at', '--port', emu.path, '--record', file, 'AT+CSQ']);
    expect(r.code).toBe(0);
    const t = parseTranscript(readFileSync(file, 'utf8'), file);
    expect(t.header['dialect']).toBe('ecmt');
    expect(['identity', 'default']).toContain(t.header['dialectFrom']);
  });
});
