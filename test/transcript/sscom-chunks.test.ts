/**
 * SSCOM's received chunks: with time stamps on, SSCOM prints one display line per chunk the port
 * delivered (`[time]收←◆` + the chunk's bytes) and its own line break after the chunk, so a chunk
 * whose data ended with CR LF shows an empty line before the next marker and one that ended
 * elsewhere shows none: its last line goes on in the next chunk (import.ts, "SSCOM's received
 * chunks"). Every log here is invented for the test, laid out as SSCOM prints; the module lines
 * are of the forms in shared/protocol/ecmt.md (+ECMTCFG "aliauth": `"aliauth",0,"<product_key>",
 * "<device_name>","<device_secret>"`), the IMSI is of 3GPP TS 23.003 form (MCC 460), the secrets
 * are canaries. The expected bytes and items are written here by hand.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importTextLog, TextLogImporter } from '../../src/transcript/import.js';
import type { TranscriptEntry } from '../../src/recording/types.js';
import { decodeJsonLines } from '../helpers/decode-json.js';
import { cat1 } from '../helpers/cli.js';

const SECRET = 'DevSecret77q';
const IMSI = '460012345678901';
const PASSWORD = 'Pw0rdXYZ9';

/** A log as SSCOM saves it: CRLF line ends. */
const log = (...l: string[]): string => l.join('\r\n');

type Row = [number | null, 'tx' | 'rx' | 'note', string];
const rows = (entries: TranscriptEntry[]): Row[] => entries.map((e) => [e.t === null ? null : Math.round(e.t * 1e6) / 1e6, e.dir, e.dir === 'note' ? e.text : e.data.toString('utf8')]);

/** The +ECMTCFG "aliauth" answer split after "+ECMT" (the keyword cut in two). */
const KEYWORD_SPLIT = log(
  '[10:00:00.000]发→◇AT+ECMTCFG="aliauth",0',
  '□',
  '[10:00:00.020]收←◆',
  '+ECMT',
  `[10:00:00.032]收←◆CFG: "aliauth",0,"pk1","dn1","${SECRET}"`,
  '',
  'OK',
  '',
  '',
);

