/**
 * IMSI/ICCID after a label without `+`, vendors' ICCID commands with other marks, a quoted bare
 * IMSI, and the default PDP context's credentials (`AT*MCGDEFCONT`): forms an adversarial review
 * of `cat1 decode` / `cat1 report` on pasted logs found in clear. Each is checked in every output
 * (the redactor's line, the stream under every cut and pause, `cat1 decode` text, `--json`,
 * `--html`, `cat1 report`, notes, a saved report's strings), and the lines that must stay in clear
 * (no label before the number: `+CSQ`, message ids, payload numbers, time stamps, the IMEI) are
 * checked too. The masked forms are written here by hand; the values are made up, of 3GPP TS
 * 23.003 form (IMSI with MCC 460, ICCID 89 86 …).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { contextName, createRedactor, redactFreeText } from '../../src/redact/redact.js';
import { StreamRedactor } from '../../src/redact/stream-redactor.js';
import { importTextLog } from '../../src/transcript/import.js';
import { renderReport } from '../../src/report/index.js';
import { decodeJsonLines } from '../helpers/decode-json.js';
import { cat1 } from '../helpers/cli.js';
import { LABELLED } from '../helpers/sensitive.js';
import type { TranscriptEntry } from '../../src/recording/types.js';

const IMSI = '460018529637410';
const ICCID = '89860318752046193847';
const stars = (s: string): string => '*'.repeat(s.length);
/** a module line through the redactor (text as UTF-8) */
const rxLine = (s: string, r = createRedactor()): string => r.line(Buffer.from(s, 'utf8'), 'rx').data.toString('utf8');
const txLine = (s: string, r = createRedactor()): string => r.line(Buffer.from(s, 'utf8'), 'tx').data.toString('utf8');

/** The review's forms, as they show in a pasted log, each with its masked form. */
const FORMS: Array<[string, string]> = [
  [`IMSI: ${IMSI}`, `IMSI: ${stars(IMSI)}`],
  [`ICCID: ${ICCID}`, `ICCID: ${stars(ICCID)}`],
  [`ICCID=${ICCID}`, `ICCID=${stars(ICCID)}`],
  [`imsi ${IMSI}`, `imsi ${stars(IMSI)}`],
  [`SIM ICCID: ${ICCID}`, `SIM ICCID: ${stars(ICCID)}`],
  [`卡号: ${ICCID}`, `卡号: ${stars(ICCID)}`],
  [`IMSI：${IMSI}`, `IMSI：${stars(IMSI)}`],
  [`ICCID号码：${ICCID}`, `ICCID号码：${stars(ICCID)}`],
  [`sim_iccid=8986031875204619384F`, `sim_iccid=${stars(ICCID)}`],
  [`SIM ID: ${ICCID}`, `SIM ID: ${stars(ICCID)}`],
  [`{"imsi":"${IMSI}"}`, `{"imsi":"${stars(IMSI)}"}`],
  [`+ZGETICCID: ${ICCID}`, `+ZGETICCID: ${stars(ICCID)}`],
  [`#CCID: ${ICCID}`, `#CCID: ${stars(ICCID)}`],
  [`%XICCID: ${ICCID}`, `%XICCID: ${stars(ICCID)}`],
  [`+SQNCCID: "${ICCID}",""`, `+SQNCCID: "${stars(ICCID)}",""`],
  [`*MICCID: ${ICCID}`, `*MICCID: ${stars(ICCID)}`],
];

/** Lines with long numbers and no label before them: in clear. */
const CLEAR = [
  '+CSQ: 99,99',
  'IMEI: 867530012345678',
  '+CGSN: 867530012345678',
  '+ECMTPUB: 0,12345678901234,0',
  '+ECMTRECV: 0,1,"dev/t1","{\\"ts\\":17330000000000123,\\"seq\\":460018529637410}"',
  '+QMTRECV: 0,1,"dev/t1","20261207100000123"',
  '[2026-12-07 10:00:00.123] time 20261207100000123',
  'SIM ID: 1',
  'IMSI: 4600',
  'ICCID: not read (SIM not inserted)',
  'simcom ICCID',
];

