/**
 * The redaction canary: one known secret, used as the MQTT password, a TLS PSK and an Aliyun
 * device secret, split across chunks and echoed by the module, must never appear in any output
 * — human, --json, transcripts, error messages — in plain, hex or base64 form (nor any 6-byte
 * piece of it), unless --log-secrets is given, and then it must.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPtyEmulator, type PtyEmulator } from '../../src/emulator/pty.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/mirror/broker.js';
import { encodeEntry, encodeHeader } from '../../src/recording/format.js';
import { parseTranscript } from '../../src/recording/reader.js';
import type { DataEntry, TranscriptEntry } from '../../src/recording/types.js';
import { makeHeader } from '../../src/recording/writer.js';
import { cat1, type CliResult } from '../helpers/cli.js';
import { hasSocat } from '../helpers/pty.js';

const SECRET = 'Canary-7f3a9Q';

/** Every form of the secret that must not show: plain and hex pieces of 6+ bytes, base64 at each alignment. */
function needles(secret: string): Array<{ how: string; needle: string }> {
  const b = Buffer.from(secret, 'utf8');
  const out: Array<{ how: string; needle: string }> = [];
  for (let len = 6; len <= b.length; len++) {
    for (let i = 0; i + len <= b.length; i++) {
      const sub = b.subarray(i, i + len);
      out.push({ how: `plain "${sub.toString()}"`, needle: sub.toString('utf8') });
      out.push({ how: `hex of "${sub.toString()}"`, needle: sub.toString('hex') });
      out.push({ how: `HEX of "${sub.toString()}"`, needle: sub.toString('hex').toUpperCase() });
    }
  }
  for (let k = 0; k < 3; k++) {
    const enc = Buffer.concat([Buffer.alloc(k, 0x20), b]).toString('base64');
    // the characters that depend on the secret's bytes alone
    out.push({ how: `base64 at alignment ${k}`, needle: enc.slice(k === 0 ? 0 : 4, Math.floor((k + b.length) / 3) * 4) });
  }
  return out;
}
const NEEDLES = needles(SECRET);

/** The forms of the secret found in a text (also inside any base64 run in it, decoded). */
function leaks(text: string): string[] {
  const found = NEEDLES.filter((n) => text.includes(n.needle)).map((n) => n.how);
  for (const m of text.matchAll(/[A-Za-z0-9+/]{8,}={0,2}/g)) {
    for (let j = 0; j < 4; j++) {
      const decoded = Buffer.from(m[0].slice(j), 'base64').toString('latin1');
      for (let len = 6; len <= SECRET.length; len++) {
        for (let i = 0; i + len <= SECRET.length; i++) if (decoded.includes(SECRET.slice(i, i + len))) found.push(`inside base64 "${m[0].slice(0, 20)}…"`);
      }
    }
  }
  return [...new Set(found)];
}

/** Every output of a run: stdout, stderr, and the files it wrote (raw, and the bytes of their entries). */
function outputs(r: CliResult, files: string[] = []): Record<string, string> {
  const o: Record<string, string> = { stdout: r.stdout, stderr: r.stderr };
  for (const f of files) {
    const raw = readFileSync(f, 'utf8');
    o[`${f} (file)`] = raw;
    const t = parseTranscript(raw, f);
    o[`${f} (entries)`] = t.entries.map((e) => (e.dir === 'note' ? e.text : e.data.toString('latin1'))).join('');
  }
  return o;
}

function expectNoLeak(r: CliResult, files: string[] = []): void {
  for (const [where, text] of Object.entries(outputs(r, files))) {
    const found = leaks(text);
    const at = found.length > 0 ? text.indexOf(NEEDLES.find((n) => text.includes(n.needle))?.needle ?? '\u0000') : -1;
    expect(found, `the secret leaked into ${where} (${found.join('; ')}) near ${JSON.stringify(text.slice(Math.max(0, at - 200), at + 100))}`).toEqual([]);
  }
}

function expectSecretShown(r: CliResult, files: string[] = []): void {
  const all = Object.values(outputs(r, files)).join('\n');
  expect(all).toContain(SECRET);
}

