import type { Duplex } from 'node:stream';
import mqtt from 'mqtt';
import type { Packet } from 'mqtt-packet';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultConnect } from '../../src/emulator/network.js';
import type { ModemEvent } from '../../src/urc/types.js';
import { mosquittoMissing, startMosquitto, type RunningMosquitto } from '../helpers/mosquitto.js';
import { ManualClock, checker, openAndConnect, unique, type Checker } from './broker-helpers.js';
import { errorOf, rig, waitFor, type Rig } from './harness.js';

const missing = mosquittoMissing();
if (missing) console.warn(`[test/emulator/broker.test.ts skipped] ${missing}`);

const USER = 'user1';
const PASS = 'pass1';
const CREDS = { username: USER, password: PASS };

describe.skipIf(missing !== null)('emulator against a real mosquitto', () => {
  let secure: RunningMosquitto;
  let open: RunningMosquitto;
  let r: Rig | null = null;
  const checkers: Checker[] = [];

  beforeAll(async () => {
    [secure, open] = await Promise.all([startMosquitto({ users: { [USER]: PASS } }), startMosquitto({ allowAnonymous: true })]);
  });
  afterAll(async () => {
    await Promise.all([secure?.stop(), open?.stop()]);
  });
  afterEach(async () => {
    await r?.close();
    r = null;
    await Promise.all(checkers.splice(0).map((c) => c.close()));
  });

  async function watch(broker: RunningMosquitto, creds: { username: string; password: string } | undefined, topic: string): Promise<Checker> {
    const c = await checker(broker, creds);
    checkers.push(c);
    await c.client.subscribeAsync(topic, { qos: 2 });
    return c;
  }

  const recvs = (rg: Rig, from = 0): Array<Extract<ModemEvent, { type: 'ecmt-recv' }>> =>
    rg.urcs.slice(from).filter((e): e is Extract<ModemEvent, { type: 'ecmt-recv' }> => e.type === 'ecmt-recv');

  const packetsOut = (rg: Rig): Packet[] => {
    const out: Packet[] = [];
    rg.emulator.on('mqtt', (dir, p) => {
      if (dir === 'out') out.push(p);
    });
    return out;
  };

  describe('connect', () => {
    it('connects with the right credentials: +ECMTOPEN: 0,0 then +ECMTCONN: 0,0,0', async () => {
      r = rig();
      const id = unique('dev-ok');
      expect(await openAndConnect(r, secure, `"${id}","${USER}","${PASS}"`)).toBe('+ECMTCONN: 0,0,0');
      await secure.waitForLog(new RegExp(`as ${id} \\(p2, c1, k120, u'${USER}'\\)`));
      expect(await r.ok('AT+ECMTOPEN?')).toEqual([`+ECMTOPEN:0,"127.0.0.1",${secure.port}`]);
      expect(await r.ok('AT+ECMTCONN?')).toEqual(['+ECMTCONN:0,3']);
    });

    it('gets +ECMTCONN: 0,0,5 for a wrong password, retries by itself 3 times and gives up with +ECMTDISC: 0,0', async () => {
      r = rig({ reconnectDelayMs: 10 });
      const from = r.mark();
      expect(await openAndConnect(r, secure, `"${unique('dev-bad')}","${USER}","wrong"`)).toBe('+ECMTCONN: 0,0,5');
      await r.urcRaw('+ECMTDISC: 0,0', { from, timeoutMs: 8000 });
      expect(r.urcs.slice(from).map((u) => u.raw)).toEqual([
        '+ECMTOPEN: 0,0',
        '+ECMTCONN: 0,0,5',
        '+ECMTSTAT: 0,1',
        '+ECMTCONN: 0,0,5',
        '+ECMTSTAT: 0,1',
        '+ECMTCONN: 0,0,5',
        '+ECMTSTAT: 0,1',
        '+ECMTCONN: 0,0,5',
        '+ECMTSTAT: 0,1',
        '+ECMTDISC: 0,0',
      ]);
      // back in the opened state, without a live socket
      expect(await r.ok('AT+ECMTCONN?')).toEqual(['+ECMTCONN:0,1']);
      let mark = r.mark();
      await r.ok(`AT+ECMTCONN=0,"x","${USER}","${PASS}"`);
      expect((await r.urc((e) => e.type === 'ecmt-conn', { from: mark })).raw).toBe('+ECMTCONN: 0,2,2');
      mark = r.mark();
      await r.ok('AT+ECMTCLOSE=0');
      expect((await r.urc((e) => e.type === 'ecmt-close', { from: mark })).raw).toBe('+ECMTCLOSE: 0,0');
    });

    it('is OK without a URC when already open or connected', async () => {
      r = rig();
      const urcs: string[] = [];
      r.emulator.on('urc', (t) => urcs.push(t));
      await r.ok(`AT+ECMTOPEN=0,"127.0.0.1",${secure.port}`);
      await r.ok(`AT+ECMTOPEN=0,"127.0.0.1",${secure.port}`); // while opening
      await r.urcRaw('+ECMTOPEN: 0,0');
      await r.ok(`AT+ECMTOPEN=0,"127.0.0.1",${secure.port}`); // while open
      await r.ok(`AT+ECMTCONN=0,"${unique('dev-twice')}","${USER}","${PASS}"`);
      await r.ok(`AT+ECMTCONN=0,"other","${USER}","${PASS}"`); // while connecting/connected
      await r.urcRaw('+ECMTCONN: 0,0,0');
      await r.ok(`AT+ECMTCONN=0,"other","${USER}","${PASS}"`);
      await r.ok(`AT+ECMTOPEN=0,"127.0.0.1",${secure.port}`);
      await r.ok('AT');
      expect(urcs).toEqual(['+ECMTOPEN: 0,0', '+ECMTCONN: 0,0,0']);
    });

    it('is "connected" as soon as CONNECT is written, and prints nothing while the CONNACK never comes', async () => {
      r = rig({ faults: { brokerSilence: ['connack'] } });
      const urcs: string[] = [];
      r.emulator.on('urc', (t) => urcs.push(t));
      await r.ok(`AT+ECMTOPEN=0,"127.0.0.1",${secure.port}`);
      await r.urcRaw('+ECMTOPEN: 0,0');
      const ignored = waitFor(r.emulator, 'fault', (kind, detail) => kind === 'silence' && detail.includes('CONNACK'));
      await r.ok(`AT+ECMTCONN=0,"${unique('dev-noack')}","${USER}","${PASS}"`);
      await ignored;
      expect(await r.ok('AT+ECMTCONN?')).toEqual(['+ECMTCONN:0,3']);
      expect(urcs).toEqual(['+ECMTOPEN: 0,0']);
    });

    it('answers +ECMTCONN: 0,2,2 (CONNECT not sent) when the socket died while only opened', async () => {
      r = rig();
      await r.ok(`AT+ECMTOPEN=0,"127.0.0.1",${secure.port}`);
      await r.urcRaw('+ECMTOPEN: 0,0');
      const from = r.mark();
      r.emulator.dropLink();
      await r.urcRaw('+ECMTSTAT: 0,1', { from });
      await r.ok(`AT+ECMTCONN=0,"${unique('dev-dead')}","${USER}","${PASS}"`);
      expect((await r.urc((e) => e.type === 'ecmt-conn', { from })).raw).toBe('+ECMTCONN: 0,2,2');
      expect(await r.ok('AT+ECMTCONN?')).toEqual(['+ECMTCONN:0,1']);
    });

    it('answers +ECMTCONN: 0,2,2 then +ECMTCONN: 0,0,0 on the ec626-tls profile (double URC)', async () => {
      r = rig({ profile: 'ec626-tls' });
      const from = r.mark();
      expect(await openAndConnect(r, secure, `"${unique('dev-626')}","${USER}","${PASS}"`)).toBe('+ECMTCONN: 0,2,2');
      await r.urcRaw('+ECMTCONN: 0,0,0', { from });
      expect(r.urcs.slice(from).map((u) => u.raw)).toEqual(['+ECMTOPEN: 0,0', '+ECMTCONN: 0,2,2', '+ECMTCONN: 0,0,0']);
    });

    it('speaks MQTT 3.1 (MQIsdp, level 3) after AT+ECMTCFG="version",0,3', async () => {
      r = rig();
      const out = packetsOut(r);
      const id = unique('dev-31');
      await r.ok('AT+ECMTCFG="version",0,3');
      expect(await openAndConnect(r, secure, `"${id}","${USER}","${PASS}"`)).toBe('+ECMTCONN: 0,0,0');
      expect(out[0]).toMatchObject({ cmd: 'connect', protocolId: 'MQIsdp', protocolVersion: 3 });
      await secure.waitForLog(new RegExp(`as ${id} \\(p1, c1, k120, u'${USER}'\\)`));
    });
  });

  describe('the credential quirk (client ID, user name, password used only when all three are given)', () => {
    it('connects with a client ID alone as an EMPTY client ID without credentials (broker-side check)', async () => {
      r = rig();
      const out = packetsOut(r);
      const id = unique('myDevice');
      expect(await openAndConnect(r, open, `"${id}"`)).toBe('+ECMTCONN: 0,0,0');
      expect(out[0]).toMatchObject({ cmd: 'connect', clientId: '' });
      expect((out[0] as { username?: string }).username).toBeUndefined();
      // mosquitto generates an "auto-…" ID for an empty one; no u'…' means no user name
      const line = await open.waitForLog(/New client connected from 127\.0\.0\.1:\d+ as auto-[0-9A-Fa-f-]+ \(p2, c1, k120\)\./);
      expect(line).not.toContain("u'");
      expect(open.log()).not.toContain(id);
    });

    it('is refused by a broker that requires credentials (+ECMTCONN: 0,0,5 for client ID + user name)', async () => {
      r = rig({ reconnectDelayMs: 60_000 });
      expect(await openAndConnect(r, secure, `"${unique('dev-q')}","${USER}"`)).toBe('+ECMTCONN: 0,0,5');
    });

    it('gets CONNACK 2 (identifier rejected) when the session is persistent (session 0)', async () => {
      r = rig({ reconnectDelayMs: 60_000 });
      await r.ok('AT+ECMTCFG="session",0,0');
      expect(await openAndConnect(r, open, `"${unique('dev-p')}"`)).toBe('+ECMTCONN: 0,0,2');
    });

    it('works around it with a dummy non-empty client ID (" ")', async () => {
      r = rig();
      expect(await openAndConnect(r, secure, `" ","${USER}","${PASS}"`)).toBe('+ECMTCONN: 0,0,0');
      await secure.waitForLog(new RegExp(`as   \\(p2, c1, k120, u'${USER}'\\)`));
    });
  });

  describe('publish and subscribe', () => {
    it('publishes at QoS 0, 1 and 2: +ECMTPUB after the write, on PUBACK, on PUBCOMP', async () => {
      r = rig();
      const out = packetsOut(r);
      const topic = unique('up');
      const c = await watch(secure, CREDS, `${topic}/#`);
      expect(await openAndConnect(r, secure, `"${unique('dev-pub')}","${USER}","${PASS}"`)).toBe('+ECMTCONN: 0,0,0');
      for (const qos of [0, 1, 2]) {
        const from = r.mark();
        await r.ok(`AT+ECMTPUB=0,${10 + qos},${qos},0,"${topic}/q${qos}","qos ${qos}"`);
        expect((await r.urc((e) => e.type === 'ecmt-pub', { from })).raw).toBe(`+ECMTPUB: 0,${10 + qos},0`);
        const m = await c.next((s) => s.topic === `${topic}/q${qos}`);
        expect(m).toMatchObject({ qos, retain: false });
        expect(m.payload.toString()).toBe(`qos ${qos}`);
      }
      expect(out.map((p) => p.cmd)).toEqual(['connect', 'publish', 'publish', 'publish', 'pubrel']);
    });

    it('sends the inline payload raw: commas and inner quotes kept, only outer quotes stripped', async () => {
      r = rig();
      const topic = unique('raw');
      const c = await watch(secure, CREDS, topic);
      await openAndConnect(r, secure, `"${unique('dev-raw')}","${USER}","${PASS}"`);
      const cases: Array<[string, string]> = [
        ['"{"GPSTime":"12:00","key":12}"', '{"GPSTime":"12:00","key":12}'],
        ['hello, world', 'hello, world'],
        ['"quoted start only', 'quoted start only'],
        ['he said "hi"', 'he said "hi"'],
      ];
      for (const [inline, expected] of cases) {
        const from = c.seen.length;
        await r.ok(`AT+ECMTPUB=0,0,0,0,"${topic}",${inline}`);
        expect((await c.next(undefined, { from })).payload.toString()).toBe(expected);
      }
    });

    it('publishes in data mode after the prompt (Ctrl-Z), and nothing after ESC', async () => {
      r = rig();
      const topic = unique('prompt');
      const c = await watch(secure, CREDS, topic);
      await openAndConnect(r, secure, `"${unique('dev-prompt')}","${USER}","${PASS}"`);
      const from = r.mark();
      const o = await r.send(`AT+ECMTPUB=0,7,1,0,"${topic}"`, { data: 'line 1\r\nline "2", raw' });
      expect(o.status).toBe('ok');
      expect((await r.urc((e) => e.type === 'ecmt-pub', { from })).raw).toBe('+ECMTPUB: 0,7,0');
      expect((await c.next()).payload.toString()).toBe('line 1\r\nline "2", raw');
      // ESC: OK, nothing published (the next message the checker sees is the marker)
      // wait for the prompt from before the write: it may come before the write's promise settles
      const prompt = waitFor(r.emulator, 'output', (b) => b.toString('latin1') === '\r\n> ');
      await r.engine.port.write(`AT+ECMTPUB=0,8,0,0,"${topic}"\r`);
      await prompt;
      const ok = waitFor(r.emulator, 'answered');
      await r.engine.port.write('not sent\x1b');
      expect(await ok).toEqual(['OK']);
      await r.ok(`AT+ECMTPUB=0,9,0,0,"${topic}","marker"`);
      expect((await c.next(undefined, { from: 1 })).payload.toString()).toBe('marker');
    });

    it('subscribes (+ECMTSUB value = count of return codes) and receives QoS 0, 1, 2, acking itself', async () => {
      r = rig();
      const out = packetsOut(r);
      const topic = unique('down');
      const c = await watch(secure, CREDS, 'unused');
      await openAndConnect(r, secure, `"${unique('dev-sub')}","${USER}","${PASS}"`);
      let from = r.mark();
      await r.ok(`AT+ECMTSUB=0,1,"${topic}",2`);
      expect((await r.urc((e) => e.type === 'ecmt-sub', { from })).raw).toBe('+ECMTSUB: 0,1,0,1');
      from = r.mark();
      for (const qos of [0, 1, 2] as const) await c.client.publishAsync(topic, `q${qos}`, { qos });
      await r.urc((e) => e.type === 'ecmt-recv' && e.payload.toString() === 'q2', { from });
      const got = recvs(r, from);
      expect(got.map((g) => g.payload.toString())).toEqual(['q0', 'q1', 'q2']);
      expect(got[0]!.msgId).toBe(0);
      expect(got[1]!.msgId).toBeGreaterThan(0);
      expect(got[0]!.raw).toBe(`+ECMTRECV: 0,0,"${topic}",q0`);
      if (!out.some((p) => p.cmd === 'pubcomp')) await waitFor(r.emulator, 'mqtt', (dir, p) => dir === 'out' && p.cmd === 'pubcomp');
      expect(out.map((p) => p.cmd)).toEqual(expect.arrayContaining(['puback', 'pubrec', 'pubcomp']));
      from = r.mark();
      await r.ok(`AT+ECMTUNS=0,2,"${topic}"`);
      expect((await r.urc((e) => e.type === 'ecmt-uns', { from })).raw).toBe('+ECMTUNS: 0,2,0');
    });

    it('prints a pretty-printed JSON downlink raw, over several lines', async () => {
      r = rig();
      const topic = unique('json');
      const c = await watch(secure, CREDS, 'unused');
      await openAndConnect(r, secure, `"${unique('dev-json')}","${USER}","${PASS}"`);
      const from = r.mark();
      await r.ok(`AT+ECMTSUB=0,1,"${topic}",0`);
      await r.urc((e) => e.type === 'ecmt-sub', { from });
      const json = '{\n        "command": "putdown"\n}';
      await c.client.publishAsync(topic, json);
      const ev = await r.urc((e) => e.type === 'ecmt-recv', { from });
      expect(ev).toMatchObject({ topic, msgId: 0 });
      expect((ev as { payload: Buffer }).payload.toString()).toBe(json);
      expect(r.output()).toContain(`\r\n+ECMTRECV: 0,0,"${topic}",${json}\r\n`);
    });

    it('treats the payload as a C string: leading NULs skipped, an inner NUL truncates', async () => {
      r = rig();
      const topic = unique('nul');
      const c = await watch(secure, CREDS, 'unused');
      await openAndConnect(r, secure, `"${unique('dev-nul')}","${USER}","${PASS}"`);
      const from = r.mark();
      await r.ok(`AT+ECMTSUB=0,1,"${topic}",0`);
      await r.urc((e) => e.type === 'ecmt-sub', { from });
      await c.client.publishAsync(topic, Buffer.from([0, 0, 0x61, 0x62, 0, 0x63]));
      const ev = await r.urc((e) => e.type === 'ecmt-recv', { from });
      expect((ev as { payload: Buffer }).payload.toString('latin1')).toBe('ab');
    });

    it('drops a received PUBLISH larger than the RX buffer (4+128+1024 bytes) silently', async () => {
      r = rig();
      const out = packetsOut(r);
      const topic = unique('big');
      const c = await watch(secure, CREDS, 'unused');
      await openAndConnect(r, secure, `"${unique('dev-big')}","${USER}","${PASS}"`);
      const from = r.mark();
      await r.ok(`AT+ECMTSUB=0,1,"${topic}",1`);
      await r.urc((e) => e.type === 'ecmt-sub', { from });
      const dropped = waitFor(r.emulator, 'incoming', (_m, outcome) => outcome === 'dropped-rx-buffer');
      await c.client.publishAsync(topic, Buffer.alloc(1200, 0x41), { qos: 1 });
      await c.client.publishAsync(topic, Buffer.alloc(1000, 0x42), { qos: 1 });
      const [big] = await dropped;
      expect(big.payload.length).toBe(1200);
      const small = await r.urc((e) => e.type === 'ecmt-recv', { from });
      expect((small as { payload: Buffer }).payload.toString()).toBe('B'.repeat(1000));
      expect(recvs(r, from)).toHaveLength(1);
      // the big one was not acknowledged either (the module never had it)
      expect(out.filter((p) => p.cmd === 'puback')).toHaveLength(1);
    });

    it('refuses over-limit topics and payloads with +CME ERROR: 3', async () => {
      r = rig();
      await openAndConnect(r, secure, `"${unique('dev-lim')}","${USER}","${PASS}"`);
      expect(errorOf(await r.send(`AT+ECMTSUB=0,1,"${'t'.repeat(256)}",0`))).toBe('+CME ERROR: 3');
      expect(errorOf(await r.send(`AT+ECMTPUB=0,0,0,0,"t","${'x'.repeat(1025)}"`))).toBe('+CME ERROR: 3');
      expect(errorOf(await r.send('AT+ECMTPUB=0,0,0,2,"t","x"'))).toBe('+CME ERROR: 3');
      expect(errorOf(await r.send('AT+ECMTPUB=0,0,0,41,"t","x"'))).toBe('+CME ERROR: 3');
      expect(errorOf(await r.send('AT+ECMTSUB=0,0,"t",0'))).toBe('+CME ERROR: 3');
      await r.ok(`AT+ECMTPUB=0,0,0,31,"t","${'x'.repeat(1024)}"`); // retain 1 + RAI 3, 1024 bytes
    });
  });

  describe('session end and link loss', () => {
    it('AT+ECMTCLOSE closes without DISCONNECT: the broker publishes the will; the context is freed', async () => {
      r = rig();
      const topic = unique('will');
      const c = await watch(secure, CREDS, topic);
      await r.ok(`AT+ECMTCFG="will",0,1,1,0,"${topic}","gone"`);
      await openAndConnect(r, secure, `"${unique('dev-will')}","${USER}","${PASS}"`);
      const from = r.mark();
      await r.ok('AT+ECMTCLOSE=0');
      expect((await r.urc((e) => e.type === 'ecmt-close', { from })).raw).toBe('+ECMTCLOSE: 0,0');
      expect((await c.next()).payload.toString()).toBe('gone');
      expect(await r.ok('AT+ECMTOPEN?')).toEqual([]);
      expect(errorOf(await r.send('AT+ECMTCFG="will",0'))).toBe('+CME ERROR: 3');
    });

    it('AT+ECMTDISC sends DISCONNECT and frees the context: the next session runs on defaults again', async () => {
      r = rig();
      const out = packetsOut(r);
      const id = unique('dev-disc');
      await r.ok('AT+ECMTCFG="keepalive",0,30');
      await openAndConnect(r, secure, `"${id}","${USER}","${PASS}"`);
      await secure.waitForLog(new RegExp(`as ${id} \\(p2, c1, k30,`));
      const from = r.mark();
      await r.ok('AT+ECMTDISC=0');
      expect((await r.urc((e) => e.type === 'ecmt-disc', { from })).raw).toBe('+ECMTDISC: 0,0');
      expect(out.map((p) => p.cmd)).toEqual(['connect', 'disconnect']);
      expect(errorOf(await r.send('AT+ECMTCLOSE=0'))).toBe('+CME ERROR: 3');
      expect(await openAndConnect(r, secure, `"${id}-2","${USER}","${PASS}"`)).toBe('+ECMTCONN: 0,0,0');
      await secure.waitForLog(new RegExp(`as ${id}-2 \\(p2, c1, k120,`));
    });

    it('on link loss prints +ECMTSTAT: 0,1, reconnects by itself (+ECMTCONN: 0,0,0) and does not resubscribe', async () => {
      const sockets: Duplex[] = [];
      r = rig({ reconnectDelayMs: 20, connect: async (t) => {
        const s = await defaultConnect(t);
        sockets.push(s);
        return s;
      } });
      const out = packetsOut(r);
      const topic = unique('lost');
      const c = await watch(secure, CREDS, 'unused');
      await openAndConnect(r, secure, `"${unique('dev-lost')}","${USER}","${PASS}"`);
      let from = r.mark();
      await r.ok(`AT+ECMTSUB=0,1,"${topic}/a",1`);
      await r.urc((e) => e.type === 'ecmt-sub', { from });
      from = r.mark();
      const sentBefore = out.length;
      sockets[0]!.destroy(); // the network cuts the connection
      await r.urcRaw('+ECMTCONN: 0,0,0', { from });
      expect(r.urcs.slice(from).map((u) => u.raw)).toEqual(['+ECMTSTAT: 0,1', '+ECMTCONN: 0,0,0']);
      expect(sockets).toHaveLength(2);
      expect(out.slice(sentBefore).map((p) => p.cmd)).toEqual(['connect']);
      // the old subscription is gone: a message to it is not delivered, one to a new subscription is
      await c.client.publishAsync(`${topic}/a`, 'old', { qos: 1 });
      const mark = r.mark();
      await r.ok(`AT+ECMTSUB=0,2,"${topic}/b",1`);
      await r.urc((e) => e.type === 'ecmt-sub', { from: mark });
      await c.client.publishAsync(`${topic}/b`, 'new', { qos: 1 });
      await r.urc((e) => e.type === 'ecmt-recv', { from });
      expect(recvs(r, from).map((e) => e.payload.toString())).toEqual(['new']);
    });

    it('is knocked off by a second client with the same ID and takes the session back itself', async () => {
      r = rig({ reconnectDelayMs: 20 });
      const id = unique('dev-dup');
      await openAndConnect(r, secure, `"${id}","${USER}","${PASS}"`);
      const from = r.mark();
      // another client takes the client ID: the broker closes the module's connection
      const thief = await mqtt.connectAsync(secure.url, { clientId: id, ...CREDS, reconnectPeriod: 0 });
      const kicked = new Promise<void>((res) => thief.once('close', () => res()));
      await r.urcRaw('+ECMTCONN: 0,0,0', { from });
      expect(r.urcs.slice(from).map((u) => u.raw)).toEqual(['+ECMTSTAT: 0,1', '+ECMTCONN: 0,0,0']);
      // the module's own reconnect takes the ID back
      await kicked;
      thief.end(true);
    });

    it('dropLink() cuts the connection as a network failure would', async () => {
      r = rig({ reconnectDelayMs: 20 });
      await openAndConnect(r, secure, `"${unique('dev-drop')}","${USER}","${PASS}"`);
      const from = r.mark();
      expect(r.emulator.dropLink()).toBe(true);
      await r.urcRaw('+ECMTCONN: 0,0,0', { from });
      expect(r.urcs[from]!.raw).toBe('+ECMTSTAT: 0,1');
    });

    it('loses the link when the radio goes off (AT+CFUN=0) and gives up after 3 retries without a PDN', async () => {
      r = rig({ reconnectDelayMs: 5 });
      await openAndConnect(r, secure, `"${unique('dev-cfun')}","${USER}","${PASS}"`);
      const from = r.mark();
      await r.ok('AT+CFUN=0');
      await r.urcRaw('+ECMTDISC: 0,0', { from });
      expect(r.urcs.slice(from).map((u) => u.raw)).toEqual(['+ECMTSTAT: 0,1', '+ECMTDISC: 0,0']);
    });

    it('takes more than 3 unanswered PINGREQs as a link error (keep-alive on the injected clock)', async () => {
      const clock = new ManualClock();
      r = rig({ clock, reconnectDelayMs: 1000, faults: { brokerSilence: ['pingresp'] } });
      const out = packetsOut(r);
      await r.ok('AT+ECMTCFG="keepalive",0,60');
      await openAndConnect(r, secure, `"${unique('dev-ka')}","${USER}","${PASS}"`);
      const from = r.mark();
      for (let i = 0; i < 4; i++) {
        clock.advance(60_000);
        await waitFor(r.emulator, 'mqtt', (dir, p) => dir === 'in' && p.cmd === 'pingresp');
      }
      expect(out.filter((p) => p.cmd === 'pingreq')).toHaveLength(4);
      clock.advance(60_000);
      await r.urcRaw('+ECMTSTAT: 0,1', { from });
      clock.advance(1000);
      await r.urcRaw('+ECMTCONN: 0,0,0', { from });
    });
  });

  describe('faults with a broker', () => {
    it('broker silence: no URC when the ack never comes', async () => {
      r = rig();
      await openAndConnect(r, secure, `"${unique('dev-silent')}","${USER}","${PASS}"`);
      r.emulator.setFaults({ brokerSilence: ['suback', 'puback'] });
      const urcs: string[] = [];
      r.emulator.on('urc', (t) => urcs.push(t));
      const ignored = waitFor(r.emulator, 'fault', (kind, detail) => kind === 'silence' && detail.includes('SUBACK'));
      await r.ok(`AT+ECMTSUB=0,1,"${unique('s')}",1`);
      await ignored;
      const ignoredAck = waitFor(r.emulator, 'fault', (kind, detail) => kind === 'silence' && detail.includes('PUBACK'));
      await r.ok('AT+ECMTPUB=0,5,1,0,"t","x"');
      await ignoredAck;
      await r.ok('AT');
      expect(urcs).toEqual([]);
      expect(await r.ok('AT+ECMTCONN?')).toEqual(['+ECMTCONN:0,3']);
    });

    it('dropIncoming: the n-th message is acknowledged to the broker but never printed', async () => {
      r = rig({ faults: { dropIncoming: { every: 2 } } });
      const out = packetsOut(r);
      const topic = unique('lose');
      const c = await watch(secure, CREDS, 'unused');
      await openAndConnect(r, secure, `"${unique('dev-lose')}","${USER}","${PASS}"`);
      const from = r.mark();
      await r.ok(`AT+ECMTSUB=0,1,"${topic}",1`);
      await r.urc((e) => e.type === 'ecmt-sub', { from });
      for (const m of ['m1', 'm2', 'm3']) await c.client.publishAsync(topic, m, { qos: 1 });
      await r.urc((e) => e.type === 'ecmt-recv' && e.payload.toString() === 'm3', { from });
      expect(recvs(r, from).map((e) => e.payload.toString())).toEqual(['m1', 'm3']);
      expect(out.filter((p) => p.cmd === 'puback')).toHaveLength(3);
    });

    it('dropUrc by prefix: the message is published, +ECMTPUB never comes', async () => {
      r = rig({ faults: { dropUrc: { prefixes: ['+ECMTPUB'] } } });
      const topic = unique('nourc');
      const c = await watch(secure, CREDS, topic);
      await openAndConnect(r, secure, `"${unique('dev-nourc')}","${USER}","${PASS}"`);
      const dropped = waitFor(r.emulator, 'urc', (text, d) => d && text === '+ECMTPUB: 0,3,0');
      await r.ok(`AT+ECMTPUB=0,3,1,0,"${topic}","hi"`);
      expect((await c.next()).payload.toString()).toBe('hi');
      await dropped;
      await r.ok('AT');
      expect(r.urcs.some((u) => u.type === 'ecmt-pub')).toBe(false);
    });

    it('reboot drops the broker connection without DISCONNECT (the will is published)', async () => {
      r = rig();
      const topic = unique('reboot-will');
      const c = await watch(secure, CREDS, topic);
      await r.ok(`AT+ECMTCFG="will",0,1,0,0,"${topic}","rebooted"`);
      await openAndConnect(r, secure, `"${unique('dev-reboot')}","${USER}","${PASS}"`);
      const boot = waitFor(r.engine, 'boot');
      r.emulator.reboot();
      await boot;
      expect((await c.next()).payload.toString()).toBe('rebooted');
      expect(r.emulator.state).toBe('none');
      expect(await r.ok('AT+ECMTCONN?')).toEqual([]);
    });
  });
});
