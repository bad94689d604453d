import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AtEngine } from '../../src/at/engine.js';
import type { TimelineItem } from '../../src/at/types.js';
import { defaultGrammar } from '../../src/grammar.js';
import { SerialModemPort } from '../../src/port/serial.js';
import { hostCommands } from '../../src/transcript/commands.js';
import { SessionDecoder } from '../../src/transcript/decode.js';
import { parseTranscript } from '../../src/recording/reader.js';
import { cat1, ROOT, startCat1 } from '../helpers/cli.js';
import { hasSocat } from '../helpers/pty.js';

const FIXTURES = join(ROOT, 'hardware-fixtures');
const fixtures = readdirSync(FIXTURES).filter((f) => f.endsWith('.jsonl')).sort();
const tmp = mkdtempSync(join(tmpdir(), 'cat1-replay-'));

const reason = hasSocat() ? null : 'socat is not installed (apt-get install socat)';
if (reason) console.warn(`[test/cli/replay.test.ts: pseudo-terminal tests skipped] ${reason}`);

/** A copy of a fixture whose first tx entry matching `re` ends with LF instead of CR (a host the engine is not). */
function tampered(file: string, re: RegExp): string {
  const lines = readFileSync(join(FIXTURES, file), 'utf8').trim().split('\n');
  let done = false;
  const out = lines.map((l, i) => {
    if (i === 0 || done) return l;
    const e = JSON.parse(l) as { dir: string; text?: string };
    if (e.dir !== 'tx' || !e.text || !re.test(e.text)) return l;
    done = true;
    return JSON.stringify({ ...e, text: e.text.replace(/\r$/, '\n') });
  });
  const path = join(tmp, `tampered-${file}`);
  writeFileSync(path, `${out.join('\n')}\n`);
  return path;
}

/** The built cat1, running (stdout waits by default). */
function start(args: string[]) {
  const r = startCat1(args);
  return { ...r, waitFor: (re: RegExp, ms = 8000) => r.waitFor(re, 'stdout', ms) };
}

/** What the module side of a recording decodes to (raw text of each rx item). */
function recordedRx(file: string): string[] {
  const { entries } = parseTranscript(readFileSync(join(FIXTURES, file), 'utf8'), file);
  const items: TimelineItem[] = [];
  const d = new SessionDecoder((i) => items.push(i), { grammar: defaultGrammar() });
  for (const e of entries) d.push(e);
  d.end();
  return items.filter((i) => i.dir === 'rx').map((i) => i.event.raw);
}

