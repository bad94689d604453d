/**
 * The checklist against the emulator's conditions (ecmt.md §5): each fault stops the run at the
 * stage that owns it, with the hint a support engineer would give.
 */
import { describe, expect, it } from 'vitest';
import { DNS_HINTS, PDP_HINTS, REGISTRATION_HINTS, SIM_HINTS, STAGES } from '../../src/diagnose/index.js';
import { diagnose, seenEn } from './harness.js';

const AFTER = (id: string): string[] => STAGES.map((s) => s.id).slice(STAGES.findIndex((s) => s.id === id) + 1);

describe('runDiagnosis on the emulator', () => {
  it('no SIM: stops at the SIM stage with CME 10 and the reseat hint; the later stages are not run', async () => {
    const r = await diagnose({ conditions: { sim: 'absent' } });
    expect(r.stages.map((s) => [s.stage, s.status])).toEqual([
      ['link', 'pass'],
      ['identity', 'pass'],
      ['sim', 'fail'],
    ]);
    const sim = r.stage('sim');
    expect(seenEn(sim)).toEqual(['AT+CPIN? → +CME ERROR: 10']);
    expect(sim.summary.en).toBe('CME ERROR 10: SIM not inserted');
    expect(sim.hint).toEqual(SIM_HINTS.notInserted);
    expect(sim.hint?.en).toMatch(/power off, reseat the SIM, check the SIM detect pin/);
    expect(sim.hint?.zh).toMatch(/SIM 卡检测引脚/);
    expect(r.d).toMatchObject({ outcome: 'fail', stoppedAt: 'sim', notRun: AFTER('sim'), hint: SIM_HINTS.notInserted });
    expect(r.stage('identity').summary.en).toMatch(/no IMSI \(CME ERROR 10: SIM not inserted; see the SIM stage\)/);
  });

  it('SIM PIN required: fails with the unlock hint', async () => {
    const r = await diagnose({ conditions: { sim: 'pin-required' } });
    const sim = r.stage('sim');
    expect(sim.status).toBe('fail');
    expect(seenEn(sim)).toEqual(['AT+CPIN? → +CPIN: SIM PIN']);
    expect(sim.hint).toEqual(SIM_HINTS.pin);
    expect(r.d.stoppedAt).toBe('sim');
  });

  it('not registered: stops at registration (stat 0) with the operator-selection hint', async () => {
    const r = await diagnose({ conditions: { registration: 'not-registered' } });
    const reg = r.stage('registration');
    expect(reg.status).toBe('fail');
    expect(reg.data).toMatchObject({ cfun: 1, stat: 0 });
    expect(seenEn(reg)).toEqual(['AT+CFUN? → +CFUN: 1', 'AT+CEREG? → +CEREG: 0,0']);
    expect(reg.hint).toEqual(REGISTRATION_HINTS.notSearching);
    expect(reg.hint?.en).toMatch(/AT\+COPS=0/);
    expect(r.d).toMatchObject({ outcome: 'fail', stoppedAt: 'registration', notRun: AFTER('registration') });
  });

  it('registration denied: stops at registration (stat 3) with the subscription hint', async () => {
    const r = await diagnose({ conditions: { registration: 'denied' } });
    const reg = r.stage('registration');
    expect(reg.status).toBe('fail');
    expect(reg.summary.en).toBe('registration denied');
    expect(reg.hint).toEqual(REGISTRATION_HINTS.denied);
    expect(r.d.stoppedAt).toBe('registration');
  });

  it('still searching when the budget runs out: polls with progress on the side, then fails with the wait-longer hint', async () => {
    const r = await diagnose({ conditions: { registration: 'searching' } }, { registrationBudgetMs: 60, pollMs: 20 });
    const reg = r.stage('registration');
    expect(reg.status).toBe('fail');
    expect(reg.data['stat']).toBe(2);
    expect(reg.data['polls']).toBeGreaterThanOrEqual(2);
    expect(reg.hint?.en).toMatch(/still searching after \d+ s: check the antenna.*larger --timeout/);
    expect(r.progress.some((p) => /^waiting for network registration… \d+ s$/.test(p))).toBe(true);
    expect(seenEn(reg).at(-1)).toMatch(/^AT\+CEREG\? → \+CEREG: 0,2 \(after \d+ s, \d+ polls\)$/);
  });

  it('radio off (CFUN=0): the registration stage says AT+CFUN=1 before reading +CEREG', async () => {
    const r = await diagnose({}, {}, async (engine) => {
      expect((await engine.send('AT+CFUN=0')).status).toBe('ok');
    });
    const reg = r.stage('registration');
    expect(reg).toMatchObject({ status: 'fail', data: { cfun: 0 } });
    expect(seenEn(reg)).toEqual(['AT+CFUN? → +CFUN: 0']);
    expect(reg.hint).toEqual(REGISTRATION_HINTS.radioOff(0));
    // the signal stage saw no measurement first, and said so without failing
    expect(r.stage('signal')).toMatchObject({ status: 'warn', data: { rssi: 99, rsrpDbm: null } });
    expect(r.stage('signal').hint?.en).toMatch(/not camped on a cell: check the radio is on \(AT\+CFUN\?\)/);
  });

  it('no PDP context: stops at the PDP stage, shows the APN and points at AT+CGDCONT?', async () => {
    const r = await diagnose({ conditions: { pdp: { active: false } } });
    const pdp = r.stage('pdp');
    expect(pdp.status).toBe('fail');
    expect(seenEn(pdp)).toEqual(['AT+CGATT? → +CGATT: 1', 'AT+CGPADDR → +CGPADDR: 0', 'AT+CGDCONT? → +CGDCONT: 0,"IP","cmnbiot"']);
    expect(pdp.hint).toEqual(PDP_HINTS.noAddress);
    expect(pdp.hint?.en).toMatch(/PDN not active: check the APN with AT\+CGDCONT\?/);
    expect(r.d).toMatchObject({ outcome: 'fail', stoppedAt: 'pdp', notRun: AFTER('pdp') });
  });

  it('accepts the CAT1 default bearer (cid 1)', async () => {
    const r = await diagnose({ conditions: { rat: 'cat1' } }, { stages: STAGES.slice(0, 6) });
    expect(r.stage('pdp')).toMatchObject({ status: 'pass', data: { cid: 1, addresses: ['10.64.0.2'] } });
    expect(r.stage('registration').data['act']).toBe(null); // n=0: the read form prints no AcT
    expect(r.d.outcome).toBe('pass');
  });

  it('DNS failure: stops at the DNS stage with CME 423 and the DNS hint', async () => {
    const r = await diagnose({ conditions: { dns: 'fail' } });
    const dns = r.stage('dns');
    expect(dns.status).toBe('fail');
    expect(seenEn(dns)).toEqual(['AT+ECDNS="broker.example.com" → +CME ERROR: 423']);
    expect(dns.summary.en).toMatch(/^CME ERROR 423: DNS resolution failed/);
    expect(dns.hint).toEqual(DNS_HINTS.failed('broker.example.com'));
    expect(r.d).toMatchObject({ outcome: 'fail', stoppedAt: 'dns', notRun: ['ping', 'mqtt', 'compare'] });
  });

  it('skips the DNS stage when the broker is an IP address', async () => {
    const r = await diagnose({}, { broker: { host: '192.0.2.1', port: 1883, tls: false }, stages: STAGES.slice(0, 7) });
    expect(r.stage('dns')).toMatchObject({ status: 'skip', seen: [] });
    expect(r.d.outcome).toBe('pass');
  });

  it('--keep-going runs every stage after a failure and lists every failure', async () => {
    const r = await diagnose({ conditions: { sim: 'absent' } }, { keepGoing: true });
    expect(r.stages.map((s) => s.stage)).toEqual(STAGES.map((s) => s.id));
    expect(r.d.notRun).toEqual([]);
    expect(r.d.stoppedAt).toBe(null);
    expect(r.stages.filter((s) => s.status === 'fail').map((s) => s.stage)).toEqual(['sim', 'registration', 'pdp', 'dns', 'mqtt']);
    expect(r.stage('ping').status).toBe('skip');
    expect(r.stage('compare').status).toBe('skip');
    // the first failure's hint leads
    expect(r.d.hint).toEqual(SIM_HINTS.notInserted);
    // without a PDN the module's DNS fails too: the hint points back at the PDN, not at DNS servers
    expect(r.stage('dns').hint).toEqual(DNS_HINTS.pdn);
    // the MQTT open was refused without a PDN: the hint names it
    expect(r.stage('mqtt').hint?.en).toMatch(/CME 3.*PDN is not active/);
  });
});
