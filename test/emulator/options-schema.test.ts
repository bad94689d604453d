/**
 * The emulator's option schema (valibot): each refusal is one ERR_INVALID_OPTION whose message
 * names the option as users write it and says what it must be, with what was given — the same
 * words as the hand-written checker it replaced.
 */
import { describe, expect, it } from 'vitest';
import { checkFaults, defaultConditions, mergeConditions, resolveOptions, type EcmtEmulatorOptions } from '../../src/emulator/options.js';
import { isCatError } from '../../src/util/errors.js';

function refusal(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(isCatError(e, 'ERR_INVALID_OPTION')).toBe(true);
    return (e as Error).message;
  }
  throw new Error('not refused');
}

describe('emulator options: the schema and its messages', () => {
  it.each<[string, unknown, string]>([
    ['an unknown top-level option', { nosuch: 1 }, 'emulator option nosuch: unknown option (known: dialect, model, profile, conditions, identity, echo, cmee, faults, seed, clock, connect, record, recordRedact, reconnectDelayMs, openTimeoutMs, bootBanner)'],
    ['a profile not among the names', { profile: 'ec999' }, 'emulator option profile: must be one of'],
    ['rssi out of range', { conditions: { signal: { rssi: 40 } } }, 'emulator option conditions.signal.rssi: must be an integer 0–31 (got 40)'],
    ['an unknown condition', { conditions: { weather: 'rain' } }, 'emulator option conditions.weather: unknown option (known: sim, pin, registration, rat, pdp, signal, cell, dns, ping)'],
    ['a SIM state not among the choices', { conditions: { sim: 'maybe' } }, 'emulator option conditions.sim: must be one of ready, absent, pin-required (got maybe)'],
    ['a DNS answer that is no address', { conditions: { dns: { 'broker.local': 'x' } } }, 'emulator option conditions.dns["broker.local"]: must be an IPv4 address or null (got x)'],
    ['a cell TAC that is not 4 hex digits', { conditions: { cell: { tac: 'XYZ' } } }, 'emulator option conditions.cell.tac: must be 4 hex digits'],
    ['an IMEI of the wrong length', { identity: { imei: '123' } }, 'emulator option identity.imei: must be 15–15 digits (got 123)'],
    ['cmee out of range', { cmee: 3 }, 'emulator option cmee: must be an integer 0–2 (got 3)'],
    ['a garble probability over 1', { faults: { garble: 2 } }, 'emulator option faults.garble: must be a probability 0–1 (got 2)'],
    ['a delay range upside down', { faults: { delayMs: [5, 2] } }, 'emulator option faults.delayMs[1]: must be an integer 5–600000 (got 2)'],
    ['hang with both triggers', { faults: { hang: { afterCommands: 1, atCommand: 'AT' } } }, 'emulator option faults.hang: give exactly one of afterCommands (a count) or atCommand (a command name such as AT+ECMTSUB)'],
    ['a boot banner with a line break', { bootBanner: ['RDY\r\n'] }, 'emulator option bootBanner: must be a list of one-line strings'],
  ])('%s', (_name, opts, message) => {
    expect(refusal(() => resolveOptions(opts as EcmtEmulatorOptions))).toContain(message);
  });

  it('setConditions/setFaults name their own option', () => {
    expect(refusal(() => mergeConditions(defaultConditions('ec616s'), { ping: { rttMs: 70_000 } }, 'setConditions'))).toBe('emulator option setConditions.ping.rttMs: must be an integer 0–60000 (got 70000)');
    expect(refusal(() => checkFaults({ chunk: -1 }, 'setFaults'))).toBe('emulator option setFaults.chunk: must be an integer 0–1048576 (got -1)');
  });

  it('valid values are taken, merged onto the defaults, in the documented forms', () => {
    const r = resolveOptions({ conditions: { signal: { rssi: 99, cesq: { rsrp: 40 } }, cell: { tac: 'ab12' }, dns: { h: null }, ping: 'timeout' }, identity: { imei: '861234567890123' }, faults: { delayMs: [1, 5] } });
    const d = defaultConditions('ec616s');
    expect(r.conditions.signal).toEqual({ ...d.signal, rssi: 99, cesq: { ...d.signal.cesq, rsrp: 40 } });
    expect(r.conditions.cell.tac).toBe('AB12');
    expect(r.conditions.dns).toEqual({ h: null });
    expect(r.conditions.ping).toBe('timeout');
    expect(r.identity.imei).toBe('861234567890123');
    expect(r.identity.manufacturer).toBe('cat1-bridge emulator');
    expect(r.faults.delayMs).toEqual([1, 5]);
    expect(r.cmee).toBe(1);
  });
});
