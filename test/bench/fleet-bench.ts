import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { startPtyEmulator, type PtyEmulator } from '../../src/emulator/pty.js';
import { startEmbeddedBroker } from '../../src/mirror/broker.js';
import { ReportPublisher } from '../../src/report/publisher.js';
import { startNatsCluster } from '../helpers/nats.js';
import { within } from '../../src/util/waiter.js';

export interface FleetRun {
  modules: number;
  seconds: number;
  /** user + system CPU of the cat1 process, s */
  cpuSeconds: number;
  maxRssMiB: number;
  passed: number;
  code: number | null;
}

/** `cat1 fleet diagnose --json` on `n` emulators behind pseudo-terminals (the emulators and the broker live in this process). */
export async function fleetDiagnose(cli: string, dir: string, n: number): Promise<FleetRun> {
  const broker = await startEmbeddedBroker();
  const ptys: PtyEmulator[] = [];
  try {
    for (let i = 0; i < n; i++) ptys.push(await startPtyEmulator({ identity: { imei: `86${String(5000 + i).padStart(13, '0')}` } }));
    const preload = join(dir, 'usage.cjs');
    writeFileSync(
      preload,
      `process.on('exit', () => {
  const fs = require('fs');
  const u = process.resourceUsage();
  let kb = u.maxRSS;
  try { kb = Number(/VmHWM:\\s+(\\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]); } catch {}
  fs.writeSync(2, '\\nCAT1_BENCH_USAGE=' + kb + ',' + (u.userCPUTime + u.systemCPUTime) + '\\n');
});
`,
    );
    return await new Promise((resolve, reject) => {
      const t0 = performance.now();
      const child = spawn(process.execPath, ['--require', preload, cli, 'fleet', 'diagnose', '--json', '--ports', ptys.map((p) => p.path).join(','), '--broker', `mqtt://127.0.0.1:${broker.port}`, '--client-id', 'bench-{index}', '--timeout', '10'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
      child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
      child.on('error', reject);
      child.on('close', (code) => {
        const seconds = (performance.now() - t0) / 1000;
        const m = /CAT1_BENCH_USAGE=(\d+),(\d+)/.exec(err);
        const last = out.trim().split('\n').at(-1) ?? '{}';
        let summary: Record<string, unknown> = {};
        try {
          summary = JSON.parse(last) as Record<string, unknown>;
        } catch {
          summary = {};
        }
        resolve({ modules: n, seconds, cpuSeconds: m ? Number(m[2]) / 1e6 : NaN, maxRssMiB: m ? Number(m[1]) / 1024 : NaN, passed: Number(summary['passed'] ?? 0) + Number(summary['warned'] ?? 0), code });
      });
    });
  } finally {
    await Promise.all(ptys.map((p) => p.stop()));
    await broker.stop();
  }
}

/** `--report-to` into a 3-node NATS cluster: `count` events published to node A, received on node C. */
export async function reportThroughput(count: number, log: (s: string) => void): Promise<{ seconds: number; eventsPerSecond: number; ackedPerSecond: number; received: number; dropped: number; acked: number }> {
  const cluster = await startNatsCluster();
  try {
    const [a, , c] = cluster.nodes;
    const sub = await mqtt.connectAsync(c!.mqttUrl, { reconnectPeriod: 0, clientId: 'bench-watch' });
    const seen = new Set<number>();
    let all: () => void = () => undefined;
    const arrived = new Promise<void>((r) => (all = r));
    sub.on('message', (_t, p) => {
      const i = (JSON.parse(p.toString()) as { i: number }).i;
      seen.add(i);
      if (seen.size >= count) all();
    });
    await sub.subscribeAsync('cat1/bench/+/event', { qos: 1 });
    const pub = new ReportPublisher({ urls: [a!.mqttUrl], station: 'bench' });
    const tAck = { s: 0 };
    const t0 = performance.now();
    for (let i = 0; i < count; i++) pub.publish(`m${i % 64}`, 'event', { i });
    const stats = await pub.close(120_000);
    tAck.s = (performance.now() - t0) / 1000;
    log(`  8: all acknowledged after ${tAck.s.toFixed(1)} s`);
    // the project's bounded wait: every delivery, or what arrived within 180 s (counted below)
    await within(arrived, { timeoutMs: 180_000 });
    const seconds = (performance.now() - t0) / 1000;
    await sub.endAsync(true);
    log(`  8: ${stats.acked} of ${count} acknowledged, ${seen.size} received on node C, ${stats.dropped} dropped`);
    return { seconds, eventsPerSecond: seen.size / seconds, ackedPerSecond: stats.acked / tAck.s, received: seen.size, dropped: stats.dropped, acked: stats.acked };
  } finally {
    await cluster.stop();
  }
}
