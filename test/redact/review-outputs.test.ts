/**
 * Leaks an adversarial review found in what `cat1 decode` and `cat1 report` show of transcripts
 * and pasted logs (all older than this round), one test each. The inputs are the review's (logs
 * as SSCOM and people write them); the masked forms are written here by hand. The values are
 * made up: the IMSI is of 3GPP TS 23.003 form (MCC 460), the rest are canaries.
 */
import { describe, expect, it } from 'vitest';
import { decodeJsonLines } from '../helpers/decode-json.js';
import { SessionDecoder } from '../../src/transcript/decode.js';
import { importTextLog } from '../../src/transcript/import.js';
import { splitModuleNote } from '../../src/transcript/paste.js';
import { decodeSession } from '../../src/report/build.js';
import { renderReport } from '../../src/report/index.js';
import { defaultGrammar } from '../../src/grammar.js';
import { itemToJson } from '../../src/at/json.js';
import { createRedactor } from '../../src/redact/redact.js';
import type { TranscriptEntry } from '../../src/recording/types.js';

const IMSI = '460012345678901';

const decode = decodeJsonLines;
const pasted = (log: string): string => decode(importTextLog(log).entries);
const entry = (t: number, dir: 'tx' | 'rx' | 'note', s: string): TranscriptEntry => (dir === 'note' ? { t, dir, text: s } : { t, dir, data: Buffer.from(s, 'utf8') });

describe('a line break inside a masked value (a pasted log or transcript cut the line)', () => {
  it('a transcript whose answer has CR LF inside the device secret: the rest of it is masked too', () => {
    const out = decode([entry(0, 'tx', 'AT+ECMTCFG="aliauth",0\r'), entry(0.05, 'rx', '\r\n+ECMTCFG: "aliauth",0,"pk123","dn456","DevSec\r\nretABCDEF"\r\n\r\nOK\r\n')]);
    expect(out).not.toContain('DevSec');
    expect(out).not.toContain('retABCDEF');
    expect(out).toContain('"raw":"*********\\""');
    expect(out).toContain('"type":"ok"');
  });
  it('an SSCOM log whose receive chunk ends inside the device secret', () => {
    const out = pasted('[10:00:00.000]发→◇AT+ECMTCFG="aliauth",0□\n[10:00:00.100]收←◆\n+ECMTCFG: "aliauth",0,"pk123","dn456","DevSec\n[10:00:00.150]收←◆retABCDEF"\r\n\nOK\n\n');
    expect(out).not.toContain('DevSec');
    expect(out).not.toContain('retABCDEF');
  });
  it("a module's lone CR inside the password of its echo", () => {
    const out = decode([entry(0, 'rx', 'AT+ECMTCONN=0,"dev1","alice77","Pw0r\rdXYZ9"\r\n\r\nOK\r\n')]);
    expect(out).not.toContain('alice77');
    expect(out).not.toContain('Pw0r');
    expect(out).not.toContain('dXYZ9');
  });
  it('only the next line: an answer that never closes its quote does not mask what follows', () => {
    const out: string[] = [];
    const d = new SessionDecoder((item) => out.push(item.event.raw), { grammar: defaultGrammar() });
    d.push(entry(0, 'rx', '+ECMTCFG: "aliauth",0,"pk","dn","ds\r\n+CSQ: 23,99\r\n\r\nOK\r\n'));
    d.end();
    expect(out).toEqual(['+ECMTCFG: "aliauth",0,"**","**","**', '***********', 'OK']);
  });
});

describe('notes and comments quoting an answer', () => {
  it("a transcript's note: the password and the +CIMI answer in it are masked", () => {
    const out = decode([entry(0, 'tx', 'AT\r'), entry(0.05, 'note', `tried AT+ECMTCONN=0,"dev1","alice77","Pw0rdXYZ9" and +CIMI: ${IMSI}`), entry(0.1, 'rx', '\r\nOK\r\n')]);
    expect(out).not.toContain('Pw0rdXYZ9');
    expect(out).not.toContain(IMSI);
    const alone = decode([entry(0, 'note', `the SIM: +CIMI: ${IMSI}`)]);
    expect(alone).toContain('"raw":"the SIM: +CIMI: ***************"');
  });
  it("a comment after a pasted command that quotes the answer", () => {
    const out = pasted(`AT+CIMI    // expect +CIMI: ${IMSI}\nOK\n`);
    expect(out).not.toContain(IMSI);
  });
  it.each([
    [`AT+CIMI\n${IMSI}  ← IMSI\nOK\n`, '← IMSI'],
    [`AT+CIMI\n${IMSI} // 卡号\nOK\n`, '// 卡号'],
    [`[10:00:00.000] TX: AT+CIMI\n[10:00:00.100] RX: ${IMSI} <- imsi\n[10:00:00.100] RX: OK\n`, '<- imsi'],
    ['AT+ICCID\n89860012345678901234   (SIM)\nOK\n', '(SIM)'],
  ])('a bare answer with a note after it: the number masked, the note kept (%#)', (log, note) => {
    const out = pasted(log);
    expect(out).not.toMatch(/\d{10}/);
    expect(out).toContain(note);
  });
});

