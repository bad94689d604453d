import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { AtEngine } from '../../src/at/engine.js';
import { getDialect } from '../../src/dialects/index.js';
import { EcmtEmulator } from '../../src/emulator/emulator.js';
import { defaultGrammar } from '../../src/grammar.js';
import { compare } from '../../src/mirror/compare.js';
import { createPortPair } from '../../src/port/memory.js';
import { diagnose, seenEn } from '../diagnose/harness.js';
import { mosquittoMissing } from '../helpers/mosquitto.js';
import { useTlsBroker } from '../helpers/tls-broker.js';
import { opensslMissing } from '../helpers/tls-certs.js';
import { unique } from './broker-helpers.js';
import { qmtRig, type QmtRig } from './qmt-harness.js';

/**
 * The QMT emulator against a real mosquitto TLS listener (certificates made here with openssl).
 * The module side follows ../shared/protocol/qmt.md §4: the CA is a file named by
 * `AT+QSSLCFG="cacert",<ctx>`, `"seclevel",<ctx>,1` verifies the server with it, and
 * `AT+QMTCFG="ssl",<idx>,1,<ctx>` puts the client on that context. A CA that does not sign the
 * broker's certificate fails the open with `+QMTOPEN: <idx>,-1` (§3 open result −1; §7 TLS row);
 * compare and diagnose must explain that as a hypothesis about the module's TLS setup, quoting
 * the URC, since cat1 cannot see the module's files.
 */

const reason = mosquittoMissing() ?? opensslMissing();
if (reason) console.warn(`[test/emulator/qmt-tls.test.ts skipped] ${reason}`);

const USER = 'tls-user';
const PASS = 'tls-Pa55';
const CTX = 2;

