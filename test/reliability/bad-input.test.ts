/**
 * Bad input, for every input the tool reads: flags, config files, transcripts, pasted logs,
 * binary files, truncated JSON lines. Each gives exit 2, exactly one non-empty line on stderr
 * (plus the usage hint line for usage errors), no stack trace, and nothing written half: a
 * --record file is never created when the input is rejected before the session starts.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPtyEmulator, type PtyEmulator } from '../../src/emulator/pty.js';
import { cat1, ROOT } from '../helpers/cli.js';
import { hasSocat } from '../helpers/pty.js';

const tmp = mkdtempSync(join(tmpdir(), 'cat1-badinput-'));
const f = (name: string): string => join(tmp, name);
const HEADER = '{"cat1":"transcript","version":1,"kind":"emulator","created":"2026-01-01T00:00:00.000Z","source":"bad input test","timing":"recorded","redacted":true}';

beforeAll(() => {
  writeFileSync(f('bad.json'), '{"port": "/dev/ttyUSB2", ');
  writeFileSync(f('unknown-key.json'), JSON.stringify({ port: '/dev/ttyUSB2', frobnicate: true }));
  writeFileSync(f('password.json'), JSON.stringify({ password: 'hunter2' }));
  writeFileSync(f('empty.txt'), '');
  writeFileSync(f('binary.bin'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 97 + 13) & 0xff)));
  mkdirSync(f('a-directory'));
  writeFileSync(f('truncated.jsonl'), [HEADER, '{"t":0.1,"dir":"tx","text":"AT+CSQ\\r"}', '{"t":0.2,"dir":"rx","text":"\\r\\n+CSQ: 2', '{"t":0.3,"dir":"rx","text":"\\r\\nOK\\r\\n"}', ''].join('\n'));
  writeFileSync(f('header-only.jsonl'), `${HEADER}\n`);
  writeFileSync(f('newer.jsonl'), [HEADER.replace('"version":1', '"version":2'), '{"t":0.1,"dir":"tx","text":"AT\\r"}', ''].join('\n'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const GOOD_TRANSCRIPT = join(ROOT, 'hardware-fixtures', 'emulator-healthy-session.jsonl');

type Verb = 'decode' | 'at' | 'compare' | 'mirror' | 'diagnose' | 'demo' | 'ports';
type Case =
  | 'unknown flag'
  | 'missing value'
  | 'bad number'
  | 'bad choice'
  | 'bad config JSON'
  | 'config with unknown key'
  | 'config with "password"'
  | 'unreadable file'
  | 'missing file'
  | 'empty file'
  | 'binary file'
  | 'truncated JSON line in the middle of a transcript'
  | 'header-only transcript'
  | 'header with a newer version';

/**
 * The arguments of each verb for each case (null: the verb reads no such input). `port` is a
 * live module (the emulator on a pty): a rejection that came too late would open it and record.
 */
