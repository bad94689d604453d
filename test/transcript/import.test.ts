// Every log in this file is invented for the test. Their layouts imitate what the named terminals
// print (SSCOM, VS Code serial monitor, Arduino IDE, minicom, PuTTY, printf logs); the module lines
// follow the ECMT formats in shared/protocol/ecmt.md and shared/field-logs/observed.md.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { importTextLog, looksLikeAtLog, TextLogImporter, type ImportOptions } from '../../src/transcript/import.js';
import type { TranscriptEntry } from '../../src/recording/types.js';
import { isCatError } from '../../src/util/errors.js';

type Plain = { t: number | null; dir: 'tx' | 'rx' | 'note'; text: string };

function plain(e: TranscriptEntry): Plain {
  const t = e.t === null ? null : Math.round(e.t * 1e6) / 1e6;
  return e.dir === 'note' ? { t, dir: 'note', text: e.text } : { t, dir: e.dir, text: e.data.toString('utf8') };
}

/** [dir, text] pairs, ignoring time. */
function flow(log: string, opts?: ImportOptions): Array<[string, string]> {
  return importTextLog(log, opts).entries.map((e) => {
    const p = plain(e);
    return [p.dir, p.text];
  });
}

function times(log: string): Array<number | null> {
  return importTextLog(log).entries.map((e) => plain(e).t);
}

/** All bytes of one direction, in order. */
function bytesOf(entries: TranscriptEntry[], dir: 'tx' | 'rx'): string {
  return entries
    .filter((e) => e.dir === dir)
    .map((e) => (e.dir === 'note' ? '' : e.data.toString('utf8')))
    .join('');
}

const lines = (...l: string[]): string => l.join('\n');

describe('timestamps', () => {
  const forms: Array<[string, string, string, number]> = [
    ['time with dot', '[12:34:56.789] ', '[12:34:57.039] ', 0.25],
    ['SSCOM colon before ms', '[12:34:56:789]', '[12:34:57:039]', 0.25],
    ['underscores', '[12_34_56_789] ', '[12_34_57_039] ', 0.25],
    ['bare time', '12:34:56.789 ', '12:34:57.039 ', 0.25],
    ['bare time, comma', '12:34:56,789 ', '12:34:57,039 ', 0.25],
    ['time without ms', '[12:34:56] ', '[12:34:58] ', 2],
    ['date and time', '[2024-05-01 12:34:56.789] ', '[2024-05-01 12:34:57.039] ', 0.25],
    ['bare slashed date', '2024/05/01 12:34:56 ', '2024/05/01 12:34:58 ', 2],
    ['ISO 8601 with Z', '[2024-05-01T12:34:56.789Z] ', '[2024-05-01T12:34:57.039Z] ', 0.25],
    ['ISO 8601 with offset', '[2024-05-01T12:34:56.789+08:00] ', '[2024-05-01T12:34:57.039+08:00] ', 0.25],
    ['relative seconds', '[   12.345] ', '[   12.595] ', 0.25],
    ['relative, microseconds', '[    0.000100] ', '[    0.250100] ', 0.25],
    ['six fraction digits', '[12:34:56.789000] ', '[12:34:57.039000] ', 0.25],
  ];
  it.each(forms)('%s: the stamp is removed and t counts from the first one', (_name, a, b, dt) => {
    const r = importTextLog(lines(`${a}AT+CSQ`, `${b}+CSQ: 23,99`));
    expect(r.entries.map(plain)).toEqual([
      { t: 0, dir: 'tx', text: 'AT+CSQ\r' },
      { t: dt, dir: 'rx', text: '+CSQ: 23,99\r\n' },
    ]);
    expect(r.timing).toBe('recorded');
    expect(r.warnings).toEqual([]);
  });

  it('accepts different stamp formats in one log', () => {
    const log = lines(
      '[2024-05-01 23:59:59.500] AT',
      '[23:59:59.750] OK',
      '2024-05-01 23:59:59.900 AT+CSQ',
      '[00:00:00.100] +CSQ: 23,99', // time only, after midnight
      '[2024-05-02T00:00:01.100Z] OK',
      '[00_00_02_100] AT+CGATT?',
    );
    expect(times(log)).toEqual([0, 0.25, 0.4, 0.6, 1.6, 2.6]);
  });

  it('adds 24 h when a time-only stamp wraps past midnight', () => {
    const r = importTextLog(lines('[23:59:59.900] AT', '[00:00:00.100] OK', '[00:00:01.000] AT'));
    expect(r.entries.map((e) => plain(e).t)).toEqual([0, 0.2, 1.1]);
    expect(r.warnings).toEqual([]);
  });

  it('clamps a small step back, warns with the line number, and continues from there', () => {
    const r = importTextLog(lines('[10:00:01.000] AT', '[10:00:00.500] OK', '[10:00:00.700] AT+CSQ'));
    expect(r.entries.map((e) => plain(e).t)).toEqual([0, 0, 0.2]);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]?.line).toBe(2);
    expect(r.warnings[0]?.message).toMatch(/back/);
  });

  it('clamps a step back of dated stamps instead of wrapping them', () => {
    const r = importTextLog(lines('[2024-05-02 00:00:01.000] AT', '[2024-05-01 23:59:59.000] OK'));
    expect(r.entries.map((e) => plain(e).t)).toEqual([0, 0]);
    expect(r.warnings.map((w) => w.line)).toEqual([2]);
  });

  it('gives t: null everywhere and timing "none" when no line has a stamp', () => {
    const r = importTextLog(lines('AT', 'OK'));
    expect(r.entries.map((e) => e.t)).toEqual([null, null]);
    expect(r.timing).toBe('none');
  });

  it('puts lines before the first stamp at t = 0 and lines without a stamp at the previous time', () => {
    const log = lines('Open port COM3 115200', 'AT', '[10:00:00.000] OK', '[10:00:01.500] AT+CSQ', '+CSQ: 23,99');
    expect(importTextLog(log).entries.map(plain)).toEqual([
      { t: 0, dir: 'note', text: 'Open port COM3 115200' },
      { t: 0, dir: 'tx', text: 'AT\r' },
      { t: 0, dir: 'rx', text: 'OK\r\n' },
      { t: 1.5, dir: 'tx', text: 'AT+CSQ\r' },
      { t: 1.5, dir: 'rx', text: '+CSQ: 23,99\r\n' },
    ]);
  });

  it('does not take text that only resembles a stamp for one', () => {
    expect(flow(lines('AT+CCLK?', '12:30 is not a stamp', '[1,2,3]', '[12.5]', '2024-05-01 alone'))).toEqual([
      ['tx', 'AT+CCLK?\r'],
      ['rx', '12:30 is not a stamp\r\n[1,2,3]\r\n[12.5]\r\n2024-05-01 alone\r\n'],
    ]);
  });
});

