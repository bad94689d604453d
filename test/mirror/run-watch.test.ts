/**
 * BrokerWatch: the host's idle TCP connection to the broker while the module works. A real TCP
 * server on a free loopback port stands for the broker; everything is driven by socket events.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BrokerWatch, tcpProbe } from '../../src/mirror/run-watch.js';
import { text } from '../../src/util/i18n.js';

async function server(): Promise<{ srv: Server; port: number; sockets: Socket[]; accepted: Promise<void>[] }> {
  const sockets: Socket[] = [];
  const waiters: Array<() => void> = [];
  const srv = createServer((s) => {
    sockets.push(s);
    waiters.shift()?.();
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const addr = srv.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const accepted = [0, 1, 2].map(() => new Promise<void>((r) => waiters.push(r)));
  return { srv, port, sockets, accepted };
}

let clock = 0;
const now = (): number => clock;
let toStop: BrokerWatch[] = [];
afterEach(() => {
  for (const w of toStop) w.stop();
  toStop = [];
});

describe('BrokerWatch', () => {
  it('the broker goes away: the watch connection drops, a fresh connect is refused, `lost` resolves with the error, the time and the step', async () => {
    const b = await server();
    clock = 1.5;
    const w = new BrokerWatch({ host: '127.0.0.1', port: b.port, now, step: () => 'subscribe' });
    toStop.push(w);
    await w.start();
    await b.accepted[0];
    expect(w.lastOkAt).toBe(1.5);
    clock = 4.25;
    // the broker dies: it stops listening and its connections go
    b.srv.close();
    for (const s of b.sockets) s.destroy();
    const loss = await w.lost;
    expect(loss).toMatchObject({ at: 4.25, step: 'subscribe', code: 'ECONNREFUSED', lastOkAt: 1.5 });
    expect(loss.seenBy.en).toMatch(/watch connection to the broker closed/);
    expect(w.loss).toBe(loss);
  });

  it('a broker that only closes the idle watch connection is still there: no loss, the watch connects again', async () => {
    const b = await server();
    const w = new BrokerWatch({ host: '127.0.0.1', port: b.port, now, step: () => 'open' });
    toStop.push(w);
    await w.start();
    await b.accepted[0];
    b.sockets[0]!.destroy(); // some brokers drop connections that send no CONNECT
    // the check's own probe, then the new watch connection
    await b.accepted[1];
    await b.accepted[2];
    expect(w.loss).toBeNull();
    expect(await w.check(text('asked', '询问'))).toBeNull();
    b.srv.close();
    for (const s of b.sockets) s.destroy();
  });

  it('tcpProbe: null when accepted, the error code when refused', async () => {
    const b = await server();
    expect(await tcpProbe('127.0.0.1', b.port, 2000)).toBeNull();
    await new Promise<void>((r) => b.srv.close(() => r()));
    for (const s of b.sockets) s.destroy();
    expect(await tcpProbe('127.0.0.1', b.port, 2000)).toBe('ECONNREFUSED');
  });
});
