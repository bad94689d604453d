import { afterEach, describe, expect, it } from 'vitest';
import { Socket } from 'node:net';
import { EcmtEmulator } from '../../src/emulator/emulator.js';
import { createPortPair } from '../../src/port/memory.js';
import { isCatError } from '../../src/util/errors.js';
import { qmtRig, type QmtRig } from './qmt-harness.js';

/**
 * The QMT emulator's AT surface without a broker: identity, echo, AT+QMTCFG keys and read forms,
 * test forms, state errors, the PDP check and the open failures of ../shared/protocol/qmt.md §3.
 */

let r: QmtRig | null = null;
afterEach(async () => {
  await r?.close();
  r = null;
});

/** A connect hook whose TCP connection is refused (no socket is opened). */
const refused = () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));

describe('QMT emulator: identity and echo', () => {
  it('echoes commands by default and answers ATI and AT+CGMI as Quectel with its model', async () => {
    r = qmtRig({ model: 'EG915U' });
    expect(await r.cmd('ATI')).toBe('ATI\r\r\nQuectel\r\nEG915U\r\nRevision: EMU_EG915U_V0.1 (emulated firmware)\r\n\r\nOK\r\n');
    expect(await r.cmd('AT+CGMI')).toBe('AT+CGMI\r\r\nQuectel\r\n\r\nOK\r\n');
    expect(await r.cmd('ATE0')).toBe('ATE0\r\r\nOK\r\n');
    expect(await r.cmd('AT+CGMM')).toBe('\r\nEG915U\r\n\r\nOK\r\n');
  });

  it('has no Eigencomm commands: AT+ECMTOPEN and AT+ECICCID answer ERROR, AT+QCCID answers', async () => {
    r = qmtRig({ echo: false });
    expect(await r.cmd('AT+ECMTOPEN=0,"127.0.0.1",1883')).toBe('\r\nERROR\r\n');
    expect(await r.cmd('AT+ECICCID')).toBe('\r\nERROR\r\n');
    expect(await r.cmd('AT+QCCID')).toBe('\r\n+QCCID: 89860000000000000001\r\n\r\nOK\r\n');
  });

  it('rejects a model without dialect qmt, and an unknown model, naming the option', () => {
    const pair = createPortPair();
    for (const bad of [{ model: 'EC800N' as const }, { dialect: 'qmt' as const, model: 'SIM7600' as never }]) {
      let err: unknown = null;
      try {
        new EcmtEmulator(pair.module, bad);
      } catch (e) {
        err = e;
      }
      expect(isCatError(err) && err.code).toBe('ERR_INVALID_OPTION');
      expect(String((err as Error).message)).toContain('model');
    }
  });
});

