import { describe, expect, it } from 'vitest';
import type { CfgSetting, Credentials } from '../../../src/dialects/ecmt/commands.js';
import { FIRMWARE_PROFILES, PROFILE_NAMES, type FirmwareLimits, type FirmwareProfile, type FirmwareProfileName } from '../../../src/dialects/ecmt/firmware.js';
import { hasErrors, lintCfg, lintConnect, lintCredentialsAcrossProfiles, lintOpen, lintPublish, lintSubscribe, lintUnsubscribe, type LintFinding } from '../../../src/dialects/ecmt/lint.js';

const s = (n: number): string => 'a'.repeat(n);
const ALL_SET: Credentials = { clientId: 'c', username: 'u', password: 'p' };
const pick = (f: LintFinding[], code: string, field: string): LintFinding[] => f.filter((x) => x.code === code && x.field === field);

/** One limit of the limits table: how to lint a value of size n, and which finding marks n as too big. */
interface LimitCase {
  name: string;
  limit: (l: FirmwareLimits) => number | null;
  lint: (n: number, p: FirmwareProfileName) => LintFinding[];
  /** a function when it depends on the profile (ec616-legacy: the inline and data-mode limits are both 1023) */
  code: string | ((l: FirmwareLimits) => string);
  field: string;
  severity: LintFinding['severity'] | ((l: FirmwareLimits) => LintFinding['severity']);
  /** strings carry their byte length; numbers do not */
  length: boolean;
}

const LIMITS: LimitCase[] = [
  { name: 'host', limit: (l) => l.host, lint: (n, p) => lintOpen(s(n), 1883, p), code: 'too-long', field: 'host', severity: 'error', length: true },
  { name: 'client ID', limit: (l) => l.clientId, lint: (n, p) => lintConnect({ ...ALL_SET, clientId: s(n) }, p), code: 'too-long', field: 'clientId', severity: 'error', length: true },
  { name: 'user name', limit: (l) => l.username, lint: (n, p) => lintConnect({ ...ALL_SET, username: s(n) }, p), code: 'too-long', field: 'username', severity: 'error', length: true },
  { name: 'password', limit: (l) => l.password, lint: (n, p) => lintConnect({ ...ALL_SET, password: s(n) }, p), code: 'too-long', field: 'password', severity: 'error', length: true },
  { name: 'subscribe topic', limit: (l) => l.topic, lint: (n, p) => lintSubscribe(1, s(n), 0, p), code: 'too-long', field: 'topic', severity: 'error', length: true },
  { name: 'unsubscribe topic', limit: (l) => l.topic, lint: (n, p) => lintUnsubscribe(1, s(n), p), code: 'too-long', field: 'topic', severity: 'error', length: true },
  { name: 'publish topic', limit: (l) => l.topic, lint: (n, p) => lintPublish({ msgId: 0, qos: 0, retain: false, topic: s(n), payload: 'x' }, p), code: 'too-long', field: 'topic', severity: 'error', length: true },
  { name: 'inline payload', limit: (l) => l.inlinePayload, lint: (n, p) => lintPublish({ msgId: 0, qos: 0, retain: false, topic: 't', payload: s(n) }, p), code: (l) => (l.inlinePayload < l.promptPayload ? 'payload-mode' : 'too-long'), field: 'payload', severity: (l) => (l.inlinePayload < l.promptPayload ? 'info' : 'error'), length: true },
  { name: 'prompt payload', limit: (l) => l.promptPayload, lint: (n, p) => lintPublish({ msgId: 0, qos: 0, retain: false, topic: 't', payload: s(n) }, p), code: 'too-long', field: 'payload', severity: 'error', length: true },
  { name: 'keep-alive', limit: (l) => l.keepaliveMax, lint: (n, p) => lintCfg({ type: 'keepalive', seconds: n }, p), code: 'out-of-range', field: 'keepalive', severity: 'error', length: false },
  { name: 'will topic', limit: (l) => l.willTopic, lint: (n, p) => lintCfg({ type: 'will', enabled: true, qos: 0, retain: false, topic: s(n), message: 'm' }, p), code: 'too-long', field: 'will.topic', severity: 'error', length: true },
  { name: 'will message', limit: (l) => l.willMessage, lint: (n, p) => lintCfg({ type: 'will', enabled: true, qos: 0, retain: false, topic: 't', message: s(n) }, p), code: 'too-long', field: 'will.message', severity: 'error', length: true },
  { name: 'aliauth product key', limit: (l) => l.aliauth.productKey, lint: (n, p) => lintCfg({ type: 'aliauth', productKey: s(n), deviceName: 'd', deviceSecret: 'x' }, p), code: 'too-long', field: 'aliauth.productKey', severity: 'error', length: true },
  { name: 'aliauth device name', limit: (l) => l.aliauth.deviceName, lint: (n, p) => lintCfg({ type: 'aliauth', productKey: 'p', deviceName: s(n), deviceSecret: 'x' }, p), code: 'too-long', field: 'aliauth.deviceName', severity: 'error', length: true },
  { name: 'aliauth device secret', limit: (l) => l.aliauth.deviceSecret, lint: (n, p) => lintCfg({ type: 'aliauth', productKey: 'p', deviceName: 'd', deviceSecret: s(n) }, p), code: 'too-long', field: 'aliauth.deviceSecret', severity: 'error', length: true },
];