describe('cat1 replay --verify', () => {
  it('has fixtures to verify', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(8);
  });

  it.each(fixtures)('%s: every recorded command resent through the engine matches, exit 0', async (f) => {
    const r = await cat1(['replay', '--verify', join('hardware-fixtures', f)]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^replay verified: (\d+) of \1 commands replayed .*every host write matched the recording, nothing left unconsumed$/m);
  });

  it('reports each command with its outcome, an error answer recorded as such included', async () => {
    const r = await cat1(['replay', '--verify', 'hardware-fixtures/air302-esp32-session.jsonl']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ +1 {2}error +AT\+ECMTDISC=0 {2}\+CME ERROR: 3 — operation not allowed/m);
    expect(r.stdout).toMatch(/^ +2 {2}ok +AT\+CPIN\?/m);
  });

  it('a tampered copy exits 1 with one line and the diff of the first mismatch', async () => {
    const file = tampered('ga7-stm32-session.jsonl', /ECMTOPEN/);
    const r = await cat1(['replay', '--verify', file]);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    const at = lines.findIndex((l) => l.startsWith('replay mismatch'));
    expect(lines[at]).toBe('replay mismatch: the host wrote bytes the recording does not hold (entry 3, t=0.3 s)');
    expect(lines[at + 1]).toBe('  expected: "AT+ECMTOPEN=0,\\"192.0.2.10\\",1883\\n"');
    expect(lines[at + 2]).toBe('  got     : "AT+ECMTOPEN=0,\\"192.0.2.10\\",1883\\r"');
    // the caret stands under the first difference
    expect(lines[at + 3]!.indexOf('^')).toBe(lines[at + 1]!.indexOf('\\n"'));
    expect(lines[at + 3]).toMatch(/\^ first difference at byte 31$/);
    expect(r.stdout).toMatch(/^replay failed: 1 of 4 commands replayed/m);
  });

  it('--json: one object per command, the mismatch, and a verify summary', async () => {
    const file = tampered('ec6xx-stm32-session.jsonl', /ECMTSUB/);
    const r = await cat1(['replay', '--verify', '--json', file]);
    expect(r.code).toBe(1);
    const objs = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(objs.filter((o) => o['type'] === 'outcome').map((o) => o['status'])).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
    expect(objs.find((o) => o['type'] === 'outcome' && String(o['command']).startsWith('AT+ECMTCONN'))!['command']).toBe('AT+ECMTCONN=0,"myClient123","*****","*******"');
    expect(objs.find((o) => o['type'] === 'mismatch')).toMatchObject({ kind: 'differs', offset: 30 });
    expect(objs.at(-1)).toMatchObject({ type: 'verify', ok: false, commands: 10, replayed: 6, unconsumed: null, mismatch: { kind: 'differs' } });
  });

  it('a bad file is one line and exit 2', async () => {
    const missing = await cat1(['replay', '--verify', join(tmp, 'nope.jsonl')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe(`cat1: ${join(tmp, 'nope.jsonl')}: no such file`);
    const notTranscript = join(tmp, 'not.jsonl');
    writeFileSync(notTranscript, '{"hello":1}\n');
    const bad = await cat1(['replay', '--verify', notTranscript]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/not a cat1 transcript header/);
    const brokenEntry = join(tmp, 'broken.jsonl');
    writeFileSync(brokenEntry, `${readFileSync(join(FIXTURES, 'ga7-stm32-session.jsonl'), 'utf8').split('\n')[0]}\n{"t":0.1,"dir":"sideways"}\n{"t":0.2,"dir":"rx","text":"OK"}\n`);
    const broken = await cat1(['replay', '--verify', brokenEntry]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/broken\.jsonl:2/);
    expect(broken.stderr).not.toMatch(/\n\s+at /);
  });

  it('--help has examples and documents the exit codes', async () => {
    const r = await cat1(['replay', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('cat1 replay --verify hardware-fixtures/');
    expect(r.stdout).toMatch(/Exit codes: 0 matched, 1 mismatch/);
  });
});

describe.skipIf(reason !== null)('cat1 replay serving a recording on a pseudo-terminal', () => {
  it.each(['ga7-stm32-session.jsonl', 'ec626-tls-double-conn.jsonl'])('%s: a host that sends the recorded commands gets the recorded answers; cat1 prints "replay complete" and exits 0', async (f) => {
    // A long linger: the host reads the last answers at its own pace (on a busy machine that can
    // take seconds); the test waits for them, then ends the replay with Ctrl-C, which after
    // "replay complete" is a normal end (exit 0).
    const r = start(['replay', join('hardware-fixtures', f), '--linger', '600']);
    const m = await r.waitFor(/^replay ready: (\S+)$/m);
    const { entries } = parseTranscript(readFileSync(join(FIXTURES, f), 'utf8'), f);
    const expected = recordedRx(f);
    const port = await SerialModemPort.open({ path: m[1]! });
    const engine = new AtEngine(port, { grammar: defaultGrammar(), resyncCommand: null });
    const got: string[] = [];
    let allRead: () => void = () => undefined;
    const readAll = new Promise<void>((resolve) => (allRead = resolve));
    engine.on('item', (i) => {
      if (i.dir === 'rx') got.push(i.event.raw);
      if (got.length >= expected.length) allRead();
    });
    const done = r.waitFor(/^replay complete: all \d+ entries played$/m);
    for (const c of hostCommands(entries, defaultGrammar())) {
      const o = await engine.send(c.command, c.data ? { data: c.data } : {});
      expect(['ok', 'error']).toContain(o.status);
    }
    await done;
    await readAll;
    await engine.close();
    r.child.kill('SIGINT');
    expect(await r.exited).toBe(0);
    expect(got).toEqual(expected);
    expect(r.io.stderr).toMatch(/serving/);
  });

  it('a host that writes something else gets the device closed; cat1 prints the diff and exits 1', async () => {
    const r = start(['replay', 'hardware-fixtures/ga7-stm32-session.jsonl', '--json', '--quiet']);
    const m = await r.waitFor(/"path":"([^"]+)"/);
    const port = await SerialModemPort.open({ path: m[1]! });
    const engine = new AtEngine(port, { grammar: defaultGrammar(), resyncCommand: null });
    expect((await engine.send('AT+ECMTCFG="keepalive",0,60')).status).toBe('ok');
    const wrong = engine.send('AT+ECMTOPEN=0,"192.0.2.10",8883').catch((e: unknown) => e);
    expect(await r.exited).toBe(1);
    // the host sees its device go away (or, on a slow machine, no answer): never an OK
    expect(await wrong).not.toMatchObject({ status: 'ok' });
    const objs = r.io.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(objs.at(-1)).toMatchObject({ type: 'mismatch', kind: 'differs', entry: 3, offset: 27, expected: '"AT+ECMTOPEN=0,\\"192.0.2.10\\",1883\\r"', got: '"AT+ECMTOPEN=0,\\"192.0.2.10\\",8883\\r"' });
  });

  it('Ctrl-C before the end says what was left and exits 1', async () => {
    const r = start(['replay', 'hardware-fixtures/ga7-stm32-session.jsonl']);
    await r.waitFor(/^replay ready: /m);
    r.child.kill('SIGINT');
    expect(await r.exited).toBe(1);
    expect(r.io.stdout).toMatch(/^replay not complete \(stopped\): 9 entries left unconsumed; next \(t=0\.1s\): the host was expected to write "AT\+ECMTCFG=/m);
  });

  it('refuses a --link where a file is, exit 2', async () => {
    const file = join(tmp, 'keep.txt');
    writeFileSync(file, 'x');
    const r = await cat1(['replay', 'hardware-fixtures/ga7-stm32-session.jsonl', '--link', file]);
    expect(r.code).toBe(2);
    expect(readFileSync(file, 'utf8')).toBe('x');
  });
});
