import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { CFG_TYPES, classifyPayload, ecmtCmd, publishMode, type CfgSetting, type CfgType, type Credentials, type PublishSpec } from '../../../src/dialects/ecmt/commands.js';
import { FIRMWARE_PROFILES, PROFILE_NAMES, type FirmwareProfileName } from '../../../src/dialects/ecmt/firmware.js';
import { argsOf, isCfgQuery, pubUsesPrompt, splitParams } from '../../../src/dialects/ecmt/at-profiles.js';

const code = (c: string) => expect.objectContaining({ code: c });

/**
 * A model of what the module does with an inline payload (§2.3): the last parameter is the rest
 * of the line; a leading `"` and a trailing `"` are stripped.
 */
function moduleInlinePayload(command: string): string {
  const args = argsOf(command);
  // skip 0,<msgID>,<qos>,<retain>,"<topic>", — the topic is quoted and has no quote inside
  const m = /^\d+,\d+,\d+,\d+,"[^"]*",/.exec(args);
  if (!m) throw new Error(`no inline payload in ${command}`);
  let p = args.slice(m[0].length);
  if (p.startsWith('"')) {
    p = p.slice(1);
    if (p.endsWith('"')) p = p.slice(0, -1);
  }
  return p;
}

describe('AT+ECMTCFG set forms', () => {
  const rows: Array<[CfgSetting, string]> = [
    [{ type: 'keepalive', seconds: 60 }, 'AT+ECMTCFG="keepalive",0,60'],
    [{ type: 'keepalive', seconds: 0 }, 'AT+ECMTCFG="keepalive",0,0'],
    [{ type: 'session', clean: true }, 'AT+ECMTCFG="session",0,1'],
    [{ type: 'session', clean: false }, 'AT+ECMTCFG="session",0,0'],
    [{ type: 'timeout', packetTimeoutS: 10 }, 'AT+ECMTCFG="timeout",0,10'],
    [{ type: 'timeout', packetTimeoutS: 20, retries: 5 }, 'AT+ECMTCFG="timeout",0,20,5'],
    [{ type: 'timeout', packetTimeoutS: 20, retries: 5, notice: true }, 'AT+ECMTCFG="timeout",0,20,5,1'],
    [{ type: 'timeout', packetTimeoutS: 20, notice: false }, 'AT+ECMTCFG="timeout",0,20,3,0'],
    [{ type: 'will', enabled: false }, 'AT+ECMTCFG="will",0,0'],
    [{ type: 'will', enabled: true, qos: 1, retain: true, topic: 'dev/1/status', message: 'offline, bye' }, 'AT+ECMTCFG="will",0,1,1,1,"dev/1/status","offline, bye"'],
    [{ type: 'will', enabled: true, qos: 0, retain: false, topic: 't', message: '' }, 'AT+ECMTCFG="will",0,1,0,0,"t",""'],
    [{ type: 'version', level: 3 }, 'AT+ECMTCFG="version",0,3'],
    [{ type: 'version', level: 4 }, 'AT+ECMTCFG="version",0,4'],
    [{ type: 'aliauth', productKey: 'pk1', deviceName: 'dev1', deviceSecret: 'sec1' }, 'AT+ECMTCFG="aliauth",0,"pk1","dev1","sec1"'],
    [{ type: 'cloud', cloudType: 4, dataType: 1 }, 'AT+ECMTCFG="cloud",0,4,1'],
    [{ type: 'echomode', on: false }, 'AT+ECMTCFG="echomode",0,0'],
    [{ type: 'echomode', on: true }, 'AT+ECMTCFG="echomode",0,1'],
    [{ type: 'dataformat', send: 0, recv: 1 }, 'AT+ECMTCFG="dataformat",0,0,1'],
    [{ type: 'ssl', syntax: 'ec616s', mode: 'psk', psk: 'k3y', identity: 'me' }, 'AT+ECMTCFG="ssl","psk","k3y","me"'],
    [{ type: 'ssl', syntax: 'ec616s', mode: 'ecc', key: 'abc' }, 'AT+ECMTCFG="ssl","ecc","abc"'],
    [{ type: 'ssl', syntax: 'ec616s', mode: 'ca', ca: 'QUJD' }, 'AT+ECMTCFG="ssl","ca","QUJD"'],
    [{ type: 'ssl', syntax: 'ec616s', mode: 'ca', ca: 'QUJD', hostname: 'broker.example' }, 'AT+ECMTCFG="ssl","ca","QUJD","broker.example"'],
    [{ type: 'ssl', syntax: 'ec626', caFile: 'ca.pem', certFile: 'cli.pem', keyFile: 'cli.key' }, 'AT+ECMTCFG="ssl",2,"ca.pem","cli.pem","cli.key"'],
    [{ type: 'ssl', syntax: 'ec626', level: 1, caFile: 'ca.pem', certFile: 'cli.pem', keyFile: 'cli.key' }, 'AT+ECMTCFG="ssl",1,"ca.pem","cli.pem","cli.key"'],
  ];

  it.each(rows)('%j is built as %s', (setting, expected) => {
    const cmd = ecmtCmd.cfg(setting);
    expect(cmd).toBe(expected);
    expect(isCfgQuery(cmd)).toBe(false);
  });

  it('covers every CFG type', () => {
    expect(new Set(rows.map(([s]) => s.type))).toEqual(new Set(CFG_TYPES));
  });

  it('puts the connect id after the type, except for ssl which has none', () => {
    expect(ecmtCmd.cfg({ type: 'keepalive', seconds: 60 }, 0)).toBe('AT+ECMTCFG="keepalive",0,60');
    expect(ecmtCmd.cfg({ type: 'keepalive', seconds: 60 }, 1)).toBe('AT+ECMTCFG="keepalive",1,60');
    expect(ecmtCmd.cfg({ type: 'ssl', syntax: 'ec616s', mode: 'ecc', key: 'k' }, 1)).toBe('AT+ECMTCFG="ssl","ecc","k"');
  });

  it('counts the parameters as the firmware does (quoted commas stay inside)', () => {
    const cmd = ecmtCmd.cfg({ type: 'will', enabled: true, qos: 2, retain: false, topic: 'a,b;c', message: 'x, y; z' });
    expect(splitParams(argsOf(cmd))).toEqual(['"will"', '0', '1', '2', '0', '"a,b;c"', '"x, y; z"']);
  });
});