describe('direction markers', () => {
  const styles: Array<[string, string, string]> = [
    ['unicode arrows', '→ ', '← '],
    ['ASCII arrows', '-> ', '<- '],
    ['long ASCII arrows', '--> ', '<-- '],
    ['double angles', '>> ', '<< '],
    ['triple angles', '>>> ', '<<< '],
    ['TX:/RX:', 'TX: ', 'RX: '],
    ['Tx:/Rx:', 'Tx: ', 'Rx: '],
    ['tx:/rx: without space', 'tx:', 'rx:'],
    ['[TX]/[RX]', '[TX] ', '[RX] '],
    ['[TX]:/[RX]:', '[TX]: ', '[RX]: '],
    ['[SEND]/[RECV]', '[SEND] ', '[RECV] '],
    ['SEND:/RECV:', 'SEND: ', 'RECV: '],
    ['SSCOM', '发→◇', '收←◆'],
    ['SSCOM saved in GBK, read as Latin-1', '·¢¡ú¡ó', 'ÊÕ¡û¡ô'],
    ['Chinese words', '[发送]', '[接收]'],
  ];
  it.each(styles)('%s: tx is host → module, rx is module → host', (_name, tx, rx) => {
    expect(flow(lines(`${tx}AT+CSQ`, `${rx}+CSQ: 23,99`, `${rx}OK`))).toEqual([
      ['tx', 'AT+CSQ\r'],
      ['rx', '+CSQ: 23,99\r\n'],
      ['rx', 'OK\r\n'],
    ]);
  });

  const combos: Array<[string, string, string]> = [
    ['stamp then SSCOM marker', '[12:34:56.789]发→◇AT', '[12:34:56.800]收←◆OK'],
    ['stamp, space, word marker', '[12:34:56.789] TX: AT', '[12:34:56.800] RX: OK'],
    ['word marker then stamp', 'TX: [12:34:56.789] AT', 'RX: [12:34:56.800] OK'],
    ['bare stamp then bracket marker', '12:34:56.789 [TX] AT', '12:34:56.800 [RX] OK'],
    ['stamp then arrow', '[2024-05-01 12:34:56.789] >> AT', '[2024-05-01 12:34:56.800] << OK'],
    ['stamp and marker without spaces', '[12:34:56.789][SEND]AT', '[12:34:56.800][RECV]OK'],
  ];
  it.each(combos)('%s', (_name, a, b) => {
    expect(importTextLog(lines(a, b)).entries.map(plain)).toEqual([
      { t: 0, dir: 'tx', text: 'AT\r' },
      { t: 0.011, dir: 'rx', text: 'OK\r\n' },
    ]);
  });

  it('an explicit rx marker wins over content that looks like a command (module echo)', () => {
    expect(flow(lines('>> ATE1', '<< ATE1', '<< OK'))).toEqual([
      ['tx', 'ATE1\r'],
      ['rx', 'ATE1\r\n'],
      ['rx', 'OK\r\n'],
    ]);
  });

  it('removes only one space after the prefix', () => {
    expect(flow(lines('RX:   indented', '[10:00:00.000]  two'))).toEqual([
      ['rx', '  indented\r\n'],
      ['rx', ' two\r\n'],
    ]);
  });

  it('treats the Arduino / PlatformIO "time -> " layout as a separator, not as tx', () => {
    const log = lines('12:34:56.789 -> AT+CSQ', '12:34:56.800 -> +CSQ: 23,99', '12:34:56.800 -> ', '12:34:56.801 -> OK');
    expect(importTextLog(log).entries.map(plain)).toEqual([
      { t: 0, dir: 'tx', text: 'AT+CSQ\r' },
      { t: 0.011, dir: 'rx', text: '+CSQ: 23,99\r\n\r\n' },
      { t: 0.012, dir: 'rx', text: 'OK\r\n' },
    ]);
  });

  it('reads a whole SSCOM capture: □ is the sent CRLF, one trailing empty line per chunk is SSCOM\'s', () => {
    const log = lines(
      '[09:30:00.000]发→◇AT+ECMTOPEN=0,"broker.example",1883',
      '□',
      '[09:30:00.020]收←◆',
      'OK',
      '',
      '[09:30:06.500]收←◆',
      '+ECMTOPEN: 0,0',
      '',
      '[09:30:07.000]发→◇AT+CSQ□',
      '[09:30:07.010]收←◆+CSQ: 23,99',
      '',
      'OK',
      '',
      '',
    );
    const r = importTextLog(log);
    expect(r.entries.map(plain)).toEqual([
      { t: 0, dir: 'tx', text: 'AT+ECMTOPEN=0,"broker.example",1883\r\n' },
      { t: 0.02, dir: 'rx', text: '\r\nOK\r\n' },
      { t: 6.5, dir: 'rx', text: '\r\n+ECMTOPEN: 0,0\r\n' },
      { t: 7, dir: 'tx', text: 'AT+CSQ\r\n' },
      { t: 7.01, dir: 'rx', text: '+CSQ: 23,99\r\n\r\nOK\r\n' },
    ]);
    expect(r.warnings).toEqual([]);
  });

  it('keeps an unmarked AT line inside an rx chunk as the module echo when the log marks sends', () => {
    expect(flow(lines('[10:00:00.000]发→◇AT', '[10:00:00.010]收←◆', 'AT', '', 'OK'))).toEqual([
      ['tx', 'AT\r'],
      ['rx', '\r\nAT\r\n\r\nOK\r\n'],
    ]);
  });

  it('treats an unmarked AT line after an rx chunk as tx when the log never marks sends', () => {
    expect(flow(lines('AT+CSQ', '<< +CSQ: 23,99', '<< OK', 'AT+CGATT?'))).toEqual([
      ['tx', 'AT+CSQ\r'],
      ['rx', '+CSQ: 23,99\r\n'],
      ['rx', 'OK\r\n'],
      ['tx', 'AT+CGATT?\r'],
    ]);
  });

  it('uses the exact bytes of a VS Code serial monitor send line', () => {
    const log = lines(
      '---- Opened the serial port COM7 ----',
      '---- Sent utf8 encoded message: "AT+ECMTCONN=0,\\"id\\",\\"u\\",\\"p\\"\\r\\n" ----',
      'OK',
      '---- Sent hex encoded message: "41540D" ----',
      '---- Closed the serial port COM7 ----',
    );
    expect(flow(log)).toEqual([
      ['note', '---- Opened the serial port COM7 ----'],
      ['tx', 'AT+ECMTCONN=0,"id","u","p"\r\n'],
      ['rx', 'OK\r\n'],
      ['tx', 'AT\r'],
      ['note', '---- Closed the serial port COM7 ----'],
    ]);
  });
});