describe('SSCOM: a chunk without its empty line goes on in the next chunk', () => {
  it('the keyword cut in two: the bytes are contiguous, no CR LF invented between the chunks, each chunk keeps its time', () => {
    const r = importTextLog(KEYWORD_SPLIT);
    expect(rows(r.entries)).toEqual([
      [0, 'tx', 'AT+ECMTCFG="aliauth",0\r\n'],
      [0.02, 'rx', '\r\n+ECMT'],
      [0.032, 'rx', `CFG: "aliauth",0,"pk1","dn1","${SECRET}"\r\n\r\nOK\r\n`],
    ]);
    expect(r.warnings).toEqual([]);
  });

  it('decodes as one +ECMTCFG answer at the time of its first chunk, the device secret masked, then OK', () => {
    const items = decodeJsonLines(importTextLog(KEYWORD_SPLIT).entries)
      .split('\n')
      .map((l) => JSON.parse(l) as { t: number; role: string; type: string; raw: string });
    expect(items.map((i) => [i.t, i.role, i.type, i.raw])).toEqual([
      [0, 'command', 'command', 'AT+ECMTCFG="aliauth",0'],
      // product key, device name and device secret masked to their lengths
      [0.02, 'answer', 'ecmt-cfg', `+ECMTCFG: "aliauth",0,"***","***","${'*'.repeat(SECRET.length)}"`],
      [0.032, 'final', 'ok', 'OK'],
    ]);
  });

  it('cut after a comma and again inside the quoted secret (three chunks)', () => {
    const r = importTextLog(
      log(
        '[10:00:00.000]发→◇AT+ECMTCFG="aliauth",0',
        '□',
        '[10:00:00.020]收←◆',
        '+ECMTCFG: "aliauth",0,',
        '[10:00:00.031]收←◆"pk1","dn1","DevSec',
        '[10:00:00.043]收←◆ret77q"',
        '',
        'OK',
        '',
        '',
      ),
    );
    expect(rows(r.entries).filter((x) => x[1] === 'rx')).toEqual([
      [0.02, 'rx', '\r\n+ECMTCFG: "aliauth",0,'],
      [0.031, 'rx', '"pk1","dn1","DevSec'],
      [0.043, 'rx', 'ret77q"\r\n\r\nOK\r\n'],
    ]);
    const out = decodeJsonLines(r.entries);
    expect(out).not.toContain('DevSec');
    expect(out).not.toContain('ret77q');
    expect(out).toContain('"type":"ecmt-cfg"');
  });

  it('a bare IMSI (the +CIMI answer, 3GPP TS 27.007) in two chunks: one number, masked', () => {
    const r = importTextLog(log('[10:00:00.000]发→◇AT+CIMI', '□', '[10:00:00.015]收←◆', IMSI.slice(0, 8), `[10:00:00.027]收←◆${IMSI.slice(8)}`, '', 'OK', '', ''));
    expect(rows(r.entries).filter((x) => x[1] === 'rx')).toEqual([
      [0.015, 'rx', `\r\n${IMSI.slice(0, 8)}`],
      [0.027, 'rx', `${IMSI.slice(8)}\r\n\r\nOK\r\n`],
    ]);
    const out = decodeJsonLines(r.entries);
    expect(out).not.toContain(IMSI.slice(0, 8));
    expect(out).not.toContain(IMSI.slice(8));
    expect(out).toContain(`"raw":"${'*'.repeat(15)}"`);
    expect(out).toContain('"type":"ok"');
  });

  it('OK cut in two ("O" | "K"): one final result', () => {
    const r = importTextLog(log('[10:00:00.000]发→◇AT', '□', '[10:00:00.010]收←◆', 'O', '[10:00:00.021]收←◆K', '', ''));
    expect(rows(r.entries)).toEqual([
      [0, 'tx', 'AT\r\n'],
      [0.01, 'rx', '\r\nO'],
      [0.021, 'rx', 'K\r\n'],
    ]);
    const items = decodeJsonLines(r.entries).split('\n').map((l) => JSON.parse(l) as { role: string; type: string; raw: string });
    expect(items.map((i) => [i.role, i.type, i.raw])).toEqual([
      ['command', 'command', 'AT'],
      ['final', 'ok', 'OK'],
    ]);
  });

  it('the next chunk begins with the line end (SSCOM prints the marker alone): the first line ends there, once', () => {
    const r = importTextLog(log('[10:00:00.000]发→◇AT+ECMTOPEN?', '□', '[10:00:00.010]收←◆+ECMTOPEN: 0,"broker.example.com",1883', '[10:00:00.031]收←◆', 'OK', '', ''));
    expect(rows(r.entries).filter((x) => x[1] === 'rx')).toEqual([
      [0.01, 'rx', '+ECMTOPEN: 0,"broker.example.com",1883'],
      [0.031, 'rx', '\r\nOK\r\n'],
    ]);
  });

  it('a send between the two chunks ends the line there (the host spoke): as before', () => {
    const r = importTextLog(log('[10:00:00.000]发→◇AT+CSQ', '□', '[10:00:00.010]收←◆+CSQ: 2', '[10:00:00.015]发→◇AT', '□', '[10:00:00.020]收←◆4,99', '', 'OK', '', ''));
    expect(rows(r.entries)).toEqual([
      [0, 'tx', 'AT+CSQ\r\n'],
      [0.01, 'rx', '+CSQ: 2\r\n'],
      [0.015, 'tx', 'AT\r\n'],
      [0.02, 'rx', '4,99\r\n\r\nOK\r\n'],
    ]);
  });

  it("SSCOM's markers saved in GBK and read as Latin-1: the same", () => {
    const latin1 = KEYWORD_SPLIT.replace(/发→◇/g, '·¢¡ú¡ó').replace(/收←◆/g, 'ÊÕ¡û¡ô').replace(/□/g, '¡õ');
    expect(rows(importTextLog(latin1).entries)).toEqual(rows(importTextLog(KEYWORD_SPLIT).entries));
  });

  it('other markers ([RX], RX:, 收←) are not read this way: each line ends with its own CR LF, as before', () => {
    for (const m of ['[RX] ', 'RX: ', '收←']) {
      const r = importTextLog(log('[10:00:00.000] [TX] AT+CSQ', `[10:00:00.010] ${m}+CSQ: 2`, `[10:00:00.020] ${m}4,99`, '', `[10:00:00.030] ${m}OK`, '', ''));
      expect(rows(r.entries).filter((x) => x[1] === 'rx')).toEqual([
        [0.01, 'rx', '+CSQ: 2\r\n'],
        [0.02, 'rx', '4,99\r\n'],
        [0.03, 'rx', 'OK\r\n'],
      ]);
    }
  });
});