describe('AT+ECMTCFG query and test forms', () => {
  const rows: Array<[CfgType, string]> = CFG_TYPES.map((t) => [t, t === 'ssl' ? 'AT+ECMTCFG="ssl"' : `AT+ECMTCFG="${t}",0`]);
  it.each(rows)('the query of %s is %s, recognised as a query', (type, expected) => {
    const cmd = ecmtCmd.cfgQuery(type);
    expect(cmd).toBe(expected);
    expect(isCfgQuery(cmd)).toBe(true);
  });

  it('rejects an unknown type', () => {
    expect(() => ecmtCmd.cfgQuery('nope' as CfgType)).toThrow(code('ERR_INVALID_COMMAND'));
  });

  it('builds the test form', () => {
    expect(ecmtCmd.cfgTest()).toBe('AT+ECMTCFG=?');
  });
});

describe('read and test forms', () => {
  it.each([
    [ecmtCmd.openRead(), 'AT+ECMTOPEN?'],
    [ecmtCmd.connRead(), 'AT+ECMTCONN?'],
    [ecmtCmd.openTest(), 'AT+ECMTOPEN=?'],
    [ecmtCmd.connTest(), 'AT+ECMTCONN=?'],
    [ecmtCmd.subTest(), 'AT+ECMTSUB=?'],
    [ecmtCmd.unsTest(), 'AT+ECMTUNS=?'],
    [ecmtCmd.pubTest(), 'AT+ECMTPUB=?'],
    [ecmtCmd.discTest(), 'AT+ECMTDISC=?'],
    [ecmtCmd.closeTest(), 'AT+ECMTCLOSE=?'],
  ])('%s is exactly %s', (built, expected) => {
    expect(built).toBe(expected);
  });
});