describe('multi-line +ECMTRECV payloads', () => {
  const HEADER = '+ECMTRECV: 0,0,"ESP32/common",';

  it('keeps the payload lines exactly: continuation lines are rx, with their leading spaces', () => {
    const log = lines(
      '[10:00:00.000] AT+ECMTSUB=0,1,"ESP32/common",1',
      '[10:00:00.020] OK',
      '[10:00:01.100] +ECMTRECV: 0,0,"ESP32/common",{',
      '        "command": "putdown"',
      '}',
      '[10:00:02.000] AT+CSQ',
    );
    const r = importTextLog(log);
    expect(r.entries.map(plain)).toEqual([
      { t: 0, dir: 'tx', text: 'AT+ECMTSUB=0,1,"ESP32/common",1\r' },
      { t: 0.02, dir: 'rx', text: 'OK\r\n' },
      { t: 1.1, dir: 'rx', text: `${HEADER}{\r\n        "command": "putdown"\r\n}\r\n` },
      { t: 2, dir: 'tx', text: 'AT+CSQ\r' },
    ]);
    const rx = bytesOf(r.entries, 'rx');
    const start = rx.indexOf(HEADER) + HEADER.length;
    expect(rx.slice(start, rx.indexOf('}', start) + 1)).toBe('{\r\n        "command": "putdown"\r\n}');
    expect(r.warnings).toEqual([]);
  });

  it('is the same without any time stamps', () => {
    const log = lines(HEADER + '{', '        "command": "putdown"', '}');
    expect(flow(log)).toEqual([['rx', `${HEADER}{\r\n        "command": "putdown"\r\n}\r\n`]]);
  });

  it('is the same in an SSCOM chunk whose first byte was a line break', () => {
    const log = lines('[10:00:01.100]收←◆', HEADER + '{', '        "command": "putdown"', '}', '', '[10:00:02.000]发→◇AT');
    expect(flow(log)).toEqual([
      ['rx', `\r\n${HEADER}{\r\n        "command": "putdown"\r\n}\r\n`],
      ['tx', 'AT\r'],
    ]);
  });

  it('never takes payload lines for comments, banners, markers or stamps', () => {
    const log = lines(
      '[10:00:01.100] ' + HEADER + '{',
      '  // keep me',
      '# heading',
      '-> not a marker',
      '----',
      '',
      '  "x": "a  // b"',
      '}',
      '[10:00:01.500] OK',
    );
    expect(flow(log)).toEqual([
      ['rx', `${HEADER}{\r\n  // keep me\r\n# heading\r\n-> not a marker\r\n----\r\n\r\n  "x": "a  // b"\r\n}\r\n`],
      ['rx', 'OK\r\n'],
    ]);
  });
});