describe('QMT emulator: AT+QMTCFG', () => {
  it('answers each key read form with the defaults of the reference (version 4, keepalive 120, session 1, timeout 5,3,0, recv/mode 0,0)', async () => {
    r = qmtRig({ echo: false });
    const q = async (key: string): Promise<string> => (await r!.cmd(`AT+QMTCFG="${key}",0`)).split('\r\n')[1]!;
    expect(await q('version')).toBe('+QMTCFG: "version",4');
    expect(await q('pdpcid')).toBe('+QMTCFG: "pdpcid",1');
    expect(await q('ssl')).toBe('+QMTCFG: "ssl",0');
    expect(await q('keepalive')).toBe('+QMTCFG: "keepalive",120');
    expect(await q('session')).toBe('+QMTCFG: "session",1');
    expect(await q('timeout')).toBe('+QMTCFG: "timeout",5,3,0');
    expect(await q('will')).toBe('+QMTCFG: "will",0');
    expect(await q('recv/mode')).toBe('+QMTCFG: "recv/mode",0,0');
  });

  it('stores settings per client, sub-keys case-insensitive, and reads them back', async () => {
    r = qmtRig({ echo: false });
    for (const c of ['AT+QMTCFG="VERSION",2,3', 'AT+QMTCFG="keepalive",2,60', 'AT+QMTCFG="timeout",2,10,2,1', 'AT+QMTCFG="will",2,1,1,1,"dev/will","gone"', 'AT+QMTCFG="recv/mode",2,1,1', 'AT+QMTCFG="SSL",2,1,3']) {
      expect(await r.cmd(c), c).toBe('\r\nOK\r\n');
    }
    expect(await r.cmd('AT+QMTCFG="version",2')).toBe('\r\n+QMTCFG: "version",3\r\n\r\nOK\r\n');
    expect(await r.cmd('AT+QMTCFG="timeout",2')).toBe('\r\n+QMTCFG: "timeout",10,2,1\r\n\r\nOK\r\n');
    expect(await r.cmd('AT+QMTCFG="will",2')).toBe('\r\n+QMTCFG: "will",1,1,1,"dev/will","gone"\r\n\r\nOK\r\n');
    expect(await r.cmd('AT+QMTCFG="recv/mode",2')).toBe('\r\n+QMTCFG: "recv/mode",1,1\r\n\r\nOK\r\n');
    expect(await r.cmd('AT+QMTCFG="ssl",2')).toBe('\r\n+QMTCFG: "ssl",1,3\r\n\r\nOK\r\n');
    // client 0 kept its own defaults
    expect(await r.cmd('AT+QMTCFG="version",0')).toBe('\r\n+QMTCFG: "version",4\r\n\r\nOK\r\n');
  });

  it('answers ERROR for an invented key, client 6, version 5, keepalive 3601 and a will flag 1 without its four values', async () => {
    r = qmtRig({ echo: false });
    for (const c of [
      'AT+QMTCFG="clean_session",0,1',
      'AT+QMTCFG="version",6,4',
      'AT+QMTCFG="version",0,5',
      'AT+QMTCFG="keepalive",0,3601',
      'AT+QMTCFG="will",0,1',
      'AT+QMTCFG="recv/mode",0,2',
    ]) {
      expect(await r.cmd(c), c).toBe('\r\nERROR\r\n');
    }
  });

  it('uses the model\'s pkt_timeout range: 1200 s accepted on EC800N (EC600S prints 1-1200), refused on BG96 (1-60)', async () => {
    r = qmtRig({ echo: false, model: 'EC800N' });
    expect(await r.cmd('AT+QMTCFG="timeout",0,1200,3,0')).toBe('\r\nOK\r\n');
    await r.close();
    r = qmtRig({ echo: false, model: 'BG96' });
    expect(await r.cmd('AT+QMTCFG="timeout",0,1200,3,0')).toBe('\r\nERROR\r\n');
    expect(await r.cmd('AT+QMTCFG="timeout",0,60,3,0')).toBe('\r\nOK\r\n');
  });
});

describe('QMT emulator: test forms, read forms with nothing open, state errors', () => {
  it('prints the test forms with six clients and the model\'s publish range', async () => {
    r = qmtRig({ echo: false, model: 'BG96' });
    expect(await r.cmd('AT+QMTOPEN=?')).toBe('\r\n+QMTOPEN: (0-5),"<host_name>",(1-65535)\r\n\r\nOK\r\n');
    expect(await r.cmd('AT+QMTPUB=?')).toBe('\r\n+QMTPUB: (0-5),<msgid>,(0-2),(0,1),"topic",(1-1548)\r\n\r\nOK\r\n');
    expect(await r.cmd('AT+QMTDISC=?')).toBe('\r\n+QMTDISC: (0-5)\r\n\r\nOK\r\n');
  });

  it('answers the read forms with a bare OK when no client is open', async () => {
    r = qmtRig({ echo: false });
    expect(await r.cmd('AT+QMTOPEN?')).toBe('\r\nOK\r\n');
    expect(await r.cmd('AT+QMTCONN?')).toBe('\r\nOK\r\n');
    expect(await r.cmd('AT+QMTRECV?')).toBe('\r\nOK\r\n');
  });

  it('refuses CONN, SUB, PUB, DISC and CLOSE on a closed client with ERROR, and a QoS 1 publish with msgid 0', async () => {
    r = qmtRig({ echo: false });
    for (const c of ['AT+QMTCONN=0,"dev"', 'AT+QMTSUB=0,1,"t",1', 'AT+QMTPUB=0,0,0,0,"t"', 'AT+QMTDISC=0', 'AT+QMTCLOSE=0', 'AT+QMTPUB=0,0,1,0,"t"']) {
      expect(await r.cmd(c), c).toBe('\r\nERROR\r\n');
    }
  });
});