describe('action commands', () => {
  it.each([
    [ecmtCmd.open('broker.example', 1883), 'AT+ECMTOPEN=0,"broker.example",1883'],
    [ecmtCmd.open('10.0.0.1', 9501, 0), 'AT+ECMTOPEN=0,"10.0.0.1",9501'],
    [ecmtCmd.sub(1, '/Pc_Control', 2), 'AT+ECMTSUB=0,1,"/Pc_Control",2'],
    [ecmtCmd.sub(7, 'a/+/#', 0), 'AT+ECMTSUB=0,7,"a/+/#",0'],
    [ecmtCmd.uns(3, 'a/b'), 'AT+ECMTUNS=0,3,"a/b"'],
    [ecmtCmd.disc(), 'AT+ECMTDISC=0'],
    [ecmtCmd.close(), 'AT+ECMTCLOSE=0'],
    [ecmtCmd.disc(0), 'AT+ECMTDISC=0'],
  ])('%s', (built, expected) => {
    expect(built).toBe(expected);
  });

  it('builds numbers out of range as given (range is the lint’s job)', () => {
    expect(ecmtCmd.sub(0, 't', 0)).toBe('AT+ECMTSUB=0,0,"t",0');
    expect(ecmtCmd.open('h', 70000)).toBe('AT+ECMTOPEN=0,"h",70000');
  });

  it.each([
    ['a fractional port', () => ecmtCmd.open('h', 1883.5)],
    ['NaN msgID', () => ecmtCmd.sub(Number.NaN, 't', 0)],
    ['an infinite keep-alive', () => ecmtCmd.cfg({ type: 'keepalive', seconds: Number.POSITIVE_INFINITY })],
    ['a fractional connect id', () => ecmtCmd.disc(0.5)],
    ['a fractional RAI', () => ecmtCmd.pub({ msgId: 0, qos: 0, retain: false, rai: 1.5 as 1, topic: 't', payload: 'x' })],
  ])('throws ERR_INVALID_COMMAND for %s', (_name, build) => {
    expect(build).toThrow(code('ERR_INVALID_COMMAND'));
  });
});

describe('AT+ECMTCONN leaves out trailing omitted fields', () => {
  const rows: Array<[Credentials, string]> = [
    [{}, 'AT+ECMTCONN=0'],
    [{ clientId: 'id' }, 'AT+ECMTCONN=0,"id"'],
    [{ clientId: 'id', username: 'user' }, 'AT+ECMTCONN=0,"id","user"'],
    [{ clientId: 'id', username: 'user', password: 'pw' }, 'AT+ECMTCONN=0,"id","user","pw"'],
    [{ password: 'pw' }, 'AT+ECMTCONN=0,"","","pw"'],
    [{ username: 'user' }, 'AT+ECMTCONN=0,"","user"'],
    [{ clientId: 'id', password: 'pw' }, 'AT+ECMTCONN=0,"id","","pw"'],
    [{ clientId: '' }, 'AT+ECMTCONN=0,""'],
    [{ clientId: ' ', username: 'u', password: 'p' }, 'AT+ECMTCONN=0," ","u","p"'],
    [{ clientId: 'id', username: 'user', password: 'a;b,c' }, 'AT+ECMTCONN=0,"id","user","a;b,c"'],
  ];
  it.each(rows)('%j → %s', (c, expected) => {
    expect(ecmtCmd.conn(c)).toBe(expected);
  });
});

