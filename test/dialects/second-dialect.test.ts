/**
 * The core is driven by the registry: a second dialect registered at run time (a toy one here,
 * shaped after qmt.md's `+QMTSTAT: <idx>,<err>` and its `Quectel` identity) is detected, its
 * URCs classified, its frames recognised as frame starts, its two-phase results read by `at`'s
 * correlation, without touching framing/, urc/ or at/.
 */
import { describe, expect, it } from 'vitest';
import { answers, commandSpec, correlationIds, detectDialect, dialectChoices, getDialect, registerDialect, resultOf, unsolicitedOf } from '../../src/dialects/index.js';
import type { Dialect, MqttResult } from '../../src/dialects/types.js';
import { isKnownFrameStart, parseLine } from '../../src/dialects/classify.js';
import { createGrammar } from '../../src/grammar.js';
import { text } from '../../src/util/i18n.js';

const ecmt = getDialect('ecmt');
const info = (prefix: string, rest: string, raw: string) => ({ type: 'info' as const, raw, prefix, text: `toy:${rest}` });

/** `+QMTOPEN: <idx>,<result>` read as a result (qmt.md §3), `+QMTSTAT: <idx>,<err>` as a link loss. */
function readToy(raw: string): { prefix: string; n: number[] } | null {
  const m = /^\+(QMT[A-Z]+): ?(-?\d+(?:,-?\d+)*)$/.exec(raw.trim());
  return m ? { prefix: `+${m[1]!}`, n: m[2]!.split(',').map(Number) } : null;
}

const toy: Dialect = {
  ...ecmt,
  name: 'qmt',
  title: 'toy QMT (test)',
  family: '+QMT',
  configCommand: '+QMTCFG',
  commands: [
    {
      name: '+QMTOPEN',
      op: 'open',
      params: [{ name: 'connectId', type: 'int', doc: text('client idx', '客户端序号') }, { name: 'host', type: 'string', doc: text('host', '主机') }, { name: 'port', type: 'int', doc: text('port', '端口') }],
      result: { prefix: '+QMTOPEN', event: 'info', correlate: ['connectId'], hostTimeoutMs: 121_000, fields: ['idx', 'result'] },
      prompt: 'none',
      immediateTimeoutMs: 5000,
      syntax: 'AT+QMTOPEN=<idx>,"<host>",<port>',
      doc: text('open', '打开'),
    },
  ],
  configs: [],
  urcs: [
    { prefix: '+QMTOPEN', role: 'result', formats: ['+QMTOPEN: <idx>,<result>'], doc: text('open result', '打开结果') },
    { prefix: '+QMTSTAT', role: 'link-lost', formats: ['+QMTSTAT: <idx>,<err>'], doc: text('link lost', '链路断开') },
  ],
  framing: { ...ecmt.framing, prefix: '+QMTRECV', rule: null, fromLine: () => null },
  autoReconnect: false,
  maxClients: 6,
  redaction: [],
  detect: { identity: [/quectel/i], prefixes: ['+QMT'] },
  parseUrc: (prefix, rest, raw) => (prefix.startsWith('+QMT') ? info(prefix, rest, raw) : null),
  atProfiles: () => [],
  resultOf(ev): MqttResult | null {
    const r = readToy(ev.raw);
    if (!r || r.prefix !== '+QMTOPEN' || r.n.length !== 2) return null;
    return { op: 'open', connectId: r.n[0]!, msgId: null, ok: r.n[1] === 0, result: r.n[1]!, retCode: null, meaning: text(`open result ${r.n[1]}`, `打开结果 ${r.n[1]}`) };
  },
  unsolicitedOf(ev) {
    const r = readToy(ev.raw);
    if (!r || r.prefix !== '+QMTSTAT') return null;
    return { kind: 'link-lost', connectId: r.n[0]!, errCode: r.n[1]!, meaning: text('link lost', '链路断开'), hint: null };
  },
  readCommand: () => null,
  explain: () => null,
};

describe('a second dialect, registered', () => {
  registerDialect(toy);

  it('is a --dialect choice and auto picks it from a Quectel identity answer or a +QMT line', () => {
    expect(dialectChoices()).toEqual(['ecmt', 'qmt', 'auto']);
    expect(detectDialect('auto', { identity: 'Quectel\r\nEC800N' })).toMatchObject({ by: 'identity' });
    expect(detectDialect('auto', { identity: 'Quectel' }).dialect.name).toBe('qmt');
    expect(detectDialect('auto', { lines: ['AT', 'OK', 'AT+QMTOPEN=0,"h",1883'] }).dialect.name).toBe('qmt');
    // ECMT is still found by its own lines
    expect(detectDialect('auto', { lines: ['+ECMTOPEN: 0,0'] }).dialect.name).toBe('ecmt');
  });

  it('its URCs go to its parser and its family starts frames (framing ends a raw payload there)', () => {
    expect(parseLine('+QMTSTAT: 0,2')).toMatchObject({ type: 'info', prefix: '+QMTSTAT', text: 'toy:0,2' });
    expect(isKnownFrameStart('+QMTSTAT: 0,2')).toBe(true);
    expect(isKnownFrameStart('+QMTPING: 0,1')).toBe(true); // the whole +QMT family
    expect(isKnownFrameStart('+XYZW: 1')).toBe(false);
    // ECMT is untouched
    expect(parseLine('+ECMTOPEN: 0,0')).toMatchObject({ type: 'ecmt-open', result: 0 });
  });

  it('a raw +ECMTRECV payload ends where a +QMT frame of the second dialect begins', () => {
    const g = createGrammar();
    expect(g.rawBlock?.isFrameStart('+QMTSTAT: 0,1')).toBe(true);
    expect(g.rawBlock?.headerLength('+ECMTRECV: 0,0,"t",abc')).toBe('+ECMTRECV: 0,0,"t",'.length);
  });

  it('its result URCs answer its two-phase commands by client idx (as `at` correlates them)', () => {
    const found = commandSpec('+QMTOPEN');
    expect(found?.dialect.name).toBe('qmt');
    const spec = found!.spec;
    const ids = correlationIds(spec, '2,"broker",1883');
    expect(ids).toEqual({ connectId: 2, msgId: null });
    const mine = resultOf(parseLine('+QMTOPEN: 2,3'));
    const other = resultOf(parseLine('+QMTOPEN: 1,0'));
    expect(mine).toMatchObject({ op: 'open', connectId: 2, ok: false, result: 3 });
    expect(answers(spec, ids, mine!)).toBe(true);
    expect(answers(spec, ids, other!)).toBe(false);
    expect(unsolicitedOf(parseLine('+QMTSTAT: 0,2'))).toMatchObject({ kind: 'link-lost', errCode: 2 });
  });
});
