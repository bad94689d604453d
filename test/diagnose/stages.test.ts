/**
 * The stages one by one: the serial link (silence, garbage, echo, CMEE), identity and its
 * masking, signal words and thresholds, the registration wait on fake timers, ping, the JSON
 * form, and option checks.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AtEngine } from '../../src/at/engine.js';
import { diagnosisToJson, runDiagnosis, SIM_HINTS, simStage, stageToJson, STAGES } from '../../src/diagnose/index.js';
import type { StageReport } from '../../src/diagnose/types.js';
import { EcmtEmulator } from '../../src/emulator/emulator.js';
import { defaultGrammar } from '../../src/grammar.js';
import { createPortPair } from '../../src/port/memory.js';
import { isCatError } from '../../src/util/errors.js';
import { diagnose, seenEn } from './harness.js';

const upTo = (id: string) => STAGES.slice(0, STAGES.findIndex((s) => s.id === id) + 1);
const BROKER = { host: 'broker.example.com', port: 1883, tls: false };

describe('stage 1: serial link and echo', () => {
  it('a port that never answers: one failed stage, "unreachable", and nothing else runs even with keepGoing', async () => {
    const pair = createPortPair(); // nobody on the module side
    const engine = new AtEngine(pair.host, { grammar: defaultGrammar() });
    const stages: StageReport[] = [];
    const d = await runDiagnosis({ engine, broker: BROKER, credentials: { clientId: 'x' }, keepGoing: true, probeTimeoutMs: 20 }, (r) => stages.push(r));
    await engine.close();
    expect(stages).toHaveLength(1);
    expect(stages[0]).toMatchObject({ stage: 'link', status: 'fail', unreachable: true, data: { answered: false, tries: 3, garbageBytes: 0 } });
    expect(stages[0]!.summary.en).toBe('no answer to AT at all');
    expect(stages[0]!.hint?.en).toMatch(/^not the AT port\? module off or still booting\?/);
    expect(d).toMatchObject({ outcome: 'unreachable', stoppedAt: 'link', notRun: STAGES.slice(1).map((s) => s.id) });
  });

  it('a port that answers with garbage: "wrong baud rate? not the AT port?"', async () => {
    const pair = createPortPair();
    pair.module.on('data', () => void pair.module.write(Buffer.from([0xf8, 0x80, 0x7e, 0xe0, 0x1c, 0x0d, 0x0a, 0x78, 0xf0, 0x0d, 0x0a])));
    const engine = new AtEngine(pair.host, { grammar: defaultGrammar() });
    const stages: StageReport[] = [];
    const d = await runDiagnosis({ engine, broker: BROKER, credentials: { clientId: 'x' }, probeTimeoutMs: 20 }, (r) => stages.push(r));
    await engine.close();
    expect(d.outcome).toBe('unreachable');
    const link = stages[0]!;
    expect(link.summary.en).toBe('the port sends bytes, but no answer to AT');
    expect(link.hint?.en).toMatch(/^wrong baud rate\? not the AT port\?/);
    expect(link.hint?.zh).toMatch(/^波特率不对？不是 AT 口？/);
    expect(link.data['garbageBytes']).toBeGreaterThan(0);
    expect(seenEn(link).at(-1)).toMatch(/^received \d+ bytes that are not AT answers/);
  });

  it('noise on the first AT (a module still booting), an answer on the second: passes, and says so', async () => {
    const pair = createPortPair();
    let writes = 0;
    pair.module.on('data', (b) => {
      writes++;
      const cmd = b.toString('latin1').trim();
      if (writes === 1) void pair.module.write(Buffer.from([0xff, 0xfe, 0x00, 0x0d, 0x0a]));
      else if (cmd === 'AT+CMEE?') void pair.module.write('\r\n+CMEE: 1\r\n\r\nOK\r\n');
      else void pair.module.write('\r\nOK\r\n');
    });
    const engine = new AtEngine(pair.host, { grammar: defaultGrammar() });
    const d = await runDiagnosis({ engine, broker: BROKER, credentials: { clientId: 'x' }, probeTimeoutMs: 20, stages: upTo('link') });
    await engine.close();
    expect(d.outcome).toBe('pass');
    expect(d.stages[0]).toMatchObject({ status: 'pass', data: { answered: true, tries: 2, cmee: 1 } });
    expect(d.stages[0]!.summary.en).toBe('AT answered on try 2, echo off, errors numbered (CMEE=1)');
  });

  it('echo on and CMEE=0: a warning recommending ATE0, and numeric errors switched on for the session', async () => {
    const r = await diagnose({ echo: true, cmee: 0 }, { stages: upTo('sim') });
    const link = r.stage('link');
    expect(link.status).toBe('warn');
    expect(link.data).toMatchObject({ answered: true, echo: true, cmee: 1, cmeeSet: true });
    expect(seenEn(link)).toEqual(['AT → OK', 'AT+CMEE? → +CMEE: 0', 'AT+CMEE=1 → OK']);
    expect(link.hint?.en).toMatch(/recommend|ATE0/);
    expect(r.emulator.settings.cmee).toBe(1);
    expect(r.d.outcome).toBe('warn');
  });

  it('echo off (the EC616S default): passes, no hint', async () => {
    const r = await diagnose({}, { stages: upTo('link') });
    expect(r.stage('link')).toMatchObject({ status: 'pass', hint: null, data: { echo: false, cmee: 1, cmeeSet: false } });
    expect(r.stage('link').summary.en).toBe('AT answered, echo off, errors numbered (CMEE=1)');
  });
});

describe('stage 2: identity', () => {
  it('reads ATI, CGMI/CGMM/CGMR and the IMEI; IMSI and ICCID are masked', async () => {
    const r = await diagnose({}, { stages: upTo('identity') });
    const id = r.stage('identity');
    expect(id.status).toBe('pass');
    expect(id.data).toMatchObject({ manufacturer: 'cat1-bridge emulator', model: 'EC616S-EMU', imei: '860000000000001', imsi: '*'.repeat(15), iccid: '*'.repeat(20), emulator: true });
    const seen = seenEn(id).join('\n');
    expect(seen).toContain('AT+CGSN → 860000000000001');
    expect(seen).toContain('AT+CIMI → ' + '*'.repeat(15));
    expect(seen).not.toContain('460000000000001');
    expect(seen).not.toContain('89860000000000000001');
    expect(id.summary.en).toMatch(/^cat1-bridge emulator EC616S-EMU, firmware EMU_EC616S_V0\.1 \(emulated firmware\), IMEI 860000000000001/);
  });

  it('logSecrets shows IMSI and ICCID in clear', async () => {
    const r = await diagnose({}, { stages: upTo('identity'), logSecrets: true });
    expect(r.stage('identity').data).toMatchObject({ imsi: '460000000000001', iccid: '89860000000000000001' });
  });
});

describe('stage 3: SIM answers the emulator does not play (a scripted module)', () => {
  /** A module that answers AT+CPIN? from a script, one answer per ask (the last one repeats). */
  async function sim(answers: string[]): Promise<StageReport> {
    const pair = createPortPair();
    let i = 0;
    pair.module.on('data', () => {
      const a = answers[Math.min(i++, answers.length - 1)]!;
      void pair.module.write(`\r\n${a}\r\n${a.startsWith('+CME') ? '' : '\r\nOK\r\n'}`);
    });
    const engine = new AtEngine(pair.host, { grammar: defaultGrammar() });
    const d = await runDiagnosis({ engine, broker: BROKER, credentials: { clientId: 'x' }, pollMs: 5, stages: [simStage] });
    await engine.close();
    return d.stages[0]!;
  }

  it('SIM failure (CME 13): the SIM lines hint', async () => {
    const r = await sim(['+CME ERROR: 13']);
    expect(r).toMatchObject({ status: 'fail', hint: SIM_HINTS.failure, data: { cme: 13 } });
  });

  it('SIM busy (CME 14) a moment after power-up, then READY: asked again, passes', async () => {
    const r = await sim(['+CME ERROR: 14', '+CPIN: READY']);
    expect(r.status).toBe('pass');
    expect(seenEn(r)).toEqual(['AT+CPIN? → +CME ERROR: 14', 'AT+CPIN? → +CPIN: READY']);
  });

  it('SIM busy that stays busy: fails with the wait-and-retry hint', async () => {
    const r = await sim(['+CME ERROR: 14']);
    expect(r).toMatchObject({ status: 'fail', hint: SIM_HINTS.busy });
    expect(r.seen).toHaveLength(4);
  });

  it('CMEE=2 texts are read as their codes', async () => {
    const r = await sim(['+CME ERROR: SIM not inserted']);
    expect(r).toMatchObject({ status: 'fail', hint: SIM_HINTS.notInserted, data: { cme: 10 } });
  });
});

