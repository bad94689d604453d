/**
 * One test per cause of the verdict, on recorded outcomes (no broker): the evidence a
 * comparison would hold, and the cause the verdict must rank first.
 */
import { describe, expect, it } from 'vitest';
import { explainComparison, type Evidence } from '../../src/mirror/verdict.js';
import type { CompareStep, SideOutcome } from '../../src/mirror/report.js';
import { firmwareProfile } from '../../src/dialects/ecmt/firmware.js';
import { lintConnect, lintPublish } from '../../src/dialects/ecmt/lint.js';
import { text } from '../../src/util/i18n.js';

const ok = (code: number | string | null = 0): SideOutcome => ({ ok: true, code, detail: text('ok', 'ok'), latencyMs: 10 });
const bad = (code: number | string | null): SideOutcome => ({ ok: false, code, detail: text(`failed ${String(code)}`, `失败 ${String(code)}`), latencyMs: 10 });
const step = (name: CompareStep['step'], m: SideOutcome, d: SideOutcome): CompareStep => ({ step: name, module: m, direct: d, same: (m.ok && d.ok) || (!m.ok && !d.ok && m.code === d.code) });

const healthy: CompareStep[] = [step('open', ok(), ok()), step('connect', ok(), ok()), step('subscribe', ok(1), ok(1)), step('publish', ok(), ok()), step('deliver-module-to-direct', ok(), ok()), step('deliver-direct-to-module', ok(), ok()), step('disconnect', ok(), ok())];

function evidence(over: Partial<Evidence> = {}): Evidence {
  return {
    profile: firmwareProfile('ec616s'),
    credentials: { clientId: 'dev1', username: 'user', password: 'secret-pw' },
    protocolLevel: 4,
    tls: false,
    moduleHasCa: false,
    lint: [],
    steps: healthy,
    delivery: null,
    payload: Buffer.from('{"a":1}'),
    brokerLog: [],
    ...over,
  };
}

const top = (e: Evidence) => explainComparison(e).causes[0]?.id;