describe('lines without markers', () => {
  const tx: string[] = ['AT', 'at', 'AT+CSQ', 'at+csq', 'AT+ECMTCFG ="cloud",0,4,1', 'AT&F', 'AT?', 'ATE0', 'ATI', 'ATS0=1', 'ATD*99#', 'AT^SYSINFO', 'ATE0V1'];
  it.each(tx)('"%s" is a host command (tx, ends with CR)', (line) => {
    expect(flow(line)).toEqual([['tx', `${line}\r`]]);
  });

  const rx: string[] = ['OK', '+CSQ: 23,99', 'Attributes/push', 'ATTENTION please', 'at 12:00 the module', 'ATx,1', ' AT+CSQ', 'RDY', '0,0,"x"'];
  it.each(rx)('"%s" is module output (rx, ends with CRLF)', (line) => {
    expect(flow(line)).toEqual([['rx', `${line}\r\n`]]);
  });

  it('rebuilds a plain pasted session: consecutive rx lines merge, empty lines are CRLF', () => {
    const log = lines('AT+CSQ', '', '+CSQ: 23,99', '', 'OK', 'AT+ECMTOPEN=0,"broker.example",1883', 'OK', '', '+ECMTOPEN: 0,0');
    expect(flow(log)).toEqual([
      ['tx', 'AT+CSQ\r'],
      ['rx', '\r\n+CSQ: 23,99\r\n\r\nOK\r\n'],
      ['tx', 'AT+ECMTOPEN=0,"broker.example",1883\r'],
      ['rx', 'OK\r\n\r\n+ECMTOPEN: 0,0\r\n'],
    ]);
  });

  it('with atIsTx: false every unmarked line is rx, but markers still count', () => {
    expect(flow(lines('AT+CSQ', '+CSQ: 23,99', 'TX: AT'), { atIsTx: false })).toEqual([
      ['rx', 'AT+CSQ\r\n+CSQ: 23,99\r\n'],
      ['tx', 'AT\r'],
    ]);
  });

  it('starts a new rx entry when the stamp changes and merges lines of the same moment', () => {
    const log = lines('[10:00:00.000] +ECMTCONN: 0,2,2', '[10:00:00.000] +ECMTCONN: 0,0,0', '[10:00:00.300] +ECMTSTAT: 0,1');
    expect(importTextLog(log).entries.map(plain)).toEqual([
      { t: 0, dir: 'rx', text: '+ECMTCONN: 0,2,2\r\n+ECMTCONN: 0,0,0\r\n' },
      { t: 0.3, dir: 'rx', text: '+ECMTSTAT: 0,1\r\n' },
    ]);
  });

  it('strips a UTF-8 BOM, and a lone CR ends a line (a raw echo "AT\\r" + "\\r\\nOK\\r\\n")', () => {
    expect(flow('\uFEFFAT\r\r\nOK\r\n')).toEqual([
      ['tx', 'AT\r'],
      ['rx', '\r\nOK\r\n'],
    ]);
  });

  it('push() ignores CRs left at the end of a line', () => {
    const imp = new TextLogImporter();
    const out = [...imp.push('AT\r'), ...imp.push('OK\r\r'), ...imp.end()].map(plain);
    expect(out.map((p) => [p.dir, p.text])).toEqual([
      ['tx', 'AT\r'],
      ['rx', 'OK\r\n'],
    ]);
    expect(imp.warnings).toEqual([]);
  });

  it('splits the same text identically whatever the line endings (LF, CRLF, CR)', () => {
    const base = ['[10:00:00.000] AT', '[10:00:00.010] OK', '+ECMTRECV: 0,0,"t",{', '  "a": 1', '}'];
    const lf = importTextLog(base.join('\n')).entries.map(plain);
    expect(importTextLog(base.join('\r\n') + '\r\n').entries.map(plain)).toEqual(lf);
    expect(importTextLog(base.join('\r')).entries.map(plain)).toEqual(lf);
  });
});