const ROWS = PROFILE_NAMES.flatMap((profile) => LIMITS.map((c) => [profile, c.name, c] as const));

describe('every limit of every firmware profile', () => {
  it.each(ROWS)('%s: %s at the limit is clean, one more is reported with that limit', (profile, _name, c) => {
    const L = FIRMWARE_PROFILES[profile].limits;
    const limit = c.limit(L);
    const code = typeof c.code === 'function' ? c.code(L) : c.code;
    const severity = typeof c.severity === 'function' ? c.severity(L) : c.severity;
    if (limit === null) {
      // no known limit on this build: nothing to report even for a long value
      expect(pick(c.lint(1000, profile), code, c.field)).toEqual([]);
      return;
    }
    expect(pick(c.lint(limit, profile), code, c.field)).toEqual([]);
    const over = pick(c.lint(limit + 1, profile), code, c.field);
    expect(over).toHaveLength(1);
    expect(over[0]).toMatchObject({ severity, limit, profile, ...(c.length ? { valueLength: limit + 1 } : {}) });
    expect(over[0]!.message.en).not.toMatch(/\n/);
    expect(over[0]!.message.zh.length).toBeGreaterThan(0);
  });

  it('counts lengths in UTF-8 bytes', () => {
    const l = FIRMWARE_PROFILES.ec616s.limits.clientId; // 48
    const id = 'é'.repeat(l / 2); // 2 bytes each → exactly 48 bytes
    expect(pick(lintConnect({ ...ALL_SET, clientId: id }), 'too-long', 'clientId')).toEqual([]);
    expect(pick(lintConnect({ ...ALL_SET, clientId: id + 'a' }), 'too-long', 'clientId')[0]).toMatchObject({ valueLength: l + 1, limit: l });
  });

  it.each([
    ['ec616s', 31, 'clean'],
    ['ec616s', 41, 'rai'],
    ['ec616-legacy', 1, 'clean'],
    ['ec616-legacy', 10, 'retain'],
    ['ec616-legacy', 11, 'retain'],
    ['manual', 31, 'clean'],
    ['ec626-tls', 31, 'clean'],
  ] as const)('%s: <retain> %s (retain + 10 × RAI) → %s', (profile, field, expected) => {
    const retain = field % 10 === 1;
    const rai = Math.floor(field / 10) as 0 | 1 | 2 | 3;
    const f = lintPublish({ msgId: 1, qos: 1, retain, rai, topic: 't', payload: 'x' }, profile);
    if (expected === 'clean') expect(f).toEqual([]);
    else if (expected === 'retain') expect(pick(f, 'out-of-range', 'retain')).toEqual([expect.objectContaining({ severity: 'error', limit: FIRMWARE_PROFILES[profile].limits.retainMax, profile })]);
    else expect(pick(f, 'out-of-range', 'rai')).toEqual([expect.objectContaining({ severity: 'error', limit: 3, range: [0, 3] })]);
  });
});

