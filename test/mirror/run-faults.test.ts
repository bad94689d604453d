/**
 * The run's own causes (src/mirror/run-faults.ts), as table rows: for each, one observation set
 * that must produce it, and one contradicting observation that must suppress it. Pure: recorded
 * outcomes, no broker, no module. Expected values are written here from the protocol's meaning,
 * not taken from the code.
 */
import { describe, expect, it } from 'vitest';
import { explainComparison, type Evidence } from '../../src/mirror/verdict.js';
import type { BrokerLoss, CompareStep, ModuleSilence, SideOutcome } from '../../src/mirror/report.js';
import { runStoppedBy } from '../../src/mirror/run-faults.js';
import { firmwareProfile } from '../../src/dialects/ecmt/firmware.js';
import { text } from '../../src/util/i18n.js';

const ok = (code: number | string | null = 0): SideOutcome => ({ ok: true, code, detail: text('ok', 'ok'), latencyMs: 10 });
const bad = (code: number | string | null): SideOutcome => ({ ok: false, code, detail: text(`failed ${String(code)}`, `失败 ${String(code)}`), latencyMs: 10 });
const step = (name: CompareStep['step'], m: SideOutcome, d: SideOutcome): CompareStep => ({ step: name, module: m, direct: d, same: (m.ok && d.ok) || (!m.ok && !d.ok && m.code === d.code) });

function evidence(over: Partial<Evidence>): Evidence {
  return {
    profile: firmwareProfile('ec616s'),
    credentials: { clientId: 'dev1', username: 'user', password: 'secret-pw' },
    protocolLevel: 4,
    tls: false,
    moduleHasCa: false,
    lint: [],
    steps: [],
    delivery: null,
    payload: Buffer.from('{"a":1}'),
    brokerLog: [],
    ...over,
  };
}

// the module's open failed (+ECMTOPEN: 0,-1) after the host had reached the broker
const openFailed = [step('open', bad(-1), ok(null))];
// the module's subscribe never got an answer (AT command timed out) while the host's was granted
const subSilent = [step('open', ok(), ok(null)), step('connect', ok(), ok()), step('subscribe', bad('no-answer'), ok(1))];

const loss: BrokerLoss = { at: 3.2, step: 'open', code: 'ECONNREFUSED', seenBy: text("the module's open failed", '模组打开链路失败'), lastOkAt: 0.4 };
const silence: ModuleSilence = { lastByteAt: 12.3, lastLine: '+ECMTCONN: 0,0,0', command: 'AT+ECMTSUB=0,1,"t/d2m",1', sentAt: 12.4, waitedMs: 5000, step: 'subscribe' };

interface Row {
  cause: 'broker-lost' | 'module-silent';
  produces: { what: string; e: Evidence; text: RegExp; evidence: RegExp[]; absent: string[] };
  suppressed: { what: string; e: Evidence; instead: string | null };
}

const rows: Row[] = [
  {
    cause: 'broker-lost',
    produces: {
      what: "the module's open failed and a fresh direct TCP connect right after was refused",
      e: evidence({ steps: openFailed, run: { brokerLost: loss, moduleSilent: null } }),
      text: /^the broker went away during the run: at 3\.2 s, during "open", this host could no longer connect to it either \(ECONNREFUSED\)/,
      evidence: [/direct TCP connect from this host at 3\.2 s \(during "open"\) failed: ECONNREFUSED/, /first noticed: the module's open failed/, /last reached the broker at 0\.4 s/],
      // the same symptom read as the module's network is exactly the wrong story
      absent: ['network-module', 'unexplained'],
    },
    suppressed: {
      what: 'the same failed open, but the direct re-check still reached the broker (no loss observed)',
      e: evidence({ steps: openFailed, run: { brokerLost: null, moduleSilent: null } }),
      instead: 'network-module',
    },
  },
  {
    cause: 'module-silent',
    produces: {
      what: 'AT+ECMTSUB got no answer and no byte came from the module after it was written',
      e: evidence({ steps: subSilent, run: { brokerLost: null, moduleSilent: silence } }),
      text: /^the module stopped answering at 12\.3 s \(last line "\+ECMTCONN: 0,0,0"\): AT\+ECMTSUB=0,1,"t\/d2m",1 got no answer and not a single byte came within 5000 ms/,
      evidence: [/last byte from the module at 12\.3 s: "\+ECMTCONN: 0,0,0"/, /written at 12\.4 s \(step "subscribe"\): nothing back within 5000 ms/],
      absent: ['unexplained', 'broker-silent'],
    },
    suppressed: {
      // the module printed something after the command (so it is not silent): the watch records no silence
      what: 'the same unanswered subscribe, but the module printed a line after it (no silence observed)',
      e: evidence({ steps: subSilent, run: { brokerLost: null, moduleSilent: null } }),
      instead: 'unexplained',
    },
  },
];

describe('run-fault causes: one observation set produces each, a contradicting one suppresses it', () => {
  describe.each(rows)('$cause', (row) => {
    it(`produced: ${row.produces.what}`, () => {
      const v = explainComparison(row.produces.e);
      const c = v.causes[0]!;
      expect(c.id).toBe(row.cause);
      expect(c.text.en).toMatch(row.produces.text);
      for (const re of row.produces.evidence) expect(c.evidence.map((x) => x.en).some((x) => re.test(x)), String(re)).toBe(true);
      for (const id of row.produces.absent) expect(v.causes.map((x) => x.id)).not.toContain(id);
      // every cause also speaks Chinese, with the same figures
      expect(c.text.zh).toMatch(/\d+\.\d/);
      expect(runStoppedBy(v.causes)).toBe(row.cause);
    });

    it(`suppressed: ${row.suppressed.what}`, () => {
      const v = explainComparison(row.suppressed.e);
      const ids = v.causes.map((x) => x.id);
      expect(ids).not.toContain(row.cause);
      if (row.suppressed.instead) expect(ids[0]).toBe(row.suppressed.instead);
      expect(runStoppedBy(v.causes)).toBeNull();
    });
  });

  it('a module that never said a word is named as such, with no invented last line', () => {
    const v = explainComparison(evidence({ steps: subSilent, run: { brokerLost: null, moduleSilent: { ...silence, lastByteAt: null, lastLine: null } } }));
    expect(v.causes[0]!.text.en).toMatch(/^the module answered nothing since the comparison started: AT\+ECMTSUB/);
    expect(v.causes[0]!.evidence[0]!.en).toBe('no byte from the module since the comparison started');
  });

  it('both at once (the broker died, then the module hung): both are named, broker-lost first', () => {
    const v = explainComparison(evidence({ steps: subSilent, run: { brokerLost: { ...loss, step: 'subscribe' }, moduleSilent: silence } }));
    expect(v.causes.map((c) => c.id).slice(0, 2)).toEqual(['broker-lost', 'module-silent']);
  });
});
