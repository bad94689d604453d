/**
 * ItemJson (the JSON lines of `cat1 decode --json`) against the general path it stands for:
 * `JSON.stringify(itemToJson(item, lang))`, item by item through one writer (its command cache
 * carries over), for events of strings and numbers (the fast path: commands, OKs, result URCs of
 * either dialect) and for anything that leaves it: payload bytes, booleans, null, undefined, nested
 * values, fields named like the item's, field order or values (NaN, -0, odd directions), notes and
 * paste findings.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ItemJson, itemToJson } from '../../src/at/json.js';
import type { TimelineItem } from '../../src/at/types.js';
import { text } from '../../src/util/i18n.js';

const str = fc.oneof(
  fc.constantFrom('AT+CSQ', 'AT+ECMTPUB=0,1,1,0,"dev/42/state"', 'OK', '', 'AT+ECMTCONN=0,"dev-0","******","******"'),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({ unit: fc.constantFrom('a', '"', '\\', '\r', '\n', '\x00', '\x1f', '\x7f', '中', '😀', '\ud800', '\udc00'), maxLength: 12 }),
);
const num = fc.oneof(fc.nat(), fc.double(), fc.constantFrom(-0, NaN, Infinity, 1e21, 0.1));

const commandEvent = fc.oneof(
  str.map((s) => ({ type: 'command', raw: s, command: s })),
  fc.tuple(str, str).map(([raw, command]) => ({ type: 'command', raw, command })),
  // shapes off the fast path
  str.map((s) => ({ raw: s, type: 'command', command: s })),
  str.map((s) => ({ type: 'command', raw: s, command: s, extra: 1 })),
  str.map((s) => ({ type: 'command', raw: s, command: undefined })),
  str.map((s) => ({ type: 'command', raw: s })),
);
const okEvent = fc.oneof(
  fc.constant({ type: 'ok', raw: 'OK' }),
  str.map((s) => ({ type: 'ok', raw: s })),
  str.map((s) => ({ type: 'ok', raw: s, command: s })),
  fc.constant({ raw: 'OK', type: 'ok' }),
  num.map((n) => ({ type: 'ok', raw: n })),
);
const otherEvent = fc.oneof(
  fc.constant({ type: 'error', raw: 'ERROR' }),
  fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: -1, max: 3 })).map(([c, m, r]) => ({ type: 'ecmt-pub', raw: `+ECMTPUB: ${c},${m},${r}`, connectId: c, msgId: m, result: r })),
  fc.tuple(num, num, num, str).map(([c, m, r, raw]) => ({ type: 'ecmt-pub', raw, connectId: c, msgId: m, result: r })),
  fc.tuple(fc.nat(), fc.nat(), fc.nat()).map(([c, m, r]) => ({ type: 'ecmt-pub', raw: '+ECMTPUB', connectId: c, msgId: m, result: r, extra: 7 })),
  fc.tuple(fc.nat(), fc.nat(), fc.nat()).map(([c, m, r]) => ({ type: 'ecmt-pub', raw: '+ECMTPUB', msgId: m, connectId: c, result: r })),
  str.map((s) => ({ type: 'data', raw: s, payload: Buffer.from(s), end: 'ctrl-z' })),
  fc.constant({ type: 'prompt', raw: '> ' }),
  fc.tuple(num, num).map(([rssi, ber]) => ({ type: 'csq', raw: '+CSQ: 23,99', rssi, ber })),
  fc.tuple(fc.nat(), fc.nat(), fc.nat()).map(([c, r, code]) => ({ type: 'qmt-conn', raw: `+QMTCONN: ${c},${r},${code}`, clientIdx: c, result: r, retCode: code })),
  fc.tuple(str, fc.nat()).map(([topic, n]) => ({ type: 'ecmt-sub', raw: '+ECMTSUB: 0,1,0', topic, count: n })),
  fc.tuple(str, fc.oneof(fc.boolean(), fc.constant(null), fc.constant(undefined), fc.constant({ a: 1 }), fc.constant([1]))).map(([raw, v]) => ({ type: 'reg', raw, stat: 1, odd: v })),
  fc.tuple(str, fc.constantFrom('seq', 't', 'dir', 'role', 'explain', 'note', 'paste', 'command')).map(([raw, k]) => ({ type: 'urc', raw, [k]: 5 })),
  fc.tuple(str, str).map(([raw, c]) => ({ type: 'echo', raw, command: c })),
  str.map((s) => ({ type: 'garbage', raw: s, length: s.length, diagnosis: 'baud-rate' })),
  // payload bytes: UTF-8 or not, empty, beside fields whose names its JSON names would take
  fc.tuple(str, fc.oneof(str.map((x) => Buffer.from(x, 'utf8')), fc.uint8Array({ maxLength: 16 }).map((a) => Buffer.from(a)))).map(([topic, payload]) => ({ type: 'ecmt-recv', raw: '+ECMTRECV: 0,1,"t",3,abc', connectId: 0, msgId: 1, topic, payload, end: 'crlf' })),
  fc.tuple(fc.uint8Array({ maxLength: 8 }), fc.constantFrom('payloadLength', 'payloadBase64', 'payload2', 'command')).map(([a, k]) => ({ type: 'qmt-recv', raw: '+QMTRECV: 0,1,"t"', payload: Buffer.from(a), [k]: 'x' })),
  fc.uint8Array({ maxLength: 8 }).map((a) => ({ type: 'data', raw: 'x', command: Buffer.from(a) })),
  fc.uint8Array({ maxLength: 8 }).map((a) => ({ type: 'data', raw: 'x', explain: Buffer.from(a) })),
);

const item = fc.record(
  {
    seq: fc.oneof(fc.nat(), num),
    t: fc.oneof(fc.constant(null), num),
    dir: fc.constantFrom('tx', 'rx', null, 'rx ', undefined),
    role: fc.oneof(fc.constantFrom('command', 'final', 'answer', 'urc', 'stray', 'late', 'echo'), str),
    event: fc.oneof({ weight: 3, arbitrary: commandEvent }, { weight: 3, arbitrary: okEvent }, { weight: 1, arbitrary: otherEvent }),
    command: fc.oneof(str, fc.constantFrom('AT+CSQ', 'AT+ECMTPUB=0,1,1,0,"dev/42/state"')),
    note: str,
    paste: fc.constant({ findings: [{ code: 'quote', message: text('typographic quote', '中文引号') }], answer: text('ERROR', 'ERROR'), corrected: 'AT+CSQ' }),
  },
  { requiredKeys: ['seq', 't', 'dir', 'role', 'event'] },
) as unknown as fc.Arbitrary<TimelineItem>;

/** items the fast path may take (no note, no paste finding, plain numbers and directions): its own shapes and those it must give back */
const fastItem = fc.record(
  {
    seq: fc.nat(),
    t: fc.oneof(fc.constant(null), fc.double({ min: 0, max: 1e6, noNaN: true })),
    dir: fc.constantFrom('tx', 'rx', null),
    role: fc.constantFrom('command', 'final', 'answer', 'urc'),
    event: fc.oneof(commandEvent, okEvent, otherEvent),
    command: fc.oneof(str, fc.constantFrom('AT+CSQ', 'AT+QMTCONN?')),
  },
  { requiredKeys: ['seq', 't', 'dir', 'role', 'event'] },
) as unknown as fc.Arbitrary<TimelineItem>;

