import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { ReportPublisher, parseReportUrls } from '../../src/report/publisher.js';
import { parseTopic, moduleTopic, stationTopic } from '../../src/report/topics.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/mirror/broker.js';
import { freePorts } from '../helpers/nats.js';
import { isCatError } from '../../src/util/errors.js';

describe('report topics', () => {
  it('cat1/<station>/<module>/{status,event,verdict} and the station topic, read back', () => {
    expect(moduleTopic('line1', '860000000000001', 'verdict')).toBe('cat1/line1/860000000000001/verdict');
    expect(moduleTopic('a/b', '#x', 'event')).toBe('cat1/a_b/_x/event');
    expect(stationTopic('line1')).toBe('cat1/line1/_station/status');
    expect(parseTopic('cat1/line1/860000000000001/status')).toEqual({ kind: 'status', station: 'line1', module: '860000000000001' });
    expect(parseTopic('cat1/line1/_station/status')).toEqual({ kind: 'station', station: 'line1' });
    expect(parseTopic('cat1/line1/x/other')).toBeNull();
    expect(parseTopic('other/line1/x/verdict')).toBeNull();
  });
  it('--report-to takes one URL or several; credentials in the URL are refused', () => {
    expect(parseReportUrls('mqtt://a:1883, mqtt://b:1884')).toEqual(['mqtt://a:1883', 'mqtt://b:1884']);
    for (const bad of ['', 'mqtt://u:p@a:1883', 'http://a']) {
      try {
        parseReportUrls(bad);
        expect.unreachable();
      } catch (e) {
        expect(isCatError(e, 'ERR_INVALID_OPTION')).toBe(true);
      }
    }
  });
});

describe('ReportPublisher', () => {
  let broker: EmbeddedBroker;
  let dead: string;
  beforeAll(async () => {
    broker = await startEmbeddedBroker();
    dead = `mqtt://127.0.0.1:${(await freePorts(1))[0]!}`;
  });
  afterAll(async () => broker?.stop());

  it('no node reachable: the queue is bounded, the oldest non-verdict messages are dropped and counted, what is left at close is counted too', async () => {
    const p = new ReportPublisher({ urls: [dead], station: 's1', maxQueue: 3, retryMs: 50, connectTimeoutMs: 200 });
    p.publish('m1', 'verdict', { outcome: 'pass' });
    for (let i = 0; i < 4; i++) p.publish('m1', 'event', { i });
    expect(p.stats).toMatchObject({ published: 5, acked: 0, dropped: 2 });
    const s = await p.close(100);
    expect(s).toMatchObject({ published: 5, acked: 0, dropped: 5, node: null });
  });

  it('the first node is down: it fails over to the next, and every message arrives in order, verdicts retained', async () => {
    const sub = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
    const got: Array<{ topic: string; retain: boolean; body: Record<string, unknown> }> = [];
    let allIn: () => void = () => undefined;
    const arrived = new Promise<void>((r) => (allIn = r));
    sub.on('message', (topic, payload, pkt) => {
      got.push({ topic, retain: pkt.retain, body: JSON.parse(payload.toString()) as Record<string, unknown> });
      if (got.filter((g) => g.topic.startsWith('cat1/s2/m1/')).length >= 21) allIn();
    });
    await sub.subscribeAsync('cat1/s2/#', { qos: 1 });
    const states: string[] = [];
    const p = new ReportPublisher({ urls: [dead, broker.url], station: 's2', connectTimeoutMs: 500, onState: (e) => states.push(e.type) });
    for (let i = 0; i < 20; i++) p.publish('m1', 'event', { i });
    p.publish('m1', 'verdict', { outcome: 'fail' });
    const s = await p.close(5000);
    expect(s).toMatchObject({ published: 21, acked: 21, dropped: 0, failovers: 1 });
    expect(states).toEqual(['failover', 'connected']);
    await arrived;
    await sub.endAsync(true);
    const mine = got.filter((g) => g.topic.startsWith('cat1/s2/m1/'));
    expect(mine.filter((g) => g.topic.endsWith('/event')).map((g) => g.body['i'])).toEqual(Array.from({ length: 20 }, (_v, i) => i));
    expect(mine.at(-1)).toMatchObject({ topic: 'cat1/s2/m1/verdict', body: { station: 's2', module: 'm1', outcome: 'fail' } });
    // the station says it is online, then that it finished
    expect(got.filter((g) => g.topic === 'cat1/s2/_station/status').map((g) => g.body['online'])).toEqual([true, false]);
  });
});
