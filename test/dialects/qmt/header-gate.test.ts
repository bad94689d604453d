/**
 * The +QMTRECV raw-block rule is asked for every module line outside a block (the framer knows no
 * dialect): its gate on the first character after leading NULs must answer exactly as the full
 * scan of the line's bytes (scanHead, the reference) does, for any line.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { qmt } from '../../../src/dialects/qmt/dialect.js';
import { scanHead } from '../../../src/dialects/qmt/recv.js';

/** The header length as the rule computed it before the gate: the scan of the line's UTF-8 bytes. */
function reference(line: string): number {
  const h = scanHead(Buffer.from(line, 'utf8').toString('latin1') + '\r\n');
  if (h.status !== 'head' || h.head.nextLine) return -1;
  return Buffer.from(line, 'utf8').subarray(0, h.head.payloadStart).toString('utf8').length;
}

describe('+QMTRECV header rule', () => {
  const rule = qmt.framing.rule!;
  it('answers as the full scan for any line, headers and near misses included', () => {
    const piece = fc.constantFrom('\u0000', '+', '+QMTRECV:', '+qmtrecv:', '+QMTRECV: ', '+QmTrEcV:', '+QMTRECV', '+QMTRECX:', 'Q', 'q', '+ECMTRECV: ', ' ', '0', '1', ',', '"', 'dev/1', '",', '5', '温', '\ud800', 'OK', '>', 'é', '\t');
    fc.assert(
      fc.property(fc.oneof(fc.array(piece, { maxLength: 12 }).map((p) => p.join('')), fc.string(), fc.string({ unit: 'binary' })), (line) => {
        expect(rule.headerLength(line)).toBe(reference(line));
      }),
      { numRuns: 5000 },
    );
  });

  it('finds the headers it found before', () => {
    for (const line of ['+QMTRECV: 0,1,"dev/1","hello"', '\u0000\u0000+QMTRECV: 0,1,"t",5,"hello"', '+qmtrecv:1,2,"温度","x"']) {
      expect(rule.headerLength(line)).toBeGreaterThan(0);
      expect(rule.headerLength(line)).toBe(reference(line));
    }
  });
});