describe('strings that cannot be expressed are refused, never sent broken', () => {
  const bad: Array<[string, string]> = [
    ['a double quote', 'a"b'],
    ['CR', 'a\rb'],
    ['LF', 'a\nb'],
    ['NUL', 'a\0b'],
    ['TAB', 'a\tb'],
    ['Ctrl-Z', 'a\x1ab'],
  ];
  const builders: Array<[string, (v: string) => unknown]> = [
    ['host', (v) => ecmtCmd.open(v, 1883)],
    ['clientId', (v) => ecmtCmd.conn({ clientId: v, username: 'u', password: 'p' })],
    ['username', (v) => ecmtCmd.conn({ clientId: 'c', username: v, password: 'p' })],
    ['password', (v) => ecmtCmd.conn({ clientId: 'c', username: 'u', password: v })],
    ['subscribe topic', (v) => ecmtCmd.sub(1, v, 0)],
    ['unsubscribe topic', (v) => ecmtCmd.uns(1, v)],
    ['publish topic', (v) => ecmtCmd.pub({ msgId: 0, qos: 0, retain: false, topic: v, payload: 'x' })],
    ['will topic', (v) => ecmtCmd.cfg({ type: 'will', enabled: true, qos: 0, retain: false, topic: v, message: 'm' })],
    ['will message', (v) => ecmtCmd.cfg({ type: 'will', enabled: true, qos: 0, retain: false, topic: 't', message: v })],
    ['aliauth deviceSecret', (v) => ecmtCmd.cfg({ type: 'aliauth', productKey: 'p', deviceName: 'd', deviceSecret: v })],
    ['ssl psk', (v) => ecmtCmd.cfg({ type: 'ssl', syntax: 'ec616s', mode: 'psk', psk: v, identity: 'i' })],
    ['ssl ca hostname', (v) => ecmtCmd.cfg({ type: 'ssl', syntax: 'ec616s', mode: 'ca', ca: 'QUJD', hostname: v })],
    ['ssl key file', (v) => ecmtCmd.cfg({ type: 'ssl', syntax: 'ec626', caFile: 'a', certFile: 'b', keyFile: v })],
  ];
  const rows = builders.flatMap(([field, build]) => bad.map(([what, value]) => [field, what, build, value] as const));
  it.each(rows)('%s with %s throws ERR_INVALID_COMMAND', (_field, _what, build, value) => {
    expect(() => build(value)).toThrow(code('ERR_INVALID_COMMAND'));
  });

  it('names the field but never the value in the error', () => {
    const secret = 'Sup3r"Secret-Value';
    let err: unknown;
    try {
      ecmtCmd.conn({ clientId: 'c', username: 'u', password: secret });
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'ERR_INVALID_COMMAND', context: { field: 'password' } });
    expect((err as Error).message).toContain('password');
    expect((err as Error).message).not.toContain('Sup3r');
    expect(JSON.stringify((err as { context: unknown }).context)).not.toContain('Sup3r');
  });

  it('quotes ; and , so they stay inside the value', () => {
    const cmd = ecmtCmd.sub(5, 'a;b,c', 1);
    expect(cmd).toBe('AT+ECMTSUB=0,5,"a;b,c",1');
    expect(splitParams(argsOf(cmd))).toEqual(['0', '5', '"a;b,c"', '1']);
  });
});