function table(port: string, rec: (name: string) => string): Array<[Verb, Case, string[]]> {
  const modem = (verb: 'at' | 'compare' | 'diagnose', name: string): string[] => {
    const base = ['--port', port, '--record', rec(`${verb}-${name}`)];
    if (verb === 'at') return ['at', ...base, 'AT+CSQ'];
    return [verb, ...base, '--broker', 'mqtt://127.0.0.1:1', '--client-id', 'bad-input'];
  };
  const rows: Array<[Verb, Case, string[] | null]> = [];
  const add = (verb: Verb, c: Case, args: string[] | null): void => void rows.push([verb, c, args]);
  // decode: its file argument, and its own flags
  add('decode', 'unknown flag', ['decode', GOOD_TRANSCRIPT, '--bogus-flag', '1']);
  add('decode', 'missing value', ['decode', GOOD_TRANSCRIPT, '--quiet-ms']);
  add('decode', 'bad number', ['decode', GOOD_TRANSCRIPT, '--quiet-ms', 'soon']);
  add('decode', 'bad choice', ['decode', GOOD_TRANSCRIPT, '--lang', 'klingon']);
  add('decode', 'unreadable file', ['decode', f('a-directory')]);
  add('decode', 'missing file', ['decode', f('no-such-file.log')]);
  add('decode', 'empty file', ['decode', f('empty.txt')]);
  add('decode', 'binary file', ['decode', f('binary.bin')]);
  add('decode', 'truncated JSON line in the middle of a transcript', ['decode', f('truncated.jsonl')]);
  add('decode', 'header-only transcript', ['decode', f('header-only.jsonl')]);
  add('decode', 'header with a newer version', ['decode', f('newer.jsonl')]);
  add('decode', 'bad config JSON', ['decode', GOOD_TRANSCRIPT, '--config', f('bad.json')]); // decode takes no config: an unknown flag
  // mirror: --transcript, --config, --password-file
  const mirror = (...more: string[]): string[] => ['mirror', '--transcript', GOOD_TRANSCRIPT, '--broker', 'mqtt://127.0.0.1:1', ...more];
  add('mirror', 'unknown flag', mirror('--bogus-flag'));
  add('mirror', 'missing value', mirror('--window'));
  add('mirror', 'bad number', mirror('--window', 'abc'));
  add('mirror', 'bad choice', mirror('--identity', 'both'));
  add('mirror', 'bad config JSON', mirror('--config', f('bad.json')));
  add('mirror', 'config with unknown key', mirror('--config', f('unknown-key.json')));
  add('mirror', 'config with "password"', mirror('--config', f('password.json')));
  add('mirror', 'unreadable file', ['mirror', '--transcript', f('a-directory')]);
  add('mirror', 'missing file', mirror('--password-file', f('no-such-password')));
  add('mirror', 'empty file', ['mirror', '--transcript', f('empty.txt')]);
  add('mirror', 'binary file', ['mirror', '--transcript', f('binary.bin')]);
  add('mirror', 'truncated JSON line in the middle of a transcript', ['mirror', '--transcript', f('truncated.jsonl')]);
  add('mirror', 'header-only transcript', ['mirror', '--transcript', f('header-only.jsonl')]);
  add('mirror', 'header with a newer version', ['mirror', '--transcript', f('newer.jsonl')]);
  // the verbs on a module: flags, --config, --password-file, --payload-file, --ca, --broker-log
  for (const verb of ['at', 'compare', 'diagnose'] as const) {
    add(verb, 'unknown flag', [...modem(verb, 'unknown'), '--bogus-flag', 'x']);
    add(verb, 'missing value', [...modem(verb, 'missing'), '--timeout']);
    add(verb, 'bad number', [...modem(verb, 'number'), '--timeout', 'ten']);
    add(verb, 'bad choice', [...modem(verb, 'choice'), '--profile', 'ec999']);
    add(verb, 'bad config JSON', [...modem(verb, 'badconfig'), '--config', f('bad.json')]);
    add(verb, 'config with unknown key', [...modem(verb, 'unknownkey'), '--config', f('unknown-key.json')]);
    add(verb, 'config with "password"', [...modem(verb, 'password'), '--config', f('password.json')]);
    add(verb, 'unreadable file', [...modem(verb, 'unreadable'), '--config', f('a-directory')]);
    add(verb, 'empty file', [...modem(verb, 'empty'), '--config', f('empty.txt')]);
    add(verb, 'binary file', [...modem(verb, 'binary'), '--config', f('binary.bin')]);
    add(verb, 'missing file', verb === 'at' ? [...modem(verb, 'missing-file'), '--config', f('no-such.json')] : [...modem(verb, 'missing-file'), '--password-file', f('no-such-password')]);
  }
  add('compare', 'bad number', [...modem('compare', 'keepalive'), '--keepalive', 'often']);
  add('compare', 'bad choice', [...modem('compare', 'qos'), '--qos', '3']);
  add('compare', 'binary file', [...modem('compare', 'ca'), '--ca', f('binary.bin')]);
  add('compare', 'missing file', [...modem('compare', 'payload-file'), '--payload-file', f('no-such-payload')]);
  add('compare', 'unreadable file', [...modem('compare', 'broker-log'), '--broker-log', f('a-directory')]);
  add('diagnose', 'bad number', [...modem('diagnose', 'mqtt-version'), '--mqtt-version', '5']);
  add('diagnose', 'missing file', [...modem('diagnose', 'broker-log'), '--broker-log', f('no-such.log')]);
  add('at', 'bad number', [...modem('at', 'wait'), '--wait', '-1']);
  add('at', 'missing value', ['at', '--port', port, '--record', rec('at-data'), 'AT+ECMTPUB=0,1,1,0,"t"', '--data']);
  // demo: its flags only
  add('demo', 'unknown flag', ['demo', '--bogus-flag']);
  add('demo', 'missing value', ['demo', '--profile']);
  add('demo', 'bad choice', ['demo', '--profile', 'ec999']);
  // ports: its flags and the shared config
  add('ports', 'unknown flag', ['ports', '--bogus-flag']);
  add('ports', 'missing value', ['ports', '--include']);
  add('ports', 'bad number', ['ports', '--baud', '115k']);
  add('ports', 'bad choice', ['ports', '--lang', 'klingon']);
  add('ports', 'bad config JSON', ['ports', '--config', f('bad.json')]);
  add('ports', 'config with unknown key', ['ports', '--config', f('unknown-key.json')]);
  add('ports', 'config with "password"', ['ports', '--config', f('password.json')]);
  add('ports', 'unreadable file', ['ports', '--config', f('a-directory')]);
  add('ports', 'empty file', ['ports', '--config', f('empty.txt')]);
  add('ports', 'binary file', ['ports', '--config', f('binary.bin')]);
  add('ports', 'missing file', ['ports', '--config', f('no-such.json')]);
  return rows.filter((r): r is [Verb, Case, string[]] => r[2] !== null);
}