const tmp = mkdtempSync(join(tmpdir(), 'cat1-redact-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A transcript recorded with --log-secrets (redacted: false): the secret in tx, in the echo, split across entries, in a base64 entry. */
function secretTranscript(brokerPort: number): string {
  const e: TranscriptEntry[] = [];
  let t = 0;
  const tx = (s: string | Buffer, dt = 0.01): void => void e.push({ t: (t += dt), dir: 'tx', data: Buffer.isBuffer(s) ? s : Buffer.from(s, 'latin1') });
  const rx = (s: string | Buffer, dt = 0.01): void => void e.push({ t: (t += dt), dir: 'rx', data: Buffer.isBuffer(s) ? s : Buffer.from(s, 'latin1') });
  // PSK, split across writes and echoes (with a pause inside the echo: the quiet time cuts it)
  tx('AT+ECMTCFG="ssl","psk","Cana');
  tx('ry-7f3a9Q","ident-1"\r');
  rx('AT+ECMTCFG="ssl","psk","Canary-7');
  rx('f3a9Q","ident-1"\r\r\nOK\r\n', 0.5);
  // Aliyun device secret, and the query that prints it back
  tx(`AT+ECMTCFG="aliauth",0,"pk1","dn1","${SECRET}"\r`);
  rx(`AT+ECMTCFG="aliauth",0,"pk1","dn1","${SECRET}"\r\r\nOK\r\n`);
  tx('AT+ECMTCFG="aliauth",0\r');
  rx('AT+ECMTCFG="aliauth",0\r\r\n+ECMTCFG: "aliauth",dn1,Canar');
  rx('y-7f3a9Q,pk1\r\n\r\nOK\r\n');
  // the MQTT connection, the password split in three, the echo in an entry that is not UTF-8
  tx(`AT+ECMTOPEN=0,"127.0.0.1",${brokerPort}\r`);
  rx(`AT+ECMTOPEN=0,"127.0.0.1",${brokerPort}\r\r\nOK\r\n\r\n+ECMTOPEN: 0,0\r\n`);
  tx('AT+ECMTCONN=0,"dev-rc","user1","Can');
  tx('ary-7f3a');
  tx('9Q"\r');
  rx(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`\r\nAT+ECMTCONN=0,"dev-rc","user1","${SECRET}"\r\r\nOK\r\n`)]));
  rx('\r\n+ECMTCONN: 0,0,0\r\n', 0.3);
  tx('AT+ECMTDISC=0\r');
  rx('AT+ECMTDISC=0\r\r\nOK\r\n\r\n+ECMTDISC: 0,0\r\n');
  const header = makeHeader({ kind: 'emulator', source: 'redaction canary', timing: 'recorded', redacted: false });
  const text = [encodeHeader(header), ...e.map(encodeEntry)].join('\n') + '\n';
  // the fixture itself holds the secret in all the ways that matter
  expect(text).toContain(SECRET);
  expect(e.some((x) => x.dir === 'rx' && encodeEntry(x).includes('"b64"'))).toBe(true);
  return text;
}

/** The same session pasted from a serial terminal. */
const PASTED = [
  `[10:00:00.100]发→◇AT+ECMTCFG="ssl","psk","${SECRET}","ident-1"`,
  '[10:00:00.150]收←◆OK',
  `[10:00:00.200]发→◇AT+ECMTCFG="aliauth",0,"pk1","dn1","${SECRET}"`,
  '[10:00:00.250]收←◆OK',
  '[10:00:00.300]发→◇AT+ECMTCFG="aliauth",0',
  `[10:00:00.350]收←◆+ECMTCFG: "aliauth",dn1,${SECRET},pk1`,
  'OK',
  `[10:00:01.300]发→◇AT+ECMTCONN=0,"dev1","user1","${SECRET}"`,
  '[10:00:01.380]收←◆OK',
  '[10:00:02.010]收←◆+ECMTCONN: 0,0,5',
  '',
].join('\r\n');

const reason = hasSocat() ? null : 'socat is not installed (apt-get install socat)';
if (reason) console.warn(`[test/reliability/redaction.test.ts: the pseudo-terminal verbs are skipped] ${reason}`);

