import type { Packet } from 'mqtt-packet';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { IncomingMessage } from '../../src/emulator/options.js';
import { mosquittoMissing, startMosquitto, type RunningMosquitto } from '../helpers/mosquitto.js';
import { ManualClock, checker, unique, type Checker } from './broker-helpers.js';
import { waitFor } from './harness.js';
import { qmtRig, type QmtRig } from './qmt-harness.js';

/**
 * The QMT emulator end to end against a real mosquitto (password file, free loopback port),
 * with a separate mqtt.js client on the other side. Expected texts come from
 * ../shared/protocol/qmt.md (§2 syntax, §3 URCs, §3.1 +QMTRECV framing) and from MQTT itself.
 */

const missing = mosquittoMissing();
if (missing) console.warn(`[test/emulator/qmt-broker.test.ts skipped] ${missing}`);

const USER = 'quser';
const PASS = 'qpass';
const CREDS = { username: USER, password: PASS };
/** A payload with inner quotes, a comma and a line break, as field logs show them (§3.1). */
const TRICKY = '{"command_type": 2,\r\n"say":"he said \\"hi\\", then left"}';

describe.skipIf(missing !== null)('QMT emulator against a real mosquitto', () => {
  let broker: RunningMosquitto;
  let r: QmtRig | null = null;
  const checkers: Checker[] = [];

  beforeAll(async () => {
    broker = await startMosquitto({ users: { [USER]: PASS } });
  });
  afterAll(async () => {
    await broker?.stop();
  });
  afterEach(async () => {
    await r?.close();
    r = null;
    await Promise.all(checkers.splice(0).map((c) => c.close()));
  });

  async function watch(topic: string, b: RunningMosquitto = broker): Promise<Checker> {
    const c = await checker(b, CREDS);
    checkers.push(c);
    await c.client.subscribeAsync(topic, { qos: 2 });
    return c;
  }

  /** AT+QMTOPEN + AT+QMTCONN on client `idx`; resolves with the +QMTCONN URC line. */
  async function openConn(rg: QmtRig, b: RunningMosquitto, idx: number, id: string, user = USER, pass = PASS): Promise<string> {
    let from = rg.mark();
    expect(await rg.cmd(`AT+QMTOPEN=${idx},"127.0.0.1",${b.port}`)).toMatch(/\r\nOK\r\n$/);
    expect(await rg.until(new RegExp(`\\r\\n\\+QMTOPEN: ${idx},-?\\d+\\r\\n`), { from })).toMatch(new RegExp(`\\+QMTOPEN: ${idx},0\\r\\n$`));
    from = rg.mark();
    await rg.cmd(`AT+QMTCONN=${idx},"${id}","${user}","${pass}"`);
    const out = await rg.until(new RegExp(`\\r\\n\\+QMTCONN: ${idx},[^\\r]*\\r\\n`), { from });
    return /\+QMTCONN: [^\r]*/.exec(out)![0];
  }

  /** AT+QMTPUB with the `> ` prompt and Ctrl-Z; resolves with the +QMTPUB URC line. */
  async function pubPrompt(rg: QmtRig, idx: number, msgId: number, qos: number, topic: string, payload: string): Promise<string> {
    const from = rg.mark();
    rg.write(`AT+QMTPUB=${idx},${msgId},${qos},0,"${topic}"\r`);
    await rg.until('\r\n> ', { from });
    rg.write(Buffer.concat([Buffer.from(payload, 'utf8'), Buffer.from([0x1a])]));
    const out = await rg.until(new RegExp(`\\r\\n\\+QMTPUB: ${idx},${msgId},\\d+[^\\r]*\\r\\n`), { from });
    expect(out).toContain('\r\nOK\r\n');
    return /\+QMTPUB: [^\r]*/.exec(out)![0];
  }

  describe('connect', () => {
    it('opens and connects with the right password: +QMTOPEN: 0,0, +QMTCONN: 0,0,0, read forms show the client', async () => {
      r = qmtRig();
      const id = unique('q-ok');
      expect(await openConn(r, broker, 0, id)).toBe('+QMTCONN: 0,0,0');
      // the default CONNECT of the reference: MQTT 3.1.1 (p2 in mosquitto's log is level 4), clean session, keep-alive 120
      await broker.waitForLog(new RegExp(`as ${id} \\(p2, c1, k120, u'${USER}'\\)`));
      expect(await r.cmd('AT+QMTOPEN?')).toContain(`\r\n+QMTOPEN: 0,"127.0.0.1",${broker.port}\r\n\r\nOK\r\n`);
      expect(await r.cmd('AT+QMTCONN?')).toContain('\r\n+QMTCONN: 0,3\r\n\r\nOK\r\n');
    });

    it('gets +QMTCONN: 0,0,5 for a wrong password, then +QMTSTAT: 0,1 when the broker closes, and stays closed', async () => {
      r = qmtRig();
      const from = r.mark();
      expect(await openConn(r, broker, 0, unique('q-bad'), USER, 'wrong')).toBe('+QMTCONN: 0,0,5');
      await r.until('\r\n+QMTSTAT: 0,1\r\n', { from });
      expect(await r.cmd('AT+QMTCONN?')).toMatch(/^AT\+QMTCONN\?\r\r\nOK\r\n$/);
      expect(await r.cmd('AT+QMTOPEN?')).toMatch(/^AT\+QMTOPEN\?\r\r\nOK\r\n$/);
    });

    it('uses MQTT 3.1 and the keep-alive and clean-session settings of AT+QMTCFG', async () => {
      r = qmtRig({ echo: false });
      await r.cmd('AT+QMTCFG="version",1,3');
      await r.cmd('AT+QMTCFG="keepalive",1,30');
      await r.cmd('AT+QMTCFG="session",1,0');
      const id = unique('q-v3');
      expect(await openConn(r, broker, 1, id)).toBe('+QMTCONN: 1,0,0');
      await broker.waitForLog(new RegExp(`as ${id} \\(p1, c0, k30, u'${USER}'\\)`));
    });

    it('runs two clients side by side on one module (client 0 and client 5)', async () => {
      r = qmtRig({ echo: false });
      expect(await openConn(r, broker, 0, unique('q-c0'))).toBe('+QMTCONN: 0,0,0');
      expect(await openConn(r, broker, 5, unique('q-c5'))).toBe('+QMTCONN: 5,0,0');
      expect(await r.cmd('AT+QMTCONN?')).toBe('\r\n+QMTCONN: 0,3\r\n+QMTCONN: 5,3\r\n\r\nOK\r\n');
    });
  });

  describe('traffic, QoS 0/1/2 both ways', () => {
    for (const qos of [0, 1, 2] as const) {
      it(`publishes at QoS ${qos} with the prompt and Ctrl-Z; mqtt.js receives it at QoS ${qos}`, async () => {
        r = qmtRig();
        const topic = unique(`q-up${qos}`);
        const c = await watch(topic);
        expect(await openConn(r, broker, 0, unique('q-pub'))).toBe('+QMTCONN: 0,0,0');
        const msgId = qos === 0 ? 0 : 40 + qos;
        expect(await pubPrompt(r, 0, msgId, qos, topic, TRICKY)).toBe(`+QMTPUB: 0,${msgId},0`);
        const seen = await c.next((m) => m.topic === topic);
        expect(seen.payload.toString('utf8')).toBe(TRICKY);
        expect(seen.qos).toBe(qos);
      });

      it(`receives at QoS ${qos}: +QMTRECV with msgid ${qos === 0 ? '0' : 'the packet id'}, acknowledged as MQTT wants`, async () => {
        r = qmtRig({ echo: false });
        const topic = unique(`q-down${qos}`);
        const c = await watch(`${topic}/unused`);
        const out: Packet[] = [];
        r.emulator.on('mqtt', (dir, p) => dir === 'out' && out.push(p));
        expect(await openConn(r, broker, 0, unique('q-sub'))).toBe('+QMTCONN: 0,0,0');
        let from = r.mark();
        await r.cmd(`AT+QMTSUB=0,7,"${topic}",2`);
        expect(await r.until(/\r\n\+QMTSUB: [^\r]*\r\n/, { from })).toContain('\r\n+QMTSUB: 0,7,0,2\r\n');
        from = r.mark();
        const incoming = waitFor(r.emulator, 'incoming', (m: IncomingMessage) => m.topic === topic);
        // registered before the publish: the module's PUBCOMP may follow its URC at once
        const pubcomp = qos === 2 ? waitFor(r.emulator, 'mqtt', (dir, p) => dir === 'out' && p.cmd === 'pubcomp') : null;
        await c.client.publishAsync(topic, 'hello', { qos });
        const [m] = await incoming;
        expect(m.qos).toBe(qos);
        if (qos === 0) expect(m.messageId).toBe(0);
        else expect(m.messageId).toBeGreaterThan(0);
        await r.until(`\r\n+QMTRECV: 0,${m.messageId},"${topic}","hello"\r\n`, { from });
        if (qos === 1) expect(out.some((p) => p.cmd === 'puback' && p.messageId === m.messageId)).toBe(true);
        if (qos === 2) {
          await pubcomp;
          expect(out.filter((p) => p.messageId === m.messageId).map((p) => p.cmd)).toEqual(['pubrec', 'pubcomp']);
        }
      });
    }

    it('subscribes two filters in one command: +QMTSUB carries one granted QoS per filter', async () => {
      r = qmtRig({ echo: false });
      expect(await openConn(r, broker, 0, unique('q-sub2'))).toBe('+QMTCONN: 0,0,0');
      const from = r.mark();
      await r.cmd('AT+QMTSUB=0,9,"a/1",1,"a/2",0');
      await r.until('\r\n+QMTSUB: 0,9,0,1,0\r\n', { from });
      const from2 = r.mark();
      await r.cmd('AT+QMTUNS=0,10,"a/1","a/2"');
      await r.until('\r\n+QMTUNS: 0,10,0\r\n', { from: from2 });
    });
  });

  describe('+QMTRECV framing (§3.1)', () => {
    async function receiveTricky(rg: QmtRig, idx: number, mode: string): Promise<{ topic: string; from: number }> {
      const topic = unique('q-frame');
      const c = await watch(`${topic}/unused`);
      await rg.cmd(`AT+QMTCFG="recv/mode",${idx},${mode}`);
      expect(await openConn(rg, broker, idx, unique('q-frame-dev'))).toBe(`+QMTCONN: ${idx},0,0`);
      let from = rg.mark();
      await rg.cmd(`AT+QMTSUB=${idx},1,"${topic}",0`);
      await rg.until(`\r\n+QMTSUB: ${idx},1,0,0\r\n`, { from });
      from = rg.mark();
      await c.client.publishAsync(topic, TRICKY, { qos: 0 });
      return { topic, from };
    }

    it('prints a multi-line payload with inner quotes raw between quotes, no length (recv/mode 0,0)', async () => {
      r = qmtRig({ echo: false });
      const { topic, from } = await receiveTricky(r, 0, '0,0');
      const want = `\r\n+QMTRECV: 0,0,"${topic}","${TRICKY}"\r\n`;
      expect(await r.until(want, { from })).toBe(want);
    });

    it('prints the byte length before the payload with recv/mode 0,1', async () => {
      r = qmtRig({ echo: false });
      const { topic, from } = await receiveTricky(r, 2, '0,1');
      const want = `\r\n+QMTRECV: 2,0,"${topic}",${Buffer.byteLength(TRICKY)},"${TRICKY}"\r\n`;
      expect(await r.until(want, { from })).toBe(want);
    });

    it('buffers the message in recv/mode 1: +QMTRECV: <idx>,<slot>, AT+QMTRECV? shows the slot, AT+QMTRECV=<idx>,<slot> reads and frees it', async () => {
      r = qmtRig({ echo: false });
      const { topic, from } = await receiveTricky(r, 0, '1,1');
      await r.until('\r\n+QMTRECV: 0,0\r\n', { from });
      expect(await r.cmd('AT+QMTRECV?')).toBe('\r\n+QMTRECV: 0,1,0,0,0,0\r\n\r\nOK\r\n');
      expect(await r.cmd('AT+QMTRECV=0,0')).toBe(`\r\n+QMTRECV: 0,0,"${topic}",${Buffer.byteLength(TRICKY)},"${TRICKY}"\r\n\r\nOK\r\n`);
      expect(await r.cmd('AT+QMTRECV?')).toBe('\r\n+QMTRECV: 0,0,0,0,0,0\r\n\r\nOK\r\n');
    });
  });

  describe('publish forms (§2.3)', () => {
    it('EC800N AT+QMTPUBEX with a length: `> `, exactly <length> bytes (CR LF and quotes included), then OK and +QMTPUBEX', async () => {
      r = qmtRig({ model: 'EC800N' });
      const topic = unique('q-pubex');
      const c = await watch(topic);
      expect(await openConn(r, broker, 0, unique('q-pubex-dev'))).toBe('+QMTCONN: 0,0,0');
      const bytes = Buffer.from(TRICKY, 'utf8');
      const from = r.mark();
      r.write(`AT+QMTPUBEX=0,3,1,0,"${topic}",${bytes.length}\r`);
      await r.until('\r\n> ', { from });
      r.write(bytes);
      const out = await r.until('\r\n+QMTPUBEX: 0,3,0\r\n', { from });
      // echo on: the module echoes the payload bytes it accepts after `>` (O [EC800M])
      expect(out).toContain(`> ${TRICKY}\r\nOK\r\n`);
      expect((await c.next((m) => m.topic === topic)).payload.equals(bytes)).toBe(true);
    });

    it('a length-form payload may hold Ctrl-Z and ESC: they are counted, echoed and published as data', async () => {
      r = qmtRig({ model: 'EC800N' });
      const topic = unique('q-binary');
      const c = await watch(topic);
      expect(await openConn(r, broker, 0, unique('q-binary-dev'))).toBe('+QMTCONN: 0,0,0');
      const bytes = Buffer.from([0x41, 0x1a, 0x42, 0x1b, 0x43]);
      const from = r.mark();
      r.write(`AT+QMTPUBEX=0,5,1,0,"${topic}",5\r`);
      await r.until('\r\n> ', { from });
      r.write(bytes);
      const out = await r.until('\r\n+QMTPUBEX: 0,5,0\r\n', { from });
      expect(out).toContain(`> ${bytes.toString('latin1')}\r\nOK\r\n`);
      expect((await c.next((m) => m.topic === topic)).payload.equals(bytes)).toBe(true);
    });

    it('AT+QMTPUB with a length takes exactly that many bytes without Ctrl-Z', async () => {
      r = qmtRig({ echo: false });
      const topic = unique('q-publen');
      const c = await watch(topic);
      expect(await openConn(r, broker, 0, unique('q-publen-dev'))).toBe('+QMTCONN: 0,0,0');
      const from = r.mark();
      r.write(`AT+QMTPUB=0,4,1,1,"${topic}",5\r`);
      await r.until('\r\n> ', { from });
      r.write('12345');
      await r.until('\r\n+QMTPUB: 0,4,0\r\n', { from });
      const seen = await c.next((m) => m.topic === topic);
      expect(seen.payload.toString()).toBe('12345');
    });

    it('BG96 AT+QMTPUBEX with an inline message is answered by +QMTPUB (not +QMTPUBEX)', async () => {
      r = qmtRig({ model: 'BG96', echo: false });
      const topic = unique('q-inline');
      const c = await watch(topic);
      expect(await openConn(r, broker, 0, unique('q-inline-dev'))).toBe('+QMTCONN: 0,0,0');
      const from = r.mark();
      expect(await r.cmd(`AT+QMTPUBEX=0,8,1,0,"${topic}","inline text"`)).toBe('\r\nOK\r\n');
      await r.until('\r\n+QMTPUB: 0,8,0\r\n', { from });
      expect((await c.next((m) => m.topic === topic)).payload.toString()).toBe('inline text');
    });

    it('ESC cancels a prompt publish: nothing reaches the broker, the next publish does', async () => {
      r = qmtRig({ echo: false });
      const topic = unique('q-esc');
      const c = await watch(topic);
      expect(await openConn(r, broker, 0, unique('q-esc-dev'))).toBe('+QMTCONN: 0,0,0');
      const from = r.mark();
      r.write(`AT+QMTPUB=0,0,0,0,"${topic}"\r`);
      await r.until('\r\n> ', { from });
      r.write(Buffer.concat([Buffer.from('never sent'), Buffer.from([0x1b])]));
      await r.until('\r\nOK\r\n', { from });
      expect(await pubPrompt(r, 0, 0, 0, topic, 'second')).toBe('+QMTPUB: 0,0,0');
      const first = await c.next((m) => m.topic === topic);
      expect(first.payload.toString()).toBe('second');
    });
  });

  describe('faults and the packet timer', () => {
    it('resends an unacknowledged SUBSCRIBE every pkt_timeout (notice on: +QMTSUB: 0,1,1,<n>) and gives up with result 2', async () => {
      const clock = new ManualClock();
      r = qmtRig({ echo: false, clock, faults: { brokerSilence: ['suback'] } });
      await r.cmd('AT+QMTCFG="timeout",0,5,2,1');
      expect(await openConn(r, broker, 0, unique('q-silent'))).toBe('+QMTCONN: 0,0,0');
      const from = r.mark();
      const ignored = (): Promise<unknown> => waitFor(r!.emulator, 'fault', (kind) => kind === 'silence');
      let silenced = ignored();
      await r.cmd('AT+QMTSUB=0,1,"q/silent",1');
      for (const n of [1, 2]) {
        await silenced; // the broker's SUBACK came and was ignored: the timer runs
        silenced = ignored();
        clock.advance(5000);
        await r.until(`\r\n+QMTSUB: 0,1,1,${n}\r\n`, { from });
      }
      await silenced;
      clock.advance(5000);
      const out = await r.until('\r\n+QMTSUB: 0,1,2\r\n', { from });
      expect(out.match(/\+QMTSUB: [^\r]*/g)).toEqual(['+QMTSUB: 0,1,1,1', '+QMTSUB: 0,1,1,2', '+QMTSUB: 0,1,2']);
    });

    it('drops the URCs a drop-urc fault names: the publish reaches the broker, +QMTPUB never comes', async () => {
      r = qmtRig({ echo: false, faults: { dropUrc: { prefixes: ['+QMTPUB'] } } });
      const topic = unique('q-dropurc');
      const c = await watch(topic);
      expect(await openConn(r, broker, 0, unique('q-dropurc-dev'))).toBe('+QMTCONN: 0,0,0');
      const dropped = waitFor(r.emulator, 'urc', (text, d) => d && text.startsWith('+QMTPUB:'));
      const from = r.mark();
      r.write(`AT+QMTPUB=0,1,1,0,"${topic}",2\r`);
      await r.until('\r\n> ', { from });
      r.write('42');
      const [text] = await dropped;
      expect(text).toBe('+QMTPUB: 0,1,0');
      expect((await c.next((m) => m.topic === topic)).payload.toString()).toBe('42');
      expect(r.text().slice(from)).not.toContain('+QMTPUB:');
    });
  });

  describe('ending', () => {
    it('AT+QMTDISC sends DISCONNECT: +QMTDISC: 0,0, mosquitto logs a clean disconnect, the client is closed', async () => {
      r = qmtRig({ echo: false });
      const id = unique('q-disc');
      expect(await openConn(r, broker, 0, id)).toBe('+QMTCONN: 0,0,0');
      const from = r.mark();
      await r.cmd('AT+QMTDISC=0');
      await r.until('\r\n+QMTDISC: 0,0\r\n', { from });
      await broker.waitForLog(new RegExp(`Client ${id} disconnected\\.`));
      expect(await r.cmd('AT+QMTCONN?')).toBe('\r\nOK\r\n');
    });

    it('AT+QMTCLOSE drops TCP without DISCONNECT: +QMTCLOSE: 0,0 and the broker publishes the will', async () => {
      r = qmtRig({ echo: false });
      const will = unique('q-will');
      const c = await watch(will);
      await r.cmd(`AT+QMTCFG="will",0,1,1,0,"${will}","device gone"`);
      expect(await openConn(r, broker, 0, unique('q-close'))).toBe('+QMTCONN: 0,0,0');
      const from = r.mark();
      await r.cmd('AT+QMTCLOSE=0');
      await r.until('\r\n+QMTCLOSE: 0,0\r\n', { from });
      expect((await c.next((m) => m.topic === will)).payload.toString()).toBe('device gone');
    });

    it('prints +QMTSTAT: 0,1 when the broker dies and does not reconnect by itself', async () => {
      const doomed = await startMosquitto({ users: { [USER]: PASS } });
      try {
        r = qmtRig({ echo: false });
        const dials: string[] = [];
        r.emulator.on('link', (e) => e.type === 'connecting' && dials.push(e.detail));
        expect(await openConn(r, doomed, 0, unique('q-lost'))).toBe('+QMTCONN: 0,0,0');
        const from = r.mark();
        doomed.kill();
        await r.until('\r\n+QMTSTAT: 0,1\r\n', { from });
        expect(await r.cmd('AT+QMTCONN?')).toBe('\r\nOK\r\n');
        expect(await r.cmd('AT+QMTOPEN?')).toBe('\r\nOK\r\n');
        expect(dials).toHaveLength(1);
      } finally {
        await doomed.stop();
      }
    });
  });
});
