/**
 * The JSON Lines writer of `cat1 decode --json` against its definition: for every generated item
 * (every event type, odd strings with control characters and lone surrogates, odd numbers, byte
 * fields valid and not valid UTF-8, notes, copy-paste findings, extra event fields that collide
 * with the keys itemToJson adds), `ItemJsonWriter.line(item)` is `JSON.stringify(itemToJson(item))`
 * byte for byte, in both languages — or both throw.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { itemToJson } from '../../src/at/json.js';
import { ItemJsonWriter } from '../../src/at/json-line.js';
import type { TimelineItem, Role } from '../../src/at/types.js';
import type { Lang } from '../../src/util/i18n.js';
import { grammarFor } from '../../src/cli/dialect.js';

const grammar = grammarFor('auto');

const str = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: fc.constantFrom('a', '"', '\\', '\r', '\n', '\x1a', '\x1b', '\x00', '\u2028', '\ud800', '\udc00', '中', '😀'), maxLength: 12 }),
  fc.constantFrom('OK', 'AT+ECMTPUB=0,"t",1,0,0,"x"', '+CME ERROR: 3', ''),
);
const int = fc.oneof(fc.integer({ min: -5, max: 600 }), fc.integer());
const num = fc.oneof(int, fc.double(), fc.constantFrom(-0, Number.NaN, Infinity, -Infinity, 1e21, 5e-7));
const nint = fc.option(int, { nil: null });
const buf = fc.oneof(
  fc.uint8Array({ maxLength: 24 }).map((a) => Buffer.from(a)),
  str.map((s) => Buffer.from(s, 'utf8')),
);

/** The declared fields of every event type (src/urc/types.ts, src/at/types.ts), with a few more where a dialect adds them. */
const shapes: Record<string, Record<string, fc.Arbitrary<unknown>>> = {
  ok: {},
  error: {},
  'cme-error': { code: nint, text: fc.option(str, { nil: null }) },
  'cms-error': { code: nint, text: fc.option(str, { nil: null }) },
  'ecmt-open': { connectId: int, result: int },
  'ecmt-close': { connectId: int, result: int },
  'ecmt-conn': { connectId: int, result: int, retCode: nint },
  'ecmt-disc': { connectId: int, result: int },
  'ecmt-sub': { connectId: int, msgId: int, result: int, value: nint, extra: int },
  'ecmt-uns': { connectId: int, msgId: int, result: int, extra: int },
  'ecmt-pub': { connectId: int, msgId: int, result: int, extra: int },
  'ecmt-stat': { connectId: int, errCode: int },
  'ecmt-recv': { connectId: int, msgId: int, topic: str, payload: buf, boundary: fc.constantFrom('certain', 'inferred'), endedBy: fc.constantFrom('length', 'quiet', 'next-frame', 'eof'), truncated: fc.boolean() },
  'ecmt-open-state': { connectId: int, host: str, port: int },
  'ecmt-conn-state': { connectId: int, state: int },
  'ecmt-cfg': { cfgType: str, values: fc.array(str, { maxLength: 3 }), form: fc.constantFrom('query', 'test') },
  'ecmt-test': { command: str, ranges: str },
  reg: { family: fc.constantFrom('CREG', 'CGREG', 'CEREG'), solicited: fc.boolean(), n: nint, stat: int, tac: fc.option(str, { nil: null }), ci: fc.option(str, { nil: null }), act: nint },
  cpin: { state: str },
  csq: { rssi: int, ber: int, dbm: fc.option(num, { nil: null }) },
  cesq: { rxlev: int, ber: int, rscp: int, ecno: int, rsrq: int, rsrp: int, rsrpDbm: fc.option(num, { nil: null }), rsrqDb: fc.option(num, { nil: null }) },
  cgatt: { attached: fc.boolean() },
  cgpaddr: { cid: int, addresses: fc.array(str, { maxLength: 2 }) },
  cgev: { text: str },
  cfun: { fun: int },
  cgcontrdp: { cid: int, fields: fc.array(str, { maxLength: 3 }) },
  ecdns: { addresses: fc.array(str, { maxLength: 2 }) },
  ecping: { kind: fc.constantFrom('succ', 'fail', 'done'), dest: fc.option(str, { nil: null }), rttMs: nint, timeoutMs: nint },
  info: { prefix: fc.option(str, { nil: null }), text: str },
  boot: { banner: str },
  unknown: {},
  command: { command: str },
  data: { payload: buf, end: fc.constantFrom('ctrl-z', 'esc', 'none', 'excess') },
  prompt: {},
  echo: {},
  overlong: { length: int, head: buf, complete: fc.boolean() },
  note: {},
  garbage: { length: int, diagnosis: fc.constantFrom('power-up', 'baud-rate') },
  // a type no table knows, with a nested object and an undefined field
  'x-future': { nested: fc.object({ maxDepth: 1 }), gone: fc.constant(undefined), n: num },
};

