import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { CatError } from '../util/errors.js';

/**
 * The embedded default broker (aedes, the successor of mosca), started in-process for
 * `cat1 demo` and for tests that need no credentials store. It writes a log in mosquitto's
 * words, so the verdict reads it like a real broker's log.
 */

export interface EmbeddedBrokerOptions {
  /** TCP port; 0 picks a free one. Default 0. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /**
   * User name → password. A password of null accepts any password (token platforms that
   * identify a device by its user name). Default: no users.
   */
  users?: Record<string, string | null>;
  /** Accept clients without a user name. Default: true when no users are set. */
  allowAnonymous?: boolean;
  /** Refuse an empty client ID (CONNACK 2), as `allow_zero_length_clientid false` in mosquitto. Default false. */
  rejectEmptyClientId?: boolean;
  /** Topic permission; default everything allowed. */
  acl?: (clientId: string, username: string | undefined, topic: string, action: 'publish' | 'subscribe') => boolean;
}

export interface EmbeddedBroker {
  host: string;
  port: number;
  url: string;
  /** log lines, mosquitto style */
  readonly log: string[];
  /** IDs of the connected clients */
  clients(): string[];
  stop(): Promise<void>;
}

export async function startEmbeddedBroker(opts: EmbeddedBrokerOptions = {}): Promise<EmbeddedBroker> {
  const { Aedes } = await import('aedes');
  const users = opts.users ?? {};
  const anyUsers = Object.keys(users).length > 0;
  const allowAnonymous = opts.allowAnonymous ?? !anyUsers;
  const log: string[] = [];
  const stamp = (): string => `${Math.floor(Date.now() / 1000)}`;
  const say = (line: string): void => {
    log.push(`${stamp()}: ${line}`);
    if (log.length > 10_000) log.splice(0, 1000);
  };
  const remote = new WeakMap<object, string>();
  const empty = new WeakSet<object>();
  const broker = await Aedes.createBroker({
    preConnect(client, packet, callback) {
      const conn = client.conn as unknown as Socket;
      remote.set(client, `${conn.remoteAddress ?? '?'}:${conn.remotePort ?? '?'}`);
      if (!packet.clientId) empty.add(client);
      callback(null, true);
    },
    authenticate(client, username, password, callback) {
      const from = remote.get(client) ?? '?';
      const refuse = (code: 2 | 4 | 5, why: string): void => {
        say(`Client ${empty.has(client) ? '<empty>' : client.id} from ${from} disconnected, ${why}.`);
        const err = Object.assign(new Error(why), { returnCode: code });
        callback(err as Error & { returnCode: 2 | 4 | 5 }, false);
      };
      if (empty.has(client) && opts.rejectEmptyClientId) return refuse(2, 'zero length client id (identifier rejected)');
      if (username === undefined || username === '') {
        if (!allowAnonymous) return refuse(5, 'not authorised');
      } else {
        if (!(username in users)) return refuse(5, 'not authorised');
        const want = users[username];
        const got = password === undefined ? '' : Buffer.from(password).toString('utf8');
        if (want !== null && want !== undefined && want !== got) return refuse(5, 'not authorised');
      }
      say(`New client connected from ${from} as ${empty.has(client) ? `${client.id} (empty client ID: assigned by the broker)` : client.id}${username ? ` (u'${username}')` : ''}.`);
      callback(null, true);
    },
    authorizePublish(client, packet, callback) {
      const ok = !opts.acl || !client || opts.acl(client.id, undefined, packet.topic, 'publish');
      if (!ok) say(`Denied PUBLISH from ${client?.id ?? '?'} (topic '${packet.topic}')`);
      callback(ok ? null : new Error('not authorised'));
    },
    authorizeSubscribe(client, sub, callback) {
      const ok = !opts.acl || opts.acl(client.id, undefined, sub.topic, 'subscribe');
      if (!ok) say(`Denied SUBSCRIBE from ${client.id} (topic '${sub.topic}')`);
      callback(null, ok ? sub : null);
    },
  });
  broker.on('clientDisconnect', (c) => say(`Client ${c.id} disconnected.`));
  broker.on('clientError', (c, err) => say(`Client ${c.id} error: ${err.message}.`));
  const server: Server = createServer(broker.handle as (s: Socket) => void);
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(new CatError('ERR_BROKER', `the embedded broker cannot listen on ${host}:${opts.port ?? 0}: ${e.message}`, { cause: e })));
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  say(`embedded broker (aedes) listening on ${host}:${port}`);
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return {
    host,
    port,
    url: `mqtt://${host}:${port}`,
    log,
    clients() {
      const out: string[] = [];
      const all = (broker as unknown as { clients: Record<string, unknown> }).clients;
      for (const id of Object.keys(all)) out.push(id);
      return out;
    },
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
      await new Promise<void>((r) => broker.close(() => r()));
    },
  };
}
