/**
 * Leaks an adversarial review of the stream redaction found (each older than the CR-only line
 * cut, which it also reviewed), one test each, with the masked form written by hand:
 * - blanks released over a pause ended the hold of a bare IMSI that followed them;
 * - 24 or more leading blanks hid a bare IMSI from the gate (it looked at 24 bytes only);
 * - a chain (`AT+CGSN;+CIMI`) set the context of bare answers from its first command only;
 * - a bare IMSI held while the host sent its next command was judged in that command's context;
 * - a QMT query answer printed without its key (qmt.md §1: "BC660K prints values without the
 *   key. Accept both") and the `+QICSGP:` answer showed their values;
 * - an unclosed quote masked the line's terminator (not a leak: it glued two lines together).
 * The IMSI (MCC 460), ICCID (89 86…) and IMEI are of 3GPP TS 23.003 form, made up.
 */
import { describe, expect, it } from 'vitest';
import { contextName, createRedactor } from '../../src/redact/redact.js';
import { StreamRedactor } from '../../src/redact/stream-redactor.js';
import { SessionDecoder } from '../../src/transcript/decode.js';
import { defaultGrammar } from '../../src/grammar.js';
import { itemToJson } from '../../src/at/json.js';

const IMSI = '460018529637410';
const ICCID = '89860318752046193847';
const IMEI = '867530012345678';
const stars = (s: string): string => '*'.repeat(s.length);

type Op = ['tx' | 'rx', string] | ['flush'];

/** What the module's side shows after feeding `ops` to a stream redactor (then end()). */
function rx(ops: Op[]): string {
  const out: Buffer[] = [];
  const r = new StreamRedactor(createRedactor(), (p) => {
    if (p.dir === 'rx') out.push(p.data);
  });
  for (const op of ops) {
    if (op[0] === 'flush') r.flush();
    else r.push(op[0], Buffer.from(op[1], 'latin1'), 0);
  }
  r.end();
  return Buffer.concat(out).toString('latin1');
}

describe('blanks released over a pause keep the hold of a bare IMSI after them', () => {
  it.each([
    ['a tab, CRLF module', 'OK\r\n\t', '\r\n'],
    ['a NUL, CR-only module', 'OK\r\0', '\r'],
    ['a space, CR-only module', 'OK\r ', '\rOK\r'],
  ])('%s', (_name, before, after) => {
    const got = rx([['rx', before], ['flush'], ['rx', IMSI.slice(0, 7)], ['flush'], ['rx', IMSI.slice(7) + after]]);
    expect(got).toBe(`${before}${stars(IMSI)}${after}`);
  });

  it('with AT+CIMI seen, pieces shorter than the 6 digits of its answer form', () => {
    const got = rx([['tx', 'AT+CIMI\r'], ['rx', '\r\n\t'], ['flush'], ['rx', '46001'], ['flush'], ['rx', '85296'], ['flush'], ['rx', '3741'], ['flush'], ['rx', '0\r\n\r\nOK\r\n']]);
    expect(got).toBe(`\r\n\t${stars(IMSI)}\r\n\r\nOK\r\n`);
  });
});

describe('a bare IMSI after any number of blanks', () => {
  it.each([0, 23, 24, 60])('%i spaces: masked by line(), the text verdicts and the stream alike', (n) => {
    const line = `${' '.repeat(n)}${IMSI}\r\n`;
    const want = `${' '.repeat(n)}${stars(IMSI)}\r\n`;
    expect(createRedactor().line(Buffer.from(line), 'rx').data.toString('latin1')).toBe(want);
    expect(createRedactor().asciiUnchanged!(line, 'rx')).toBe(false);
    expect(createRedactor().linesUnchanged!(line, 'rx', true)).toBe(false);
    expect(rx([['rx', line]])).toBe(want);
  });
  it('NULs too', () => {
    expect(rx([['rx', `${'\0'.repeat(30)}${IMSI}\r\n`]])).toBe(`${'\0'.repeat(30)}${stars(IMSI)}\r\n`);
  });
});