/** fields an event could carry beyond the declared ones, named to collide with what itemToJson adds */
const extraKey = fc.constantFrom('seq', 't', 'dir', 'role', 'note', 'paste', 'explain', 'command', 'payloadLength', 'payloadBase64', 'headLength', '__proto__', '0', '7', 'zz');

const event = fc.constantFrom(...Object.keys(shapes)).chain((type) =>
  fc
    .tuple(
      fc.record(shapes[type]!, { requiredKeys: [] }),
      str,
      fc.oneof({ weight: 4, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: fc.dictionary(extraKey, fc.oneof(str, num, buf, fc.constant(undefined)), { maxKeys: 2 }) }),
    )
    .map(([fields, raw, extra]) => {
      const ev: Record<string, unknown> = { type, raw, ...fields };
      for (const [k, v] of Object.entries(extra)) Object.defineProperty(ev, k, { value: v, enumerable: true, writable: true, configurable: true });
      return ev;
    }),
);

const role = fc.constantFrom<Role>('command', 'data', 'echo', 'answer', 'final', 'prompt', 'urc', 'stray', 'late', 'garbage', 'note');
const text = fc.record({ en: str, zh: str });

const item: fc.Arbitrary<TimelineItem> = fc
  .record(
    {
      seq: fc.nat(),
      t: fc.option(fc.oneof(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.constantFrom(0, 0.001, 12.5)), { nil: null }),
      dir: fc.constantFrom('tx', 'rx', null),
      role,
      event,
      command: str,
      note: str,
      paste: fc.record({ findings: fc.array(fc.record({ code: str, message: text }), { maxLength: 2 }), answer: text, corrected: str }),
    },
    { requiredKeys: ['seq', 't', 'dir', 'role', 'event'] },
  )
  .map((x) => x as unknown as TimelineItem);

function outcome(f: () => string): string {
  try {
    return f();
  } catch (err) {
    return `threw ${(err as Error).name}`;
  }
}

describe('ItemJsonWriter: byte-identical to JSON.stringify(itemToJson(item))', () => {
  for (const lang of ['en', 'zh'] as Lang[]) {
    it(`generated items of every type (${lang})`, () => {
      // one writer for the whole run: its caches (escaped commands, per-type plans) carry over from item to item
      const w = new ItemJsonWriter(lang);
      fc.assert(
        fc.property(fc.array(item, { minLength: 1, maxLength: 6 }), (items) => {
          for (const i of items) expect(outcome(() => w.line(i))).toBe(outcome(() => JSON.stringify(itemToJson(i, lang))));
        }),
        { numRuns: 3000 },
      );
    });
  }

  it('items a real command/answer sequence makes (a command text shared by echo, answer and final)', () => {
    const w = new ItemJsonWriter('en');
    const lines = ['OK', '+CME ERROR: 3', '+ECMTPUB: 0,12,0', '+CEREG: 1,"1A2B","01C2D3E4",9', '+CSQ: 20,99', 'ERROR', '+ECMTRECV: 0,1,"t",2,hi'];
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...lines), str, fc.constantFrom<Role>('echo', 'answer', 'final', 'urc')), { minLength: 1, maxLength: 8 }), (seq) => {
        seq.forEach(([line, command, r], n) => {
          const it: TimelineItem = { seq: n, t: n * 0.25, dir: 'rx', role: r, event: grammar.parseLine(line), command };
          expect(w.line(it)).toBe(JSON.stringify(itemToJson(it, 'en')));
        });
      }),
      { numRuns: 500 },
    );
  });
});