describe('the credential quirk', () => {
  const combos = [0, 1, 2, 3, 4, 5, 6, 7].map((bits) => [!!(bits & 4), !!(bits & 2), !!(bits & 1)] as const);
  const rows = (['', undefined] as const).flatMap((empty) => combos.map(([c, u, p]) => [c, u, p, empty === undefined ? 'undefined' : '""'] as const));

  it.each(rows)('client ID %s, user name %s, password %s (empty given as %s)', (c, u, p, emptyAs) => {
    const empty = emptyAs === 'undefined' ? undefined : '';
    const creds: Credentials = { clientId: c ? 'dev-42' : empty, username: u ? 'user' : empty, password: p ? 'pw' : empty };
    for (const profile of PROFILE_NAMES) {
      const f = pick(lintConnect(creds, profile), 'credential-quirk', 'credentials');
      // all three given, or a build without the quirk (no-quirk, old-truncating): nothing to warn about
      if ((c && u && p) || !FIRMWARE_PROFILES[profile].quirks.credentialQuirk) {
        expect(f).toEqual([]);
        continue;
      }
      expect(f).toHaveLength(1);
      const finding = f[0]!;
      expect(finding).toMatchObject({ severity: 'warning', profile });
      expect(finding.message.en).toContain('EMPTY client ID');
      expect(finding.message.en).toContain('client ID " "');
      expect(finding.message.zh).toContain('" "');
      // a given client ID is dropped: the device looks connected but the platform shows it offline
      expect(finding.message.en.includes('offline')).toBe(c);
      expect(finding.message.zh.includes('离线')).toBe(c);
      expect(finding.message.en).not.toContain('dev-42');
      expect(finding.message.en).not.toContain('pw');
    }
  });

  it('is not reported for a profile without the quirk', () => {
    const noQuirk: FirmwareProfile = { ...FIRMWARE_PROFILES.ec616s, quirks: { ...FIRMWARE_PROFILES.ec616s.quirks, credentialQuirk: false } };
    expect(lintConnect({ clientId: 'only-id' }, noQuirk)).toEqual([]);
  });

  it('is clean with the field workaround (a single-space client ID)', () => {
    expect(lintConnect({ clientId: ' ', username: 'user', password: 'pw' })).toEqual([]);
  });
});