describe('the data prompt and data mode', () => {
  it('turns a lone ">" into rx "> " without CRLF', () => {
    expect(flow(lines('AT+ECMTPUB=0,0,0,0,"t"', '>'))).toEqual([
      ['tx', 'AT+ECMTPUB=0,0,0,0,"t"\r'],
      ['rx', '> '],
    ]);
  });

  it('ends a data-mode payload with the Ctrl-Z written in the log', () => {
    const log = lines('[10:00:00.000]发→◇AT+ECMTPUB=0,0,0,0,"t"□', '[10:00:00.010]收←◆', '> ', '[10:00:01.000]发→◇{"on":1}^Z', '[10:00:01.100]收←◆', 'OK', '');
    const r = importTextLog(log);
    expect(r.entries.map(plain).map((p) => [p.dir, p.text])).toEqual([
      ['tx', 'AT+ECMTPUB=0,0,0,0,"t"\r\n'],
      ['rx', '\r\n> '],
      ['tx', '{"on":1}\x1a'],
      ['rx', '\r\nOK\r\n'],
    ]);
    expect(r.warnings).toEqual([]);
  });

  it('assumes the Ctrl-Z when the log does not show it, and says so', () => {
    const log = lines('AT+ECMTPUB=0,0,0,0,"t"', '', '> ', '{', '  "on": 1', '}', 'OK', '', '+ECMTPUB: 0,0,0');
    const r = importTextLog(log);
    expect(r.entries.map(plain).map((p) => [p.dir, p.text])).toEqual([
      ['tx', 'AT+ECMTPUB=0,0,0,0,"t"\r'],
      ['rx', '\r\n> '],
      ['tx', '{\r\n  "on": 1\r\n}\x1a'],
      ['rx', 'OK\r\n\r\n+ECMTPUB: 0,0,0\r\n'],
    ]);
    expect(r.warnings).toEqual([{ line: 4, message: expect.stringMatching(/Ctrl-Z/) }]);
  });

  it('splits "> payload" typed on the prompt line into the prompt and the payload', () => {
    expect(flow(lines('AT+ECMTPUB=0,0,0,0,"t"', '> hello<Ctrl+Z>', 'OK'))).toEqual([
      ['tx', 'AT+ECMTPUB=0,0,0,0,"t"\r'],
      ['rx', '> '],
      ['tx', 'hello\x1a'],
      ['rx', 'OK\r\n'],
    ]);
  });

  it('an ESC notation cancels instead', () => {
    expect(flow(lines('AT+ECMTPUB=0,0,0,0,"t"', '>', 'oops<ESC>', 'OK'))).toEqual([
      ['tx', 'AT+ECMTPUB=0,0,0,0,"t"\r'],
      ['rx', '> '],
      ['tx', 'oops\x1b'],
      ['rx', 'OK\r\n'],
    ]);
  });

  it('"> AT…" after a command is not a prompt with a payload', () => {
    expect(flow(lines('AT', '> AT+CSQ'))).toEqual([
      ['tx', 'AT\r'],
      ['rx', '> AT+CSQ\r\n'],
    ]);
  });

  it('a command after the prompt is still a command', () => {
    expect(flow(lines('AT+ECMTPUB=0,0,0,0,"t"', '>', 'AT'))).toEqual([
      ['tx', 'AT+ECMTPUB=0,0,0,0,"t"\r'],
      ['rx', '> '],
      ['tx', 'AT\r'],
    ]);
  });
});

