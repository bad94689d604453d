/**
 * A transcript's entries read from cat1's text shape (scanEntry) keep their text, and the decoder
 * reads them as text (StreamRedactor.pushText → tracker lines) instead of as bytes. The oracle is
 * the byte path, which every entry took before: the same entries copied into plain objects (a
 * copy carries no text) must decode to the same items, with the same framer counters, with and
 * without redaction.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeEntry, decodeEntryBytes, encodeEntry, scannedText } from '../../src/recording/format.js';
import { SessionDecoder } from '../../src/transcript/decode.js';
import { defaultGrammar } from '../../src/grammar.js';
import { checkPastedCommand } from '../../src/dialects/ecmt/paste-lint.js';
import type { DataEntry, TranscriptEntry } from '../../src/recording/types.js';
import type { TimelineItem } from '../../src/at/types.js';

const RX = [
  'OK', 'ERROR', '', '> ', '>', '+CSQ: 23,99', '460001234567890', '8986011234567890123', '+ECICCID: 89860112345678901234',
  '+ECMTOPEN: 0,0', '+ECMTCONN: 0,0,0', '+ECMTPUB: 0,1,0', '+ECMTRECV: 0,1,"dev/42/down",{', '  "label": "阀门 3 号",', '  "x": "OK"', '}',
  '+ECMTRECV: 0,0,"dev/42/cfg",mode=eco;period=32', '+QMTRECV: 0,1,"dev/1","hi"', '+QMTRECV: 0,1,"t",5,"hello"', '+QMTRECV: 0,1,"t","a"',
  '+CEREG: 1,"1A2B","0C3D4E5F",9', 'RDY', '+ECMTSTAT: 0,1', 'AT+CSQ', 'AT+ECMTCONN=0,"dev-1","someuser","hunter2secret"', 'é\u0000\u001a', '\ufffd',
];
const TX = [
  'AT', 'AT+CSQ', 'AT+CIMI', 'AT+ECICCID', 'AT+ECMTOPEN=0,"broker.example.com",1883', 'AT+ECMTCONN=0,"dev-1","someuser","hunter2secret"',
  'AT+ECMTCFG="aliauth",0,"pk","dn","ds3cr3t"', 'AT+CPIN="1234"', 'AT+ECMTPUB=0,1,1,0,"dev/42/state"', 'AT+ECMTPUB=0,1,1,0,"dev/42/t","seq 0"',
  'AT+QMTPUBEX=0,1,1,0,"t",5', 'hello\u001a', '{"seq":1}\u001a', 'AT+QMTCONN=0,"c","u","p"',
];

/** An entry's data: lines joined as each side ends them, sometimes cut short or with other line ends. */
const data = (dir: 'tx' | 'rx'): fc.Arbitrary<string> =>
  fc
    .tuple(fc.array(fc.constantFrom(...(dir === 'tx' ? TX : RX)), { minLength: 1, maxLength: 5 }), fc.constantFrom('\r\n', '\r', '\n'), fc.boolean(), fc.boolean())
    .map(([lines, eol, lead, ended]) => {
      const e = dir === 'tx' && eol === '\r\n' ? '\r' : eol;
      return (lead && dir === 'rx' ? '\r\n' : '') + lines.join(e) + (ended ? e : '');
    });

const entry = fc.oneof(
  fc.tuple(fc.constantFrom('tx' as const, 'rx' as const), fc.nat({ max: 400 })).chain(([dir, ms]) => data(dir).map((text) => ({ t: ms / 1000, dir, data: Buffer.from(text, 'utf8') }) as DataEntry)),
  fc.uint8Array({ maxLength: 12 }).map((a) => ({ t: null, dir: 'rx', data: Buffer.from(a) }) as DataEntry),
);

/** Entries as the file input reads them: from their lines' bytes where the shape allows, else by decodeEntry. */
function read(entries: DataEntry[]): TranscriptEntry[] {
  return entries.map((e) => {
    const line = Buffer.from(encodeEntry(e), 'utf8');
    return decodeEntryBytes(line, 0, line.length) ?? decodeEntry(line.toString('utf8'), 'test');
  });
}

function decode(entries: TranscriptEntry[], redact: boolean): { items: TimelineItem[]; stats: unknown } {
  const items: TimelineItem[] = [];
  const d = new SessionDecoder((i) => items.push(i), { grammar: defaultGrammar(), redact, checkCommand: checkPastedCommand });
  for (const e of entries) d.push(e);
  d.end();
  return { items, stats: { ...d.tracker.framerStats } };
}

describe('transcript entries decoded as text, to the same items as their bytes', () => {
  it('keeps the text of a scanned entry, exactly its bytes; none in a copy or once its data is replaced', () => {
    const line = Buffer.from('{"t":1.5,"dir":"rx","text":"\\r\\n+CSQ: 23,99\\r\\n温度\\r\\n"}');
    const e = decodeEntryBytes(line, 0, line.length)!;
    expect(scannedText(e)).toBe('\r\n+CSQ: 23,99\r\n温度\r\n');
    expect(Buffer.from(scannedText(e)!, 'utf8').equals((e as DataEntry).data)).toBe(true);
    expect(scannedText({ ...e })).toBeUndefined();
    (e as DataEntry).data = Buffer.from('OK\r\n');
    expect(scannedText(e)).toBeUndefined();
  });

  it('decodes any transcript of these entries to the same items and counters, with and without redaction', () => {
    let texts = 0;
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 30 }), fc.boolean(), (entries, redact) => {
        const scanned = read(entries);
        texts += scanned.filter((e) => scannedText(e) !== undefined).length;
        const viaText = decode(scanned, redact);
        const viaBytes = decode(scanned.map((e) => ({ ...e })), redact);
        expect(JSON.stringify(viaText.items)).toBe(JSON.stringify(viaBytes.items));
        expect(viaText.stats).toEqual(viaBytes.stats);
      }),
      { numRuns: 500 },
    );
    // not vacuous: many entries carry their text
    expect(texts).toBeGreaterThan(1000);
  });

  it('never lets a secret through the text path', () => {
    const scanned = read([
      { t: 0, dir: 'tx', data: Buffer.from('AT+ECMTCONN=0,"dev-1","someuser","hunter2secret"\r') },
      { t: 0.01, dir: 'rx', data: Buffer.from('AT+ECMTCONN=0,"dev-1","someuser","hunter2secret"\r\r\nOK\r\n') },
      { t: 0.02, dir: 'tx', data: Buffer.from('AT+CIMI\r') },
      { t: 0.03, dir: 'rx', data: Buffer.from('\r\n460001234567890\r\n\r\nOK\r\n') },
    ]);
    expect(scanned.every((e) => scannedText(e) !== undefined)).toBe(true);
    const text = JSON.stringify(decode(scanned, true).items);
    expect(text).not.toContain('hunter2secret');
    expect(text).not.toContain('460001234567890');
  });
});
