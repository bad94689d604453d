import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mqttProbe } from './mqtt-ready.js';

/**
 * A real NATS cluster for a test: three nats-server nodes on loopback ports of their own
 * (client, cluster route, MQTT, monitoring), each with a server_name, JetStream (clustered: the
 * MQTT sessions and retained messages live in replicated streams) and an `mqtt {}` block, routes
 * to the two others. Started with bounded readiness checks (an MQTT QoS 1 publish acknowledged
 * on every node); the machine's own nats on 4222 is never touched.
 *
 *     const c = await startNatsCluster();
 *     … c.nodes[0].mqttUrl …
 *     c.nodes[0].kill();     // a crash
 *     await c.stop();
 */

export const NATS_SERVER = 'nats-server';

export interface NatsNode {
  name: string;
  clientPort: number;
  mqttPort: number;
  mqttUrl: string;
  /** SIGKILL, as a crash */
  kill(): void;
  readonly exited: boolean;
}

export interface NatsCluster {
  nodes: NatsNode[];
  dir: string;
  stop(): Promise<void>;
}

/** A reason to skip, or null when nats-server is installed. */
export function natsMissing(): string | null {
  const r = spawnSync(NATS_SERVER, ['--version'], { stdio: 'ignore' });
  return r.error || r.status !== 0 ? 'nats-server is not installed (apt-get install nats-server)' : null;
}

export async function freePorts(n: number): Promise<number[]> {
  // hold them all open at once so no two are the same
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<import('node:net').Server>((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => resolve(s));
    })),
  );
  const ports = servers.map((s) => {
    const a = s.address();
    return typeof a === 'object' && a ? a.port : 0;
  });
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));


export async function startNatsCluster(opts: { size?: number; timeoutMs?: number; /** MQTT clients must log in with this user */ user?: { username: string; password: string } } = {}): Promise<NatsCluster> {
  const size = opts.size ?? 3;
  const dir = mkdtempSync(join(tmpdir(), 'cat1-nats-'));
  const ports = await freePorts(size * 3);
  const names = Array.from({ length: size }, (_v, i) => `n${String.fromCharCode(65 + i)}`);
  const routePort = (i: number): number => ports[i * 3 + 1]!;
  const procs: ChildProcess[] = [];
  const nodes: NatsNode[] = [];
  for (let i = 0; i < size; i++) {
    const name = names[i]!;
    const store = join(dir, name);
    mkdirSync(store);
    const conf = [
      `server_name: ${name}`,
      `listen: 127.0.0.1:${ports[i * 3]!}`,
      `jetstream { store_dir: "${store}", max_memory_store: 64MB, max_file_store: 256MB }`,
      ...(size === 1 ? [] : [`cluster { name: cat1test, listen: 127.0.0.1:${routePort(i)}, routes: [${names.map((_n, j) => j).filter((j) => j !== i).map((j) => `nats-route://127.0.0.1:${routePort(j)}`).join(', ')}] }`]),
      // R3 streams and consumers: the MQTT sessions and retained messages survive the loss of one node
      `mqtt { listen: 127.0.0.1:${ports[i * 3 + 2]!}, stream_replicas: ${size}, consumer_replicas: ${size}${opts.user ? `, authorization { username: "${opts.user.username}", password: "${opts.user.password}" }` : ''} }`,
    ];
    const confPath = join(dir, `${name}.conf`);
    writeFileSync(confPath, conf.join('\n') + '\n');
    const proc = spawn(NATS_SERVER, ['-c', confPath, '-l', join(dir, `${name}.log`)], { stdio: 'ignore' });
    procs.push(proc);
    let exited = false;
    proc.once('exit', () => (exited = true));
    nodes.push({
      name,
      clientPort: ports[i * 3]!,
      mqttPort: ports[i * 3 + 2]!,
      mqttUrl: `mqtt://127.0.0.1:${ports[i * 3 + 2]!}`,
      kill: () => {
        if (!exited) proc.kill('SIGKILL');
      },
      get exited() {
        return exited;
      },
    });
  }
  const stop = async (): Promise<void> => {
    await Promise.all(
      procs.map(
        (p) =>
          new Promise<void>((r) => {
            if (p.exitCode !== null || p.signalCode !== null) return r();
            p.once('exit', () => r());
            p.kill('SIGTERM');
            setTimeout(() => p.kill('SIGKILL'), 3000).unref();
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  // JetStream elects its meta leader and the MQTT streams are made: wait until each node takes a QoS 1 message
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  for (const n of nodes) {
    let ok = false;
    while (!ok && Date.now() < deadline && !n.exited) {
      ok = await mqttProbe(n.mqttUrl, { ...(opts.user ? { user: opts.user } : {}), publish: true });
      if (!ok) await pause(250);
    }
    if (!ok) {
      await stop();
      throw new Error(`NATS node ${n.name} did not take an MQTT QoS 1 publish within ${opts.timeoutMs ?? 30_000} ms`);
    }
  }
  return { nodes, dir, stop };
}
