import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { aliyunCredentials } from '../../src/emulator/aliauth.js';
import { buildConnect, freshConfig } from '../../src/dialects/ecmt/emulator-session.js';
import { FIRMWARE_PROFILES } from '../../src/dialects/ecmt/firmware.js';
import { scriptedBroker } from './broker-helpers.js';
import { errorOf, rig, type Rig } from './harness.js';

/** ECMT commands that need no broker: parameter checks, limits, contexts, read/test forms. */

let r: Rig;
afterEach(async () => {
  await r?.close();
});

describe('emulator ECMT: test and read forms', () => {
  it('lists the AT+ECMTCFG types one per line, without a space after the colon', async () => {
    r = rig();
    const lines = await r.ok('AT+ECMTCFG=?');
    expect(lines[0]).toBe('+ECMTCFG:"keepalive",(0),(0-3600),');
    expect(lines).toHaveLength(7);
    expect(lines.at(-1)).toBe('+ECMTCFG:"cloud",(0-255),(0-255)');
  });

  it.each([
    ['AT+ECMTOPEN=?', '+ECMTOPEN: (0),<host_name>,<port>'],
    ['AT+ECMTCLOSE=?', '+ECMTCLOSE: (0)'],
    ['AT+ECMTCONN=?', '+ECMTCONN: (0),"<clientID>"[,"<username>"[,,"<password>"]]'],
    ['AT+ECMTDISC=?', '+ECMTDISC: (0)'],
    ['AT+ECMTSUB=?', '+ECMTSUB: (0),<msgID>,"<topic>",<qos>'],
    ['AT+ECMTUNS=?', '+ECMTUNS: (0),<msgID>,"<topic>"'],
    ['AT+ECMTPUB=?', '+ECMTPUB: (0),<msgID>,<qos>,<retain>,"<topic>"[,"<payload>"]'],
  ])('%s answers %s', async (cmd, line) => {
    r = rig();
    expect(await r.ok(cmd)).toEqual([line]);
  });

  it('answers the read forms with just OK when there is no context', async () => {
    r = rig();
    expect(await r.ok('AT+ECMTOPEN?')).toEqual([]);
    expect(await r.ok('AT+ECMTCONN?')).toEqual([]);
    expect(r.output()).toBe('\r\nOK\r\n\r\nOK\r\n');
  });

  it('answers +CME ERROR: 3 to forms a command does not have', async () => {
    r = rig();
    expect(errorOf(await r.send('AT+ECMTSUB?'))).toBe('+CME ERROR: 3');
    expect(errorOf(await r.send('AT+ECMTCFG?'))).toBe('+CME ERROR: 3');
    expect(errorOf(await r.send('AT+ECMTOPEN'))).toBe('+CME ERROR: 3');
  });
});

describe('emulator ECMT: AT+ECMTCFG and the per-session context', () => {
  it('has no context before the first AT+ECMTCFG: queries answer +CME ERROR: 3', async () => {
    r = rig();
    expect(errorOf(await r.send('AT+ECMTCFG="keepalive",0'))).toBe('+CME ERROR: 3');
  });

  it('prints the context fields, which start at 0 although defaults (120 s, clean, 3.1.1) are in effect', async () => {
    r = rig();
    await r.ok('AT+ECMTCFG="echomode",0,1');
    expect(await r.ok('AT+ECMTCFG="keepalive",0')).toEqual(['+ECMTCFG: "keepalive",0']);
    expect(await r.ok('AT+ECMTCFG="session",0')).toEqual(['+ECMTCFG: "session",0']);
    expect(await r.ok('AT+ECMTCFG="version",0')).toEqual(['+ECMTCFG: "version",0']);
    expect(await r.ok('AT+ECMTCFG="timeout",0')).toEqual(['+ECMTCFG: "timeout",0,0,0']);
    expect(await r.ok('AT+ECMTCFG="will",0')).toEqual(['+ECMTCFG: "will",0,0,0,,']);
    expect(await r.ok('AT+ECMTCFG="aliauth",0')).toEqual(['+ECMTCFG: "aliauth",,,']);
    expect(await r.ok('AT+ECMTCFG="echomode",0')).toEqual(['+ECMTCFG: "echomode",1']);
    expect(r.output()).toContain('\r\n+ECMTCFG: "keepalive",0\r\n\r\nOK\r\n');
  });

  it('stores every type and prints it back', async () => {
    r = rig();
    await r.ok('AT+ECMTCFG="keepalive",0,60');
    await r.ok('AT+ECMTCFG="session",0,0');
    await r.ok('AT+ECMTCFG="will",0,1,1,0,"dev/status","offline"');
    await r.ok('AT+ECMTCFG="version",0,3');
    await r.ok('AT+ECMTCFG="aliauth",0,"a1pk","dev1","s3cret"');
    await r.ok('AT+ECMTCFG="dataformat",0,1,1');
    expect(await r.ok('AT+ECMTCFG="keepalive",0')).toEqual(['+ECMTCFG: "keepalive",60']);
    expect(await r.ok('AT+ECMTCFG="will",0')).toEqual(['+ECMTCFG: "will",1,1,0,dev/status,offline']);
    expect(await r.ok('AT+ECMTCFG="aliauth",0')).toEqual(['+ECMTCFG: "aliauth",dev1,s3cret,a1pk']);
    expect(await r.ok('AT+ECMTCFG="dataformat",0')).toEqual(['+ECMTCFG: "dataformat",1,1']);
  });

  it('stores "timeout" values out of range and still answers OK (stored, not used)', async () => {
    r = rig();
    await r.ok('AT+ECMTCFG="timeout",0,999,50,7');
    expect(await r.ok('AT+ECMTCFG="timeout",0')).toEqual(['+ECMTCFG: "timeout",999,50,7']);
  });

  it.each([
    'AT+ECMTCFG="keepalive",0,3601',
    'AT+ECMTCFG="keepalive",1,60',
    'AT+ECMTCFG="session",0,2',
    'AT+ECMTCFG="version",0,5',
    'AT+ECMTCFG="will",0,1,3,0,"t","m"',
    'AT+ECMTCFG="cloud",0,256,0',
    'AT+ECMTCFG="nosuch",0,1',
    'AT+ECMTCFG="KEEPALIVE",0,60',
    `AT+ECMTCFG="aliauth",0,"${'p'.repeat(33)}","dn","ds"`,
    'AT+ECMTCFG="ssl",2,"ca.pem","",""',
    'AT+ECMTCFG="ssl"',
  ])('rejects %s with +CME ERROR: 3', async (cmd) => {
    r = rig();
    expect(errorOf(await r.send(cmd))).toBe('+CME ERROR: 3');
  });

  it('takes the ssl syntax of its profile', async () => {
    r = rig();
    await r.ok('AT+ECMTCFG="ssl","ca","TUlJQg==","broker.test"');
    await r.ok('AT+ECMTCFG="ssl","psk","0123abcd","device1"');
    await r.close();
    r = rig({ profile: 'ec626-tls' });
    await r.ok('AT+ECMTCFG="ssl",2,"ca.pem","cert.pem","key.pem"');
    expect(errorOf(await r.send('AT+ECMTCFG="ssl","ca","TUlJQg=="'))).toBe('+CME ERROR: 3');
  });
});