describe('a label before an IMSI or ICCID: masked by the redactor, in both directions', () => {
  it.each(FORMS)('%s', (line, masked) => {
    expect(rxLine(`${line}\r\n`)).toBe(`${masked}\r\n`);
    expect(txLine(`${line}\r`)).toBe(`${masked}\r`);
    expect(redactFreeText(line)).toBe(masked);
  });

  it('the text verdicts say what line() does (the fast path of an imported log)', () => {
    for (const [line] of FORMS) {
      expect(createRedactor().linesUnchanged!(`${line}\r\n`, 'rx', false), line).toBe(false);
      if (!/[^\x00-\x7f]/.test(line)) expect(createRedactor().asciiUnchanged!(`${line}\r\n`, 'rx'), line).toBe(false);
    }
    for (const line of CLEAR) expect(createRedactor().linesUnchanged!(`${line}\r\n`, 'rx', false), line).toBe(true);
  });
});

describe('no label before the number: left in clear', () => {
  it.each(CLEAR)('%s', (line) => {
    expect(rxLine(`${line}\r\n`)).toBe(`${line}\r\n`);
    expect(txLine(`${line}\r`)).toBe(`${line}\r`);
  });
  it('in a pasted log decoded to JSON lines too', () => {
    const out = decodeJsonLines(importTextLog(`${CLEAR.join('\r\n')}\r\n`).entries);
    // (the importer reads the time stamp as the log's and the +QMTRECV payload to the end: what matters is that nothing is masked)
    expect(out).not.toContain('*');
    for (const n of ['867530012345678', '12345678901234', '460018529637410', '20261207100000123']) expect(out).toContain(n);
  });
  it('a label inside a longer word is no label; a value followed by letters is no value', () => {
    expect(rxLine(`xIMSI: ${IMSI}\r\n`)).toBe(`xIMSI: ${IMSI}\r\n`);
    expect(rxLine(`IMSI: ${IMSI}xyz\r\n`)).toBe(`IMSI: ${IMSI}xyz\r\n`);
  });
});

describe('vendors\' ICCID commands set the context of a bare answer', () => {
  // a nibble-swapped ICCID (98 68 …): no ICCID shape, masked only because the command asked for it
  const SWAPPED = '98683013572540163948';
  it.each(['AT+ZGETICCID', 'AT#CCID', 'AT%XICCID', 'AT+SQNCCID?', 'AT*MICCID'])('%s', (cmd) => {
    const r = createRedactor();
    txLine(`${cmd}\r`, r);
    expect(rxLine(`\r\n${SWAPPED}\r\n`, r)).toBe(`\r\n${stars(SWAPPED)}\r\n`);
  });
  it('contextName reads the marks #, % and *', () => {
    expect(contextName('AT#CCID\r')).toBe('#CCID');
    expect(contextName('AT%XICCID\r')).toBe('%XICCID');
    expect(contextName('AT*MICCID;+CIMI\r')).toBe('*MICCID;+CIMI');
  });
  it('a quoted bare answer to AT+CIMI (14 digits: no IMSI shape, masked because it was asked for)', () => {
    const r = createRedactor();
    txLine('AT+CIMI\r', r);
    expect(rxLine('"46001852963741"\r\n', r)).toBe(`"${'*'.repeat(14)}"\r\n`);
  });
});

describe('AT*MCGDEFCONT (SIMCom SIM7020 AT manual form): the APN user name and password', () => {
  it('in the command, its echo and its read answer (assumed form)', () => {
    expect(txLine('AT*MCGDEFCONT="IP","cmnet","apnuser9","ApnPass77"\r')).toBe('AT*MCGDEFCONT="IP","cmnet","********","*********"\r');
    expect(rxLine('at*mcgdefcont = "IPV4V6","cmnet","apnuser9","ApnPass77"\r\r\n')).toBe('at*mcgdefcont = "IPV4V6","cmnet","********","*********"\r\r\n');
    expect(rxLine('*MCGDEFCONT: "IP","cmnet","apnuser9","ApnPass77"\r\n')).toBe('*MCGDEFCONT: "IP","cmnet","********","*********"\r\n');
  });
  it('without credentials it is left as it is', () => {
    expect(txLine('AT*MCGDEFCONT="IP","cmnet"\r')).toBe('AT*MCGDEFCONT="IP","cmnet"\r');
  });
});

