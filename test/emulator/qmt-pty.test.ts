import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPtyEmulator, type PtyEmulator } from '../../src/emulator/pty.js';
import { SerialModemPort } from '../../src/port/serial.js';
import { mosquittoMissing, startMosquitto, type RunningMosquitto } from '../helpers/mosquitto.js';
import { hasSocat } from '../helpers/pty.js';
import { checker, unique } from './broker-helpers.js';
import { term } from './qmt-harness.js';

const reason = !hasSocat() ? 'socat is not installed (apt-get install socat)' : mosquittoMissing();
if (reason) console.warn(`[test/emulator/qmt-pty.test.ts skipped] ${reason}`);

describe.skipIf(reason !== null)('QMT emulator on a pseudo-terminal, opened by the real serialport code', () => {
  let broker: RunningMosquitto;
  let pty: PtyEmulator | null = null;
  beforeAll(async () => {
    broker = await startMosquitto({ users: { dev: 'secret' } });
  });
  afterAll(async () => {
    await pty?.stop();
    await broker?.stop();
  });

  it('runs open → connect → subscribe → publish → receive → disconnect → close over the pty against mosquitto', async () => {
    pty = await startPtyEmulator({ dialect: 'qmt', model: 'EC800N' });
    const port = await SerialModemPort.open({ path: pty.path });
    const c = await checker(broker, { username: 'dev', password: 'secret' });
    try {
      const t = term(port);
      const topic = unique('qpty');
      await c.client.subscribeAsync(`${topic}/up`, { qos: 1 });
      // echo is on: the command comes back before its answer
      expect(await t.cmd('ATI')).toBe('ATI\r\r\nQuectel\r\nEC800N\r\nRevision: EMU_EC800N_V0.1 (emulated firmware)\r\n\r\nOK\r\n');
      expect(await t.cmd('AT+QIACT?')).toBe('AT+QIACT?\r\r\n+QIACT: 1,1,1,"10.64.0.2"\r\n\r\nOK\r\n');
      await t.cmd('AT+QMTCFG="recv/mode",0,0,1');
      let from = t.mark();
      await t.cmd(`AT+QMTOPEN=0,"localhost",${broker.port}`);
      await t.until('\r\n+QMTOPEN: 0,0\r\n', { from });
      from = t.mark();
      await t.cmd(`AT+QMTCONN=0,"${unique('qpty-dev')}","dev","secret"`);
      await t.until('\r\n+QMTCONN: 0,0,0\r\n', { from });
      from = t.mark();
      await t.cmd(`AT+QMTSUB=0,1,"${topic}/down",1`);
      await t.until('\r\n+QMTSUB: 0,1,0,1\r\n', { from });

      const payload = '{"temp":21.5,\r\n"unit":"C"}';
      from = t.mark();
      t.write(`AT+QMTPUBEX=0,2,1,0,"${topic}/up",${Buffer.byteLength(payload)}\r`);
      await t.until('\r\n> ', { from });
      const got = new Promise<string>((res) => c.client.on('message', (_t, p) => res(p.toString())));
      t.write(payload);
      await t.until('\r\n+QMTPUBEX: 0,2,0\r\n', { from });
      expect(await got).toBe(payload);

      from = t.mark();
      await c.client.publishAsync(`${topic}/down`, 'say "hi"', { qos: 1 });
      const recv = await t.until(/\r\n\+QMTRECV: 0,\d+,[^\r]*\r\n/, { from });
      expect(recv).toMatch(new RegExp(`\\r\\n\\+QMTRECV: 0,[1-9]\\d*,"${topic}/down",8,"say "hi""\\r\\n$`));

      from = t.mark();
      await t.cmd('AT+QMTDISC=0');
      await t.until('\r\n+QMTDISC: 0,0\r\n', { from });
      expect(await t.cmd('AT+QMTCLOSE=0')).toBe('AT+QMTCLOSE=0\r\r\nERROR\r\n');
    } finally {
      await c.close();
      await port.close();
    }
  });
});