describe("SSCOM: when the log does not show SSCOM's empty lines, nothing is joined", () => {
  it('a paste with every empty line removed: each chunk ends with its line (as before), and one warning says why', () => {
    const stripped = log('[10:00:00.000]发→◇AT+CSQ', '□', '[10:00:00.010]收←◆', '+CSQ: 2', '[10:00:00.022]收←◆4,99', 'OK', '[10:00:01.000]发→◇AT', '□', '[10:00:01.010]收←◆', 'O', '[10:00:01.021]收←◆K');
    const r = importTextLog(stripped);
    expect(rows(r.entries)).toEqual([
      [0, 'tx', 'AT+CSQ\r\n'],
      [0.01, 'rx', '\r\n+CSQ: 2\r\n'],
      [0.022, 'rx', '4,99\r\nOK\r\n'],
      [1, 'tx', 'AT\r\n'],
      [1.01, 'rx', '\r\nO\r\n'],
      [1.021, 'rx', 'K\r\n'],
    ]);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]!.line).toBe(4);
    expect(r.warnings[0]!.message).toMatch(/SSCOM.*empty line/);
  });

  it('…except where the two lines as one are a line the redaction rules mask: then they are one (a secret does not depend on a paste\'s empty lines)', () => {
    const stripped = KEYWORD_SPLIT.split('\r\n')
      .filter((l) => l !== '')
      .join('\r\n');
    const r = importTextLog(stripped);
    expect(rows(r.entries)).toEqual([
      [0, 'tx', 'AT+ECMTCFG="aliauth",0\r\n'],
      [0.02, 'rx', '\r\n+ECMT'],
      [0.032, 'rx', `CFG: "aliauth",0,"pk1","dn1","${SECRET}"\r\nOK\r\n`],
    ]);
    expect(r.warnings).toHaveLength(1);
    const out = decodeJsonLines(r.entries);
    expect(out).not.toContain(SECRET);
    expect(out).toContain('"type":"ecmt-cfg"');
    // a bare IMSI cut in two: one number of an IMSI's shape
    const imsi = importTextLog(log('[10:00:00.000]发→◇AT+CIMI', '□', '[10:00:00.015]收←◆', IMSI.slice(0, 8), `[10:00:00.027]收←◆${IMSI.slice(8)}`, 'OK'));
    expect(rows(imsi.entries).filter((x) => x[1] === 'rx')).toEqual([
      [0.015, 'rx', `\r\n${IMSI.slice(0, 8)}`],
      [0.027, 'rx', `${IMSI.slice(8)}\r\nOK\r\n`],
    ]);
    expect(decodeJsonLines(imsi.entries)).not.toMatch(/\d{7}/);
  });

  it('a line cut into three or more chunks is judged whole: a label, a keyword or a value cut anywhere, a line before it that stays apart', () => {
    const ICCID = '89860012345678901234';
    const stripped = log(
      '[10:00:00.000]发→◇AT+CSQ',
      '□',
      '[10:00:00.010]收←◆',
      '+CSQ: 20,99',
      'OK',
      // the label cut after two letters, the ICCID cut in two: only the three as one line hold a label and a whole ICCID
      '[10:00:00.020]收←◆IC',
      `[10:00:00.030]收←◆CID: ${ICCID.slice(0, 10)}`,
      `[10:00:00.040]收←◆${ICCID.slice(10)}`,
      '[10:00:01.000]发→◇AT+ECMTCONN=0,"cid","user1","******"',
      '□',
      // the echo of the command cut in three: the keyword and the password each cut
      '[10:00:01.010]收←◆AT+ECMT',
      '[10:00:01.020]收←◆CONN=0,"cid","us',
      `[10:00:01.030]收←◆er1","${PASSWORD}"`,
      // the module's CR LF before OK: the chunk begins with it (its empty line removed by the paste)
      '[10:00:01.040]收←◆',
      'OK',
      '[10:00:02.000]发→◇AT+CIMI',
      '□',
      '[10:00:02.010]收←◆',
      IMSI.slice(0, 4),
      `[10:00:02.020]收←◆${IMSI.slice(4, 11)}`,
      `[10:00:02.030]收←◆${IMSI.slice(11)}`,
      '[10:00:02.040]收←◆',
      'OK',
    );
    const r = importTextLog(stripped);
    expect(rows(r.entries).filter((x) => x[1] === 'rx')).toEqual([
      [0.01, 'rx', '\r\n+CSQ: 20,99\r\nOK\r\n'],
      [0.02, 'rx', 'IC'],
      [0.03, 'rx', `CID: ${ICCID.slice(0, 10)}`],
      [0.04, 'rx', `${ICCID.slice(10)}\r\n`],
      [1.01, 'rx', 'AT+ECMT'],
      [1.02, 'rx', 'CONN=0,"cid","us'],
      [1.03, 'rx', `er1","${PASSWORD}"\r\n`],
      [1.04, 'rx', '\r\nOK\r\n'],
      [2.01, 'rx', `\r\n${IMSI.slice(0, 4)}`],
      [2.02, 'rx', IMSI.slice(4, 11)],
      [2.03, 'rx', `${IMSI.slice(11)}\r\n`],
      [2.04, 'rx', '\r\nOK\r\n'],
    ]);
    const out = decodeJsonLines(r.entries);
    for (const secret of [ICCID.slice(10), ICCID.slice(0, 10), PASSWORD, 'user1', 'er1', IMSI.slice(4, 11)]) expect(out).not.toContain(secret);
    expect(out).toContain('"raw":"OK"');
    expect(out).toContain('"type":"csq"');
  });

  it('one empty line among chunks that end with their text (a log whose empty lines are not SSCOM\'s): not joined', () => {
    // three chunks end with a text line before the next chunk, one with an empty line: 2 × 1 < 3
    const r = importTextLog(log('[10:00:00.000]收←◆boot 1.2', '[10:00:00.100]收←◆STA try connect.', '[10:00:00.200]收←◆+ECMTSTAT: 0,1', '[10:00:00.300]收←◆ready', '', '[10:00:00.400]收←◆+CSQ: 23,99', ''));
    expect(rows(r.entries)).toEqual([
      [0, 'rx', 'boot 1.2\r\n'],
      [0.1, 'rx', 'STA try connect.\r\n'],
      [0.2, 'rx', '+ECMTSTAT: 0,1\r\n'],
      [0.3, 'rx', 'ready\r\n'],
      [0.4, 'rx', '+CSQ: 23,99\r\n'],
    ]);
    expect(r.warnings.map((w) => w.line)).toEqual([1]);
  });

  it("a chunk that ends with its text before a send weighs twice: the module's turn ended without the empty line", () => {
    // one chunk ends with the empty line, one ends with its text before a send: 2 × 1 < 2 × 1 + 1
    const r = importTextLog(log('[10:00:00.000]发→◇AT', '[10:00:00.010]收←◆OK', '[10:00:00.100]发→◇AT+CSQ', '[10:00:00.110]收←◆+CSQ: 2', '[10:00:00.120]收←◆3,99', '', ''));
    expect(rows(r.entries).filter((x) => x[1] === 'rx')).toEqual([
      [0.01, 'rx', 'OK\r\n'],
      [0.11, 'rx', '+CSQ: 2\r\n'],
      [0.12, 'rx', '3,99\r\n'],
    ]);
  });

  it('a chunk whose last line carries a note (a person wrote after it) is whole', () => {
    const r = importTextLog(log('[10:00:00.000]发→◇AT', '□', '[10:00:00.010]收←◆OK  ← 正常', '[10:00:00.500]收←◆+ECMTSTAT: 0,1', '', ''));
    expect(rows(r.entries).filter((x) => x[1] === 'rx')).toEqual([
      [0.01, 'rx', 'OK\r\n'],
      [0.5, 'rx', '+ECMTSTAT: 0,1\r\n'],
    ]);
  });
});

