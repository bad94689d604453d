import { afterEach, describe, expect, it } from 'vitest';
import { EcmtEmulator } from '../../src/emulator/emulator.js';
import { emulatorTranscriptHeader } from '../../src/emulator/recorder.js';
import { createPortPair } from '../../src/port/memory.js';
import { MemorySink, makeHeader } from '../../src/recording/writer.js';
import { isCatError } from '../../src/util/errors.js';
import { errorOf, rig, waitFor, type Rig } from './harness.js';

let r: Rig;
afterEach(async () => {
  await r?.close();
});

describe('emulator: identity and the first commands of a field tool', () => {
  it('answers the identity commands with obviously fake emulator values', async () => {
    r = rig();
    await r.ok('AT');
    expect(await r.ok('ATI')).toEqual(['cat1-bridge emulator', 'EC616S-EMU', 'Revision: EMU_EC616S_V0.1 (emulated firmware)']);
    expect(await r.ok('AT+CGMI')).toEqual(['cat1-bridge emulator']);
    expect(await r.ok('AT+CGMM')).toEqual(['EC616S-EMU']);
    expect(await r.ok('AT+CGMR')).toEqual(['EMU_EC616S_V0.1 (emulated firmware)']);
    expect(await r.ok('AT+CGSN')).toEqual(['860000000000001']);
    expect(await r.ok('AT+CGSN=1')).toEqual(['+CGSN: 860000000000001']);
    expect(await r.ok('AT+CIMI')).toEqual(['460000000000001']);
    expect(await r.ok('AT+ECICCID')).toEqual(['+ECICCID: 89860000000000000001']);
  });

  it('takes identity values from the options', async () => {
    r = rig({ profile: 'ec626-tls', identity: { imei: '861234567890123', model: 'MY-MODEL' } });
    expect(await r.ok('AT+CGSN')).toEqual(['861234567890123']);
    expect(await r.ok('AT+CGMM')).toEqual(['MY-MODEL']);
  });

  it('reports a healthy NB-IoT module by default (cid 0, AcT 9)', async () => {
    r = rig();
    expect(await r.ok('AT+CFUN?')).toEqual(['+CFUN: 1']);
    expect(await r.ok('AT+CPIN?')).toEqual(['+CPIN: READY']);
    expect(await r.ok('AT+CSQ')).toEqual(['+CSQ: 24,99']);
    expect(await r.ok('AT+CESQ')).toEqual(['+CESQ: 99,99,255,255,20,50']);
    expect(await r.ok('AT+CEREG?')).toEqual(['+CEREG: 0,1']);
    await r.ok('AT+CEREG=2');
    expect(await r.ok('AT+CEREG?')).toEqual(['+CEREG: 2,1,"1A2B","0C3D4E5F",9']);
    expect(await r.ok('AT+CREG?')).toEqual(['+CREG: 0,1']);
    expect(await r.ok('AT+CGATT?')).toEqual(['+CGATT: 1']);
    expect(await r.ok('AT+CGPADDR')).toEqual(['+CGPADDR: 0,"10.64.0.2"']);
    expect(await r.ok('AT+CGPADDR=0')).toEqual(['+CGPADDR: 0,"10.64.0.2"']);
    expect((await r.ok('AT+CGCONTRDP'))[0]).toMatch(/^\+CGCONTRDP: 0,5,"cmnbiot","10\.64\.0\.2\./);
    expect(await r.ok('AT+CGDCONT?')).toEqual(['+CGDCONT: 0,"IP","cmnbiot"']);
    const status = await r.ok('AT+ECSTATUS');
    expect(status).toHaveLength(3);
    expect(status[0]).toMatch(/^\+ECSTATUS: PHY, .*RSRP:-91, RSRQ:-10, SNR:12, Band:8/);
  });

  it('uses cid 1 and AcT 7 on the CAT1 profile', async () => {
    r = rig({ profile: 'ec626-tls' });
    await r.ok('AT+CEREG=2');
    expect(await r.ok('AT+CEREG?')).toEqual(['+CEREG: 2,1,"1A2B","0C3D4E5F",7']);
    expect(await r.ok('AT+CGPADDR')).toEqual(['+CGPADDR: 1,"10.64.0.2"']);
  });

  it('answers test forms of the general commands', async () => {
    r = rig();
    expect(await r.ok('AT+CFUN=?')).toEqual(['+CFUN: (0,1,4),(0,1)']);
    expect(await r.ok('AT+CEREG=?')).toEqual(['+CEREG: (0-5)']);
    expect(await r.ok('AT+CMEE=?')).toEqual(['+CMEE: (0-2)']);
  });
});

describe('emulator: echo and error modes', () => {
  it('starts with echo off and CMEE=1, as the EC616S', async () => {
    r = rig();
    expect(await r.ok('AT+CMEE?')).toEqual(['+CMEE: 1']);
    expect(r.output()).toBe('\r\n+CMEE: 1\r\n\r\nOK\r\n');
  });

  it('echoes the received bytes after ATE1, and stops after ATE0', async () => {
    r = rig();
    await r.ok('ATE1');
    await r.ok('AT+CSQ');
    expect(r.engine.echo).toBe(true);
    expect(r.output()).toContain('AT+CSQ\r\r\n+CSQ: 24,99\r\n\r\nOK\r\n');
    await r.ok('ATE0'); // its own bytes are still echoed: echo was on when they arrived
    await r.ok('AT');
    expect(r.output().endsWith('ATE0\r\r\nOK\r\n\r\nOK\r\n')).toBe(true);
  });

  it('reports errors as ERROR, +CME ERROR: <n> or +CME ERROR: <text> by AT+CMEE', async () => {
    r = rig();
    expect(errorOf(await r.send('AT+ECMTDISC=0'))).toBe('+CME ERROR: 3');
    await r.ok('AT+CMEE=2');
    const o = await r.send('AT+ECMTDISC=0');
    expect(errorOf(o)).toBe('+CME ERROR: operation not allowed');
    expect(o.status === 'error' && o.error.type === 'cme-error' ? o.error.code : null).toBe(3);
    await r.ok('AT+CMEE=0');
    expect(errorOf(await r.send('AT+ECMTDISC=0'))).toBe('ERROR');
  });

  it('uses the power-up echo and CMEE from the options', async () => {
    r = rig({ echo: true, cmee: 2 });
    expect(await r.ok('AT+CMEE?')).toEqual(['+CMEE: 2']);
    expect(r.output().startsWith('AT+CMEE?\r')).toBe(true);
  });
});

describe('emulator: conditions drive the answers', () => {
  it('without a SIM: CPIN and CIMI fail with CME 10, no registration, no PDN', async () => {
    r = rig({ conditions: { sim: 'absent' } });
    expect(errorOf(await r.send('AT+CPIN?'))).toBe('+CME ERROR: 10');
    expect(errorOf(await r.send('AT+CIMI'))).toBe('+CME ERROR: 10');
    expect(await r.ok('AT+CEREG?')).toEqual(['+CEREG: 0,0']);
    expect(await r.ok('AT+CGPADDR')).toEqual(['+CGPADDR: 0']);
    expect(errorOf(await r.send('AT+ECMTOPEN=0,"127.0.0.1",1883'))).toBe('+CME ERROR: 3');
  });

  it('with a PIN: +CPIN: SIM PIN until AT+CPIN=<pin>, then registers (reported by +CEREG)', async () => {
    r = rig({ conditions: { sim: 'pin-required', pin: '4321' } });
    await r.ok('AT+CEREG=1');
    expect(await r.ok('AT+CPIN?')).toEqual(['+CPIN: SIM PIN']);
    expect(errorOf(await r.send('AT+CPIN=1111'))).toBe('+CME ERROR: 16');
    const from = r.mark();
    await r.ok('AT+CPIN=4321');
    expect((await r.urc((e) => e.type === 'reg', { from })).raw).toBe('+CEREG: 1');
    expect(await r.ok('AT+CPIN?')).toEqual(['+CPIN: READY']);
  });

  it.each([
    ['searching', 2],
    ['denied', 3],
    ['not-registered', 0],
    ['roaming', 5],
  ] as const)('registration %s → +CEREG stat %i', async (registration, stat) => {
    r = rig({ conditions: { registration } });
    expect(await r.ok('AT+CEREG?')).toEqual([`+CEREG: 0,${stat}`]);
  });

  it('refuses AT+ECMTOPEN with +CME ERROR: 3 while the PDN is not active, and fails DNS', async () => {
    r = rig({ conditions: { pdp: { active: false } } });
    expect(await r.ok('AT+CGPADDR')).toEqual(['+CGPADDR: 0']);
    expect(errorOf(await r.send('AT+ECMTOPEN=0,"127.0.0.1",1883'))).toBe('+CME ERROR: 3');
    expect(errorOf(await r.send('AT+ECDNS="localhost"'))).toBe('+CME ERROR: 423');
  });

  it('resolves names for real by default, from a map when given, and fails with CME 423', async () => {
    r = rig({ conditions: { dns: { 'broker.test': '192.0.2.10', 'nx.test': null } } });
    expect(await r.ok('AT+ECDNS="localhost"')).toEqual(['+ECDNS: "127.0.0.1"']);
    expect(await r.ok('AT+ECDNS="broker.test"')).toEqual(['+ECDNS: "192.0.2.10"']);
    expect(errorOf(await r.send('AT+ECDNS="nx.test"'))).toBe('+CME ERROR: 423');
  });

  it('pings: OK, then one +ECPING per request, then DONE', async () => {
    r = rig({ conditions: { ping: { rttMs: 5 } } });
    const from = r.mark();
    await r.ok('AT+ECPING="127.0.0.1",2');
    await r.urcRaw('+ECPING: DONE', { from });
    const lines = r.urcs.slice(from).map((u) => u.raw);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^\+ECPING: SUCC, dest: 127\.0\.0\.1, RTT: \d+ ms$/);
    expect(r.urcs[from]).toMatchObject({ type: 'ecping', kind: 'succ', dest: '127.0.0.1' });
  });

  it('pings that time out print FAIL', async () => {
    r = rig({ conditions: { ping: 'timeout' } });
    const from = r.mark();
    await r.ok('AT+ECPING="127.0.0.1",1,32,20');
    await r.urcRaw('+ECPING: DONE', { from });
    expect(r.urcs[from]!.raw).toBe('+ECPING: FAIL, dest: 127.0.0.1, time out: 20 ms');
  });

  it('radio off (AT+CFUN=0) deregisters with a +CEREG URC, and back on registers again', async () => {
    r = rig();
    await r.ok('AT+CEREG=2');
    let from = r.mark();
    await r.ok('AT+CFUN=0');
    expect((await r.urc((e) => e.type === 'reg', { from })).raw).toBe('+CEREG: 0');
    expect(await r.ok('AT+CSQ')).toEqual(['+CSQ: 99,99']);
    from = r.mark();
    await r.ok('AT+CFUN=1');
    expect((await r.urc((e) => e.type === 'reg', { from })).raw).toBe('+CEREG: 1,"1A2B","0C3D4E5F",9');
  });

  it('changes conditions at run time (setConditions) with unsolicited reports', async () => {
    r = rig();
    await r.ok('AT+CEREG=1');
    const from = r.mark();
    r.emulator.setConditions({ registration: 'searching' });
    expect((await r.urc((e) => e.type === 'reg', { from })).raw).toBe('+CEREG: 2');
  });
});