describe('comments', () => {
  it('turns an arrow comment on a command line into a note after the tx', () => {
    const r = importTextLog('AT+ECMTOPEN=0,"host",1883            → +ECMTOPEN: 0,0');
    expect(r.entries.map(plain)).toEqual([
      { t: null, dir: 'tx', text: 'AT+ECMTOPEN=0,"host",1883\r' },
      { t: null, dir: 'note', text: '→ +ECMTOPEN: 0,0' },
    ]);
  });

  const cases: Array<[string, string, string | null]> = [
    ['AT+ECMTCONN=0," ","u","p" → +ECMTCONN: 0,0,0     (client ID is a single space)', 'AT+ECMTCONN=0," ","u","p"', '→ +ECMTCONN: 0,0,0     (client ID is a single space)'],
    ['AT+CSQ  -> +CSQ: 23,99', 'AT+CSQ', '-> +CSQ: 23,99'],
    ['AT+CSQ  // signal', 'AT+CSQ', '// signal'],
    ['AT+CSQ    # signal', 'AT+CSQ', '# signal'],
    ['AT+ECMTPUB=0,1,1,0,"attributes","{"k":12}"   (inner quotes unescaped)', 'AT+ECMTPUB=0,1,1,0,"attributes","{"k":12}"', '(inner quotes unescaped)'],
    // not comments
    ['AT+ECMTPUB=0,0,0,0,"t","a  // b"', 'AT+ECMTPUB=0,0,0,0,"t","a  // b"', null],
    ['AT+ECMTPUB=0,0,0,0,"t","x  → y"', 'AT+ECMTPUB=0,0,0,0,"t","x  → y"', null],
    ['AT+CSQ // one space is not enough', 'AT+CSQ // one space is not enough', null],
    ['AT#SGACT=1,1', 'AT#SGACT=1,1', null],
    ['AT+ECMTPUB=0,0,0,0,"t",http://x', 'AT+ECMTPUB=0,0,0,0,"t",http://x', null],
  ];
  it.each(cases)('%s', (line, command, comment) => {
    const expected: Array<[string, string]> = [['tx', `${command}\r`]];
    if (comment !== null) expected.push(['note', comment]);
    expect(flow(line)).toEqual(expected);
  });

  it('never strips anything from rx lines', () => {
    expect(flow(lines('AT', '+ECMTRECV: 0,0,"t",see  // this  -> and  # that'))).toEqual([
      ['tx', 'AT\r'],
      ['rx', '+ECMTRECV: 0,0,"t",see  // this  -> and  # that\r\n'],
    ]);
  });

  it('turns whole-line // and # comments into notes outside module output', () => {
    expect(flow(lines('// step 1: open', 'AT+ECMTOPEN=0,"h",1883', 'OK', '# now connect', 'AT+ECMTCONN=0,"a","b","c"'))).toEqual([
      ['note', '// step 1: open'],
      ['tx', 'AT+ECMTOPEN=0,"h",1883\r'],
      ['rx', 'OK\r\n'],
      ['note', '# now connect'],
      ['tx', 'AT+ECMTCONN=0,"a","b","c"\r'],
    ]);
  });
});

describe('terminal noise', () => {
  const banners: string[] = [
    'Open port COM3',
    'Open port COM3 115200 8N1',
    'Close port COM3',
    'Port COM3 opened',
    '打开串口COM3',
    '串口已关闭',
    '----',
    '==========================',
    '=~=~=~=~=~=~=~=~=~=~=~= PuTTY log 2024.05.01 10:00:00 =~=~=~=~=~=~=~=~=~=~=~=',
    'Welcome to minicom 2.8',
    'OPTIONS: I18n',
    'Port /dev/ttyUSB0, 10:00:00',
    'Press CTRL-A Z for help on special keys',
    '--- Miniterm on /dev/ttyUSB0  115200,8,N,1 ---',
    '--- Quit: Ctrl+] | Menu: Ctrl+T | Help: Ctrl+T followed by Ctrl+H ---',
    '---- Opened the serial port COM3 ----',
  ];
  it.each(banners)('"%s" becomes a note, never module output', (line) => {
    const r = importTextLog(lines(line, 'AT', 'OK'));
    expect(r.entries.map(plain).map((p) => [p.dir, p.text])).toEqual([
      ['note', line],
      ['tx', 'AT\r'],
      ['rx', 'OK\r\n'],
    ]);
  });

  it('drops an empty send marker with a warning', () => {
    const r = importTextLog(lines('[SEND]', '[10:00:00.000] TX:', 'AT', 'OK'));
    expect(r.entries.map(plain).map((p) => [p.dir, p.text])).toEqual([
      ['tx', 'AT\r'],
      ['rx', 'OK\r\n'],
    ]);
    expect(r.warnings.map((w) => w.line)).toEqual([1, 2]);
  });

  it('a banner with a stamp keeps the stamp as its time', () => {
    expect(importTextLog(lines('[10:00:00.000] Open port COM3', '[10:00:02.000] AT')).entries.map(plain)).toEqual([
      { t: 0, dir: 'note', text: 'Open port COM3' },
      { t: 2, dir: 'tx', text: 'AT\r' },
    ]);
  });
});