describe('stage 4: signal', () => {
  it('good signal: dBm with a quality word', async () => {
    const r = await diagnose({}, { stages: upTo('signal') });
    const s = r.stage('signal');
    expect(s).toMatchObject({ status: 'pass', data: { rssi: 24, rssiDbm: -65, rsrpDbm: -91, rsrqDb: -10 } });
    expect(s.summary.en).toBe('signal -65 dBm (excellent); RSRP -91 dBm (fair), RSRQ -10 dB');
    expect(s.summary.zh).toContain('很好');
  });

  it('RSRP below -105 dBm: a warning about the antenna', async () => {
    const r = await diagnose({ conditions: { signal: { cesq: { rsrp: 30 } } } }, { stages: upTo('signal') });
    const s = r.stage('signal');
    expect(s.status).toBe('warn');
    expect(s.hint?.en).toMatch(/^weak signal \(RSRP -111 dBm\).*check the antenna/);
  });

  it('rssi below 10 without RSRP: a warning too', async () => {
    const r = await diagnose({ conditions: { signal: { rssi: 6, cesq: { rsrp: 255, rsrq: 255 } } } }, { stages: upTo('signal') });
    expect(r.stage('signal')).toMatchObject({ status: 'warn', data: { rssi: 6, rssiDbm: -101, rsrpDbm: null } });
    expect(r.stage('signal').hint?.en).toMatch(/weak signal \(rssi 6 \(-101 dBm\)\)/);
  });
});

