import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mqttProbe } from './mqtt-ready.js';
import { freePorts } from './nats.js';

/**
 * A real RabbitMQ node with the MQTT plugin for a test: its own node name, ports (AMQP, MQTT,
 * Erlang distribution, and its own epmd), data, log, config and enabled-plugins files in a temp
 * directory, HOME there too (its own Erlang cookie). The machine's own RabbitMQ (5672) is never
 * touched. Started from /usr/lib/rabbitmq/bin directly, in the foreground, as the test's user.
 *
 *     const r = await startRabbitMq();   // r.mqttUrl, user guest / guest (loopback only)
 *     await r.stop();
 */

export const RABBITMQ_SERVER = '/usr/lib/rabbitmq/bin/rabbitmq-server';

export function rabbitMissing(): string | null {
  return existsSync(RABBITMQ_SERVER) && existsSync('/usr/lib/erlang') ? null : 'rabbitmq-server is not installed (apt-get install rabbitmq-server)';
}

export interface RunningRabbitMq {
  mqttPort: number;
  mqttUrl: string;
  dir: string;
  log(): string;
  stop(): Promise<void>;
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));


export async function startRabbitMq(opts: { timeoutMs?: number; /** the default user (instead of guest/guest) */ user?: { username: string; password: string } } = {}): Promise<RunningRabbitMq> {
  const dir = mkdtempSync(join(tmpdir(), 'cat1-rabbit-'));
  const [amqp, mqtt, dist, epmd] = (await freePorts(4)) as [number, number, number, number];
  for (const d of ['mnesia', 'log', 'home']) mkdirSync(join(dir, d));
  const conf = join(dir, 'rabbitmq.conf');
  writeFileSync(conf, [`listeners.tcp.default = 127.0.0.1:${amqp}`, `mqtt.listeners.tcp.default = 127.0.0.1:${mqtt}`, 'mqtt.allow_anonymous = false', 'loopback_users.guest = true', ...(opts.user ? [`default_user = ${opts.user.username}`, `default_pass = ${opts.user.password}`] : []), 'log.console = false', 'log.file.level = info'].join('\n') + '\n');
  const plugins = join(dir, 'enabled_plugins');
  writeFileSync(plugins, '[rabbitmq_mqtt].\n');
  const node = `cat1t${process.pid}${Math.random().toString(16).slice(2, 6)}@localhost`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: join(dir, 'home'),
    RABBITMQ_NODENAME: node,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(amqp),
    RABBITMQ_DIST_PORT: String(dist),
    ERL_EPMD_PORT: String(epmd),
    ERL_EPMD_ADDRESS: '127.0.0.1',
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_CONFIG_FILE: conf,
    RABBITMQ_ENABLED_PLUGINS_FILE: plugins,
    RABBITMQ_PID_FILE: join(dir, 'rabbit.pid'),
    RABBITMQ_ADVANCED_CONFIG_FILE: join(dir, 'advanced.config'),
    RABBITMQ_SERVER_START_ARGS: '',
  };
  const proc: ChildProcess = spawn(RABBITMQ_SERVER, [], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  proc.stdout?.on('data', (d: Buffer) => (output = (output + d.toString('utf8')).slice(-20_000)));
  proc.stderr?.on('data', (d: Buffer) => (output = (output + d.toString('utf8')).slice(-20_000)));
  let exited = false;
  proc.once('exit', () => (exited = true));
  const log = (): string => {
    try {
      return readFileSync(join(dir, 'log', `${node}.log`), 'utf8');
    } catch {
      return output;
    }
  };
  const url = `mqtt://127.0.0.1:${mqtt}`;
  // the whole process group: the Erlang VM and the epmd it started on its own port
  const killAll = (sig: NodeJS.Signals): void => {
    try {
      if (proc.pid) process.kill(-proc.pid, sig);
    } catch {
      /* gone */
    }
  };
  const stop = async (): Promise<void> => {
    if (!exited) {
      const done = new Promise<void>((r) => proc.once('exit', () => r()));
      killAll('SIGTERM');
      const t = setTimeout(() => killAll('SIGKILL'), 10_000);
      await done;
      clearTimeout(t);
    }
    // the epmd the node started on its own port daemonizes out of the group: ask it to stop
    await new Promise<void>((r) => {
      const k = spawn('/usr/lib/erlang/bin/epmd', ['-kill'], { env: { ...process.env, ERL_EPMD_PORT: String(epmd) }, stdio: 'ignore' });
      k.once('exit', () => r());
      k.once('error', () => r());
    });
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  while (!exited && Date.now() < deadline && !(await mqttProbe(url, { user: opts.user ?? { username: 'guest', password: 'guest' } }))) await pause(500);
  if (exited || Date.now() >= deadline) {
    const tail = log().slice(-1500);
    await stop();
    throw new Error(`RabbitMQ did not take MQTT connections on ${url}: ${tail}`);
  }
  return { mqttPort: mqtt, mqttUrl: url, dir, log, stop };
}
