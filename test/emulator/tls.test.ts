import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { mosquittoMissing } from '../helpers/mosquitto.js';
import { useTlsBroker } from '../helpers/tls-broker.js';
import { opensslMissing } from '../helpers/tls-certs.js';
import { unique } from './broker-helpers.js';
import { rig, waitFor, type Rig } from './harness.js';

const reason = mosquittoMissing() ?? opensslMissing();
if (reason) console.warn(`[test/emulator/tls.test.ts skipped] ${reason}`);

/** The certificate body as AT+ECMTCFG="ssl","ca",… takes it: base64 without the BEGIN/END lines. */
function body(pemPath: string): string {
  return readFileSync(pemPath, 'latin1')
    .replace(/-----(BEGIN|END) CERTIFICATE-----/g, '')
    .replace(/\s+/g, '');
}

describe.skipIf(reason !== null)('emulator TLS against mosquitto with a TLS listener', () => {
  const tls = useTlsBroker({ dev: 'secret' }, 'cat1-tls-');
  let r: Rig | null = null;

  afterEach(async () => {
    await r?.close();
    r = null;
  });

  async function open(rg: Rig, host = 'localhost'): Promise<string> {
    const from = rg.mark();
    await rg.ok(`AT+ECMTOPEN=0,"${host}",${tls.broker.port}`);
    return (await rg.urc((e) => e.type === 'ecmt-open', { from, timeoutMs: 8000 })).raw;
  }

  it('EC616S "ssl","ca": verifies the broker with the CA given in base64 and the hostname', async () => {
    r = rig();
    await r.ok(`AT+ECMTCFG="ssl","ca","${body(tls.good.ca)}","localhost"`);
    expect(await open(r)).toBe('+ECMTOPEN: 0,0');
    const from = r.mark();
    await r.ok(`AT+ECMTCONN=0,"${unique('tls-dev')}","dev","secret"`);
    expect((await r.urc((e) => e.type === 'ecmt-conn', { from })).raw).toBe('+ECMTCONN: 0,0,0');
  });

  it('fails the open (+ECMTOPEN: 0,-1) with the wrong CA or a hostname that does not match', async () => {
    r = rig();
    await r.ok(`AT+ECMTCFG="ssl","ca","${body(tls.other.ca)}","localhost"`);
    expect(await open(r)).toBe('+ECMTOPEN: 0,-1');
    await r.ok(`AT+ECMTCFG="ssl","ca","${body(tls.good.ca)}","wrong.example"`);
    expect(await open(r)).toBe('+ECMTOPEN: 0,-1');
  });

  it('does not implement the "ecc" form: the open fails, with a note', async () => {
    r = rig();
    await r.ok('AT+ECMTCFG="ssl","ecc","MHcCAQEE"');
    const note = waitFor(r.emulator, 'note', (t) => t.includes('"ecc"'));
    expect(await open(r)).toBe('+ECMTOPEN: 0,-1');
    await note;
  });

  it('EC626 "ssl",2,<files>: TLS with the CA file, and the double +ECMTCONN URC', async () => {
    r = rig({ profile: 'ec626-tls' });
    await r.ok(`AT+ECMTCFG="ssl",2,"${tls.good.ca}","",""`);
    expect(await open(r)).toBe('+ECMTOPEN: 0,0');
    const from = r.mark();
    await r.ok(`AT+ECMTCONN=0,"${unique('tls-626')}","dev","secret"`);
    await r.urcRaw('+ECMTCONN: 0,0,0', { from });
    expect(r.urcs.slice(from).map((u) => u.raw)).toEqual(['+ECMTCONN: 0,2,2', '+ECMTCONN: 0,0,0']);
  });
});