describe('characters that cannot be sent', () => {
  const fields: Array<[string, (v: string) => LintFinding[]]> = [
    ['host', (v) => lintOpen(v, 1883)],
    ['clientId', (v) => lintConnect({ ...ALL_SET, clientId: v })],
    ['username', (v) => lintConnect({ ...ALL_SET, username: v })],
    ['password', (v) => lintConnect({ ...ALL_SET, password: v })],
    ['topic', (v) => lintSubscribe(1, v, 0)],
    ['topic', (v) => lintUnsubscribe(1, v)],
    ['topic', (v) => lintPublish({ msgId: 0, qos: 0, retain: false, topic: v, payload: 'x' })],
    ['will.topic', (v) => lintCfg({ type: 'will', enabled: true, qos: 0, retain: false, topic: v, message: 'm' })],
    ['will.message', (v) => lintCfg({ type: 'will', enabled: true, qos: 0, retain: false, topic: 't', message: v })],
    ['aliauth.productKey', (v) => lintCfg({ type: 'aliauth', productKey: v, deviceName: 'd', deviceSecret: 's' })],
    ['aliauth.deviceName', (v) => lintCfg({ type: 'aliauth', productKey: 'p', deviceName: v, deviceSecret: 's' })],
    ['aliauth.deviceSecret', (v) => lintCfg({ type: 'aliauth', productKey: 'p', deviceName: 'd', deviceSecret: v })],
    ['ssl.psk', (v) => lintCfg({ type: 'ssl', syntax: 'ec616s', mode: 'psk', psk: v, identity: 'i' })],
    ['ssl.identity', (v) => lintCfg({ type: 'ssl', syntax: 'ec616s', mode: 'psk', psk: 'k', identity: v })],
    ['ssl.key', (v) => lintCfg({ type: 'ssl', syntax: 'ec616s', mode: 'ecc', key: v })],
    ['ssl.hostname', (v) => lintCfg({ type: 'ssl', syntax: 'ec616s', mode: 'ca', ca: 'QUJD', hostname: v })],
    ['ssl.caFile', (v) => lintCfg({ type: 'ssl', syntax: 'ec626', caFile: v, certFile: 'c', keyFile: 'k' }, 'ec626-tls')],
  ];
  const chars: Array<[string, string]> = [
    ['a double quote', '"'],
    ['CR', '\r'],
    ['LF', '\n'],
    ['NUL', '\0'],
    ['TAB', '\t'],
  ];
  const rows = fields.flatMap(([field, lint]) => chars.map(([what, ch]) => [field, what, lint, ch] as const));

  it.each(rows)('%s with %s is an error', (field, _what, lint, ch) => {
    const f = pick(lint(`ab${ch}cd`), 'unsendable-char', field);
    expect(f).toEqual([expect.objectContaining({ severity: 'error', valueLength: 5 })]);
  });

  it.each(fields)('%s: ; and , are fine (always quoted)', (field, lint) => {
    expect(pick(lint('a;b,c'), 'unsendable-char', field)).toEqual([]);
  });

  it.each([
    ['Ctrl-Z', '\x1a'],
    ['ESC', '\x1b'],
    ['NUL', '\0'],
  ])('a payload with %s cannot be sent', (_n, ch) => {
    const f = lintPublish({ msgId: 0, qos: 0, retain: false, topic: 't', payload: `a${ch}b` });
    expect(pick(f, 'unsendable-char', 'payload')).toEqual([expect.objectContaining({ severity: 'error', valueLength: 3 })]);
    expect(hasErrors(f)).toBe(true);
  });

  it.each([
    ['inner quotes and commas', '{"a":"x,y"}', []],
    ['CR/LF', '{\r\n"a":1\r\n}', ['payload-mode']],
    ['a leading quote', '"x"', ['payload-mode']],
    ['nothing', '', ['empty']],
  ])('a payload with %s is no error', (_n, payload, codes) => {
    const f = lintPublish({ msgId: 0, qos: 0, retain: false, topic: 't', payload });
    expect(f.map((x) => x.code)).toEqual(codes);
    expect(f.every((x) => x.severity === 'info')).toBe(true);
  });

  it('explains that an empty retained payload clears the retained message', () => {
    const [f] = lintPublish({ msgId: 0, qos: 0, retain: true, topic: 't', payload: '' });
    expect(f).toMatchObject({ code: 'empty', severity: 'info' });
    expect(f!.message.en).toContain('clears the retained message');
  });
});

