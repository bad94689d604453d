import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expandTemplate, parsePorts, refuseDuplicateIds, templateFields, topicLevel } from '../../src/fleet/targets.js';
import { junitXml } from '../../src/fleet/junit.js';
import { runPool } from '../../src/fleet/pool.js';
import { isCatError } from '../../src/util/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'cat1-fleet-targets-'));
for (const n of ['ttyUSB0', 'ttyUSB1', 'ttyUSB10', 'ttyACM0']) writeFileSync(join(dir, n), '');
mkdirSync(join(dir, 'ttyUSBdir'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const code = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return isCatError(e) ? e.code : 'not a CatError';
  }
  return undefined;
};

describe('--ports', () => {
  it('a list keeps its order and drops a repeated path', () => {
    expect(parsePorts('/dev/ttyUSB2, /dev/ttyUSB6,/dev/ttyUSB2')).toEqual({ kind: 'list', paths: ['/dev/ttyUSB2', '/dev/ttyUSB6'] });
  });
  it('a glob expands in the last path element, in numeric order, directories left out', () => {
    expect(parsePorts(join(dir, 'ttyUSB*'))).toEqual({ kind: 'list', paths: ['ttyUSB0', 'ttyUSB1', 'ttyUSB10'].map((n) => join(dir, n)) });
    expect(parsePorts(`${join(dir, 'ttyUSB?')},${join(dir, 'ttyACM[0-9]')}`)).toEqual({ kind: 'list', paths: ['ttyUSB0', 'ttyUSB1', 'ttyACM0'].map((n) => join(dir, n)) });
  });
  it('auto stands alone; an empty list or a glob matching nothing is a usage error', () => {
    expect(parsePorts('auto')).toEqual({ kind: 'auto' });
    expect(code(() => parsePorts('auto,/dev/ttyUSB0'))).toBe('ERR_INVALID_OPTION');
    expect(code(() => parsePorts(' , '))).toBe('ERR_INVALID_OPTION');
    expect(code(() => parsePorts(join(dir, 'ttyXYZ*')))).toBe('ERR_INVALID_OPTION');
    expect(code(() => parsePorts('/dev/*/ttyUSB0'))).toBe('ERR_INVALID_OPTION');
  });
});

describe('client-ID templates', () => {
  it('fills {index}, {port} (its name), {imei} and {serial}', () => {
    expect(expandTemplate('line1-{index}-{port}-{imei}-{serial}', { index: 7, port: '/dev/serial/by-id/usb-X-if02', imei: '860000000000007', serial: 'A1B2' })).toEqual({ value: 'line1-7-usb-X-if02-860000000000007-A1B2' });
  });
  it('says which field is unknown for a module', () => {
    expect(expandTemplate('dev-{imei}', { index: 1, port: '/dev/ttyUSB0' })).toEqual({ missing: 'imei' });
  });
  it('refuses an unknown field', () => {
    expect(code(() => templateFields('dev-{mac}'))).toBe('ERR_INVALID_OPTION');
    expect([...templateFields('{index}-{imei}')]).toEqual(['index', 'imei']);
  });
  it('refuses two modules with one client ID, naming the ID and both ports', () => {
    let msg = '';
    try {
      refuseDuplicateIds('dev', [
        { port: '/dev/ttyUSB0', clientId: 'dev' },
        { port: '/dev/ttyUSB1', clientId: 'dev' },
      ]);
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toContain('"dev"');
    expect(msg).toContain('/dev/ttyUSB0, /dev/ttyUSB1');
    expect(msg).toContain('{index}');
    expect(code(() => refuseDuplicateIds('dev-{index}', [{ port: 'a', clientId: 'dev-1' }, { port: 'b', clientId: 'dev-2' }]))).toBeUndefined();
  });
  it('makes a name safe as one topic level', () => {
    expect(topicLevel('a/b+c#d')).toBe('a_b_c_d');
    expect(topicLevel('$SYS')).toBe('_SYS');
    expect(topicLevel('')).toBe('_');
  });
});

describe('JUnit XML', () => {
  it('one testcase per module and step; failures, errors and skips counted; XML escaped', () => {
    const xml = junitXml('cat1 fleet diagnose', [
      { module: '860000000000001 (/dev/ttyUSB0)', step: '1 link', status: 'pass', time: 0.01 },
      { module: '860000000000001 (/dev/ttyUSB0)', step: '3 sim', status: 'fail', time: 0.02, message: 'CME ERROR 10: SIM not inserted', detail: 'AT+CPIN? → +CME ERROR: 10' },
      { module: '/dev/ttyUSB1', step: 'open', status: 'error', time: 2, message: 'no answer to AT <&>' },
      { module: '860000000000001 (/dev/ttyUSB0)', step: '8 ping', status: 'skip', time: 0 },
    ], new Date('2026-01-02T03:04:05.678Z'));
    expect(xml).toContain('<testsuite name="cat1 fleet diagnose" tests="4" failures="1" errors="1" skipped="1" time="2.030" timestamp="2026-01-02T03:04:05">');
    expect(xml).toContain('<testcase classname="860000000000001 (/dev/ttyUSB0)" name="1 link" time="0.010"/>');
    expect(xml).toContain('<failure message="CME ERROR 10: SIM not inserted">AT+CPIN? → +CME ERROR: 10</failure>');
    expect(xml).toContain('<error message="no answer to AT &lt;&amp;&gt;">');
    expect(xml).toContain('<skipped message="skipped"/>');
  });
});

describe('runPool', () => {
  it('runs at most N at once, keeps the order of results, and one rejection stops nobody', async () => {
    let running = 0;
    let peak = 0;
    const gates: Array<() => void> = [];
    const p = runPool([1, 2, 3, 4, 5], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise<void>((r) => gates.push(r));
      running--;
      if (n === 3) throw new Error('three');
      return n * 10;
    });
    while (gates.length > 0 || running > 0) {
      await Promise.resolve();
      gates.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    const r = await p;
    expect(peak).toBe(2);
    expect(r.map((x) => (x.ok ? x.value : (x.error as Error).message))).toEqual([10, 20, 'three', 40, 50]);
  });
});