describe('AT+ECMTPUB', () => {
  const base = { msgId: 0, qos: 0, retain: false, topic: 'ESP32/common' } as const;

  it('sends JSON with commas and inner quotes inline, wrapped in quotes the module strips', () => {
    const payload = '{"GPSTime":"2024-01-01 12:00:00","location":{"lat":1.5,"lng":2.5},"key":12}';
    const r = ecmtCmd.pub({ msgId: 1, qos: 1, retain: false, topic: 'attributes', payload });
    expect(r).toEqual({ command: `AT+ECMTPUB=0,1,1,0,"attributes","${payload}"`, data: null, mode: 'inline' });
    expect(pubUsesPrompt(r.command)).toBe(false);
    expect(moduleInlinePayload(r.command)).toBe(payload);
  });

  it('matches the observed field form for a plain text payload', () => {
    expect(ecmtCmd.pub({ ...base, topic: '<topic>', payload: 'online' }).command).toBe('AT+ECMTPUB=0,0,0,0,"<topic>","online"');
  });

  it.each([
    ['commas and spaces', '你好, MQTT服务 , 我是ESP32 单片机'],
    ['leading and trailing spaces', '  padded  '],
    ['a semicolon', 'a;b'],
    ['an inner quote', 'say "hi" now'],
    ['a lone inner quote', 'a"b'],
    ['nothing (empty)', ''],
  ])('delivers a payload with %s inline, byte for byte', (_name, payload) => {
    const r = ecmtCmd.pub({ ...base, payload });
    expect(r.mode).toBe('inline');
    expect(r.data).toBeNull();
    expect(moduleInlinePayload(r.command)).toBe(payload);
  });

  it('sends multi-line JSON in prompt mode: the command has no payload, data carries the bytes', () => {
    const payload = '{\n  "command": "putdown"\n}';
    const r = ecmtCmd.pub({ ...base, payload });
    expect(r).toEqual({ command: 'AT+ECMTPUB=0,0,0,0,"ESP32/common"', data: Buffer.from(payload, 'utf8'), mode: 'prompt' });
    expect(pubUsesPrompt(r.command)).toBe(true);
  });

  it.each([
    ['starts with a quote', '"hello"'],
    ['starts with a quote only', '"abc'],
    ['ends with a quote only', 'abc"'],
    ['is a lone quote', '"'],
  ])('sends a payload that %s in prompt mode, so the broker gets the exact bytes', (_n, payload) => {
    const r = ecmtCmd.pub({ ...base, payload });
    expect(r.mode).toBe('prompt');
    expect(r.data?.toString('utf8')).toBe(payload);
  });

  it.each([
    ['TAB', 'a\tb'],
    ['backspace', 'a\bb'],
    ['DEL', 'a\x7fb'],
    ['CR', 'a\rb'],
  ])('sends a payload with %s in prompt mode', (_n, payload) => {
    expect(ecmtCmd.pub({ ...base, payload }).mode).toBe('prompt');
  });

  it('sends bytes that are not UTF-8 in prompt mode, unchanged', () => {
    const payload = Buffer.from([0x41, 0xff, 0xfe, 0x42]);
    const r = ecmtCmd.pub({ ...base, payload });
    expect(r.mode).toBe('prompt');
    expect(r.data).toEqual(payload);
  });

  it.each([
    ['Ctrl-Z', 'a\x1ab'],
    ['ESC', 'a\x1bb'],
    ['NUL', 'a\0b'],
  ])('refuses a payload with %s (ERR_PAYLOAD)', (_n, payload) => {
    expect(() => ecmtCmd.pub({ ...base, payload })).toThrow(code('ERR_PAYLOAD'));
  });

  it('omits the payload when none is given: prompt, the caller supplies the data', () => {
    expect(ecmtCmd.pub({ ...base })).toEqual({ command: 'AT+ECMTPUB=0,0,0,0,"ESP32/common"', data: null, mode: 'prompt' });
  });

  it('uses prompt mode when asked to, even for an inline-safe payload', () => {
    expect(ecmtCmd.pub({ ...base, payload: 'ok' }, 0, { mode: 'prompt' })).toEqual({ command: 'AT+ECMTPUB=0,0,0,0,"ESP32/common"', data: Buffer.from('ok'), mode: 'prompt' });
  });

  it.each([
    [false, 0, 0],
    [true, 0, 1],
    [false, 1, 10],
    [true, 2, 21],
    [true, 3, 31],
  ] as const)('writes retain %s with RAI %s as <retain> %s', (retain, rai, field) => {
    const r = ecmtCmd.pub({ msgId: 2, qos: 1, retain, rai, topic: '/test/topic', payload: 'm' });
    expect(r.command).toBe(`AT+ECMTPUB=0,2,1,${field},"/test/topic","m"`);
  });

  it.each([
    ['CR', 'a\rb'],
    ['LF', 'a\nb'],
    ['a double quote', 'a"b'],
  ])('rejects a topic with %s', (_n, topic) => {
    expect(() => ecmtCmd.pub({ ...base, topic, payload: 'x' })).toThrow(code('ERR_INVALID_COMMAND'));
    expect(() => ecmtCmd.sub(1, topic, 0)).toThrow(code('ERR_INVALID_COMMAND'));
  });

  describe.each(PROFILE_NAMES.map((n) => [n] as const))('payload size limits on %s', (name: FirmwareProfileName) => {
    const L = FIRMWARE_PROFILES[name].limits;
    const spec = (payload: string): PublishSpec => ({ ...base, payload });

    it(`sends ${L.inlinePayload} bytes inline and not ${L.inlinePayload + 1}`, () => {
      expect(ecmtCmd.pub(spec('a'.repeat(L.inlinePayload)), 0, { profile: name }).mode).toBe('inline');
      const over = classifyPayload('a'.repeat(L.inlinePayload + 1), L);
      expect(over.mode).toBe(L.inlinePayload + 1 > L.promptPayload ? 'impossible' : 'prompt');
    });

    it(`sends ${L.promptPayload} bytes in prompt mode and refuses ${L.promptPayload + 1}`, () => {
      // a line break forces prompt mode whatever the size (on ec616-legacy both limits are 1023)
      const multiLine = (n: number) => 'a'.repeat(n - 1) + '\n';
      expect(ecmtCmd.pub(spec(multiLine(L.promptPayload)), 0, { profile: name }).mode).toBe('prompt');
      expect(() => ecmtCmd.pub(spec(multiLine(L.promptPayload + 1)), 0, { profile: name })).toThrow(code('ERR_PAYLOAD'));
      expect(() => ecmtCmd.pub(spec('a'.repeat(L.promptPayload + 1)), 0, { profile: name })).toThrow(code('ERR_PAYLOAD'));
    });

    it('counts UTF-8 bytes, not characters', () => {
      const three = '中'; // 3 bytes
      const n = Math.floor(L.inlinePayload / 3);
      const fits = three.repeat(n) + 'a'.repeat(L.inlinePayload - 3 * n);
      expect(Buffer.byteLength(fits)).toBe(L.inlinePayload);
      expect(ecmtCmd.pub(spec(fits), 0, { profile: name }).mode).toBe('inline');
      expect(classifyPayload(fits + 'a', L).mode).not.toBe('inline');
      expect(fits.length).toBeLessThan(L.inlinePayload);
    });
  });
});

