/**
 * The brokers' readiness probe (test/helpers/mqtt-ready.ts) settles whatever the broker does: a
 * server that closes the socket without a CONNACK (as NATS does while JetStream has no peers), one
 * that never answers, and a real broker that takes the QoS 1 publish.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mqttProbe } from '../helpers/mqtt-ready.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/mirror/broker.js';

function listen(onSocket: (s: Socket) => void): Promise<{ server: Server; url: string }> {
  return new Promise((resolve) => {
    const server = createServer(onSocket);
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      resolve({ server, url: `mqtt://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}` });
    });
  });
}

describe('mqttProbe', () => {
  let broker: EmbeddedBroker;
  const held: Socket[] = [];
  beforeAll(async () => void (broker = await startEmbeddedBroker()));
  afterAll(async () => {
    for (const s of held) s.destroy();
    await broker?.stop();
  });

  it('a server that closes the connection without a CONNACK: false', async () => {
    const { server, url } = await listen((s) => s.destroy());
    try {
      expect(await mqttProbe(url, { publish: true })).toBe(false);
    } finally {
      server.close();
    }
  });

  it('a server that never answers: false, within the bound', async () => {
    const { server, url } = await listen((s) => void held.push(s));
    try {
      expect(await mqttProbe(url, { publish: true, boundMs: 500 })).toBe(false);
    } finally {
      server.close();
    }
  });

  it('a broker that takes the QoS 1 publish: true', async () => {
    expect(await mqttProbe(broker.url, { publish: true })).toBe(true);
  });
});