describe('SSCOM: streaming', () => {
  it('a chunk is held only until the log shows its convention; fed line by line, the same entries as the whole log', () => {
    const imp = new TextLogImporter();
    const got: TranscriptEntry[] = [];
    const lines = KEYWORD_SPLIT.split('\r\n');
    // the last line is the file's final line end
    lines.pop();
    const firstOut: number[] = [];
    lines.forEach((l, i) => {
      const out = imp.push(l);
      if (out.length > 0) firstOut.push(i);
      got.push(...out);
    });
    got.push(...imp.end());
    expect(rows(got)).toEqual(rows(importTextLog(KEYWORD_SPLIT).entries));
    // the send comes out when the chunk after it opens; the first chunk waits for the end (its log is too short to decide sooner)
    expect(firstOut).toEqual([2]);
  });

  it('once 16 chunks have shown the empty line, a split chunk is released as soon as the next chunk opens', () => {
    const head: string[] = [];
    for (let i = 0; i < 16; i++) head.push(`[10:00:${String(i).padStart(2, '0')}.000]收←◆+ECMTSTAT: 0,${i % 2}`, '');
    const imp = new TextLogImporter();
    for (const l of head) imp.push(l);
    imp.push('[10:01:00.000]收←◆+ECMT');
    const out = imp.push(`[10:01:00.012]收←◆CFG: "aliauth",0,"pk1","dn1","${SECRET}"`);
    expect(rows(out)).toEqual([[60, 'rx', '+ECMT']]);
  });
});

