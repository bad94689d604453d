/**
 * A message payload ended by the final result of a pending command may have swallowed that
 * command's bare answer (ATI's `Eigencomm` / `Quectel` is no known frame start). The tracker splits
 * the answer off (the lines after the payload's last empty line) and, because that is a guess,
 * marks the message's boundary inferred: for every dialect's message event, not one dialect's.
 */
import { describe, expect, it } from 'vitest';
import { AtTracker } from '../../src/at/tracker.js';
import type { TimelineItem } from '../../src/at/types.js';
import { defaultGrammar } from '../../src/grammar.js';

function timeline(rx: string): TimelineItem[] {
  const items: TimelineItem[] = [];
  const tr = new AtTracker((i) => items.push(i), { grammar: defaultGrammar() });
  tr.tx(Buffer.from('ATI\r'), 0);
  tr.rx(Buffer.from(rx, 'latin1'), 0.01);
  tr.end();
  return items;
}

const brief = (i: TimelineItem) => [i.role, 'raw' in i.event ? i.event.raw : '', i.command ?? null];

describe('a message right before a bare answer', () => {
  // ecmt.md §4: the payload runs raw to the module's next frame; qmt.md §3.1: quoted, no length here
  const cases = [
    { dialect: 'ECMT', rx: '\r\n+ECMTRECV: 0,0,"t",hello\r\n\r\nEigencomm\r\n\r\nOK\r\n', header: '+ECMTRECV: 0,0,"t",hello', answer: 'Eigencomm' },
    { dialect: 'QMT', rx: '\r\n+QMTRECV: 0,0,"t","hello"\r\n\r\nQuectel\r\n\r\nOK\r\n', header: '+QMTRECV: 0,0,"t","hello"', answer: 'Quectel' },
  ];
  for (const c of cases) {
    it(`${c.dialect}: the answer is ATI's, the payload is "hello", and the boundary is inferred`, () => {
      const items = timeline(c.rx);
      expect(items.filter((i) => i.role !== 'command').map(brief)).toEqual([
        ['urc', c.header, null],
        ['answer', c.answer, 'ATI'],
        ['final', 'OK', 'ATI'],
      ]);
      const msg = items.find((i) => i.role === 'urc')!.event;
      expect(msg).toMatchObject({ boundary: 'inferred' });
      expect('payload' in msg && msg.payload.toString('latin1')).toBe('hello');
    });
  }
});
