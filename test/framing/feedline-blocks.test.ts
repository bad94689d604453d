/**
 * Framer.feedLine keeps the payload lines of a raw block as text and makes their bytes once, when
 * the block ends or other bytes join it. The oracle is feed() of the same lines' bytes with CRLF:
 * the same items and counters for any lines, mixed with byte chunks, with bounds small enough
 * that blocks are truncated, lines overlong and payload lines held (empty lines).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AtTracker } from '../../src/at/tracker.js';
import { defaultGrammar } from '../../src/grammar.js';
import type { TimelineItem } from '../../src/at/types.js';

const LINES = [
  '+ECMTRECV: 0,1,"dev/42/down",{',
  '+ECMTRECV: 0,2,"t",',
  '+QMTRECV: 0,1,"t","ab',
  '+QMTRECV: 0,1,"t",4,"ab',
  'cd"',
  '  "label": "阀门 3 号",',
  '  "x": "OK"',
  '}',
  '',
  'OK',
  'ERROR',
  '+ECMTPUB: 0,1,0',
  '+CSQ: 23,99',
  '>',
  '> x',
  'x'.repeat(40),
  'é'.repeat(30),
  'payload line',
];

describe('feedLine inside raw blocks', () => {
  const grammar = defaultGrammar();
  it('gives the items and counters of feed() of the same bytes, whatever the bounds', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('line', 'bytes', 'quiet', 'tx'), fc.constantFrom(...LINES)), { maxLength: 50 }),
        fc.integer({ min: 16, max: 120 }),
        fc.integer({ min: 16, max: 200 }),
        (steps, maxLine, maxBlock) => {
          const a: TimelineItem[] = [];
          const b: TimelineItem[] = [];
          const opts = { grammar, echoStartsCommand: true, maxLine, maxBlock };
          const ta = new AtTracker((i) => a.push(i), opts);
          const tb = new AtTracker((i) => b.push(i), opts);
          steps.forEach(([how, line], k) => {
            const bytes = Buffer.from(`${line}\r\n`, 'utf8');
            if (how === 'line') {
              ta.rxLine(line, k);
              tb.rx(bytes, k);
            } else if (how === 'bytes') {
              // a line in two chunks: a partial line, then its end (both take the byte path)
              const cut = Math.floor(bytes.length / 2);
              for (const t of [ta, tb]) {
                t.rx(bytes.subarray(0, cut), k);
                t.rx(bytes.subarray(cut), k);
              }
            } else if (how === 'quiet') {
              ta.quiet(k);
              tb.quiet(k);
            } else {
              ta.txLine('AT+CSQ', k);
              tb.tx(Buffer.from('AT+CSQ\r'), k);
            }
          });
          ta.end();
          tb.end();
          expect(JSON.stringify(a)).toBe(JSON.stringify(b));
          expect(ta.framerStats).toEqual(tb.framerStats);
          expect(ta.framerBuffered).toBe(tb.framerBuffered);
        },
      ),
      { numRuns: 1500 },
    );
  });
});