/** a command, then items that name it (its OK), as a session has them */
const session = fc.array(fc.tuple(str, fc.boolean()), { maxLength: 20 }).map((cmds) => {
  const items: TimelineItem[] = [];
  for (const [c, ok] of cmds) {
    items.push({ seq: items.length, t: null, dir: 'tx', role: 'command', event: { type: 'command', raw: c, command: c }, command: c } as TimelineItem);
    items.push({ seq: items.length, t: items.length / 7, dir: 'rx', role: 'final', event: ok ? { type: 'ok', raw: 'OK' } : { type: 'error', raw: 'ERROR' }, command: c } as TimelineItem);
  }
  return items;
});

describe('ItemJson', () => {
  for (const lang of ['en', 'zh'] as const) {
    it(`writes what JSON.stringify(itemToJson(item)) writes (${lang})`, () => {
      fc.assert(
        fc.property(fc.oneof(fc.array(item, { maxLength: 12 }), session), (items) => {
          const json = new ItemJson(lang);
          for (const it of items) expect(json.line(it)).toBe(JSON.stringify(itemToJson(it, lang)));
        }),
        { numRuns: 3000 },
      );
    });
    it(`writes the same for events of any shape on the fast path's way (${lang})`, () => {
      fc.assert(
        fc.property(fc.array(fastItem, { maxLength: 12 }), (items) => {
          const json = new ItemJson(lang);
          for (const it of items) expect(json.line(it)).toBe(JSON.stringify(itemToJson(it, lang)));
        }),
        { numRuns: 3000 },
      );
    });
  }
});