describe('SSCOM split secrets: no output shows them (decode text, --json, --html, report)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'cat1-sscom-'));
  const file = join(tmp, 'sscom-split.log');
  writeFileSync(
    file,
    log(
      '[10:00:00.000]发→◇AT+ECMTCFG="aliauth",0',
      '□',
      '[10:00:00.020]收←◆',
      '+ECMT',
      `[10:00:00.032]收←◆CFG: "aliauth",0,"pk1","dn1","${SECRET}"`,
      '',
      'OK',
      '',
      '[10:00:01.000]发→◇AT+CIMI',
      '□',
      '[10:00:01.015]收←◆',
      IMSI.slice(0, 8),
      `[10:00:01.027]收←◆${IMSI.slice(8)}`,
      '',
      'OK',
      '',
      // the module's echo of a connect, its password cut in two
      '[10:00:02.000]发→◇AT+ECMTCONN=0,"dev1","user1","' + PASSWORD + '"',
      '□',
      '[10:00:02.010]收←◆AT+ECMTCONN=0,"dev1","user1","Pw0r',
      '[10:00:02.022]收←◆dXYZ9"',
      '',
      'OK',
      '',
      '',
    ),
  );
  const leaks = (s: string): string[] => [SECRET, IMSI.slice(0, 8), IMSI.slice(8), PASSWORD, 'Pw0r', 'dXYZ9', 'user1'].filter((x) => s.includes(x));

  it('decode, text and --json: the answer is one +ECMTCFG line and nothing leaks', async () => {
    const text = await cat1(['decode', file]);
    expect(text.code, text.stderr).toBe(0);
    expect(leaks(text.stdout + text.stderr)).toEqual([]);
    const json = await cat1(['decode', '--json', file]);
    expect(json.code, json.stderr).toBe(0);
    expect(leaks(json.stdout + json.stderr)).toEqual([]);
    const items = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; role?: string; raw?: string })
      .filter((x) => x.type !== 'summary')
      .map((x) => [x.role, x.type, x.raw]);
    // the IMSI is the +CIMI answer: a bare number, an answer of no known type, masked to its length
    expect(items).toEqual([
      ['command', 'command', 'AT+ECMTCFG="aliauth",0'],
      ['answer', 'ecmt-cfg', `+ECMTCFG: "aliauth",0,"***","***","${'*'.repeat(SECRET.length)}"`],
      ['final', 'ok', 'OK'],
      ['command', 'command', 'AT+CIMI'],
      ['answer', 'unknown', '*'.repeat(15)],
      ['final', 'ok', 'OK'],
      ['command', 'command', `AT+ECMTCONN=0,"dev1","*****","${'*'.repeat(PASSWORD.length)}"`],
      ['echo', 'echo', `AT+ECMTCONN=0,"dev1","*****","${'*'.repeat(PASSWORD.length)}"`],
      ['final', 'ok', 'OK'],
    ]);
  });

  it('decode --html and report -o: the pages hold no trace', async () => {
    const html = join(tmp, 'decode.html');
    const d = await cat1(['decode', '--html', html, file]);
    expect(d.code, d.stderr).toBe(0);
    expect(leaks(d.stdout + d.stderr)).toEqual([]);
    expect(leaks(readFileSync(html, 'utf8'))).toEqual([]);
    const page = join(tmp, 'report.html');
    const r = await cat1(['report', file, '-o', page]);
    expect(r.code, r.stderr).toBe(0);
    expect(leaks(r.stdout + r.stderr)).toEqual([]);
    const shown = readFileSync(page, 'utf8');
    expect(leaks(shown)).toEqual([]);
    expect(shown).toContain('ECMTCFG');
  });
});
