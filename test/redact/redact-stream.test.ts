/**
 * Redaction under any chunking and timing. The sensitive lines are those of the fixtures (the
 * spans they mark as redacted, refilled with a canary) and the commands and answers of the
 * protocol reference that carry secrets; the expected masked forms are written here by hand.
 * A property (fast-check, 1,000+ runs) feeds every line split at random places, with pauses
 * (a quiet-time flush) and the other direction speaking in between, and checks that the
 * output never holds the canary and is the same as masking the whole line at once.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRedactor, maskLogLine } from '../../src/redact/redact.js';
import { StreamRedactor, type RedactedPiece } from '../../src/redact/stream-redactor.js';
import { ALL_SENSITIVE as ALL, CANARY, REFERENCE, type Sensitive } from '../helpers/sensitive.js';

/** Feed a line in the given pieces, with a quiet-time flush and/or the other direction speaking after some of them. */
function feed(s: Sensitive, cuts: number[], pauses: boolean[], chatter: boolean[]): { mine: string; all: string; pieces: RedactedPiece[] } {
  const pieces: RedactedPiece[] = [];
  const r = new StreamRedactor(createRedactor(), (p) => pieces.push(p));
  const bytes = Buffer.from(s.line, 'latin1');
  const bounds = [...new Set([0, ...cuts.map((c) => c % bytes.length), bytes.length])].sort((a, b) => a - b);
  const other = s.dir === 'tx' ? 'rx' : 'tx';
  for (let i = 0; i + 1 < bounds.length; i++) {
    r.push(s.dir, bytes.subarray(bounds[i]!, bounds[i + 1]!), i);
    if (pauses[i]) r.flush();
    if (chatter[i]) r.push(other, Buffer.from(other === 'rx' ? 'O' : 'A'), i);
  }
  r.end();
  const mine = Buffer.concat(pieces.filter((p) => p.dir === s.dir).map((p) => p.data)).toString('latin1');
  const all = Buffer.concat(pieces.map((p) => p.data)).toString('latin1');
  return { mine, all, pieces };
}