describe('publishMode', () => {
  const L = FIRMWARE_PROFILES.ec616s.limits;
  const M = FIRMWARE_PROFILES.manual.limits;
  it.each([
    ['plain text', 'hello', L, 'inline'],
    ['JSON with commas and quotes', '{"a":1,"b":"x,y"}', L, 'inline'],
    ['non-ASCII text', '温度=23℃', L, 'inline'],
    ['multi-line JSON', '{\r\n"a":1\r\n}', L, 'prompt'],
    ['a leading quote', '"quoted"', L, 'prompt'],
    ['701 bytes on the manual profile', 'x'.repeat(701), M, 'prompt'],
    ['701 bytes on ec616s', 'x'.repeat(701), L, 'inline'],
    ['Ctrl-Z', '\x1a', L, 'impossible'],
    ['ESC', 'abc\x1b', L, 'impossible'],
    ['NUL', '\0abc', L, 'impossible'],
    ['1025 bytes on the manual profile', 'x'.repeat(1025), M, 'impossible'],
    ['1028 bytes on ec616s', 'x'.repeat(1028), L, 'impossible'],
  ] as const)('%s → %s', (_n, payload, limits, mode) => {
    const r = publishMode(Buffer.from(payload, 'utf8'), limits);
    expect(r.mode).toBe(mode);
    if (r.mode !== 'inline') {
      expect(r.reason.en.length).toBeGreaterThan(0);
      expect(r.reason.zh.length).toBeGreaterThan(0);
    }
  });

  it('explains an impossible payload by its length, not its content', () => {
    const r = classifyPayload('s3cr3t-'.repeat(200), M);
    expect(r).toMatchObject({ mode: 'impossible', because: 'too-long', limit: M.promptPayload, bytes: 1400 });
    if (r.mode === 'impossible') expect(JSON.stringify(r.reason)).not.toContain('s3cr3t');
  });
});