describe('emulator ECMT: states and limits without a broker', () => {
  it('refuses CONN, SUB, PUB, DISC and CLOSE without an open connection', async () => {
    r = rig();
    for (const cmd of ['AT+ECMTCONN=0,"a","b","c"', 'AT+ECMTSUB=0,1,"t",0', 'AT+ECMTUNS=0,1,"t"', 'AT+ECMTPUB=0,0,0,0,"t","x"', 'AT+ECMTDISC=0', 'AT+ECMTCLOSE=0']) {
      expect(errorOf(await r.send(cmd)), cmd).toBe('+CME ERROR: 3');
    }
  });

  it('DISC frees a context made by AT+ECMTCFG (+ECMTDISC: 0,0), after which queries fail', async () => {
    r = rig();
    await r.ok('AT+ECMTCFG="keepalive",0,30');
    const from = r.mark();
    await r.ok('AT+ECMTDISC=0');
    expect((await r.urc((e) => e.type === 'ecmt-disc', { from })).raw).toBe('+ECMTDISC: 0,0');
    expect(errorOf(await r.send('AT+ECMTCFG="keepalive",0'))).toBe('+CME ERROR: 3');
  });

  it('reports a refused TCP connection as +ECMTOPEN: 0,-1 and deletes the context', async () => {
    const srv: Server = createServer();
    const port = await new Promise<number>((res) => srv.listen(0, '127.0.0.1', () => res((srv.address() as { port: number }).port)));
    await new Promise<void>((res) => srv.close(() => res()));
    r = rig();
    await r.ok('AT+ECMTCFG="keepalive",0,30');
    const from = r.mark();
    await r.ok(`AT+ECMTOPEN=0,"127.0.0.1",${port}`);
    expect((await r.urc((e) => e.type === 'ecmt-open', { from })).raw).toBe('+ECMTOPEN: 0,-1');
    expect(await r.ok('AT+ECMTOPEN?')).toEqual([]);
    expect(errorOf(await r.send('AT+ECMTCFG="keepalive",0'))).toBe('+CME ERROR: 3');
  });

  it('reports a name that does not resolve as +ECMTOPEN: 0,-1', async () => {
    r = rig({ conditions: { dns: { 'nx.test': null } } });
    const from = r.mark();
    await r.ok('AT+ECMTOPEN=0,"nx.test",1883');
    expect((await r.urc((e) => e.type === 'ecmt-open', { from })).raw).toBe('+ECMTOPEN: 0,-1');
  });

  it.each([
    ['ec616s', `AT+ECMTOPEN=0,"${'h'.repeat(128)}",1883`],
    ['manual', `AT+ECMTOPEN=0,"${'h'.repeat(101)}",1883`],
    ['ec616s', 'AT+ECMTOPEN=0,"h",0'],
    ['ec616s', 'AT+ECMTOPEN=0,"h",65536'],
    ['ec616s', 'AT+ECMTOPEN=1,"h",1883'],
  ] as const)('%s rejects %s with +CME ERROR: 3', async (profile, cmd) => {
    r = rig({ profile });
    expect(errorOf(await r.send(cmd))).toBe('+CME ERROR: 3');
  });

  it('applies the credential limits of the profile before the state', async () => {
    // the limits are checked first: over-limit values are CME 3 whatever the state
    r = rig({ profile: 'ec616-legacy' });
    expect(errorOf(await r.send(`AT+ECMTCONN=0,"${'c'.repeat(32)}","u","p"`))).toBe('+CME ERROR: 3');
  });
});