describe('a chain of commands: the bare answers of every command in it', () => {
  it('contextName names each command of a chain, in order', () => {
    expect(contextName('AT+CGSN;+CIMI\r')).toBe('+CGSN;+CIMI');
    expect(contextName('at+ccid; AT+cimi\r')).toBe('+CCID;+CIMI');
    expect(contextName('AT+ECMTPUB=0,1,1,0,"a;+CIMI","x"\r')).toBe('+ECMTPUB');
    expect(contextName('AT+CSQ\r')).toBe('+CSQ');
  });
  it.each([
    ['AT+CCID;+CIMI', `\r\n${ICCID}\r\n\r\n${IMSI}\r\n\r\nOK\r\n`, `\r\n${stars(ICCID)}\r\n\r\n${stars(IMSI)}\r\n\r\nOK\r\n`],
    ['AT+CIMI;+CCID', `\r\n${IMSI}\r\n\r\n${ICCID}\r\n\r\nOK\r\n`, `\r\n${stars(IMSI)}\r\n\r\n${stars(ICCID)}\r\n\r\nOK\r\n`],
    // the IMEI of a chain that also asks for the IMSI is masked too: which line answers which is not known
    ['AT+CGSN;+CIMI', `\r\n${IMEI}\r\n\r\n${IMSI}\r\n\r\nOK\r\n`, `\r\n${stars(IMEI)}\r\n\r\n${stars(IMSI)}\r\n\r\nOK\r\n`],
  ])('%s', (cmd, answer, want) => {
    expect(rx([['tx', `${cmd}\r`], ['rx', answer]])).toBe(want);
  });
  it('the IMEI asked alone stays in clear; an IMSI or ICCID shape after another command is masked', () => {
    expect(rx([['tx', 'AT+CGSN\r'], ['rx', `\r\n${IMEI}\r\n\r\nOK\r\n`]])).toBe(`\r\n${IMEI}\r\n\r\nOK\r\n`);
    expect(rx([['tx', 'AT+ICCID\r'], ['rx', `\r\n${IMSI}\r\n\r\nOK\r\n`]])).toBe(`\r\n${stars(IMSI)}\r\n\r\nOK\r\n`);
    expect(rx([['tx', 'AT+CIMI\r'], ['rx', `\r\n${ICCID}\r\n\r\nOK\r\n`]])).toBe(`\r\n${stars(ICCID)}\r\n\r\nOK\r\n`);
  });
});

describe("a bare IMSI still arriving when the host sends its next command", () => {
  it('CRLF: the digits held, then AT+CCID', () => {
    expect(rx([['tx', 'AT+CIMI\r'], ['rx', `\r\n${IMSI}`], ['tx', 'AT+CCID\r'], ['rx', '\r\n\r\nOK\r\n']])).toBe(`\r\n${stars(IMSI)}\r\n\r\nOK\r\n`);
  });
  it('CR-only: the line waiting on its CR, then AT+CGSN (the IMEI asked next)', () => {
    expect(rx([['tx', 'AT+CIMI\r'], ['rx', `\r${IMSI}\r`], ['tx', 'AT+CGSN\r'], ['rx', `\r${IMEI}\r\rOK\r`]])).toBe(`\r${stars(IMSI)}\r\r${IMEI}\r\rOK\r`);
  });
  it('through the decoder (`cat1 decode`): tx AT+CIMI, rx CR-only IMSI, tx AT+ICCID, rx +ICCID', () => {
    const items: string[] = [];
    const d = new SessionDecoder((item) => items.push(JSON.stringify(itemToJson(item, 'en'))), { grammar: defaultGrammar() });
    d.push({ t: 0.1, dir: 'tx', data: Buffer.from('AT+CIMI\r') });
    d.push({ t: 0.2, dir: 'rx', data: Buffer.from(`\r${IMSI}\r`) });
    d.push({ t: 0.3, dir: 'tx', data: Buffer.from('AT+ICCID\r') });
    d.push({ t: 0.4, dir: 'rx', data: Buffer.from(`\r+ICCID: ${ICCID}\r`) });
    d.end();
    const all = items.join('\n');
    expect(all).not.toContain(IMSI.slice(0, 8));
    expect(all).not.toContain(ICCID.slice(0, 8));
  });
});

describe('QMT answers (qmt.md §1, §4)', () => {
  const line = (s: string): string => createRedactor().line(Buffer.from(s), 'rx').data.toString('latin1');
  it('a +QMTCFG query answer without its key: every quoted value masked', () => {
    expect(line('+QMTCFG: 0,"pkQ1x","dnQ1x","dsQ1x"\r\n')).toBe('+QMTCFG: 0,"*****","*****","*****"\r\n');
  });
  it('the keyed answers of keys without secrets stay in clear', () => {
    expect(line('+QMTCFG: "ssl",0\r\n')).toBe('+QMTCFG: "ssl",0\r\n');
    expect(line('+QMTCFG: "will",0,1,0,0,"dev/lwt","gone"\r\n')).toBe('+QMTCFG: "will",0,1,0,0,"dev/lwt","gone"\r\n');
    expect(line('+QMTCFG: "aliauth",0,"pk1","dn1","ds1"\r\n')).toBe('+QMTCFG: "aliauth",0,"***","***","***"\r\n');
  });
  it('+QICSGP: the APN user name and password of the query answer (an assumption: not in qmt.md)', () => {
    expect(line('+QICSGP: 1,"cmnet","usrQ1x","pwQ1x",1\r\n')).toBe('+QICSGP: 1,"cmnet","******","*****",1\r\n');
  });
});

describe('an unclosed quote', () => {
  it('masks up to the line end, not its terminator: the next line stays a line of its own', () => {
    const out: string[] = [];
    const r = new StreamRedactor(createRedactor(), (p) => out.push(p.data.toString('latin1')));
    r.push('tx', Buffer.from('AT+CPIN="1234\r'), 0);
    r.push('tx', Buffer.from('AT+CSQ\r'), 1);
    r.end();
    expect(out.join('')).toBe('AT+CPIN="****\rAT+CSQ\r');
  });
});
