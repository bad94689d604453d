/**
 * The reproductions of issue 11, run as written against real pseudo-terminals: bytes of a
 * sensitive line arrive with a pause inside its keyword (longer than the quiet-time flush), one
 * byte at a time as a person types, or with the command never seen (a passive monitor). No
 * secret may show in stdout, stderr, the --hex/--json chunk hex or the --record transcript.
 *
 * The pauses here shape the input (a real UART pauses); nothing waits on them for
 * synchronisation: every assertion holds whatever the timing, and the unit property in
 * test/transcript/redact-stream.test.ts covers every cut and pause deterministically.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as pauseFor } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPtyPair } from '../../src/port/pty.js';
import { SerialModemPort } from '../../src/port/serial.js';
import { parseTranscript } from '../../src/recording/reader.js';
import { cat1, startCat1, type RunningCat1 } from '../helpers/cli.js';
import { hasSocat } from '../helpers/pty.js';

const SECRET = 'Qx8-Canary-41';
const IMSI = '460018529637410';
const ICCID = '89860318752046193847';
/** The quiet time of the recorder and the chunk view is 50 ms: a pause three times as long. */
const PAUSE_MS = 150;

const tmp = mkdtempSync(join(tmpdir(), 'cat1-redact-timing-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Every place a value (or a 6+ byte piece of it, or its hex) shows in a text. */
function leaks(text: string, values: string[]): string[] {
  const found: string[] = [];
  for (const v of values) {
    for (let len = Math.min(6, v.length); len <= v.length; len++) {
      for (let i = 0; i + len <= v.length; i++) {
        const piece = v.slice(i, i + len);
        const hex = Buffer.from(piece, 'latin1').toString('hex');
        if (text.includes(piece)) found.push(`"${piece}"`);
        if (text.toLowerCase().includes(hex)) found.push(`hex of "${piece}"`);
      }
    }
  }
  return [...new Set(found)];
}

/** stdout, stderr and the transcript: its raw file and the bytes of its entries. */
function everything(run: RunningCat1, record: string): Record<string, string> {
  const raw = readFileSync(record, 'utf8');
  const t = parseTranscript(raw, record);
  return {
    stdout: run.io.stdout,
    stderr: run.io.stderr,
    'transcript file': raw,
    'transcript bytes': t.entries.map((e) => (e.dir === 'note' ? e.text : e.data.toString('latin1'))).join(''),
  };
}

const reason = hasSocat() ? null : 'socat is not installed (apt-get install socat)';
if (reason) console.warn(`[test/reliability/redaction-timing.test.ts: skipped] ${reason}`);

describe.skipIf(reason !== null)('a pause inside a sensitive line (the module side of a pseudo-terminal, cat1 monitor on the host side)', () => {
  /** What the module prints: each case in two parts, with a pause between them. */
  const CASES: Array<{ name: string; parts: [string, string]; secrets: string[]; shown: RegExp }> = [
    { name: 'AT+ECMTCON|N= (the echo of a connect)', parts: ['AT+ECMTCON', `N=0,"d","user1x","${SECRET}"\r\r\nOK\r\n`], secrets: ['user1x', SECRET], shown: /AT\+ECMTCONN=0,"d","\*{6}","\*{13}"/ },
    { name: '+ECMTCFG: "alia|uth" (the answer of a query)', parts: ['+ECMTCFG: "alia', `uth",dn1x,${SECRET},pk1x\r\n\r\nOK\r\n`], secrets: [SECRET], shown: /\+ECMTCFG: "aliauth",\*{4},\*{13},\*{4}/ },
    { name: 'AT+CP|IN= (a PIN)', parts: ['AT+CP', `IN="${SECRET}"\r\r\nOK\r\n`], secrets: [SECRET], shown: /AT\+CPIN="\*{13}"/ },
    { name: '+ICC|ID: (an ICCID)', parts: ['+ICC', `ID: ${ICCID}\r\n\r\nOK\r\n`], secrets: [ICCID], shown: /\+ICCID: \*{20}/ },
    { name: '"ss|l" (a TLS PSK)', parts: ['AT+ECMTCFG="ss', `l","psk","${SECRET}","ident-9"\r\r\nOK\r\n`], secrets: [SECRET], shown: /"ssl","psk","\*{13}"/ },
    { name: 'a chained command', parts: ['AT+CSQ;+ECMT', `CONN=0,"d","user1x","${SECRET}"\r\r\nOK\r\n`], secrets: ['user1x', SECRET], shown: /AT\+CSQ;\+ECMTCONN=0,"d","\*{6}","\*{13}"/ },
    { name: 'a bare IMSI (AT+CIMI not seen)', parts: ['4600185', `29637410\r\n\r\nOK\r\n`], secrets: [IMSI], shown: /\*{15}/ },
    { name: 'a bare ICCID (AT+CCID not seen)', parts: ['898603187', `52046193847\r\n\r\nOK\r\n`], secrets: [ICCID], shown: /\*{20}/ },
  ];

  it.each([[['--hex']], [['--hex', '--json']]])('monitor %j --record: every case leaves no trace in any output', async (flags) => {
    const pair = await openPtyPair();
    const record = join(tmp, `monitor${flags.join('')}.jsonl`);
    const run = startCat1(['monitor', '--port', pair.path, '--record', record, ...flags]);
    try {
      await run.waitFor(flags.includes('--json') ? /"type":"start"/ : /monitoring/, flags.includes('--json') ? 'stdout' : 'stderr');
      for (const c of CASES) {
        await pair.port.write(c.parts[0]);
        await pauseFor(PAUSE_MS);
        await pair.port.write(c.parts[1]);
      }
      // the last case decoded (the bare ICCID, masked): everything before it was read
      await run.waitFor(flags.includes('--json') ? /"raw":"\*{20}"/ : /← {2}\*{20}\n/);
      run.child.kill('SIGINT');
      expect(await run.exited).toBe(0);
      for (const [where, text] of Object.entries(everything(run, record))) {
        for (const c of CASES) expect(leaks(text, c.secrets), `${c.name} leaked into ${where}: ${text}`).toEqual([]);
      }
      // what the recording shows: the lines, each value masked with its length kept
      const bytes = everything(run, record)['transcript bytes']!;
      for (const c of CASES) expect(bytes, c.name).toMatch(c.shown);
    } finally {
      run.child.kill('SIGKILL');
      await pair.stop();
    }
  });

  it('monitor with CAT1_PASSWORD masks that value wherever it shows, even in a line no rule knows', async () => {
    const pair = await openPtyPair();
    const record = join(tmp, 'monitor-value.jsonl');
    const run = startCat1(['monitor', '--port', pair.path, '--record', record, '--hex', '--json'], { CAT1_PASSWORD: SECRET });
    try {
      await run.waitFor(/"type":"start"/);
      await pair.port.write(`+DBG: mqtt pw=${SECRET.slice(0, 5)}`);
      await pauseFor(PAUSE_MS);
      await pair.port.write(`${SECRET.slice(5)} len=13\r\n`);
      await run.waitFor(/len=13/);
      run.child.kill('SIGINT');
      expect(await run.exited).toBe(0);
      for (const [where, text] of Object.entries(everything(run, record))) expect(leaks(text, [SECRET]), where).toEqual([]);
      expect(everything(run, record)['transcript bytes']).toContain(`+DBG: mqtt pw=${'*'.repeat(SECRET.length)} len=13`);
    } finally {
      run.child.kill('SIGKILL');
      await pair.stop();
    }
  });

  it('monitor --log-secrets shows and records them (the opt-in works)', async () => {
    const pair = await openPtyPair();
    const record = join(tmp, 'monitor-clear.jsonl');
    const run = startCat1(['monitor', '--port', pair.path, '--record', record, '--log-secrets']);
    try {
      await run.waitFor(/monitoring/, 'stderr');
      await pair.port.write('AT+ECMTCON');
      await pauseFor(PAUSE_MS);
      await pair.port.write(`N=0,"d","user1x","${SECRET}"\r\r\nOK\r\n`);
      await run.waitFor(/OK/);
      run.child.kill('SIGINT');
      expect(await run.exited).toBe(0);
      expect(run.io.stdout).toContain(SECRET);
      expect(readFileSync(record, 'utf8')).toContain(SECRET);
    } finally {
      run.child.kill('SIGKILL');
      await pair.stop();
    }
  });
});

describe.skipIf(reason !== null)('cat1 emulate --record while the host types one byte at a time (as minicom does)', () => {
  it('the echo and the recording never hold the password, the user name or the PSK', async () => {
    const record = join(tmp, 'emulate-typed.jsonl');
    const emu = startCat1(['emulate', '--json', '--echo', '--record', record]);
    const m = await emu.waitFor(/"path":"([^"]+)"/);
    const port = await SerialModemPort.open({ path: m[1]! });
    let echoed = '';
    const waiters = new Set<() => void>();
    port.on('data', (b) => {
      echoed += b.toString('latin1');
      waiters.forEach((w) => w());
    });
    /** Resolves once the module's output so far has `n` bytes (event-driven). */
    const echoOf = (n: number): Promise<void> =>
      new Promise((resolve) => {
        const check = (): void => {
          if (echoed.length >= n) {
            waiters.delete(check);
            resolve();
          }
        };
        waiters.add(check);
        check();
      });
    try {
      const lines = [`AT+ECMTCFG="ssl","psk","${SECRET}","ident-9"\r`, `AT+ECMTCONN=0,"dev1","user1x","${SECRET}"\r`];
      for (const line of lines) {
        for (const ch of line) {
          const before = echoed.length;
          await port.write(ch);
          await echoOf(before + 1); // the module echoed the byte: the host types the next
        }
        await new Promise<void>((resolve) => {
          const check = (): void => {
            if (/\r\n(OK|ERROR|\+CME ERROR: \d+)\r\n$/.test(echoed)) {
              waiters.delete(check);
              resolve();
            }
          };
          waiters.add(check);
          check();
        });
        echoed = '';
      }
      await port.close();
      emu.child.kill('SIGINT');
      expect(await emu.exited).toBe(0);
      for (const [where, text] of Object.entries(everything(emu, record))) expect(leaks(text, [SECRET, 'user1x']), where).toEqual([]);
      const t = parseTranscript(readFileSync(record, 'utf8'));
      const tx = t.entries.filter((e) => e.dir === 'tx').map((e) => (e.dir === 'note' ? '' : e.data.toString('latin1'))).join('');
      // what the host typed, byte for byte, values masked with their length
      expect(tx).toBe(`AT+ECMTCFG="ssl","psk","${'*'.repeat(SECRET.length)}","*******"\rAT+ECMTCONN=0,"dev1","******","${'*'.repeat(SECRET.length)}"\r`);
    } finally {
      emu.child.kill('SIGKILL');
      await port.close().catch(() => undefined);
    }
  });
});

describe('the leak check of this file', () => {
  it('finds a leaked value, a piece of it and its hex', () => {
    expect(leaks(`x ${SECRET}`, [SECRET])).not.toEqual([]);
    expect(leaks(Buffer.from(SECRET.slice(2, 9)).toString('hex'), [SECRET])).not.toEqual([]);
    expect(leaks('****** masked', [SECRET])).toEqual([]);
  });
});

describe.skipIf(reason !== null)('cat1 at --record against cat1 emulate --echo --fault chunk=3 (it leaked about once in 13 runs)', () => {
  // One emulator, 26 runs, each its own test: a busy machine slows every spawn, and one test
  // holding 52 spawns would hit its time bound for no fault of the code under test.
  let emu: RunningCat1;
  let path = '';
  beforeAll(async () => {
    emu = startCat1(['emulate', '--json', '--quiet', '--echo', '--fault', 'chunk=3']);
    path = (await emu.waitFor(/"path":"([^"]+)"/))[1]!;
  });
  afterAll(async () => {
    emu.child.kill('SIGINT');
    await emu.exited;
  });
  it.each(Array.from({ length: 26 }, (_, i) => i))('run %i: no recording, stdout or decode of it holds the password', async (i) => {
    const record = join(tmp, `at-chunk3-${i}.jsonl`);
    const r = await cat1(['at', '--port', path, '--record', record, `AT+ECMTCFG="aliauth",0,"pk1","dn1","${SECRET}"`, `AT+ECMTCONN=0,"dev1","user1x","${SECRET}"`]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const decoded = await cat1(['decode', record]);
    expect(decoded.code, decoded.stderr).toBe(0);
    const all = { stdout: r.stdout, stderr: r.stderr, transcript: readFileSync(record, 'utf8'), decode: decoded.stdout };
    for (const [where, text] of Object.entries(all)) expect(leaks(text, [SECRET, 'user1x']), where).toEqual([]);
    expect(all.transcript).toContain(`AT+ECMTCONN=0,\\"dev1\\",\\"******\\",\\"${'*'.repeat(SECRET.length)}\\"`);
  });
});

describe.skipIf(reason !== null)('cat1 at and term take --password-file / CAT1_PASSWORD as a value to mask', () => {
  it('at --password-file: a line no rule knows (a payload holding the password) is masked on screen, in --json and in the recording', async () => {
    const emu = startCat1(['emulate', '--json', '--quiet', '--echo']);
    const m = await emu.waitFor(/"path":"([^"]+)"/);
    const pw = join(tmp, 'pw.txt');
    writeFileSync(pw, `${SECRET}\n`);
    try {
      for (const more of [[], ['--json']]) {
        const record = join(tmp, `at-value${more.join('')}.jsonl`);
        const r = await cat1(['at', '--port', m[1]!, '--password-file', pw, '--record', record, ...more, `AT+ECMTPUB=0,1,1,0,"dev/cfg","pw=${SECRET}"`]);
        expect(r.stderr).not.toMatch(/\n\s+at /);
        expect(r.stdout).toMatch(/\*{13}/);
        for (const [where, text] of Object.entries({ stdout: r.stdout, stderr: r.stderr, transcript: readFileSync(record, 'utf8') })) expect(leaks(text, [SECRET]), `${more.join('')} ${where}`).toEqual([]);
      }
      const clear = await cat1(['at', '--port', m[1]!, '--password-file', pw, '--log-secrets', `AT+ECMTPUB=0,1,1,0,"dev/cfg","pw=${SECRET}"`]);
      expect(clear.stdout).toContain(SECRET);
    } finally {
      emu.child.kill('SIGINT');
      await emu.exited;
    }
  });

  it('term with CAT1_PASSWORD (piped input): the value is masked in the timeline', async () => {
    const emu = startCat1(['emulate', '--json', '--quiet', '--echo']);
    const m = await emu.waitFor(/"path":"([^"]+)"/);
    try {
      const r = await cat1(['term', '--port', m[1]!, '--no-history'], { input: `AT+ECMTPUB=0,1,1,0,"dev/cfg","pw=${SECRET}"\n`, env: { CAT1_PASSWORD: SECRET } });
      expect(r.stdout).toMatch(/→ +AT\+ECMTPUB=0,1,1,0,"dev\/cfg","pw=\*{13}"/);
      expect(leaks(r.stdout + r.stderr, [SECRET])).toEqual([]);
    } finally {
      emu.child.kill('SIGINT');
      await emu.exited;
    }
  });
});
