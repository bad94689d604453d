/**
 * The verdict's knowledge as a table: for every cause id, one set of observations that must
 * produce it and one contradicting set that must suppress it. The table is typed as a record
 * over the cause ids, so a new cause without rows does not type-check. (broker-lost and
 * module-silent come with the run-flow work and carry their own rows.)
 */
import { describe, expect, it } from 'vitest';
import { explainComparison, type Evidence } from '../../src/mirror/verdict.js';
import type { CauseId, CompareStep, SideOutcome } from '../../src/mirror/report.js';
import { firmwareProfile } from '../../src/dialects/ecmt/firmware.js';
import { lintConnect, lintCredentialsAcrossProfiles } from '../../src/dialects/ecmt/lint.js';
import type { LogIdentity } from '../../src/mirror/identity.js';
import { text } from '../../src/util/i18n.js';

const ok = (code: number | string | null = 0): SideOutcome => ({ ok: true, code, detail: text('ok', '成功'), latencyMs: 10 });
const bad = (code: number | string | null): SideOutcome => ({ ok: false, code, detail: text(`failed ${String(code)}`, `失败 ${String(code)}`), latencyMs: 10 });
const skip: SideOutcome = { ok: false, code: null, detail: text('not run', '未运行'), latencyMs: null, skipped: true };
const step = (name: CompareStep['step'], m: SideOutcome, d: SideOutcome): CompareStep => ({ step: name, module: m, direct: d, same: (m.ok && d.ok) || (!m.ok && !d.ok && !m.skipped && m.code === d.code) });

const upTo = (m: SideOutcome = ok(), d: SideOutcome = ok()): CompareStep[] => [step('open', ok(), ok()), step('connect', m, d)];
const healthy: CompareStep[] = [...upTo(), step('subscribe', ok(1), ok(1)), step('publish', ok(), ok()), step('deliver-module-to-direct', ok(), ok()), step('deliver-direct-to-module', ok(), ok()), step('disconnect', ok(), ok())];
const FULL = { clientId: 'dev1', username: 'user', password: 'secret-pw' };
const payload = Buffer.from('{"a":1}');

function ev(over: Partial<Evidence> = {}): Evidence {
  return { profile: firmwareProfile('ec616s'), credentials: FULL, protocolLevel: 4, tls: false, moduleHasCa: false, lint: [], steps: healthy, delivery: null, payload, brokerLog: [], ...over };
}

type D2m = NonNullable<Evidence['delivery']>['d2m'];
type M2d = NonNullable<Evidence['delivery']>['m2d'];
function delivered(d2m: Partial<D2m>, m2d: Partial<M2d> = {}, p = payload): Pick<Evidence, 'delivery' | 'payload' | 'steps'> {
  const d: NonNullable<Evidence['delivery']> = {
    m2d: { sent: true, received: true, exact: true, expected: p, got: p, ...m2d },
    d2m: { sent: true, received: true, exact: true, brokerDelivered: true, expected: p, got: p, inferred: false, topic: 'cat1/compare/x/d2m', qos: 1, ...d2m },
  };
  const toModule = d.d2m.received && d.d2m.exact ? ok() : bad(null);
  const toDirect = d.m2d.received && d.m2d.exact ? ok() : bad(null);
  return { payload: p, delivery: d, steps: [...healthy.slice(0, 4), step('deliver-module-to-direct', ok(), toDirect), step('deliver-direct-to-module', toModule, d.d2m.brokerDelivered ? ok() : bad(null)), healthy[6]!] };
}

const autoLine = "1: New client connected from 10.0.0.9:4001 as auto-4C1D (p2, c1, k120).";
const asAuto: LogIdentity = { status: 'other', clientId: 'auto-4C1D', assigned: true, user: 'absent', line: autoLine };
const asGiven: LogIdentity = { status: 'as-given', clientId: 'dev1', user: 'present', line: "1: New client connected from 10.0.0.9:4001 as dev1 (p2, c1, k120, u'****')." };
const USER_ONLY = { clientId: 'dev1', username: 'user' };
const LONG = { clientId: 'dev1', username: 'user', password: 'p'.repeat(129) };
const QUOTED = { clientId: 'dev1', username: 'us"er', password: 'pw' };
const PW40 = { clientId: 'dev1', username: 'user', password: 'x'.repeat(40) };