describe('stage 5: waiting for registration (fake timers)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('searching, then registered: polls every pollMs with "waiting for network registration… N s" and passes', async () => {
    vi.useFakeTimers();
    const pair = createPortPair();
    const emulator = new EcmtEmulator(pair.module, { conditions: { registration: 'searching' } });
    const engine = new AtEngine(pair.host, { grammar: defaultGrammar() });
    const progress: string[] = [];
    const running = runDiagnosis({ engine, broker: BROKER, credentials: { clientId: 'x' }, stages: upTo('registration'), registrationBudgetMs: 60_000, pollMs: 2000, onProgress: (t) => progress.push(t.en) });
    await vi.advanceTimersByTimeAsync(6000);
    emulator.setConditions({ registration: 'roaming' });
    await vi.advanceTimersByTimeAsync(2000);
    const d = await running;
    await emulator.close();
    await engine.close();
    const reg = d.stages.find((s) => s.stage === 'registration')!;
    expect(reg.status).toBe('pass');
    expect(reg.summary.en).toBe('registered, roaming, after 8 s of searching');
    expect(reg.data).toMatchObject({ stat: 5, polls: 4, waitedMs: 8000 });
    expect(progress).toEqual(['waiting for network registration… 2 s', 'waiting for network registration… 4 s', 'waiting for network registration… 6 s', 'waiting for network registration… 8 s']);
    expect(seenEn(reg)).toEqual(['AT+CFUN? → +CFUN: 1', 'AT+CEREG? → +CEREG: 0,2', 'AT+CEREG? → +CEREG: 0,5 (after 8 s, 4 polls)']);
  });

  it('searching, then denied while waiting: fails with the denied hint', async () => {
    vi.useFakeTimers();
    const pair = createPortPair();
    const emulator = new EcmtEmulator(pair.module, { conditions: { registration: 'searching' } });
    const engine = new AtEngine(pair.host, { grammar: defaultGrammar() });
    const running = runDiagnosis({ engine, broker: BROKER, credentials: { clientId: 'x' }, stages: upTo('registration'), registrationBudgetMs: 60_000, pollMs: 1000 });
    await vi.advanceTimersByTimeAsync(1500);
    emulator.setConditions({ registration: 'denied' });
    await vi.advanceTimersByTimeAsync(1000);
    const d = await running;
    await emulator.close();
    await engine.close();
    expect(d.stages.at(-1)).toMatchObject({ stage: 'registration', status: 'fail', data: { stat: 3, polls: 2 } });
    expect(d.hint?.en).toMatch(/^registration denied by the network/);
  });
});