describe('every sensitive line, however it is cut and paused', () => {
  it('finds sensitive lines in the fixtures (so the property covers real sessions)', () => {
    expect(ALL.length).toBeGreaterThan(REFERENCE.length + 5);
  });

  it.each(ALL.map((s) => [s.from, s] as const))('%s: masked as written when it comes in one piece', (_from, s) => {
    expect(feed(s, [], [], []).mine).toBe(s.masked);
  });

  it('a property: no canary in any output, and the same masking as the whole line, for any cuts, pauses and chatter (2,000 runs)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ALL),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.array(fc.boolean(), { minLength: 13, maxLength: 13 }),
        fc.array(fc.boolean(), { minLength: 13, maxLength: 13 }),
        (s, cuts, pauses, chatter) => {
          const { mine, all } = feed(s, cuts, pauses, chatter);
          for (const v of s.secrets) expect(all).not.toContain(v);
          expect(mine).toBe(s.masked);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('every split position with a pause (quiet-time flush) at it', () => {
    for (const s of ALL) {
      for (let cut = 1; cut < s.line.length; cut++) {
        const { mine } = feed(s, [cut], [true, true], [false, false]);
        expect(mine, `${s.from} cut at ${cut}`).toBe(s.masked);
      }
    }
  });

  it('times of released pieces never go back, though a held piece is released after the other direction', () => {
    const s = REFERENCE[0]!;
    const { pieces } = feed(s, [14, 20, 30], [true, true, true, true], [true, true, true, true]);
    const ts = pieces.map((p) => p.t!);
    expect(ts).toEqual([...ts].sort((a, b) => a - b));
  });
});

describe('what a quiet-time flush releases', () => {
  const run = (dir: 'tx' | 'rx', parts: string[], secrets: string[] = []): string[] => {
    const out: string[] = [];
    const r = new StreamRedactor(createRedactor(undefined, secrets), (p) => out.push(p.data.toString('latin1')));
    for (const p of parts) {
      r.push(dir, Buffer.from(p, 'latin1'), 0);
      r.flush();
    }
    return out;
  };

  it('the start of a line up to where a keyword could begin, nothing of the keyword', () => {
    expect(run('rx', ['AT+ECMTCON'])).toEqual(['AT']);
    expect(run('tx', ['AT+CP'])).toEqual(['AT']);
    expect(run('rx', ['+ICC'])).toEqual([]);
    expect(run('rx', ['+ECMTCFG: "alia'])).toEqual([]);
    expect(run('tx', ['AT+ECMTCFG="ss'])).toEqual(['AT']);
  });

  it('a line that is not becoming sensitive, whole (the data prompt, a payload, an ordinary answer)', () => {
    expect(run('rx', ['\r\n> '])).toEqual(['\r\n', '> ']);
    expect(run('rx', ['+CSQ: 2'])).toEqual(['+CSQ: 2']);
    expect(run('tx', ['{"temp":21.5}'])).toEqual(['{"temp":21.5}']);
  });

  it('nothing of a module line that may become a bare IMSI or ICCID', () => {
    expect(run('rx', ['46001852'])).toEqual([]);
    expect(run('rx', ['46001852', '9637410\r\n'])).toEqual(['***************\r\n']);
  });

  it('a known secret: held from where it could begin; masked where it is whole', () => {
    expect(run('tx', ['hello Kz7-Ca'], [CANARY])).toEqual(['hello ']);
    expect(run('rx', [`x ${CANARY} y`], [CANARY])).toEqual([`x ${'*'.repeat(CANARY.length)} y`]);
  });

  it('a line held past the limit is masked whole, and the rest of it too', () => {
    const out: string[] = [];
    const r = new StreamRedactor(createRedactor(), (p) => out.push(p.data.toString('latin1')), { holdMax: 32 });
    r.push('tx', Buffer.from(`AT+ECMTCONN=0,"d","u","${'p'.repeat(40)}`), 0);
    r.push('tx', Buffer.from('tail"\r'), 1);
    // 'AT' is safe; the 61 held bytes are masked when the limit is passed, the 5 before CR when the line ends
    expect(out.join('')).toBe(`AT${'*'.repeat(61 + 5)}\r`);
    expect(out.join('')).not.toMatch(/p{4}/);
  });

  it('end() (the stream was cut) masks a piece held because it could still grow into a secret; endUnit() does not', () => {
    const run2 = (how: 'end' | 'endUnit', dir: 'tx' | 'rx', text: string, secrets: string[] = []): string => {
      const out: string[] = [];
      const r = new StreamRedactor(createRedactor(undefined, secrets), (p) => out.push(p.data.toString('latin1')));
      r.push(dir, Buffer.from(text, 'latin1'), 0);
      r.flush();
      r[how](dir);
      return out.join('');
    };
    expect(run2('end', 'rx', '898603187')).toBe('*********');
    expect(run2('endUnit', 'rx', '12345')).toBe('12345'); // a payload that a quiet time ended
    expect(run2('end', 'tx', 'pw=Kz7-Ca', [CANARY])).toBe('pw=******');
    expect(run2('end', 'tx', 'AT+CPIN="12')).toBe('AT+CPIN="**');
  });

  it('end() releases what is held as a complete line', () => {
    const out: string[] = [];
    const r = new StreamRedactor(createRedactor(), (p) => out.push(p.data.toString('latin1')));
    r.push('rx', Buffer.from('+ECMTCO'), 0);
    r.flush();
    expect(out).toEqual([]);
    r.end();
    expect(out).toEqual(['+ECMTCO']);
  });
});

describe('rules (expected forms written by hand)', () => {
  const red = (line: string, dir: 'tx' | 'rx' = 'tx', r = createRedactor()): string => r.line(Buffer.from(line, 'latin1'), dir).data.toString('latin1');

  it('masks the credentials of a chained command, and after garbage before the echo', () => {
    expect(red('AT+CSQ;+ECMTCONN=0,"d","user","pass"')).toBe('AT+CSQ;+ECMTCONN=0,"d","****","****"');
    expect(red('\xff\xfeAT+ECMTCONN=0,"d","user","pass"', 'rx')).toBe('\xff\xfeAT+ECMTCONN=0,"d","****","****"');
    expect(red('AT+ECMTCONN=0,"d","user","pa;ss";+CGSN')).toBe('AT+ECMTCONN=0,"d","****","*****";+CGSN');
  });

  it('leaves the module\'s connect result alone (no secret in it)', () => {
    expect(red('+ECMTCONN: 0,0,5', 'rx')).toBe('+ECMTCONN: 0,0,5');
  });

  it('masks a bare IMSI/ICCID when the command was not seen, but not an IMEI (asked for, or not IMSI-shaped)', () => {
    expect(red('460018529637410', 'rx')).toBe('***************');
    expect(red('89860318752046193847', 'rx')).toBe('********************');
    expect(red('867530912345678', 'rx')).toBe('867530912345678'); // starts with 8: no country code
    const r = createRedactor();
    red('AT+CGSN', 'rx', r); // the echo tells the context too
    expect(red('356938035643809', 'rx', r)).toBe('356938035643809');
    expect(red('12345', 'rx')).toBe('12345');
  });

  it('QMT: aliauth values masked, the ssl context numbers kept', () => {
    expect(red('AT+QMTCFG="ssl",0,1,2')).toBe('AT+QMTCFG="ssl",0,1,2');
    expect(red('+QMTCFG: "aliauth",0,"pk","dn","ds1"', 'rx')).toBe('+QMTCFG: "aliauth",0,"**","**","***"');
  });

  it('keeps a numeric PSK masked (only the number right after the setting name is kept)', () => {
    expect(red('AT+ECMTCFG="ssl","psk","12345678","id"')).toBe('AT+ECMTCFG="ssl","psk","********","**"');
  });
});

describe('broker log lines', () => {
  it.each([
    ["1700000000: New client connected from 127.0.0.1:51234 as dev1 (p2, c1, k60, u'alice').", "1700000000: New client connected from 127.0.0.1:51234 as dev1 (p2, c1, k60, u'*****')."],
    ['2026-12-07T10:00:00 [info] clientid: dev1, username: alice, proto_ver: 4', '2026-12-07T10:00:00 [info] clientid: dev1, username: *****, proto_ver: 4'],
    ['MQTT connection "127.0.0.1:5 -> 127.0.0.1:1883" authenticated, user \'alice\'', 'MQTT connection "127.0.0.1:5 -> 127.0.0.1:1883" authenticated, user \'*****\''],
    ['{"clientid":"dev1","username":"alice"}', '{"clientid":"dev1","username":"*****"}'],
    ["New client connected from 127.0.0.1:5 as auto-1F2E (p2, c1, k60).", "New client connected from 127.0.0.1:5 as auto-1F2E (p2, c1, k60)."],
    ["as dev1 (p2, c1, k60, u'').", "as dev1 (p2, c1, k60, u'')."],
  ])('%s', (line, masked) => {
    expect(maskLogLine(line)).toBe(masked);
  });

  it('masks a given password wherever it shows, keeps the client ID', () => {
    expect(maskLogLine('debug: CONNECT dev1 pw=hunter22x', ['hunter22x'])).toBe('debug: CONNECT dev1 pw=*********');
  });
});

describe('the time of a released line', () => {
  it('a line completed by a later chunk keeps the time of its first byte; the lines after it in that chunk carry the chunk\'s time, as they would byte by byte', () => {
    const times = (chunks: Array<[string, number]>): Array<[string, number | null]> => {
      const lines: Array<[string, number | null]> = [];
      let line = '';
      let lineT: number | null = null;
      const s = new StreamRedactor(createRedactor(), (p) => {
        for (const ch of p.data.toString('latin1')) {
          if (line === '') lineT = p.t;
          line += ch;
          if (ch === '\n') {
            lines.push([line, lineT]);
            line = '';
          }
        }
      });
      for (const [text, t] of chunks) s.push('rx', Buffer.from(text, 'latin1'), t);
      s.end();
      return lines;
    };
    // a module's echo (no LF of its own) at 0.906, then its OK at 0.907, as a QMT module prints them
    const whole = times([['AT+QMTOPEN=0,"host",1883\r', 0.906], ['\r\nOK\r\n', 0.907]]);
    expect(whole).toEqual([
      ['AT+QMTOPEN=0,"host",1883\r\r\n', 0.906],
      ['OK\r\n', 0.907],
    ]);
    const bytes: Array<[string, number]> = [];
    for (const ch of 'AT+QMTOPEN=0,"host",1883\r') bytes.push([ch, 0.906]);
    for (const ch of '\r\nOK\r\n') bytes.push([ch, 0.907]);
    expect(times(bytes)).toEqual(whole);
  });
});