describe('emulator: reboot', () => {
  it('prints the boot banner and drops every state', async () => {
    r = rig();
    await r.ok('ATE1');
    await r.ok('AT+ECMTCFG="keepalive",0,60');
    const boot = waitFor(r.engine, 'boot');
    r.emulator.reboot();
    expect((await boot)[0]).toMatchObject({ type: 'boot', banner: 'RDY' });
    expect(r.output().endsWith('\r\nRDY\r\n')).toBe(true);
    expect(errorOf(await r.send('AT+ECMTCFG="keepalive",0'))).toBe('+CME ERROR: 3');
    expect(r.emulator.settings.echo).toBe(false);
  });

  it('AT+CFUN=1,1 answers OK and reboots', async () => {
    r = rig();
    const boot = waitFor(r.engine, 'boot');
    await r.ok('AT+CFUN=1,1');
    await boot;
  });
});

describe('emulator: options and recording', () => {
  it('rejects bad options with ERR_INVALID_OPTION naming the option', () => {
    const pair = createPortPair();
    const attempt = (o: object): unknown => {
      try {
        new EcmtEmulator(pair.module, o);
      } catch (e) {
        return e;
      }
      return null;
    };
    const cases: Array<[object, RegExp]> = [
      [{ profile: 'ec999' }, /profile/],
      [{ conditions: { sim: 'maybe' } }, /conditions\.sim/],
      [{ conditions: { pdp: { address: 'x' } } }, /conditions\.pdp\.address/],
      [{ faults: { garble: 2 } }, /faults\.garble/],
      [{ cmee: 3 }, /cmee/],
      [{ nosuch: 1 }, /nosuch/],
      [{ identity: { imei: '123' } }, /identity\.imei/],
      [{ record: new MemorySink(makeHeader({ kind: 'hardware', redacted: true })) }, /record.*'emulator'/],
    ];
    for (const [o, re] of cases) {
      const e = attempt(o);
      expect(isCatError(e, 'ERR_INVALID_OPTION'), JSON.stringify(o)).toBe(true);
      expect((e as Error).message).toMatch(re);
    }
  });

  it('records its own session with an emulator header, secrets masked', async () => {
    const sink = new MemorySink(emulatorTranscriptHeader({ profile: 'ec616s' }));
    r = rig({ record: sink });
    await r.ok('AT+CGMI');
    await r.send('AT+ECMTCONN=0,"id","user","hunter22"');
    await r.close();
    expect(sink.header.kind).toBe('emulator');
    expect(sink.header.module).toMatchObject({ profile: 'ec616s', manufacturer: 'cat1-bridge emulator' });
    const text = sink.entries.map((e) => (e.dir === 'note' ? e.text : e.data.toString('latin1'))).join('|');
    expect(text).toContain('AT+CGMI\r');
    expect(text).toContain('\r\ncat1-bridge emulator\r\n');
    expect(text).not.toContain('hunter22');
    expect(sink.entries.some((e) => e.dir === 'tx') && sink.entries.some((e) => e.dir === 'rx')).toBe(true);
    expect(sink.closed).toBe(true);
  });
});