describe('the note split of a bare number keeps data whole', () => {
  it('a dump line (offset, then hex bytes) and a line of numbers are not a number and its note', () => {
    expect(splitModuleNote('0000001a  ab cd ef 01')).toBeNull();
    expect(splitModuleNote('00000010  41 54 2b 43')).toBeNull();
    expect(splitModuleNote('123456  789012')).toBeNull();
    expect(splitModuleNote(`${IMSI}  ← IMSI`)).toEqual({ text: IMSI, note: '← IMSI' });
  });
});

describe('pasted commands the rules do not read', () => {
  it('`cat1 report` runs the paste check like decode: a full-width = hides nothing on the page', () => {
    const items = decodeSession(importTextLog('AT+ECMTCONN＝0,"dev1","alice77","Pw0rdXYZ9"\r\nOK\r\n').entries);
    const all = JSON.stringify(items.map((i) => itemToJson(i, 'en')));
    expect(all).not.toContain('alice77');
    expect(all).not.toContain('Pw0rdXYZ9');
  });
  it('a closing quote the firmware does not take (`"alice77”,"Pw0rd…"`): the rest of the value is masked', () => {
    const r = createRedactor().line(Buffer.from('AT+ECMTCONN=0,"dev1","alice77\u201d,"Pw0rdXYZ9"\r'), 'tx');
    const shown = r.data.toString('utf8');
    expect(shown).not.toContain('alice77');
    expect(shown).not.toContain('Pw0rdXYZ9');
    expect(shown.startsWith('AT+ECMTCONN=0,"dev1","')).toBe(true);
  });
});

describe('full-width characters where the rules look (a pasted command)', () => {
  it('`AT＋ECMTCONN=…` read as an echo: masked, and so is the command its OK names', () => {
    const out = pasted('AT\uff0bECMTCONN=0,"dev1","alice77","Pw0rdXYZ9"\nOK\n');
    expect(out).not.toContain('alice77');
    expect(out).not.toContain('Pw0rdXYZ9');
    expect(out).toContain('"type":"ok"');
  });
});

describe('a saved --json report given to `cat1 report` / renderReport', () => {
  it('its strings pass the rules: a command with its password, an IMSI answer', () => {
    const saved = {
      type: 'compare-report',
      agree: false,
      steps: [{ step: 'connect', module: { ok: false, code: 5, detail: 'AT+ECMTCONN=0,"dev1","alice77","Pw0rdXYZ9" -> +ECMTCONN: 0,0,5' }, direct: { ok: true, code: 0, detail: 'connected' }, same: false }],
      verdict: { summary: `the module's +CIMI: ${IMSI} was read` },
      causes: [],
    };
    const page = renderReport(saved);
    expect(page).not.toContain('alice77');
    expect(page).not.toContain('Pw0rdXYZ9');
    expect(page).not.toContain(IMSI);
    expect(page).toContain('ECMTCONN');
  });
});

describe('AT+CGAUTH (3GPP TS 27.007 §10.1.40): the PDP user name and password', () => {
  it('in the command and in its read answer', () => {
    const line = (s: string, dir: 'tx' | 'rx'): string => createRedactor().line(Buffer.from(s), dir).data.toString('latin1');
    expect(line('AT+CGAUTH=1,1,"apnuser9","ApnPass77"\r', 'tx')).toBe('AT+CGAUTH=1,1,"********","*********"\r');
    expect(line('+CGAUTH: 1,1,"apnuser9"\r\n', 'rx')).toBe('+CGAUTH: 1,1,"********"\r\n');
  });
});