describe('hex dumps', () => {
  it('decodes a log made only of hex byte pairs', () => {
    const r = importTextLog(lines('41 54 2B 43 53 51 0D', '0D 0A 2B 43 53 51 3A 20 32 33 2C 39 39 0D 0A', '0d 0a 4f 4b 0d 0a '));
    expect(r.entries.map(plain).map((p) => [p.dir, p.text])).toEqual([
      ['tx', 'AT+CSQ\r'],
      ['rx', '\r\n+CSQ: 23,99\r\n\r\nOK\r\n'],
    ]);
    expect(r.warnings).toEqual([]);
  });

  it('decodes lines tagged [HEX] with their markers', () => {
    expect(flow(lines('[10:00:00.000][TX][HEX] 41 54 0D', '[10:00:00.010][RX][HEX] 0D 0A 4F 4B 0D 0A'))).toEqual([
      ['tx', 'AT\r'],
      ['rx', '\r\nOK\r\n'],
    ]);
  });

  it('treats hex-looking lines of a text log as text', () => {
    expect(flow(lines('AT+CIMI', '46 00 01', 'OK'))).toEqual([
      ['tx', 'AT+CIMI\r'],
      ['rx', '46 00 01\r\nOK\r\n'],
    ]);
  });

  it('stops decoding when a log that began in hex turns out to be text', () => {
    const r = importTextLog(lines('41 54 0D', 'OK', '12 34'));
    expect(r.entries.map(plain).map((p) => [p.dir, p.text])).toEqual([
      ['tx', 'AT\r'],
      ['rx', 'OK\r\n12 34\r\n'],
    ]);
    expect(r.warnings.map((w) => w.line)).toEqual([2]);
  });
});

describe('garbage and robustness', () => {
  it('keeps binary junk as rx bytes with a warning naming each line', () => {
    const r = importTextLog(lines('AT', '\u0000\u0001\u0002junk\uFFFD', 'OK'));
    expect(r.entries.map(plain).map((p) => p.dir)).toEqual(['tx', 'rx']);
    expect(r.warnings.map((w) => w.line)).toEqual([2]);
    expect(r.warnings[0]?.message).toMatch(/control|undecodable/);
  });

  it('never throws on random input and reports warnings within the line range', () => {
    // log-like characters: brackets and times, arrows, the SSCOM 发/收 marks, control bytes
    const alphabet = ['[', ']', ':', '.', '_', '-', '>', '<', ' ', '\t', '"', '#', '/', '(', ')', 'A', 'T', '+', '0', '1', '2', '9', 'x', '→', '发', '收', '□', '\u0000', '\uFFFD', '\r', 'Z', '^', 'E', 'C', 'M', 'R', 'S', 'X', 'H'];
    const line = fc.array(fc.constantFrom(...alphabet), { maxLength: 39 }).map((cs) => cs.join(''));
    // fast-check shrinks a failing log to the fewest, shortest lines that still fail
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 60 }), (text) => {
        const n = text.length;
        const imp = new TextLogImporter();
        const out: TranscriptEntry[] = [];
        for (const l of text) out.push(...imp.push(l));
        out.push(...imp.end());
        for (const w of imp.warnings) {
          expect(w.line).toBeGreaterThanOrEqual(1);
          expect(w.line).toBeLessThanOrEqual(n);
        }
        for (const e of out) {
          expect(['tx', 'rx', 'note']).toContain(e.dir);
          if (e.t !== null) expect(e.t).toBeGreaterThanOrEqual(0);
        }
        const ts = out.map((e) => e.t).filter((t): t is number => t !== null);
        expect([...ts].sort((a, b) => a - b)).toEqual(ts);
      }),
      { numRuns: 200 },
    );
  });

  it('caps the warning list', () => {
    const r = importTextLog(Array.from({ length: 1500 }, () => '\u0000').join('\n'));
    expect(r.warnings.length).toBe(1001);
    expect(r.warnings[1000]?.message).toMatch(/more than 1000/);
  });

  it('rejects a wrong option type with ERR_INVALID_OPTION', () => {
    let caught: unknown;
    try {
      new TextLogImporter({ atIsTx: 'yes' } as unknown as ImportOptions);
    } catch (err) {
      caught = err;
    }
    expect(isCatError(caught, 'ERR_INVALID_OPTION')).toBe(true);
  });
});