describe('ranges', () => {
  type Row = [name: string, findings: () => LintFinding[], code: string | null, field?: string, severity?: LintFinding['severity'], limit?: number];
  const rows: Row[] = [
    ['port 1', () => lintOpen('h', 1), null],
    ['port 65535', () => lintOpen('h', 65535), null],
    ['port 0', () => lintOpen('h', 0), 'out-of-range', 'port', 'error', 1],
    ['port 65536', () => lintOpen('h', 65536), 'out-of-range', 'port', 'error', 65535],
    ['port 1883.5', () => lintOpen('h', 1883.5), 'not-integer', 'port', 'error'],
    ['empty host', () => lintOpen('', 1883), 'empty', 'host', 'error'],
    ['a URL as host', () => lintOpen('mqtt://broker.example', 1883), 'host-format', 'host', 'warning'],
    ['publish msgID 0 (QoS 0)', () => lintPublish({ msgId: 0, qos: 0, retain: false, topic: 't' }), null],
    ['publish msgID 65535', () => lintPublish({ msgId: 65535, qos: 1, retain: false, topic: 't' }), null],
    ['publish msgID -1', () => lintPublish({ msgId: -1, qos: 0, retain: false, topic: 't' }), 'out-of-range', 'msgId', 'error', 0],
    ['publish msgID 65536', () => lintPublish({ msgId: 65536, qos: 0, retain: false, topic: 't' }), 'out-of-range', 'msgId', 'error', 65535],
    ['publish msgID 0 with QoS 1', () => lintPublish({ msgId: 0, qos: 1, retain: false, topic: 't' }), 'msgid-zero', 'msgId', 'warning'],
    ['publish msgID 0 with QoS 2', () => lintPublish({ msgId: 0, qos: 2, retain: false, topic: 't' }), 'msgid-zero', 'msgId', 'warning'],
    ['publish QoS 3', () => lintPublish({ msgId: 1, qos: 3 as 2, retain: false, topic: 't' }), 'out-of-range', 'qos', 'error', 2],
    ['publish empty topic', () => lintPublish({ msgId: 1, qos: 0, retain: false, topic: '' }), 'empty', 'topic', 'error'],
    ['publish wildcard topic', () => lintPublish({ msgId: 1, qos: 0, retain: false, topic: 'a/+/b' }), 'invalid-topic', 'topic', 'warning'],
    ['subscribe msgID 1', () => lintSubscribe(1, 't', 0), null],
    ['subscribe msgID 65535', () => lintSubscribe(65535, 't', 2), null],
    ['subscribe msgID 0', () => lintSubscribe(0, 't', 0), 'out-of-range', 'msgId', 'error', 1],
    ['subscribe msgID 65536', () => lintSubscribe(65536, 't', 0), 'out-of-range', 'msgId', 'error', 65535],
    ['subscribe QoS 3', () => lintSubscribe(1, 't', 3), 'out-of-range', 'qos', 'error', 2],
    ['subscribe QoS -1', () => lintSubscribe(1, 't', -1), 'out-of-range', 'qos', 'error', 0],
    ['subscribe a valid filter', () => lintSubscribe(1, 'a/+/b/#', 0), null],
    ['subscribe # not last', () => lintSubscribe(1, 'a/#/b', 0), 'invalid-topic', 'topic', 'warning'],
    ['subscribe + inside a level', () => lintSubscribe(1, 'a/b+/c', 0), 'invalid-topic', 'topic', 'warning'],
    ['subscribe empty topic', () => lintSubscribe(1, '', 0), 'empty', 'topic', 'error'],
    ['unsubscribe msgID 0', () => lintUnsubscribe(0, 't'), 'out-of-range', 'msgId', 'error', 1],
    ['unsubscribe msgID 65536', () => lintUnsubscribe(65536, 't'), 'out-of-range', 'msgId', 'error', 65535],
    ['keep-alive -1', () => lintCfg({ type: 'keepalive', seconds: -1 }), 'out-of-range', 'keepalive', 'error', 0],
    ['keep-alive 120', () => lintCfg({ type: 'keepalive', seconds: 120 }), null],
    ['keep-alive 0', () => lintCfg({ type: 'keepalive', seconds: 0 }), 'keepalive-off', 'keepalive', 'info'],
    ['packet timeout 0', () => lintCfg({ type: 'timeout', packetTimeoutS: 0 }), 'out-of-range', 'timeout.packetTimeoutS', 'warning', 1],
    ['packet timeout 61', () => lintCfg({ type: 'timeout', packetTimeoutS: 61 }), 'out-of-range', 'timeout.packetTimeoutS', 'warning', 60],
    ['retries 0', () => lintCfg({ type: 'timeout', packetTimeoutS: 10, retries: 0 }), 'out-of-range', 'timeout.retries', 'warning', 1],
    ['retries 11', () => lintCfg({ type: 'timeout', packetTimeoutS: 10, retries: 11 }), 'out-of-range', 'timeout.retries', 'warning', 10],
    ['will QoS 3', () => lintCfg({ type: 'will', enabled: true, qos: 3 as 2, retain: false, topic: 't', message: 'm' }), 'out-of-range', 'will.qos', 'error', 2],
    ['will with an empty topic', () => lintCfg({ type: 'will', enabled: true, qos: 0, retain: false, topic: '', message: 'm' }), 'empty', 'will.topic', 'error'],
    ['will disabled', () => lintCfg({ type: 'will', enabled: false }), null],
    ['version 5', () => lintCfg({ type: 'version', level: 5 as 4 }), 'out-of-range', 'version', 'error', 4],
    ['version 4', () => lintCfg({ type: 'version', level: 4 }), null],
    ['cloud type 256', () => lintCfg({ type: 'cloud', cloudType: 256, dataType: 0 }), 'out-of-range', 'cloud.cloudType', 'error', 255],
    ['cloud data type 256', () => lintCfg({ type: 'cloud', cloudType: 4, dataType: 256 }), 'out-of-range', 'cloud.dataType', 'error', 255],
    ['cloud 255/255', () => lintCfg({ type: 'cloud', cloudType: 255, dataType: 255 }), null],
    ['cloud type 1 (OneNET)', () => lintCfg({ type: 'cloud', cloudType: 1, dataType: 1 }), 'cloud-type', 'cloud.cloudType', 'info'],
    ['dataformat send 2', () => lintCfg({ type: 'dataformat', send: 2 as 1, recv: 0 }), 'out-of-range', 'dataformat.send', 'error', 1],
    ['aliauth empty device name', () => lintCfg({ type: 'aliauth', productKey: 'p', deviceName: '', deviceSecret: 's' }), 'empty', 'aliauth.deviceName', 'error'],
    ['session clean', () => lintCfg({ type: 'session', clean: true }), null],
    ['ssl ca not base64', () => lintCfg({ type: 'ssl', syntax: 'ec616s', mode: 'ca', ca: '-----BEGIN CERTIFICATE-----' }), 'not-base64', 'ssl.ca', 'warning'],
    ['ssl psk empty', () => lintCfg({ type: 'ssl', syntax: 'ec616s', mode: 'psk', psk: '', identity: 'i' }), 'empty', 'ssl.psk', 'error'],
  ];

  it.each(rows)('%s', (_name, findings, code, field, severity, limit) => {
    const f = findings();
    if (code === null) {
      expect(f).toEqual([]);
      return;
    }
    const hit = pick(f, code, field!);
    expect(hit).toHaveLength(1);
    expect(hit[0]).toMatchObject({ severity, profile: 'ec616s', ...(limit !== undefined ? { limit } : {}) });
  });
});