const USAGE_HINT = '(run "cat1 --help" or "cat1 <command> --help")';

const reason = hasSocat() ? null : 'socat is not installed (apt-get install socat)';
if (reason) console.warn(`[test/reliability/bad-input.test.ts] ${reason}: the verbs on a module get a device path that does not exist instead of a live one`);

describe('bad input: exit 2, one clear line, nothing written half', () => {
  let pty: PtyEmulator | null = null;
  const records = new Set<string>();
  const rec = (name: string): string => {
    const p = join(tmp, `rec-${name}.jsonl`);
    records.add(p);
    return p;
  };
  // the table is built when the suite is collected: the pty path is a link made in beforeAll
  const linkPath = join(tmp, 'module-link');
  const rows = table(reason ? join(tmp, 'no-such-device') : linkPath, rec);
  let commandsSeen = 0;
  beforeAll(async () => {
    if (!reason) {
      pty = await startPtyEmulator({ linkPath });
      pty.emulator.on('command', () => commandsSeen++);
    }
  });
  afterAll(async () => {
    await pty?.stop();
  });

  it('covers every verb and every kind of bad input', () => {
    const verbs = new Set(rows.map((r) => r[0]));
    expect([...verbs].sort()).toEqual(['at', 'compare', 'decode', 'demo', 'diagnose', 'mirror', 'ports']);
    const cases = new Set(rows.map((r) => r[1]));
    expect(cases.size).toBe(14);
  });

  it.concurrent.each(rows.map(([verb, c, args]) => ({ verb, c, args })))('$verb, $c', async ({ args }) => {
    const r = await cat1(args);
    const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
    expect(r.code, `stderr: ${r.stderr}\nstdout: ${r.stdout.slice(0, 500)}`).toBe(2);
    expect(r.stderr).not.toMatch(/\n\s+at |Error:|internal error/);
    if (lines.length === 2) expect(lines[1]).toBe(USAGE_HINT);
    else expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^cat1: \S/);
    expect(lines[0]!.length).toBeLessThan(400);
    expect(r.stdout).toBe('');
  });

  it('a config file key that is close to a known option is named, not the whole list', async () => {
    writeFileSync(f('typo.json'), JSON.stringify({ brokr: 'mqtt://127.0.0.1:1' }));
    const r = await cat1(['mirror', '--transcript', GOOD_TRANSCRIPT, '--broker', 'mqtt://127.0.0.1:1', '--config', f('typo.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown option "brokr" (did you mean "broker"?)');
    writeFileSync(f('far.json'), JSON.stringify({ zzzzzz: 1 }));
    const far = await cat1(['mirror', '--transcript', GOOD_TRANSCRIPT, '--broker', 'mqtt://127.0.0.1:1', '--config', f('far.json')]);
    expect(far.code).toBe(2);
    expect(far.stderr).toMatch(/unknown option "zzzzzz"; a config file takes the options that --help lists/);
  });

  it('nothing was recorded and the module never saw a command: every rejection came before the session', () => {
    for (const p of records) expect(existsSync(p), p).toBe(false);
    expect(commandsSeen).toBe(0);
  });

  it.skipIf(reason !== null)('--record to a path that cannot be written: exit 2 before the port is opened, no file, no hang', async () => {
    const before = commandsSeen;
    for (const target of [f('a-directory'), join(tmp, 'no-such-dir', 'x.jsonl')]) {
      const r = await cat1(['at', '--port', linkPath, '--record', target, 'AT']);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^cat1: --record .*(directory|cannot write)/)]);
    }
    expect(existsSync(join(tmp, 'no-such-dir'))).toBe(false);
    expect(commandsSeen).toBe(before);
  });

  it('--record keeps an existing file untouched when the input is rejected', async () => {
    const existing = f('existing.jsonl');
    writeFileSync(existing, 'precious\n');
    const r = await cat1(['at', '--port', reason ? f('no-such-device') : linkPath, '--record', existing, '--timeout', 'never', 'AT']);
    expect(r.code).toBe(2);
    expect(readFileSync(existing, 'utf8')).toBe('precious\n');
  });
});