describe('the stream: a label held under every cut and pause', () => {
  /** Feed `line` cut at `cuts`, with a quiet-time flush after every piece and the other direction speaking. */
  const feed = (dir: 'tx' | 'rx', line: string, cuts: number[]): { mine: string; all: string } => {
    const pieces: Array<{ dir: string; data: Buffer }> = [];
    const r = new StreamRedactor(createRedactor(), (p) => pieces.push(p));
    const bytes = Buffer.from(line, 'latin1');
    const bounds = [0, ...cuts, bytes.length];
    for (let i = 0; i + 1 < bounds.length; i++) {
      r.push(dir, bytes.subarray(bounds[i]!, bounds[i + 1]!), i);
      r.flush();
      r.push(dir === 'tx' ? 'rx' : 'tx', Buffer.from(dir === 'tx' ? 'O' : 'A'), i);
    }
    r.end();
    const of = (ps: typeof pieces): string => Buffer.concat(ps.map((p) => p.data)).toString('latin1');
    return { mine: of(pieces.filter((p) => p.dir === dir)), all: of(pieces) };
  };

  it('every pair of cut places, a pause and the other direction after each piece (exhaustive)', () => {
    let cases = 0;
    for (const s of LABELLED) {
      const n = s.line.length;
      for (let a = 1; a < n; a++) {
        for (let b = a; b < n; b++) {
          const { mine, all } = feed(s.dir, s.line, b === a ? [a] : [a, b]);
          for (const v of s.secrets) expect(all, `${s.from} cut at ${a},${b}`).not.toContain(v);
          expect(mine, `${s.from} cut at ${a},${b}`).toBe(s.masked);
          cases++;
        }
      }
    }
    expect(cases).toBeGreaterThan(5000);
  });

  it('byte by byte with a pause after every byte', () => {
    for (const s of LABELLED) {
      const cuts = [...Array(s.line.length - 1).keys()].map((i) => i + 1);
      expect(feed(s.dir, s.line, cuts).mine, s.from).toBe(s.masked);
    }
  });

  it('a flush releases a line up to where a label starts or could start, and a word that holds none whole', () => {
    const run = (parts: string[]): string[] => {
      const out: string[] = [];
      const r = new StreamRedactor(createRedactor(), (p) => out.push(p.data.toString('latin1')));
      for (const p of parts) {
        r.push('rx', Buffer.from(p, 'latin1'), 0);
        r.flush();
      }
      return out;
    };
    expect(run(['IM'])).toEqual([]);
    expect(run(['SIM IC'])).toEqual(['SIM ']);
    expect(run(['[SIM] iccid: 8986'])).toEqual(['[SIM] ']);
    expect(run(['ferric'])).toEqual(['ferric']); // a `c` inside a word starts no label
    expect(run(['Connected'])).toEqual(['Connected']);
    expect(run(['x \u00e5'])).toEqual(['x ']); // the first byte of 卡
    expect(run(['IMSI: 4600185', '29637410\r\n'])).toEqual([`IMSI: ${stars(IMSI)}\r\n`]);
  });
});

