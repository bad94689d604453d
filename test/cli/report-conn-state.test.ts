import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatRun } from '../../src/cli/report.js';
import { Out } from '../../src/cli/io.js';
import type { RunFacts } from '../../src/mirror/report.js';

/**
 * The "found on the module" line of a compare report names the module's own connection-state
 * query and what the state means, in the module's dialect. Oracles: the read forms of
 * shared/protocol/ecmt.md ("AT+ECMTCONN? → +ECMTCONN:0,<state>, 1 = other (opened only, failed…)")
 * and qmt.md §2 ("AT+QMTCONN? → +QMTCONN: <idx>,<state>: 1 initializing, 2 connecting,
 * 3 connected, 4 disconnecting").
 */
function run(connState: number | null): RunFacts {
  return { found: { open: { host: 'broker.example', port: 1883 }, connState }, mode: 'observed', notRun: [], changes: [], brokerLost: null, moduleSilent: null } as unknown as RunFacts;
}

function lines(r: RunFacts, lang: 'en' | 'zh', dialect?: string): string {
  const out = new Out({ json: false, lang, color: false, stream: new PassThrough() });
  return formatRun(r, out, dialect).join('\n');
}

describe('compare report: the module found open, in its dialect', () => {
  it('QMT: the AT+QMTCONN? state and its meaning (2 = connecting, 4 = disconnecting), English and Chinese', () => {
    const en = lines(run(2), 'en', 'qmt');
    expect(en).toContain('found link open (AT+QMTCONN? 2: connecting) to broker.example:1883');
    expect(en).not.toMatch(/ECMT/);
    expect(lines(run(4), 'en', 'qmt')).toContain('(AT+QMTCONN? 4: disconnecting)');
    const zh = lines(run(2), 'zh', 'qmt');
    expect(zh).toContain('链路已打开（AT+QMTCONN? 2：连接中）到 broker.example:1883');
  });

  it('ECMT (and no dialect named: the default): the AT+ECMTCONN? query, state 1 "opened only"', () => {
    for (const d of ['ecmt', undefined]) {
      const en = lines(run(1), 'en', d);
      expect(en).toContain('found link open (AT+ECMTCONN? 1: opened only');
      expect(en).toContain(') to broker.example:1883');
      expect(en).not.toMatch(/QMT/);
    }
  });

  it('state 3 reads "connected" in both dialects; a state the table does not know stays a number', () => {
    expect(lines(run(3), 'en', 'qmt')).toContain('found connected to broker.example:1883');
    expect(lines(run(3), 'en', 'ecmt')).toContain('found connected to broker.example:1883');
    expect(lines(run(9), 'en', 'qmt')).toContain('(AT+QMTCONN? 9) to');
    expect(lines(run(null), 'en', 'qmt')).toContain('(AT+QMTCONN? -) to');
  });
});