describe('settings the module ignores', () => {
  it.each(PROFILE_NAMES.map((p) => [p] as const))('%s: "timeout" is reported as stored but not used', (profile) => {
    const f = lintCfg({ type: 'timeout', packetTimeoutS: 10, retries: 3, notice: false }, profile);
    expect(f).toEqual([expect.objectContaining({ code: 'ignored-setting', field: 'timeout', severity: 'info', profile })]);
    expect(f[0]!.message.en).toContain('host timer');
  });

  it('an out-of-range timeout is an error on a profile that uses it', () => {
    const uses: FirmwareProfile = { ...FIRMWARE_PROFILES.ec616s, quirks: { ...FIRMWARE_PROFILES.ec616s.quirks, timeoutIgnored: false } };
    expect(lintCfg({ type: 'timeout', packetTimeoutS: 61 }, uses)).toEqual([expect.objectContaining({ code: 'out-of-range', severity: 'error', limit: 60 })]);
  });

  it.each([
    [{ type: 'dataformat', send: 1, recv: 0 } as CfgSetting, 'warning'],
    [{ type: 'dataformat', send: 0, recv: 0 } as CfgSetting, 'info'],
    [{ type: 'echomode', on: true } as CfgSetting, 'warning'],
    [{ type: 'echomode', on: false } as CfgSetting, 'info'],
  ])('%j → ignored-setting %s', (setting, severity) => {
    expect(lintCfg(setting)).toEqual([expect.objectContaining({ code: 'ignored-setting', severity })]);
  });
});

