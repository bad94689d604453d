import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AtEngine } from '../../src/at/engine.js';
import { startPtyEmulator, type PtyEmulator } from '../../src/emulator/pty.js';
import { defaultGrammar } from '../../src/grammar.js';
import { SerialModemPort } from '../../src/port/serial.js';
import type { ModemEvent } from '../../src/urc/types.js';
import { isCatError } from '../../src/util/errors.js';
import { mosquittoMissing, startMosquitto, type RunningMosquitto } from '../helpers/mosquitto.js';
import { hasSocat } from '../helpers/pty.js';
import { unique } from './broker-helpers.js';
import { waitFor } from './harness.js';

const reason = !hasSocat() ? 'socat is not installed (apt-get install socat)' : mosquittoMissing();
if (reason) console.warn(`[test/emulator/pty.test.ts skipped] ${reason}`);

describe.skipIf(reason !== null)('emulator on a pseudo-terminal, opened by the real serialport code', () => {
  let broker: RunningMosquitto;
  let pty: PtyEmulator;
  beforeAll(async () => {
    broker = await startMosquitto({ users: { dev: 'secret' } });
  });
  afterAll(async () => {
    await pty?.stop();
    await broker?.stop();
  });

  it('runs a whole MQTT session end to end: AT over the pty, MQTT to mosquitto, checked by mqtt.js', async () => {
    pty = await startPtyEmulator({ profile: 'ec616s' });
    const port = await SerialModemPort.open({ path: pty.path });
    const engine = new AtEngine(port, { grammar: defaultGrammar() });
    const urcs: ModemEvent[] = [];
    engine.on('urc', (e) => urcs.push(e));
    const nextUrc = async (type: ModemEvent['type']): Promise<ModemEvent> => {
      const seen = urcs.find((u) => u.type === type);
      if (seen) return seen;
      return (await waitFor(engine, 'urc', (e) => e.type === type))[0];
    };
    const ok = async (cmd: string, data?: string): Promise<string[]> => {
      const o = await engine.send(cmd, data === undefined ? {} : { data });
      expect(o.status, cmd).toBe('ok');
      return o.lines.map((l) => l.raw);
    };
    const checker = await mqtt.connectAsync(broker.url, { clientId: unique('pty-checker'), username: 'dev', password: 'secret', reconnectPeriod: 0 });
    try {
      const topic = unique('pty');
      await checker.subscribeAsync(`${topic}/up`, { qos: 1 });
      const got = new Promise<string>((res) => checker.on('message', (_t, p) => res(p.toString())));

      await ok('AT');
      expect(await ok('AT+CGMM')).toEqual(['EC616S-EMU']);
      await ok(`AT+ECMTOPEN=0,"localhost",${broker.port}`);
      expect((await nextUrc('ecmt-open')).raw).toBe('+ECMTOPEN: 0,0');
      await ok(`AT+ECMTCONN=0,"${unique('pty-dev')}","dev","secret"`);
      expect((await nextUrc('ecmt-conn')).raw).toBe('+ECMTCONN: 0,0,0');
      await ok(`AT+ECMTSUB=0,1,"${topic}/down",1`);
      expect((await nextUrc('ecmt-sub')).raw).toBe('+ECMTSUB: 0,1,0,1');
      await ok(`AT+ECMTPUB=0,2,1,0,"${topic}/up"`, '{"temp":21.5,"unit":"C"}');
      expect((await nextUrc('ecmt-pub')).raw).toBe('+ECMTPUB: 0,2,0');
      expect(await got).toBe('{"temp":21.5,"unit":"C"}');
      await checker.publishAsync(`${topic}/down`, '{\n  "led": "on"\n}', { qos: 1 });
      const recv = await nextUrc('ecmt-recv');
      expect((recv as { payload: Buffer }).payload.toString()).toBe('{\n  "led": "on"\n}');
      await ok('AT+ECMTDISC=0');
      expect((await nextUrc('ecmt-disc')).raw).toBe('+ECMTDISC: 0,0');
    } finally {
      await checker.endAsync(true);
      await engine.close();
    }
  });

  it('says which tool is missing when socat is not on the PATH', async () => {
    const path = process.env['PATH'];
    process.env['PATH'] = '/nonexistent';
    try {
      await startPtyEmulator();
      expect.unreachable();
    } catch (e) {
      expect(isCatError(e, 'ERR_TOOL_MISSING')).toBe(true);
      expect((e as Error).message).toBe('socat is needed to create a pseudo-terminal (apt-get install socat)');
    } finally {
      process.env['PATH'] = path;
    }
  });
});