describe('every output of decode and report', () => {
  const log = `${FORMS.map(([l]) => l).join('\r\n')}\r\nAT*MCGDEFCONT="IP","cmnet","apnuser9","ApnPass77"\r\nOK\r\n`;
  const secrets = [IMSI, ICCID, '8986031875204619384F', 'apnuser9', 'ApnPass77'];
  const dir = mkdtempSync(join(tmpdir(), 'cat1-labels-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a pasted log decoded to JSON lines (the library)', () => {
    const out = decodeJsonLines(importTextLog(log).entries);
    for (const v of secrets) expect(out).not.toContain(v);
    expect(out).toContain(`"raw":"IMSI: ${stars(IMSI)}"`);
    expect(out).toContain(`"raw":"卡号: ${stars(ICCID)}"`);
  });

  it('logs with time stamps (SSCOM, a terminal\'s RX: prefix)', () => {
    const out = decodeJsonLines(importTextLog(`[10:00:00.000]收←◆IMSI: ${IMSI}\r\n[10:00:00.100]收←◆ICCID=${ICCID}\r\n`).entries);
    const out2 = decodeJsonLines(importTextLog(`[10:00:00.000] TX: AT#CCID\n[10:00:00.100] RX: #CCID: ${ICCID}\n[10:00:00.100] RX: OK\n`).entries);
    for (const o of [out, out2]) {
      expect(o).not.toContain(IMSI);
      expect(o).not.toContain(ICCID);
    }
  });

  it('a transcript: module lines, a note quoting them, and the bare answers of the vendors\' commands', () => {
    const e = (t: number, dir: 'tx' | 'rx' | 'note', s: string): TranscriptEntry => (dir === 'note' ? { t, dir, text: s } : { t, dir, data: Buffer.from(s, 'utf8') });
    const out = decodeJsonLines([
      e(0, 'rx', `\r\nICCID: ${ICCID}\r\n`),
      e(0.1, 'note', `SIM 卡号：${ICCID}, IMSI=${IMSI}`),
      e(0.2, 'tx', 'AT#CCID\r'),
      e(0.3, 'rx', '\r\n98683013572540163948\r\n\r\nOK\r\n'),
      e(0.4, 'tx', 'AT+CIMI\r'),
      e(0.5, 'rx', '\r\n"46001852963741"\r\n\r\nOK\r\n'),
    ]);
    for (const v of [ICCID, IMSI, '98683013572540163948', '46001852963741']) expect(out).not.toContain(v);
    expect(out).toContain(`"raw":"SIM 卡号：${stars(ICCID)}, IMSI=${stars(IMSI)}"`);
  });

  it('a saved --json report given to renderReport: its strings', () => {
    const page = renderReport({ type: 'compare-report', agree: true, steps: [], verdict: { summary: `SIM ICCID: ${ICCID}, imsi ${IMSI}` }, causes: [] });
    expect(page).not.toContain(ICCID);
    expect(page).not.toContain(IMSI);
  });

  it('`cat1 decode` (text, --json, --html) and `cat1 report`', async () => {
    const file = join(dir, 'pasted.log');
    const html = join(dir, 'decode.html');
    const page = join(dir, 'report.html');
    await import('node:fs').then((fs) => fs.writeFileSync(file, log));
    const text = await cat1(['decode', file, '--html', html]);
    const json = await cat1(['decode', '--json', file]);
    const report = await cat1(['report', file, '-o', page]);
    expect([text.code, json.code, report.code]).toEqual([0, 0, 0]);
    const shown = [text.stdout, text.stderr, json.stdout, json.stderr, report.stdout, report.stderr, readFileSync(html, 'utf8'), readFileSync(page, 'utf8')];
    for (const out of shown) for (const v of secrets) expect(out).not.toContain(v);
    expect(text.stdout).toContain(`#CCID: ${stars(ICCID)}`);
  });
});

describe('a ß before a keyword (a byte 0xDF of power-up garbage): the spans stay where the keyword is', () => {
  // `ß`.toUpperCase() is `SS`: a search in the upper-cased line found the keyword one place
  // further per ß, and the value after it was not read
  const line = (s: string, dir: 'tx' | 'rx'): string => createRedactor().line(Buffer.from(s, 'latin1'), dir).data.toString('latin1');
  it('+CIMI:, +ICCID:, AT+ECMTCONN=, AT*MCGDEFCONT=', () => {
    expect(line(`\xdf +CIMI: ${IMSI}\r\n`, 'rx')).toBe(`\xdf +CIMI: ${stars(IMSI)}\r\n`);
    expect(line(`\xdf\xdf+ICCID: ${ICCID}\r\n`, 'rx')).toBe(`\xdf\xdf+ICCID: ${stars(ICCID)}\r\n`);
    expect(line('\xdf\xdfAT+ECMTCONN=0,"d","user1","pass1"\r', 'tx')).toBe('\xdf\xdfAT+ECMTCONN=0,"d","*****","*****"\r');
    expect(line('\xdf\xdfAT*MCGDEFCONT="IP","a","user1","pass1"\r', 'tx')).toBe('\xdf\xdfAT*MCGDEFCONT="IP","a","*****","*****"\r');
  });
});