describe('QMT emulator: the PDP check and open failures', () => {
  it('shows the active context in AT+QIACT? and none after AT+QIDEACT=1; AT+QMTOPEN then reports 3 (PDP activation failed)', async () => {
    r = qmtRig({ echo: false, connect: refused });
    expect(await r.cmd('AT+QIACT?')).toBe('\r\n+QIACT: 1,1,1,"10.64.0.2"\r\n\r\nOK\r\n');
    expect(await r.cmd('AT+QIDEACT=1')).toBe('\r\nOK\r\n');
    expect(await r.cmd('AT+QIACT?')).toBe('\r\nOK\r\n');
    const from = r.mark();
    expect(await r.cmd('AT+QMTOPEN=0,"127.0.0.1",1883')).toBe('\r\nOK\r\n');
    expect(await r.until('+QMTOPEN: 0,3\r\n', { from })).toContain('\r\nOK\r\n\r\n+QMTOPEN: 0,3\r\n');
    expect(await r.cmd('AT+QIACT=1')).toBe('\r\nOK\r\n');
    expect(await r.cmd('AT+QIACT?')).toBe('\r\n+QIACT: 1,1,1,"10.64.0.2"\r\n\r\nOK\r\n');
  });

  it('answers AT+QIACT? with a bare OK and AT+QIACT=1 with ERROR while not registered', async () => {
    r = qmtRig({ echo: false, conditions: { registration: 'searching' } });
    expect(await r.cmd('AT+QIACT?')).toBe('\r\nOK\r\n');
    expect(await r.cmd('AT+QIACT=1')).toBe('\r\nERROR\r\n');
  });

  it('reports 4 when the host name does not resolve and -1 when the TCP connection is refused', async () => {
    r = qmtRig({ echo: false, connect: refused, conditions: { dns: { 'broker.invalid': null } } });
    let from = r.mark();
    await r.cmd('AT+QMTOPEN=0,"broker.invalid",1883');
    await r.until('\r\n+QMTOPEN: 0,4\r\n', { from });
    from = r.mark();
    await r.cmd('AT+QMTOPEN=1,"127.0.0.1",1883');
    await r.until('\r\n+QMTOPEN: 1,-1\r\n', { from });
    // both clients are closed again
    expect(await r.cmd('AT+QMTOPEN?')).toBe('\r\nOK\r\n');
  });

  it('reports 2 (identifier occupied) for an AT+QMTOPEN on a client that is still open', async () => {
    const sockets: Socket[] = [];
    // a TCP connection that stays up without a broker behind it: the open succeeds
    const { createServer } = await import('node:net');
    const server = createServer((s) => sockets.push(s));
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
    const port = (server.address() as { port: number }).port;
    try {
      r = qmtRig({ echo: false });
      let from = r.mark();
      await r.cmd(`AT+QMTOPEN=0,"127.0.0.1",${port}`);
      await r.until('\r\n+QMTOPEN: 0,0\r\n', { from });
      expect(await r.cmd('AT+QMTOPEN?')).toBe(`\r\n+QMTOPEN: 0,"127.0.0.1",${port}\r\n\r\nOK\r\n`);
      expect(await r.cmd('AT+QMTCONN?')).toBe('\r\n+QMTCONN: 0,1\r\n\r\nOK\r\n');
      from = r.mark();
      await r.cmd(`AT+QMTOPEN=0,"127.0.0.1",${port}`);
      await r.until('\r\n+QMTOPEN: 0,2\r\n', { from });
      from = r.mark();
      expect(await r.cmd('AT+QMTCLOSE=0')).toBe('\r\nOK\r\n');
      await r.until('\r\n+QMTCLOSE: 0,0\r\n', { from });
      expect(await r.cmd('AT+QMTOPEN?')).toBe('\r\nOK\r\n');
    } finally {
      await r?.close();
      r = null;
      for (const s of sockets) s.destroy();
      await new Promise<void>((res) => server.close(() => res()));
    }
  });
});