describe('redaction canary', () => {
  let broker: EmbeddedBroker;
  let transcript: string;
  let pasted: string;
  beforeAll(async () => {
    broker = await startEmbeddedBroker({ users: { user1: SECRET } });
    transcript = join(tmp, 'session.jsonl');
    writeFileSync(transcript, secretTranscript(broker.port));
    pasted = join(tmp, 'sscom.log');
    writeFileSync(pasted, PASTED);
  });
  afterAll(async () => {
    await broker?.stop();
  });

  it('the leak checker finds the secret in plain, hex, base64 and as a 6-byte piece', () => {
    expect(leaks(`x ${SECRET} y`)).not.toEqual([]);
    expect(leaks(Buffer.from(SECRET).toString('hex'))).not.toEqual([]);
    expect(leaks(Buffer.from(`"${SECRET}"`).toString('base64'))).not.toEqual([]);
    expect(leaks(Buffer.from(`ab${SECRET}`).toString('base64'))).not.toEqual([]);
    expect(leaks('a piece: 7f3a9Q.')).not.toEqual([]);
    expect(leaks('Canar******** and **************** are masked')).toEqual([]);
  });

  describe.concurrent('decode', () => {
    it.each([
      ['a transcript', () => ['decode', transcript]],
      ['a transcript, --json', () => ['decode', '--json', transcript]],
      ['a pasted log', () => ['decode', pasted]],
      ['a pasted log, --json', () => ['decode', '--json', pasted]],
    ] as Array<[string, () => string[]]>)('%s: no trace of the secret', async (_name, args) => {
      const r = await cat1(args());
      expect(r.code, r.stderr).toBe(0);
      expectNoLeak(r);
      expect(r.stdout).toMatch(/ECMTCONN/);
    });

    it.each([
      ['a transcript', () => ['decode', '--log-secrets', transcript]],
      ['a pasted log, --json', () => ['decode', '--log-secrets', '--json', pasted]],
    ] as Array<[string, () => string[]]>)('--log-secrets on %s shows it', async (_name, args) => {
      const r = await cat1(args());
      expect(r.code, r.stderr).toBe(0);
      expectSecretShown(r);
    });

    it('an error message about an input holding the secret does not repeat it', async () => {
      const bad = join(tmp, 'bad.jsonl');
      const lines = readFileSync(transcript, 'utf8').split('\n');
      // a line holding the secret, broken in the middle of the file
      const i = lines.findIndex((l) => l.includes(SECRET));
      lines[i] = lines[i]!.slice(0, -3);
      writeFileSync(bad, lines.join('\n'));
      const r = await cat1(['decode', bad]);
      expect(r.code).toBe(2);
      expectNoLeak(r);
    });
  });

  describe.concurrent('mirror --transcript', () => {
    it.each([[[] as string[]], [['--json']]])('%j: no trace of the secret (the shadow still logs in with it)', async (more) => {
      const r = await cat1(['mirror', '--transcript', transcript, '--window', '1', ...more]);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expectNoLeak(r);
      // the shadow used the recorded password: the broker accepted it
      expect(r.stdout).toMatch(/connect/);
      expect(r.stdout).not.toMatch(/not authori[sz]ed/);
    });

    it('--log-secrets shows it', async () => {
      const r = await cat1(['mirror', '--transcript', transcript, '--window', '1', '--log-secrets']);
      expectSecretShown(r);
    });
  });

  describe.skipIf(reason !== null)('verbs on a module (the emulator on a pseudo-terminal, echo on, output in 3-byte pieces)', () => {
    const emulator = (): Promise<PtyEmulator> => startPtyEmulator({ echo: true, faults: { chunk: 3 }, seed: 11 });
    const AT_COMMANDS = [`AT+ECMTCFG="ssl","psk","${SECRET}","ident-1"`, `AT+ECMTCFG="aliauth",0,"pk1","dn1","${SECRET}"`, 'AT+ECMTCFG="aliauth",0', `AT+ECMTCONN=0,"dev1","user1","${SECRET}"`];

    describe.concurrent('at', () => {
      it.each([[[] as string[]], [['--json']]])('at %j --record: stdout, stderr and the transcript hold no trace', async (more) => {
        const pty = await emulator();
        const rec = join(tmp, `at${more.join('')}.jsonl`);
        try {
          const r = await cat1(['at', '--port', pty.path, '--record', rec, ...more, ...AT_COMMANDS]);
          expect(r.stderr).not.toMatch(/\n\s+at /);
          expect(r.code, r.stderr).toBe(1); // AT+ECMTCONN is refused: nothing is open
          expect(r.stdout).toMatch(/aliauth/);
          expectNoLeak(r, [rec]);
          // the transcript still has the exact length of every masked value
          const t = parseTranscript(readFileSync(rec, 'utf8'));
          const tx = t.entries.filter((e): e is DataEntry => e.dir === 'tx').map((e) => e.data.toString()).join('');
          expect(tx).toContain(`"ssl","psk","${'*'.repeat(SECRET.length)}"`);
        } finally {
          await pty.stop();
        }
      });

      it('at --log-secrets --record: the secret is shown and recorded', async () => {
        const pty = await emulator();
        const rec = join(tmp, 'at-log-secrets.jsonl');
        try {
          const r = await cat1(['at', '--port', pty.path, '--record', rec, '--log-secrets', ...AT_COMMANDS]);
          expect(r.stdout).toContain(SECRET);
          expect(readFileSync(rec, 'utf8')).toContain(SECRET);
        } finally {
          await pty.stop();
        }
      });

      it('error messages about a command holding the secret do not repeat it', async () => {
        const pty = await emulator();
        try {
          for (const bad of [`xAT+ECMTCONN=0,"d","u","${SECRET}"`, `AT+ECMTCONN=0,"d","u","${SECRET}\r\n"`]) {
            const r = await cat1(['at', '--port', pty.path, bad]);
            expect(r.code).toBe(2);
            expect(r.stderr.trim().split('\n')).toHaveLength(1);
            expectNoLeak(r);
          }
        } finally {
          await pty.stop();
        }
      });
    });

    describe.concurrent('compare, diagnose', () => {
      it.each([[[] as string[]], [['--json']]])('compare %j --record: the password (from CAT1_PASSWORD) leaves no trace', async (more) => {
        const pty = await emulator();
        const rec = join(tmp, `compare${more.join('')}.jsonl`);
        try {
          const r = await cat1(['compare', '--port', pty.path, '--broker', broker.url, '--client-id', `dev-rc${more.length > 0 ? '-json' : ''}`, '--username', 'user1', '--record', rec, ...more], { env: { CAT1_PASSWORD: SECRET } });
          expect(r.code, r.stderr + r.stdout).toBe(0);
          expectNoLeak(r, [rec]);
        } finally {
          await pty.stop();
        }
      });

      it('compare --password-file --log-secrets: the transcript shows it', async () => {
        const pty = await emulator();
        const rec = join(tmp, 'compare-log-secrets.jsonl');
        const pw = join(tmp, 'pw.txt');
        writeFileSync(pw, `${SECRET}\n`);
        try {
          const r = await cat1(['compare', '--port', pty.path, '--broker', broker.url, '--client-id', 'dev-rc2', '--username', 'user1', '--password-file', pw, '--record', rec, '--log-secrets', '--json']);
          expect(r.code, r.stderr).toBe(0);
          expect(readFileSync(rec, 'utf8')).toContain(SECRET);
          // the report itself never carries a password
          expect(leaks(r.stdout)).toEqual([]);
        } finally {
          await pty.stop();
        }
      });

      it('diagnose --log-secrets --record: the transcript shows it', async () => {
        const pty = await emulator();
        const rec = join(tmp, 'diagnose-log-secrets.jsonl');
        try {
          const r = await cat1(['diagnose', '--port', pty.path, '--broker', broker.url, '--client-id', 'dev-rc4', '--username', 'user1', '--no-compare', '--log-secrets', '--record', rec], { env: { CAT1_PASSWORD: SECRET } });
          expect(r.code, r.stderr + r.stdout).toBe(0);
          expect(readFileSync(rec, 'utf8')).toContain(SECRET);
        } finally {
          await pty.stop();
        }
      });

      it('diagnose --json --record: no trace of the password', async () => {
        const pty = await emulator();
        const rec = join(tmp, 'diagnose.jsonl');
        try {
          const r = await cat1(['diagnose', '--port', pty.path, '--broker', broker.url, '--client-id', 'dev-rc3', '--username', 'user1', '--json', '--record', rec], { env: { CAT1_PASSWORD: SECRET } });
          expect(r.code, r.stderr + r.stdout).toBe(0);
          expectNoLeak(r, [rec]);
        } finally {
          await pty.stop();
        }
      });
    });
  });
});