describe('stage 8: ping (only with ping)', () => {
  it('every reply: passes with the average RTT', async () => {
    const r = await diagnose({ conditions: { dns: { 'broker.example.com': '192.0.2.10' }, ping: { rttMs: 5 } } }, { stages: upTo('ping'), ping: { count: 2, timeoutMs: 1000 } });
    const p = r.stage('ping');
    expect(p.status).toBe('pass');
    expect(p.data).toMatchObject({ sent: 2, received: 2, done: true });
    expect(seenEn(p)[0]).toBe('AT+ECPING="broker.example.com",2,32,1000 → OK');
    expect(seenEn(p).slice(1).every((l) => /^\+ECPING: SUCC, dest: 192\.0\.2\.10, RTT: \d+ ms$/.test(l))).toBe(true);
    expect(r.d.outcome).toBe('pass');
  });

  it('no replies: only a warning (ICMP is often blocked), and the run goes on', async () => {
    const r = await diagnose({ conditions: { dns: { 'broker.example.com': '192.0.2.10' }, ping: 'timeout' } }, { stages: upTo('ping'), ping: { count: 1, timeoutMs: 30 } });
    const p = r.stage('ping');
    expect(p.status).toBe('warn');
    expect(p.hint?.en).toMatch(/block ICMP/);
    expect(r.d.outcome).toBe('warn');
  });

  it('skipped unless asked', async () => {
    const r = await diagnose({ conditions: { dns: { 'broker.example.com': '192.0.2.10' } } }, { stages: upTo('ping') });
    expect(r.stage('ping')).toMatchObject({ status: 'skip', seen: [], hint: null });
    expect(r.stage('ping').summary.en).toBe('not requested (--ping)');
  });
});

describe('JSON and options', () => {
  it('a stage and the diagnosis as JSON objects, in the chosen language', async () => {
    const r = await diagnose({ conditions: { sim: 'absent' } });
    const sim = stageToJson(r.stage('sim'), 'en');
    expect(sim).toMatchObject({ type: 'stage', stage: 'sim', index: 3, title: 'SIM', status: 'fail', seen: ['AT+CPIN? → +CME ERROR: 10'], data: { cme: 10 } });
    expect(sim['hint']).toMatch(/reseat the SIM/);
    expect(stageToJson(r.stage('sim'), 'zh')['hint']).toMatch(/重新插好 SIM 卡/);
    expect(JSON.parse(JSON.stringify(diagnosisToJson(r.d)))).toMatchObject({
      type: 'diagnosis',
      outcome: 'fail',
      passed: ['link', 'identity'],
      warned: [],
      failed: ['sim'],
      skipped: [],
      stoppedAt: 'sim',
      notRun: ['signal', 'registration', 'pdp', 'dns', 'ping', 'mqtt', 'compare'],
    });
  });

  it('rejects bad options with ERR_INVALID_OPTION naming the option', async () => {
    const pair = createPortPair();
    const engine = new AtEngine(pair.host, { grammar: defaultGrammar() });
    const bad = async (o: Record<string, unknown>, option: string): Promise<void> => {
      try {
        await runDiagnosis({ engine, broker: BROKER, credentials: { clientId: 'x' }, ...o });
        expect.unreachable();
      } catch (e) {
        expect(isCatError(e, 'ERR_INVALID_OPTION')).toBe(true);
        expect((e as Error).message).toContain(option);
      }
    };
    await bad({ pollMs: 0 }, 'pollMs');
    await bad({ registrationBudgetMs: -1 }, 'registrationBudgetMs');
    await bad({ broker: { host: '', port: 1883, tls: false } }, 'broker.host');
    await bad({ ping: { count: 0 } }, 'ping.count');
    await engine.close();
  });
});