/** A QoS 2 run whose direct SUBACK granted `granted`. */
function qos2(granted: number): Pick<Evidence, 'delivery' | 'payload' | 'steps'> {
  const d = delivered({ qos: 2 });
  return { ...d, steps: d.steps.map((s) => (s.step === 'subscribe' ? step('subscribe', ok(granted), ok(granted)) : s)) };
}

interface Row {
  produce: Evidence;
  suppress: Evidence;
}

const TABLE: Record<Exclude<CauseId, 'broker-lost' | 'module-silent'>, Row> = {
  // the broker's personality (brokers.ts): produced when the direct SUBACK shows the downgrade,
  // suppressed when it granted QoS 2 (the observation contradicts the kind that was named)
  'broker-qos2-downgraded': {
    produce: ev({ broker: { kind: 'rabbitmq', version: null, how: 'flag', evidence: [] }, ...qos2(1) }),
    suppress: ev({ broker: { kind: 'rabbitmq', version: null, how: 'flag', evidence: [] }, ...qos2(2) }),
  },
  'broker-qos2-refused': {
    produce: ev({ broker: { kind: 'nats', version: null, how: 'flag', evidence: [] }, ...qos2(1) }),
    suppress: ev({ broker: { kind: 'nats', version: null, how: 'flag', evidence: [] }, ...qos2(2) }),
  },
  'credential-quirk': {
    produce: ev({ credentials: USER_ONLY, identity: { log: asAuto, probe: null } }),
    suppress: ev({ credentials: USER_ONLY, identity: { log: asGiven, probe: null } }),
  },
  'firmware-limit': {
    produce: ev({ credentials: LONG, lint: lintConnect(LONG, 'ec616s'), steps: upTo(bad('CME 3'), ok()) }),
    // the module connected with the value the profile says it cannot take
    suppress: ev({ credentials: LONG, lint: lintConnect(LONG, 'ec616s'), steps: upTo() }),
  },
  'unquotable-chars': {
    produce: ev({ credentials: QUOTED, lint: lintConnect(QUOTED, 'ec616s'), steps: upTo(bad('lint'), ok()) }),
    suppress: ev({ credentials: FULL, lint: lintConnect(FULL, 'ec616s'), steps: upTo(bad('lint'), ok()) }),
  },
  'protocol-level': {
    produce: ev({ protocolLevel: 3, steps: upTo(bad(1), bad(1)) }),
    suppress: ev({ protocolLevel: 3, steps: upTo() }),
  },
  'tls-without-ca': {
    produce: ev({ tls: true, steps: [step('open', bad(-1), ok()), step('connect', skip, ok())] }),
    suppress: ev({ tls: true, steps: upTo() }),
  },
  // a QMT module keeps its TLS files itself (qmt.md §4): its +QMTOPEN: 0,-1 beside a direct TLS success is a hypothesis about its setup; a plain TCP broker is not
  'tls-module-setup': {
    produce: ev({ dialect: 'qmt', tls: true, steps: [step('open', bad(-1), ok()), step('connect', skip, ok())] }),
    suppress: ev({ dialect: 'qmt', tls: false, steps: [step('open', bad(-1), ok()), step('connect', skip, ok())] }),
  },
  'broker-credentials': {
    produce: ev({ steps: upTo(bad(5), bad(5)) }),
    suppress: ev({ steps: upTo(bad(5), ok()) }),
  },
  'broker-identifier': {
    produce: ev({ steps: upTo(bad(2), bad(2)) }),
    suppress: ev({ steps: upTo(bad(2), ok()) }),
  },
  'broker-acl': {
    produce: ev({ steps: [...upTo(), step('subscribe', ok(1), bad(128))] }),
    suppress: ev({ steps: [...upTo(), step('subscribe', ok(1), ok(1))] }),
  },
  'network-module': {
    produce: ev({ steps: [step('open', bad(-1), ok())] }),
    suppress: ev({ steps: [step('open', bad(-1), bad('ECONNREFUSED'))] }),
  },
  'pdn-inactive': {
    produce: ev({ steps: [step('open', bad('CME 3'), ok())] }),
    suppress: ev({ steps: [step('open', ok(), ok())] }),
  },
  'broker-unreachable': {
    produce: ev({ steps: [step('open', bad(-1), bad('ECONNREFUSED'))] }),
    suppress: ev({ steps: [step('open', bad(-1), ok())] }),
  },
  'sub-value-count': {
    produce: ev({ steps: [...upTo(), step('subscribe', ok(1), ok(2))] }),
    suppress: ev({ steps: [...upTo(), step('subscribe', ok(1), ok(1))] }),
  },
  'payload-nul': {
    produce: ev(delivered({ exact: false, got: Buffer.from('ab') }, {}, Buffer.from('ab\0cd'))),
    suppress: ev(delivered({})),
  },
  'payload-rx-buffer': {
    produce: ev(delivered({ received: false, exact: false, got: null }, {}, Buffer.alloc(2000, 0x61))),
    suppress: ev(delivered({}, {}, Buffer.alloc(2000, 0x61))),
  },
  'payload-crlf': {
    produce: ev(delivered({ exact: false, got: Buffer.from('{\r\n"a":1'), inferred: true }, {}, Buffer.from('{\r\n"a":1\r\n}'))),
    suppress: ev(delivered({}, {}, Buffer.from('{\r\n"a":1\r\n}'))),
  },
  'payload-mangled': {
    produce: ev(delivered({ exact: false, got: Buffer.from('{"a":2}') })),
    suppress: ev(delivered({})),
  },
  'loss-on-module': {
    produce: ev(delivered({ received: false, exact: false, got: null })),
    suppress: ev(delivered({})),
  },
  'loss-at-broker': {
    produce: ev(delivered({ received: false, exact: false, got: null, brokerDelivered: false })),
    suppress: ev(delivered({})),
  },
  'broker-silent': {
    produce: ev({ steps: upTo(bad('no-urc'), ok()) }),
    suppress: ev({ steps: upTo() }),
  },
  'double-connack': {
    produce: ev({ doubleConnUrc: true }),
    suppress: ev({ doubleConnUrc: false }),
  },
  'identity-mismatch': {
    produce: ev({ identity: { log: asAuto, probe: null } }),
    suppress: ev({ identity: { log: asGiven, probe: null } }),
  },
  'credentials-altered': {
    produce: ev({ credentials: PW40, steps: upTo(bad(5), ok()), credentialCheck: lintCredentialsAcrossProfiles(PW40) }),
    // the broker refuses the host too: it is the broker's answer, not an alteration
    suppress: ev({ credentials: PW40, steps: upTo(bad(5), bad(5)), credentialCheck: lintCredentialsAcrossProfiles(PW40) }),
  },
  unexplained: {
    produce: ev({ steps: [...upTo(), step('disconnect', bad(-1), ok())] }),
    suppress: ev({ steps: [...upTo(), step('disconnect', ok(), ok())] }),
  },
};

