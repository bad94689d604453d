/**
 * A station of 16 emulated modules (each on its own pseudo-terminal) runs `cat1 fleet diagnose`
 * and reports to node A of a real 3-node NATS cluster (JetStream + MQTT); `cat1 watch` on node C
 * sees the fleet. Mid-run one module's link is removed (it fails alone) and node A is killed
 * (the station fails over to node B, and every verdict still arrives). One shared run, several
 * assertions: the suite stays lean.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPtyEmulator, type PtyEmulator } from '../../src/emulator/pty.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/mirror/broker.js';
import { startCat1, type RunningCat1 } from '../helpers/cli.js';
import { hasSocat } from '../helpers/pty.js';
import { natsMissing, startNatsCluster, type NatsCluster } from '../helpers/nats.js';

const reason = !hasSocat() ? 'socat is not installed (apt-get install socat)' : natsMissing();
if (reason) console.warn(`[test/cli/fleet-cluster.test.ts skipped] ${reason}`);

const N = 16;
const imei = (n: number): string => `86${String(100 + n).padStart(13, '0')}`;
type Obj = Record<string, unknown>;
const parse = (s: string): Obj[] => s.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Obj);

describe.skipIf(reason !== null)('cat1 fleet diagnose → NATS cluster, watched with cat1 watch', () => {
  let cluster: NatsCluster;
  let broker: EmbeddedBroker;
  const ptys: PtyEmulator[] = [];
  let fleet: RunningCat1;
  let watch: RunningCat1;
  let fleetCode: number | null;
  let watchCode: number | null;
  const doomedIndex = 5;

  beforeAll(async () => {
    [cluster, broker] = await Promise.all([startNatsCluster(), startEmbeddedBroker()]);
    for (let i = 0; i < N; i++) ptys.push(await startPtyEmulator({ identity: { imei: imei(i) }, ...(i === doomedIndex ? { faults: { delayMs: 200 } } : {}) }));
    const [a, b, c] = cluster.nodes as [NatsCluster['nodes'][number], NatsCluster['nodes'][number], NatsCluster['nodes'][number]];
    watch = startCat1(['watch', c.mqttUrl, '--json', '--station', 'rack1', '--count', String(N), '--duration', '200']);
    await watch.waitFor(/watching cat1\/rack1\/\+\/\+/, 'stderr', 15_000);
    fleet = startCat1(['fleet', 'diagnose', '--ports', ptys.map((p) => p.path).join(','), '--broker', `mqtt://localhost:${broker.port}`, '--client-id', 'rack1-{index}', '--json', '--timeout', '3', '--report-to', `${a.mqttUrl},${b.mqttUrl}`, '--station', 'rack1', '--report-wait', '90']);
    // reports flow through node A: the watcher on C has seen an event from this station
    await watch.waitFor(/"kind":"event","station":"rack1"/, 'stdout', 30_000);
    a.kill();
    // the slow module is mid-run: remove its link
    await fleet.waitFor(new RegExp(`"stage":"(sim|signal|registration)"[^\\n]*"module":"${imei(doomedIndex)}"`), 'stdout', 30_000);
    await ptys[doomedIndex]!.stop();
    [fleetCode, watchCode] = await Promise.all([fleet.exited, watch.exited]);
    // bounds, not waits: after node A's loss JetStream elects new stream leaders, which on a busy
    // machine can hold acknowledgements for tens of seconds (--report-wait 90); the watcher ends
    // by itself (count reached, or --duration 200) before the hook's own bound
  }, 240_000);

  afterAll(async () => {
    fleet?.child.kill('SIGKILL');
    watch?.child.kill('SIGKILL');
    await Promise.all(ptys.map((p) => p.stop()));
    await broker?.stop();
    await cluster?.stop();
  });

  it('the fleet ends with exit 1: fifteen modules pass, the one whose link was removed fails alone', () => {
    expect(fleetCode, fleet.io.stderr).toBe(1);
    const objs = parse(fleet.io.stdout);
    const results = objs.filter((o) => o['type'] === 'module');
    expect(results).toHaveLength(N);
    const failed = results.filter((o) => o['outcome'] === 'fail');
    expect(failed.map((o) => o['module'])).toEqual([imei(doomedIndex)]);
    expect(failed[0]!['summary']).toMatch(/the port went away/);
    expect(results.filter((o) => o['outcome'] === 'pass' || o['outcome'] === 'warn')).toHaveLength(N - 1);
    expect(objs.at(-1)).toMatchObject({ type: 'fleet', modules: N, failed: 1, unreachable: 0, exit: 1 });
  });

  it('node A was lost mid-run: the station failed over to B and nothing was dropped', () => {
    const summary = parse(fleet.io.stdout).at(-1)!;
    const report = summary['report'] as { published: number; acked: number; dropped: number; failovers: number };
    expect(report.failovers).toBeGreaterThanOrEqual(1);
    expect(report.dropped).toBe(0);
    expect(report.acked).toBe(report.published);
    // 16 modules × (status per step + event per stage + one verdict): far more than a handful
    expect(report.published).toBeGreaterThan(N * 10);
  });

  it('cat1 watch on node C saw a verdict for every one of the 16 modules, with the outcome the station found', () => {
    expect(watchCode, watch.io.stderr).toBe(0);
    const verdicts = parse(watch.io.stdout).filter((o) => o['kind'] === 'verdict');
    const byModule = new Map(verdicts.map((o) => [o['module'] as string, (o['payload'] as Obj)['outcome']]));
    expect(byModule.size).toBe(N);
    expect([...byModule.keys()].sort()).toEqual(Array.from({ length: N }, (_v, i) => imei(i)).sort());
    expect(byModule.get(imei(doomedIndex))).toBe('fail');
    for (const [m, outcome] of byModule) if (m !== imei(doomedIndex)) expect(['pass', 'warn']).toContain(outcome);
    const station = parse(watch.io.stdout).filter((o) => o['kind'] === 'station').map((o) => (o['payload'] as Obj)['online']);
    expect(station).toContain(true);
  });
});