describe.skipIf(reason !== null)('QMT emulator over TLS against mosquitto (seclevel 1, CA from AT+QSSLCFG)', () => {
  const tls = useTlsBroker({ [USER]: PASS }, 'cat1-qmt-tls-');
  let r: QmtRig | null = null;

  afterEach(async () => {
    await r?.close();
    r = null;
  });

  /** The module's SSL context `CTX` with this CA file at seclevel 1, and client 0 on it (qmt.md §4). */
  async function tlsSetup(send: (line: string) => Promise<string>, caFile: string): Promise<void> {
    for (const line of [`AT+QSSLCFG="cacert",${CTX},"${caFile}"`, `AT+QSSLCFG="seclevel",${CTX},1`, `AT+QMTCFG="ssl",0,1,${CTX}`]) expect(await send(line)).toMatch(/\r\nOK\r\n$|^OK$/);
  }

  async function open(rg: QmtRig): Promise<string> {
    const from = rg.mark();
    expect(await rg.cmd(`AT+QMTOPEN=0,"localhost",${tls.broker.port}`)).toMatch(/\r\nOK\r\n$/);
    const out = await rg.until(/\r\n\+QMTOPEN: 0,-?\d+\r\n/, { from, timeoutMs: 10_000 });
    return /\+QMTOPEN: [^\r]*/.exec(out)![0];
  }

  it('the right CA: +QMTOPEN: 0,0, +QMTCONN: 0,0,0, and a QoS 1 publish reaches a TLS subscriber byte for byte', async () => {
    r = qmtRig({ echo: false, model: 'EC800N' });
    await tlsSetup((l) => r!.cmd(l), tls.good.ca);
    expect(await open(r)).toBe('+QMTOPEN: 0,0');
    const id = unique('qtls');
    let from = r.mark();
    await r.cmd(`AT+QMTCONN=0,"${id}","${USER}","${PASS}"`);
    expect(/\+QMTCONN: [^\r]*/.exec(await r.until(/\r\n\+QMTCONN: 0,[^\r]*\r\n/, { from }))![0]).toBe('+QMTCONN: 0,0,0');
    await tls.broker.waitForLog(new RegExp(`New client connected from [^ ]+ as ${id} `));
    // the other side: mqtt.js over TLS with the same CA
    const sub = await mqtt.connectAsync(tls.broker.url, { clientId: unique('qtls-sub'), username: USER, password: PASS, ca: readFileSync(tls.good.ca), servername: 'localhost', reconnectPeriod: 0 });
    try {
      const topic = `${id}/up`;
      await sub.subscribeAsync(topic, { qos: 1 });
      const got = new Promise<{ payload: Buffer; qos: number }>((resolve) => sub.on('message', (_t, payload, packet) => resolve({ payload: Buffer.from(payload), qos: packet.qos })));
      const payload = '{"tls":"ok","n":1}';
      from = r.mark();
      r.write(`AT+QMTPUB=0,1,1,0,"${topic}"\r`);
      await r.until('\r\n> ', { from });
      r.write(Buffer.concat([Buffer.from(payload, 'utf8'), Buffer.from([0x1a])]));
      expect(/\+QMTPUB: [^\r]*/.exec(await r.until(/\r\n\+QMTPUB: 0,1,\d[^\r]*\r\n/, { from }))![0]).toBe('+QMTPUB: 0,1,0');
      const m = await got;
      expect(m.payload.toString('utf8')).toBe(payload);
      expect(m.qos).toBe(1);
    } finally {
      await sub.endAsync(true);
    }
  });

  it('a CA that does not sign the broker\'s certificate: +QMTOPEN: 0,-1', async () => {
    r = qmtRig({ echo: false, model: 'EC800N' });
    await tlsSetup((l) => r!.cmd(l), tls.other.ca);
    expect(await open(r)).toBe('+QMTOPEN: 0,-1');
  });

  it('compare with the wrong CA on the module: the open differs (+QMTOPEN: 0,-1 beside a direct TLS success), explained as a hypothesis about the module\'s TLS setup', async () => {
    const pair = createPortPair();
    const emulator = new EcmtEmulator(pair.module, { dialect: 'qmt', model: 'EC800N', echo: false });
    const engine = new AtEngine(pair.host, { grammar: defaultGrammar() });
    try {
      await tlsSetup(async (l) => ((await engine.send(l)).status === 'ok' ? 'OK' : 'ERROR'), tls.other.ca);
      const session = getDialect('qmt').session(engine, { openTimeoutMs: 15_000 });
      const report = await compare({
        session,
        broker: { host: 'localhost', port: tls.broker.port, tls: true, ca: readFileSync(tls.good.ca, 'utf8') },
        credentials: { clientId: unique('qtls-cmp'), username: USER, password: PASS },
      });
      const open = report.steps.find((s) => s.step === 'open')!;
      expect(open.module).toMatchObject({ ok: false, code: -1 });
      expect(open.direct.ok).toBe(true);
      expect(report.agree).toBe(false);
      const top = report.verdict.causes[0]!;
      expect(top.id).toBe('tls-module-setup');
      expect(top.hypothesis).toBe(true);
      expect(top.text.en).toMatch(/a hypothesis/);
      expect(top.text.en).toMatch(/\+QMTOPEN result -1 while this host connected to the same broker over TLS/);
      expect(top.text.en).toMatch(/AT\+QSSLCFG="cacert"/);
      expect(top.text.zh).toMatch(/推测/);
      expect(top.evidence.map((e) => e.en).join('\n')).toMatch(/\+QMTOPEN result -1/);
      // not the ECMT wording that states as fact that no CA was given
      expect(report.verdict.causes.map((c) => c.id)).not.toContain('tls-without-ca');
      expect(JSON.stringify(report)).not.toContain(PASS);
    } finally {
      await emulator.close();
      await engine.close();
    }
  });

  it('diagnose with the wrong CA on the module: the MQTT stage fails on +QMTOPEN: 0,-1 and the comparison states the TLS hypothesis', async () => {
    const run = await diagnose(
      { dialect: 'qmt', model: 'EC800N', echo: false },
      {
        dialect: 'qmt',
        broker: { host: 'localhost', port: tls.broker.port, tls: true, ca: readFileSync(tls.good.ca, 'utf8') },
        credentials: { clientId: unique('qtls-diag'), username: USER, password: PASS },
        keepGoing: true,
        compare: {},
        session: { openTimeoutMs: 15_000 },
      },
      (engine) => tlsSetup(async (l) => ((await engine.send(l)).status === 'ok' ? 'OK' : 'ERROR'), tls.other.ca),
    );
    const mqttStage = run.stage('mqtt');
    expect(mqttStage.status).toBe('fail');
    expect(seenEn(mqttStage).join('\n')).toMatch(/\+QMTOPEN: 0,-1/);
    const cmp = run.stage('compare');
    const causes = (cmp.data as { causes?: string[] }).causes ?? [];
    expect(causes[0]).toBe('tls-module-setup');
    expect([cmp.summary.en, ...(cmp.hint ? [cmp.hint.en] : []), ...seenEn(cmp)].join('\n')).toMatch(/hypothesis/);
  });
});