const ids = (e: Evidence): string[] => explainComparison(e).causes.map((c) => c.id);

describe('verdict table: every cause has a producing and a suppressing set of observations', () => {
  for (const [id, row] of Object.entries(TABLE)) {
    it(`${id}: produced by its observations, with the evidence listed`, () => {
      const v = explainComparison(row.produce);
      const c = v.causes.find((x) => x.id === id);
      expect(c, `${id} not among ${v.causes.map((x) => x.id).join(', ')}`).toBeDefined();
      expect(c!.evidence.length).toBeGreaterThan(0);
      for (const e of c!.evidence) expect(e.zh).toMatch(/[\u4e00-\u9fff]|\d/);
    });
    it(`${id}: suppressed by the contradicting observations`, () => {
      expect(ids(row.suppress)).not.toContain(id);
    });
  }

  it('every cause any row produces lists the observations it rests on', () => {
    for (const row of Object.values(TABLE)) for (const c of explainComparison(row.produce).causes) expect(c.evidence.length, c.id).toBeGreaterThan(0);
  });
});

describe('the credential quirk: observed, assumed, contradicted', () => {
  it('without any observation of the module\'s identity it is a hypothesis, worded as one, with a low weight', () => {
    const c = explainComparison(ev({ credentials: USER_ONLY })).causes.find((x) => x.id === 'credential-quirk')!;
    expect(c.hypothesis).toBe(true);
    expect(c.confidence).toBeLessThan(0.5);
    expect(c.text.en).toMatch(/hypothesis: the ec616s profile says so; not observed/);
    expect(c.evidence.map((e) => e.en).join(' ')).toMatch(/assumed, not observed/);
  });

  it('observed in the broker\'s log (an ID the broker assigned, no user name): stated, not hedged', () => {
    const c = explainComparison(ev({ credentials: USER_ONLY, identity: { log: asAuto, probe: null } })).causes.find((x) => x.id === 'credential-quirk')!;
    expect(c.hypothesis).toBeUndefined();
    expect(c.confidence).toBeGreaterThanOrEqual(0.9);
    expect(c.evidence.map((e) => e.en)).toContain(`broker log: ${autoLine}`);
  });

  it('dropped when the module\'s line carries a user name (the quirk would have sent none)', () => {
    const withUser: LogIdentity = { ...asAuto, assigned: false, clientId: 'other-7', user: 'present' };
    expect(ids(ev({ credentials: USER_ONLY, identity: { log: withUser, probe: null } }))).not.toContain('credential-quirk');
  });

  it('dropped when the takeover probe knocked the module off with the given client ID', () => {
    const probe = { clientId: 'dev1', connack: 0, moduleDropped: true, dropMs: 40, windowMs: 3000, restored: 'module-reconnected' as const };
    expect(ids(ev({ credentials: USER_ONLY, identity: { log: null, probe } }))).not.toContain('credential-quirk');
  });

  it('the probe that did not drop the module is evidence for both the quirk and the identity mismatch', () => {
    const probe = { clientId: 'dev1', connack: 0, moduleDropped: false, dropMs: null, windowMs: 3000, restored: 'untouched' as const };
    const v = explainComparison(ev({ credentials: USER_ONLY, identity: { log: null, probe } }));
    expect(v.causes.map((c) => c.id)).toEqual(expect.arrayContaining(['credential-quirk', 'identity-mismatch']));
    expect(v.causes.find((c) => c.id === 'identity-mismatch')!.evidence.map((e) => e.en).join(' ')).toMatch(/did NOT drop the module within 3000 ms/);
  });
});

describe('credentials-altered', () => {
  it('names the profiles that would cut or refuse the values and gives the bisect hint', () => {
    const c = explainComparison(TABLE['credentials-altered'].produce).causes[0]!;
    expect(c.id).toBe('credentials-altered');
    const ev = c.evidence.map((e) => e.en).join('\n');
    expect(ev).toMatch(/same inputs on both sides: client ID 4 bytes, user name 4 bytes, password 40 bytes/);
    expect(ev).toMatch(/profile old-truncating would CUT the password \(40 bytes\) to 32 bytes/);
    expect(c.text.en).toMatch(/Bisect the length/);
    expect(JSON.stringify(c)).not.toContain('x'.repeat(40));
  });

  it('yields to firmware-limit when the named profile already says the value is too long', () => {
    const v = explainComparison(ev({ credentials: LONG, lint: lintConnect(LONG, 'ec616s'), steps: upTo(bad(5), ok()) }));
    expect(v.causes.map((c) => c.id)).not.toContain('credentials-altered');
    expect(v.causes[0]?.id).toBe('firmware-limit');
  });
});
