import { describe, expect, it } from 'vitest';
import { chooseProfile, getDialect, isKnownModel, settingsForDialect } from '../../../src/dialects/index.js';
import type { Dialect } from '../../../src/dialects/types.js';
import * as qmt from '../../../src/dialects/qmt/commands.js';
import { ecmtCmd, type CfgSetting } from '../../../src/dialects/ecmt/commands.js';
import { CatError } from '../../../src/util/errors.js';

/**
 * The dialect hook that turns the run's dialect-neutral MQTT settings into configuration
 * commands, and the model choice. Expected command lines are written from
 * ../shared/protocol/qmt.md §2.2 (`"session",<idx>,<clean>`: 1 clean, 0 keep; `"version"`: 3 =
 * MQTT 3.1, 4 = 3.1.1) and ecmt.md (the CA body without PEM lines), not from the builders.
 */
const Q = getDialect('qmt');
const E = getDialect('ecmt');

describe('settingsFor: neutral MQTT settings as each dialect\'s configuration commands', () => {
  it('QMT: keepalive, session (clean flag polarity), version, will as AT+QMTCFG lines of the client', () => {
    const out = settingsForDialect(Q, [
      { type: 'keepalive', seconds: 30 },
      { type: 'clean', clean: false },
      { type: 'clean', clean: true },
      { type: 'version', level: 4 },
      { type: 'version', level: 3 },
      { type: 'will', enabled: true, qos: 1, retain: false, topic: 'dev/lwt', message: 'gone' },
    ]);
    expect(out.map((x) => x.key)).toEqual(['keepalive', 'session', 'session', 'version', 'version', 'will']);
    const lines = out.map((x) => qmt.cfg({ ...(x.setting as object), idx: 0 } as qmt.QmtCfgSetting));
    expect(lines).toEqual([
      'AT+QMTCFG="keepalive",0,30',
      'AT+QMTCFG="session",0,0',
      'AT+QMTCFG="session",0,1',
      'AT+QMTCFG="version",0,4',
      'AT+QMTCFG="version",0,3',
      'AT+QMTCFG="will",0,1,1,0,"dev/lwt","gone"',
    ]);
  });

  it('QMT refuses a CA (a file uploaded with AT+QFUPL, qmt.md §4): ERR_INVALID_OPTION, one line, English and Chinese', () => {
    let err: unknown = null;
    try {
      settingsForDialect(Q, [{ type: 'keepalive', seconds: 60 }, { type: 'ca', pem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' }]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CatError);
    const c = err as CatError;
    expect(c.code).toBe('ERR_INVALID_OPTION');
    expect(c.message).not.toContain('\n');
    expect(c.message).toMatch(/AT\+QFUPL/);
    expect(c.zh).toMatch(/AT\+QFUPL/);
  });

  it('ECMT: the same words, and a CA as "ssl","ca" with the certificate body (no BEGIN/END lines, no line breaks)', () => {
    const out = settingsForDialect(E, [{ type: 'keepalive', seconds: 30 }, { type: 'ca', pem: '-----BEGIN CERTIFICATE-----\nMIIB\nAbc=\n-----END CERTIFICATE-----\n' }]);
    expect(out).toEqual([
      { key: 'keepalive', setting: { type: 'keepalive', seconds: 30 } },
      { key: 'ssl', setting: { type: 'ssl', syntax: 'ec616s', mode: 'ca', ca: 'MIIBAbc=' } },
    ]);
  });

  it('ECMT: the clean flag is the "session" key with the same polarity (ecmt.md: 1 = clean)', () => {
    const out = settingsForDialect(E, [{ type: 'clean', clean: true }, { type: 'clean', clean: false }]);
    expect(out.map((x) => x.key)).toEqual(['session', 'session']);
    expect(out.map((x) => ecmtCmd.cfg(x.setting as CfgSetting))).toEqual(['AT+ECMTCFG="session",0,1', 'AT+ECMTCFG="session",0,0']);
  });

  it('a dialect without the hook takes no settings (refused), and takes an empty list', () => {
    const bare: Dialect = { ...Q, name: 'qmt', settingsFor: undefined } as Dialect;
    expect(settingsForDialect(bare, [])).toEqual([]);
    expect(() => settingsForDialect(bare, [{ type: 'keepalive', seconds: 30 }])).toThrow(/no such translation/);
  });
});

describe('chooseProfile: the model and the observation it rests on', () => {
  it('--model by name or a variant of it (EC800N-CN), by option', () => {
    expect(chooseProfile(Q, { model: 'BG96' })).toEqual({ name: 'BG96', by: 'option', evidence: null });
    expect(chooseProfile(Q, { model: 'ec800n-cn' })).toMatchObject({ name: 'EC800N', by: 'option' });
  });
  it('an unknown model: ERR_INVALID_OPTION naming the known ones; no profile is invented', () => {
    expect(() => chooseProfile(Q, { model: 'EC999X' })).toThrow(/--model EC999X: not a Quectel QMT model cat1 has a profile for \(known: .*EG915U/);
    expect(isKnownModel('EC999X')).toBe(false);
    // ECMT firmware profiles are --profile values, not models
    expect(isKnownModel('ec616s')).toBe(false);
    expect(isKnownModel('EG915U')).toBe(true);
  });
  it('the identity answers: the line that names the model is the evidence', () => {
    expect(chooseProfile(Q, { identity: 'Quectel\nEG915U\nRevision: EG915UCNAAR03A01M08' })).toEqual({ name: 'EG915U', by: 'identity', evidence: 'EG915U' });
  });
  it('nothing names a model: the session default, as an assumption (no name here)', () => {
    expect(chooseProfile(Q, { identity: 'Quectel\nSOMETHING-ELSE' })).toEqual({ name: null, by: 'default', evidence: null });
    expect(chooseProfile(Q, {})).toEqual({ name: null, by: 'default', evidence: null });
  });
});