describe('long lines', () => {
  const N = 100_000;
  const nasty: Array<[string, string]> = [
    ['brackets', '['.repeat(N)],
    ['stamp-like digits', '1:'.repeat(N / 2)],
    ['spaces then text', ' '.repeat(N) + 'x'],
    ['command with many blank runs and parens', 'AT+X=' + '  ('.repeat(N / 3)],
    ['command with many quotes and arrows', 'AT+X=' + '" ->'.repeat(N / 4)],
    ['hex pairs', '41 '.repeat(N / 3)],
    ['plus and letters', '+' + 'A'.repeat(N)],
    ['dashes', '-'.repeat(N)],
    ['vs code sent prefix', '---- Sent utf8 encoded message: "' + '" ----'.repeat(N / 7)],
  ];
  it.each(nasty)('imports a 100 KB line of %s quickly', (_name, line) => {
    const started = performance.now();
    const r = importTextLog(lines('AT', line, 'OK'));
    const ms = performance.now() - started;
    expect(ms).toBeLessThan(1000);
    // the long line's characters all arrive somewhere (as bytes or as a note)
    const total = r.entries.reduce((n, e) => n + (e.dir === 'note' ? e.text.length : e.data.length), 0);
    expect(total).toBeGreaterThan(line.length * 0.9);
  });

  it('splits a huge rx block into entries of at most 64 KiB without losing a byte', () => {
    const line = 'y'.repeat(1000);
    const log = ['AT', ...Array.from({ length: 300 }, () => line)].join('\n');
    const r = importTextLog(log);
    const rx = r.entries.filter((e) => e.dir === 'rx');
    expect(rx.length).toBeGreaterThan(1);
    for (const e of rx) expect(e.dir !== 'note' && e.data.length).toBeLessThanOrEqual(64 * 1024 + 1002);
    expect(bytesOf(r.entries, 'rx')).toBe(Array.from({ length: 300 }, () => line + '\r\n').join(''));
  });
});

describe('streaming', () => {
  it('returns entries as they complete and the rest at end()', () => {
    const imp = new TextLogImporter();
    expect(imp.push('[10:00:00.000] AT')).toEqual([]); // still open
    const got = imp.push('[10:00:00.010] OK').map(plain);
    expect(got).toEqual([{ t: 0, dir: 'tx', text: 'AT\r' }]);
    expect(imp.hasTimes).toBe(true);
    expect(imp.end().map(plain)).toEqual([{ t: 0.01, dir: 'rx', text: 'OK\r\n' }]);
  });

  it('holds entries until the first stamp, then gives them t = 0', () => {
    const imp = new TextLogImporter();
    expect(imp.push('AT')).toEqual([]);
    expect(imp.push('OK')).toEqual([]);
    expect(imp.hasTimes).toBe(false);
    expect(imp.push('[10:00:00.000] AT+CSQ').map(plain)).toEqual([
      { t: 0, dir: 'tx', text: 'AT\r' },
      { t: 0, dir: 'rx', text: 'OK\r\n' },
    ]);
  });

  it('gives the same entries line by line as importTextLog on the whole text', () => {
    const log = lines('[10:00:00.000]发→◇AT□', '[10:00:00.010]收←◆', 'OK', '', '[10:00:01.000] +ECMTRECV: 0,0,"t",{', '  "a": 1', '}', 'AT  // done');
    const imp = new TextLogImporter();
    const out: TranscriptEntry[] = [];
    for (const l of log.split('\n')) out.push(...imp.push(l));
    out.push(...imp.end());
    expect(out.map(plain)).toEqual(importTextLog(log).entries.map(plain));
  });
});

describe('looksLikeAtLog', () => {
  const yes: Array<[string, string]> = [
    ['a plain session', lines('AT', 'OK', 'AT+CSQ', '+CSQ: 23,99', 'OK')],
    ['an SSCOM capture', lines('[10:00:00.000]发→◇AT+CSQ', '□', '[10:00:00.010]收←◆+CSQ: 23,99', '', 'OK')],
    ['only module output with markers', lines('RX: +ECMTSTAT: 0,1', 'RX: +ECMTCONN: 0,0,0')],
    ['a hex dump', lines('41 54 2B 43 53 51 0D', '0D 0A 4F 4B 0D 0A')],
  ];
  it.each(yes)('says yes to %s', (_name, text) => {
    expect(looksLikeAtLog(text)).toBe(true);
  });

  const no: Array<[string, string]> = [
    ['an empty string', ''],
    ['binary junk', '\u0000\u0001\u0002\u0003\u00ff\u0004'.repeat(50)],
    ['a cat1 transcript', lines('{"cat1":"transcript","version":1}', '{"t":0,"dir":"tx","text":"AT\\r"}', '{"t":0.1,"dir":"rx","text":"OK\\r\\n"}')],
    ['prose', lines('Attention: this is a README.', 'It talks about things.', 'OK, that is all.')],
  ];
  it.each(no)('says no to %s', (_name, text) => {
    expect(looksLikeAtLog(text)).toBe(false);
  });
});
