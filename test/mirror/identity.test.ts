/**
 * The broker's connect lines, as each broker prints them (formats quoted in src/mirror/identity.ts
 * with their source), and the module's identity picked out of a run's lines.
 */
import { describe, expect, it } from 'vitest';
import { moduleIdentityFromLog, parseConnectLine } from '../../src/mirror/identity.js';
import { maskLogLine } from '../../src/redact/redact.js';

describe('parseConnectLine', () => {
  it.each([
    ['mosquitto, empty client ID assigned by the broker', "1796641443: New client connected from 127.0.0.1:52128 as auto-584D7D07-6F9F-8E2E-8ACE-AC27CC7A2FAD (p2, c1, k60).", { broker: 'mosquitto', clientId: 'auto-584D7D07-6F9F-8E2E-8ACE-AC27CC7A2FAD', from: { host: '127.0.0.1', port: 52128 }, user: 'absent', assigned: true }],
    ['mosquitto, with a (masked) user name', "1796641443: New client connected from 127.0.0.1:52144 as dev1 (p2, c1, k60, u'*****').", { broker: 'mosquitto', clientId: 'dev1', from: { host: '127.0.0.1', port: 52144 }, user: 'present', assigned: false }],
    ['the embedded broker, empty ID', "1700000000: New client connected from 127.0.0.1:5000 as aedes_x1 (empty client ID: assigned by the broker).", { broker: 'mosquitto', clientId: 'aedes_x1', user: 'absent', assigned: true }],
    ['the embedded broker, with a user', "1700000000: New client connected from 127.0.0.1:5000 as dev1 (u'**').", { clientId: 'dev1', user: 'present', assigned: false }],
    ['RabbitMQ MQTT', '2024-01-01 10:00:00.000000+00:00 [info] <0.1.0> Accepted MQTT connection 127.0.0.1:54321 -> 127.0.0.1:1883 for client ID dev1', { broker: 'rabbitmq', clientId: 'dev1', from: { host: '127.0.0.1', port: 54321 }, user: 'unknown' }],
    ['NATS MQTT', '[69591] 2021/10/06 10:06:50.839871 [DBG] [::1]:57415 - mid:18 - "client_0" - Client connected', { broker: 'nats', clientId: 'client_0', from: { host: '::1', port: 57415 }, user: 'unknown' }],
  ])('%s', (_name, line, want) => {
    expect(parseConnectLine(line)).toMatchObject(want);
  });

  it('a user name masked by maskLogLine still counts as present; no value is kept', () => {
    const c = parseConnectLine(maskLogLine("1: New client connected from 10.0.0.9:4000 as dev1 (p2, c1, k120, u'plant-7')."));
    expect(c).toMatchObject({ clientId: 'dev1', user: 'present' });
    expect(JSON.stringify(c)).not.toContain('plant-7');
  });

  it('other lines are not connects', () => {
    for (const l of ['1: New connection from 127.0.0.1:33256 on port 1883.', '1: Client <unknown> disconnected, not authorised.', '1: Sending CONNACK to dev1 (0, 0)']) expect(parseConnectLine(l)).toBeNull();
  });
});

describe('moduleIdentityFromLog', () => {
  const direct = "1: New client connected from 127.0.0.1:4000 as dev1 (p2, c1, k120, u'****').";
  const traffic = "1: New client connected from 127.0.0.1:4002 as dev1-mirror (p2, c1, k120, u'****').";
  const opts = { clientId: 'dev1', directPorts: [4000, 4002], directOnlyIds: ['dev1-mirror'] };

  it('the module connected with the given ID (the host\'s own line with the same ID is told apart by its port)', () => {
    const r = moduleIdentityFromLog([direct, "1: New client connected from 127.0.0.1:4001 as dev1 (p2, c1, k120, u'****').", traffic], opts);
    expect(r).toMatchObject({ status: 'as-given', clientId: 'dev1', user: 'present' });
  });

  it('the module under a broker-assigned ID', () => {
    const r = moduleIdentityFromLog([direct, '1: New client connected from 127.0.0.1:4001 as auto-1234 (p2, c1, k120).', traffic], opts);
    expect(r).toMatchObject({ status: 'other', clientId: 'auto-1234', assigned: true, user: 'absent' });
  });

  it('only the host\'s own lines: nothing observed', () => {
    expect(moduleIdentityFromLog([direct, traffic], opts)).toEqual({ status: 'none' });
  });

  it('two unrelated clients: ambiguous, no identity claimed', () => {
    const r = moduleIdentityFromLog(['1: New client connected from 10.0.0.1:1 as pump-3 (p2, c1, k60).', '1: New client connected from 10.0.0.2:1 as pump-4 (p2, c1, k60).'], opts);
    expect(r.status).toBe('ambiguous');
  });
});