describe('ssl syntax per profile', () => {
  const ec616s: CfgSetting = { type: 'ssl', syntax: 'ec616s', mode: 'psk', psk: 'k', identity: 'i' };
  const ec626: CfgSetting = { type: 'ssl', syntax: 'ec626', caFile: 'ca', certFile: 'c', keyFile: 'k' };
  it.each(PROFILE_NAMES.map((p) => [p, FIRMWARE_PROFILES[p].quirks.sslSyntax] as const))('%s takes the %s syntax only', (profile, syntax) => {
    const right = syntax === 'ec616s' ? ec616s : ec626;
    const wrong = syntax === 'ec616s' ? ec626 : ec616s;
    expect(lintCfg(right, profile)).toEqual([]);
    expect(lintCfg(wrong, profile)).toEqual([expect.objectContaining({ code: 'wrong-syntax', field: 'ssl', severity: 'error', profile })]);
  });
});

describe('secrets never appear in findings', () => {
  const SECRET = 'Tr0ub4dor&3-horse';
  const secretRows: Array<[string, (v: string) => LintFinding[]]> = [
    ['password (too long)', (v) => lintConnect({ clientId: 'c', username: 'u', password: v.repeat(20) })],
    ['password (with a quote)', (v) => lintConnect({ clientId: 'c', username: 'u', password: `${v}"` })],
    ['password (quirk)', (v) => lintConnect({ password: v })],
    ['password (legacy, 64 bytes)', (v) => lintConnect({ clientId: 'c', username: 'u', password: (v + v + v + v).slice(0, 64) }, 'ec616-legacy')],
    ['device secret (too long)', (v) => lintCfg({ type: 'aliauth', productKey: 'p', deviceName: 'd', deviceSecret: v.repeat(5) })],
    ['device secret (with CR)', (v) => lintCfg({ type: 'aliauth', productKey: 'p', deviceName: 'd', deviceSecret: `${v}\r` })],
    ['PSK (with a quote)', (v) => lintCfg({ type: 'ssl', syntax: 'ec616s', mode: 'psk', psk: `"${v}`, identity: 'i' })],
    ['ECC key (with LF)', (v) => lintCfg({ type: 'ssl', syntax: 'ec616s', mode: 'ecc', key: `${v}\n${v}` })],
    ['payload (too long)', (v) => lintPublish({ msgId: 1, qos: 1, retain: false, topic: 't', payload: v.repeat(100) })],
    ['payload (Ctrl-Z)', (v) => lintPublish({ msgId: 1, qos: 1, retain: false, topic: 't', payload: `${v}\x1a` })],
  ];
  it.each(secretRows)('%s: reported by length only', (_n, lint) => {
    const f = lint(SECRET);
    expect(f.length).toBeGreaterThan(0);
    const all = JSON.stringify(f);
    expect(all).not.toContain('Tr0ub4dor');
    expect(all).not.toContain('horse');
  });
});

describe('hasErrors', () => {
  it.each([
    [[], false],
    [lintConnect({ clientId: 'x' }), false],
    [lintOpen('', 1883), true],
    [lintCfg({ type: 'timeout', packetTimeoutS: 99 }), false],
  ] as const)('%# → %s', (f, expected) => {
    expect(hasErrors(f)).toBe(expected);
  });

  it('rejects an unknown profile name', () => {
    expect(() => lintOpen('h', 1883, 'nope' as FirmwareProfileName)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
  });
});

describe('credentials against every known profile', () => {
  it('names each build that would refuse or cut a value, by length only', () => {
    const pw = 'q'.repeat(70); // over old-truncating (32, cuts) and ec616-legacy (63, refuses); under manual (96) and ec616s (128)
    const found = lintCredentialsAcrossProfiles({ clientId: 'dev1', username: 'user', password: pw });
    expect(found).toEqual([
      { profile: 'ec616-legacy', field: 'password', valueLength: 70, limit: 63, effect: 'refuse' },
      { profile: 'old-truncating', field: 'password', valueLength: 70, limit: 32, effect: 'truncate' },
    ]);
    expect(JSON.stringify(found)).not.toContain(pw);
  });

  it('a truncating build says it cuts and sends, not that it refuses', () => {
    const [f] = lintConnect({ clientId: 'dev1', username: 'user', password: 'q'.repeat(40) }, 'old-truncating').filter((x) => x.code === 'too-long');
    expect(f?.message.en).toMatch(/cuts it to 32 and sends that/);
    expect(f?.message.zh).toMatch(/截断为 32 字节/);
  });
});
