import { describe, expect, it } from 'vitest';
import { importTextLog } from '../../src/transcript/import.js';
import { SessionDecoder } from '../../src/transcript/decode.js';
import { defaultGrammar } from '../../src/grammar.js';
import type { TimelineItem } from '../../src/at/types.js';

function decode(log: string, opts: { redact?: boolean } = {}): TimelineItem[] {
  const items: TimelineItem[] = [];
  const d = new SessionDecoder((i) => items.push(i), { grammar: defaultGrammar(), ...opts });
  for (const e of importTextLog(log).entries) d.push(e);
  d.end();
  return items;
}

describe('notes reach the item of the line they were written after', () => {
  it('attaches each note to its own line inside one merged rx entry', () => {
    const items = decode(['AT+CSQ', '+CSQ: 23,99  // good', 'OK   ← 成功', '+ECMTSTAT: 0,1 (掉线)'].join('\n'));
    expect(items.map((i) => [i.role, i.event.type, i.note ?? null])).toEqual([
      ['command', 'command', null],
      ['answer', 'csq', '// good'],
      ['final', 'ok', '← 成功'],
      ['urc', 'ecmt-stat', '(掉线)'],
    ]);
  });

  it('delivers items in order, the note already set when the item is handed out', () => {
    const seen: Array<string | null> = [];
    const d = new SessionDecoder((i) => seen.push(i.note ?? null), { grammar: defaultGrammar() });
    for (const e of importTextLog('AT\nOK  <-- ok\n').entries) d.push(e);
    d.end();
    expect(seen).toEqual([null, '<-- ok']);
  });

  it('masks credentials a note quotes, like any other output', () => {
    const items = decode(['AT', 'OK  // then AT+ECMTCONN=0,"id","someuser","hunter2hunter2"', '# sent AT+ECMTCONN=0,"id","someuser","hunter2hunter2"'].join('\n'));
    const text = JSON.stringify(items.map((i) => [i.note, i.event.raw]));
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('someuser');
    // with --log-secrets they stay
    const open = decode('AT\nOK  // AT+ECMTCONN=0,"id","someuser","hunter2hunter2"\n', { redact: false });
    expect(open[1]?.note).toContain('hunter2hunter2');
  });

  it('turns junk into garbage items between the typed items', () => {
    const items = decode(['\uFFFD\u0000\uFFFD\uFFFD\u0000\uFFFD\uFFFD\uFFFD', 'RDY', 'AT', 'OK'].join('\n'));
    expect(items.map((i) => [i.role, i.event.type])).toEqual([
      ['garbage', 'garbage'],
      ['urc', 'boot'],
      ['command', 'command'],
      ['final', 'ok'],
    ]);
    const g = items[0]!.event;
    expect(g.type === 'garbage' && [g.length, g.diagnosis]).toEqual([8, 'power-up']);
  });
});