describe('verdict rules', () => {
  it('healthy: no cause, the summary says the sides behave the same', () => {
    const v = explainComparison(evidence());
    expect(v.causes).toEqual([]);
    expect(v.summary.en).toMatch(/behave the same/);
  });

  it('credential-quirk: client ID alone, the module refused while the direct side was accepted', () => {
    const creds = { clientId: 'dev1' };
    const e = evidence({ credentials: creds, lint: lintConnect(creds, 'ec616s'), steps: [step('open', ok(), ok()), step('connect', bad(2), ok())] });
    expect(top(e)).toBe('credential-quirk');
    expect(explainComparison(e).summary.en).toMatch(/differ first at "connect"/);
  });

  it('credential-quirk does not apply to a profile without the quirk', () => {
    const creds = { clientId: 'dev1' };
    const noQuirk = { ...firmwareProfile('ec616s'), quirks: { ...firmwareProfile('ec616s').quirks, credentialQuirk: false } };
    const e = evidence({ profile: noQuirk, credentials: creds, steps: [step('open', ok(), ok()), step('connect', bad(2), ok())] });
    expect(explainComparison(e).causes.map((c) => c.id)).not.toContain('credential-quirk');
  });

  it('firmware-limit: a password over the profile limit, refused by the module, accepted directly', () => {
    const creds = { clientId: 'dev1', username: 'user', password: 'p'.repeat(129) };
    const e = evidence({ credentials: creds, lint: lintConnect(creds, 'ec616s'), steps: [step('open', ok(), ok()), step('connect', bad('CME 3'), ok())] });
    const v = explainComparison(e);
    expect(v.causes[0]?.id).toBe('firmware-limit');
    expect(v.causes[0]?.text.en).toContain('129 bytes');
    expect(v.causes[0]?.text.en).toContain('at most 128');
    expect(JSON.stringify(v)).not.toContain('p'.repeat(129));
  });

  it('unquotable-chars: a " inside a value', () => {
    const creds = { clientId: 'dev1', username: 'us"er', password: 'pw' };
    expect(top(evidence({ credentials: creds, lint: lintConnect(creds, 'ec616s'), steps: [step('open', ok(), ok()), step('connect', bad('lint'), ok())] }))).toBe('unquotable-chars');
  });

  it('protocol-level: MQTT 3.1 refused with CONNACK 1 on both sides', () => {
    expect(top(evidence({ protocolLevel: 3, steps: [step('open', ok(), ok()), step('connect', bad(1), bad(1))] }))).toBe('protocol-level');
  });

  it('protocol-level quotes the session dialect\'s config command (ecmt.md §2.2, qmt.md §2.1 "version")', () => {
    const steps = [step('open', ok(), ok()), step('connect', bad(1), bad(1))];
    const ecmt = explainComparison(evidence({ protocolLevel: 3, steps })).causes[0]!;
    expect(ecmt.text.en).toContain('AT+ECMTCFG="version",0,4');
    const qmt = explainComparison(evidence({ protocolLevel: 3, steps, dialect: 'qmt' })).causes[0]!;
    expect(qmt.id).toBe('protocol-level');
    expect(qmt.text.en).toContain('AT+QMTCFG="version",0,4');
    expect(qmt.text.zh).toContain('AT+QMTCFG="version",0,3');
    expect(qmt.text.en).not.toContain('ECMT');
  });

  it('tls-without-ca: mqtts, no CA on the module, the module cannot open while the host can', () => {
    expect(top(evidence({ tls: true, moduleHasCa: false, steps: [step('open', bad(-1), ok()), step('connect', { ...bad(null), skipped: true }, ok())] }))).toBe('tls-without-ca');
  });

  it('broker-credentials: both refused with 5, supported by the broker log', () => {
    const v = explainComparison(evidence({ steps: [step('open', ok(), ok()), step('connect', bad(5), bad(5))], brokerLog: ['1700000000: Client dev1 disconnected, not authorised.'] }));
    expect(v.causes[0]?.id).toBe('broker-credentials');
    expect(v.causes[0]?.text.en).toMatch(/wrong password usually gets 5, not 4/);
    expect(v.causes[0]?.evidence.map((x) => x.en).join(' ')).toMatch(/not authorised/);
    expect(v.summary.en).toMatch(/behave the same; but/);
  });

  it('broker-identifier: both refused with 2', () => {
    expect(top(evidence({ steps: [step('open', ok(), ok()), step('connect', bad(2), bad(2))] }))).toBe('broker-identifier');
  });

  it('pdn-inactive: AT+ECMTOPEN refused with +CME ERROR: 3 while the host reaches the broker', () => {
    expect(top(evidence({ steps: [step('open', bad('CME 3'), ok())] }))).toBe('pdn-inactive');
  });

  it('network-module: +ECMTOPEN: 0,-1 while the host reaches the broker', () => {
    expect(top(evidence({ steps: [step('open', bad(-1), ok())] }))).toBe('network-module');
  });

  it('broker-unreachable: neither side opens', () => {
    expect(top(evidence({ steps: [step('open', bad(-1), bad('ECONNREFUSED'))] }))).toBe('broker-unreachable');
  });

  it('broker-silent: OK but no +ECMTCONN while the host got its CONNACK', () => {
    expect(top(evidence({ steps: [step('open', ok(), ok()), step('connect', bad('no-urc'), ok())] }))).toBe('broker-silent');
  });

  it('broker-acl: the direct SUBACK is 0x80', () => {
    expect(top(evidence({ steps: [step('open', ok(), ok()), step('connect', ok(), ok()), step('subscribe', ok(1), bad(128))] }))).toBe('broker-acl');
  });

  it('sub-value-count: +ECMTSUB value 1 vs granted QoS 2 is explained as a count, with low weight', () => {
    const v = explainComparison(evidence({ steps: [step('open', ok(), ok()), step('connect', ok(), ok()), step('subscribe', ok(1), ok(2))] }));
    expect(v.causes.map((c) => c.id)).toEqual(['sub-value-count']);
    expect(v.causes[0]!.confidence).toBeLessThan(0.5);
  });

  const delivery = (d2m: Partial<NonNullable<Evidence['delivery']>['d2m']>, m2d: Partial<NonNullable<Evidence['delivery']>['m2d']> = {}, payload = Buffer.from('{"a":1}')): Pick<Evidence, 'delivery' | 'payload'> => ({
    payload,
    delivery: {
      m2d: { sent: true, received: true, exact: true, expected: payload, got: payload, ...m2d },
      d2m: { sent: true, received: true, exact: true, brokerDelivered: true, expected: payload, got: payload, inferred: false, topic: 'cat1/compare/x/d2m', qos: 1, ...d2m },
    },
  });

  it('payload-rx-buffer: a message over the module receive buffer vanishes on the module only', () => {
    const big = Buffer.alloc(2000, 0x61);
    expect(top(evidence({ ...delivery({ received: false, exact: false, got: null }, {}, big), steps: [...healthy.slice(0, 5), step('deliver-direct-to-module', bad(null), ok())] }))).toBe('payload-rx-buffer');
  });

  it('loss-on-module: the broker delivered (the host got its own copy) but no +ECMTRECV', () => {
    expect(top(evidence({ ...delivery({ received: false, exact: false, got: null }), steps: [...healthy.slice(0, 5), step('deliver-direct-to-module', bad(null), ok())] }))).toBe('loss-on-module');
  });

  it('loss-at-broker: not even the host received its own message', () => {
    const v = explainComparison(evidence({ ...delivery({ received: false, exact: false, got: null, brokerDelivered: false }), steps: [...healthy.slice(0, 5), step('deliver-direct-to-module', bad(null), bad(null))] }));
    expect(v.causes.map((c) => c.id)).toContain('loss-at-broker');
  });

  it('payload-nul: a NUL in the payload explains a difference in bytes', () => {
    const p = Buffer.from('ab\0cd');
    expect(top(evidence({ ...delivery({ exact: false, got: Buffer.from('ab') }, {}, p), steps: [...healthy.slice(0, 5), step('deliver-direct-to-module', bad(null), ok())] }))).toBe('payload-nul');
  });

  it('payload-crlf: a multi-line payload whose end had to be inferred', () => {
    const p = Buffer.from('{\r\n"a":1\r\n}');
    expect(top(evidence({ ...delivery({ exact: false, got: Buffer.from('{\r\n"a":1'), inferred: true }, {}, p), steps: [...healthy.slice(0, 5), step('deliver-direct-to-module', bad(null), ok())] }))).toBe('payload-crlf');
  });

  it('payload-mangled: bytes differ for no known reason', () => {
    expect(top(evidence({ ...delivery({ exact: false, got: Buffer.from('{"a":2}') }), steps: [...healthy.slice(0, 5), step('deliver-direct-to-module', bad(null), ok())] }))).toBe('payload-mangled');
  });

  it('double-connack: reported, with a low weight, when the module answered twice', () => {
    const v = explainComparison(evidence({ doubleConnUrc: true }));
    expect(v.causes.map((c) => c.id)).toEqual(['double-connack']);
  });

  it('unexplained: a difference no rule fits says so and asks for a recording', () => {
    const v = explainComparison(evidence({ steps: [step('open', ok(), ok()), step('connect', ok(), ok()), step('disconnect', bad(-1), ok())] }));
    expect(v.causes.at(-1)?.id).toBe('unexplained');
    expect(v.causes.at(-1)?.text.en).toMatch(/--record/);
  });

  it('ranks the strongest cause first and keeps the weaker ones', () => {
    const creds = { clientId: 'dev1', username: 'user', password: 'p'.repeat(129) };
    const lint = [...lintConnect(creds, 'ec616s'), ...lintPublish({ msgId: 1, qos: 1, retain: false, topic: 't', payload: 'x' }, 'ec616s')];
    const v = explainComparison(evidence({ credentials: creds, lint, steps: [step('open', ok(), ok()), step('connect', bad('CME 3'), ok()), step('subscribe', ok(1), ok(2))] }));
    const conf = v.causes.map((c) => c.confidence);
    expect([...conf].sort((a, b) => b - a)).toEqual(conf);
    expect(v.causes[0]?.id).toBe('firmware-limit');
  });

  it('every cause has English and Chinese text', () => {
    const v = explainComparison(evidence({ credentials: { clientId: 'x' }, steps: [step('open', bad(-1), bad('ECONNREFUSED'))] }));
    for (const c of v.causes) {
      expect(c.text.en.length).toBeGreaterThan(10);
      expect(c.text.zh).toMatch(/[\u4e00-\u9fff]/);
    }
  });
});