describe('emulator ECMT: answers a real broker does not give (scripted MQTT server)', () => {
  it('reports a refused subscription (SUBACK 0x80) as success with value 1, the count of return codes', async () => {
    const broker = await scriptedBroker((p) => {
      if (p.cmd === 'connect') return [{ cmd: 'connack', returnCode: 0, sessionPresent: false }];
      if (p.cmd === 'subscribe') return [{ cmd: 'suback', messageId: p.messageId, granted: [0x80] }];
      return [];
    });
    try {
      r = rig();
      let from = r.mark();
      await r.ok(`AT+ECMTOPEN=0,"127.0.0.1",${broker.port}`);
      await r.urcRaw('+ECMTOPEN: 0,0', { from });
      await r.ok('AT+ECMTCONN=0,"id","u","p"');
      await r.urcRaw('+ECMTCONN: 0,0,0', { from });
      from = r.mark();
      await r.ok('AT+ECMTSUB=0,9,"t",2');
      expect((await r.urc((e) => e.type === 'ecmt-sub', { from })).raw).toBe('+ECMTSUB: 0,9,0,1');
    } finally {
      await r.close();
      await broker.close();
    }
  });

  it('prints the CONNACK return code as ret_code, whatever it is (here 4)', async () => {
    const broker = await scriptedBroker((p) => (p.cmd === 'connect' ? [{ cmd: 'connack', returnCode: 4, sessionPresent: false }] : []));
    try {
      r = rig({ reconnectDelayMs: 60_000 });
      const from = r.mark();
      await r.ok(`AT+ECMTOPEN=0,"127.0.0.1",${broker.port}`);
      await r.urcRaw('+ECMTOPEN: 0,0', { from });
      await r.ok('AT+ECMTCONN=0,"id","u","p"');
      expect((await r.urc((e) => e.type === 'ecmt-conn', { from })).raw).toBe('+ECMTCONN: 0,0,4');
    } finally {
      await r.close();
      await broker.close();
    }
  });
});

describe('emulator ECMT: CONNECT contents (pure)', () => {
  const ec616s = FIRMWARE_PROFILES.ec616s;

  it('uses client ID, user name and password only when all three are non-empty (credential quirk)', () => {
    const cfg = freshConfig();
    expect(buildConnect(cfg, { clientId: 'id', username: null, password: null }, ec616s).packet).toMatchObject({ clientId: '', keepalive: 120, clean: true, protocolVersion: 4 });
    expect(buildConnect(cfg, { clientId: 'id', username: 'u', password: null }, ec616s).packet.username).toBeUndefined();
    const all = buildConnect(cfg, { clientId: 'id', username: 'u', password: 'p' }, ec616s).packet;
    expect(all).toMatchObject({ clientId: 'id', username: 'u' });
    expect(all.password?.toString()).toBe('p');
  });

  it('sends no client ID and no credentials for cloud type 3', () => {
    const cfg = freshConfig();
    cfg.cloud = { type: 3, dataType: 0 };
    expect(buildConnect(cfg, { clientId: 'id', username: 'u', password: 'p' }, ec616s).choice.reason).toBe('cloud-eclipse');
  });

  it('computes the Aliyun credentials from aliauth', () => {
    const cfg = freshConfig();
    cfg.aliauth = { productKey: 'a1pk', deviceName: 'dev1', deviceSecret: 'secret' };
    const { packet, choice } = buildConnect(cfg, { clientId: null, username: null, password: null }, ec616s);
    expect(choice.reason).toBe('aliauth');
    expect(packet.clientId).toBe('a1pk.dev1|securemode=3,signmethod=hmacsha1,timestamp=2524608000000|');
    expect(packet.username).toBe('dev1&a1pk');
    expect(packet.password?.toString()).toBe(aliyunCredentials(cfg.aliauth).password);
    expect(packet.password?.toString()).toMatch(/^[0-9a-f]{40}$/);
  });

  it('maps version 3 to MQIsdp level 3 and session 0 to a persistent session', () => {
    const cfg = freshConfig();
    cfg.version = { value: 3, set: true };
    cfg.session = { value: 0, set: true };
    cfg.keepalive = { value: 0, set: true };
    expect(buildConnect(cfg, { clientId: 'a', username: 'b', password: 'c' }, ec616s).packet).toMatchObject({ protocolId: 'MQIsdp', protocolVersion: 3, clean: false, keepalive: 0 });
  });
});
