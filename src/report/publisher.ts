import type { IClientOptions, MqttClient } from 'mqtt';
import { parseBrokerUrl } from '../mirror/direct.js';
import { CatError } from '../util/errors.js';
import { moduleTopic, stationTopic, type ModuleTopicKind } from './topics.js';

/**
 * Publishes a station's results to an MQTT broker or cluster (`--report-to URL[,URL…]`): QoS 1,
 * the latest verdict retained, a Last Will that marks the station offline. Several URLs are the
 * nodes of one cluster: on the loss of the node in use the publisher moves to the next one, and
 * nothing is lost meanwhile — messages wait in a bounded queue (the oldest non-verdict message
 * is dropped first when it is full, and counted) and the ones sent but not acknowledged (no
 * PUBACK) are sent again on the next node (at least once: a subscriber may see one twice).
 */

export interface ReportPublisherOptions {
  /** the broker or the nodes of one cluster, tried in this order */
  urls: readonly string[];
  /** the station's name (topic level 2) */
  station: string;
  username?: string;
  password?: string;
  /** Default `cat1-station-<station>-<random>`. */
  clientId?: string;
  /** most messages held while no node is reachable; default 10000 */
  maxQueue?: number;
  /** most PUBLISHes awaiting PUBACK at once; default 64 */
  maxInflight?: number;
  /** give up on one connection attempt after this long, ms; default 5000 */
  connectTimeoutMs?: number;
  /** close() waits at most this long for the acknowledgements of what is still queued, ms; default 10000 */
  closeWaitMs?: number;
  /** pause before trying the next node once every node failed in a row, ms; default 1000 */
  retryMs?: number;
  /** connection changes, for progress lines */
  onState?: (e: ReportState) => void;
}

export type ReportState =
  | { type: 'connected'; url: string; node: number }
  | { type: 'lost'; url: string; reason: string }
  | { type: 'failover'; from: string; to: string };

export interface ReportStats {
  /** messages handed to publish() */
  published: number;
  /** messages the broker acknowledged (PUBACK) */
  acked: number;
  /** dropped because the queue was full, or still undelivered at close */
  dropped: number;
  /** moves from one node to another */
  failovers: number;
  /** the node in use (URL), or null */
  node: string | null;
}

interface Message {
  topic: string;
  payload: string;
  retain: boolean;
  verdict: boolean;
}

/** Split and check `--report-to`: one URL or several, comma-separated. */
export function parseReportUrls(spec: string): string[] {
  const urls = spec
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (urls.length === 0) throw new CatError('ERR_INVALID_OPTION', '--report-to needs a broker URL, e.g. mqtt://broker:1883 (several, comma-separated, for the nodes of a cluster)');
  return urls.map((u) => {
    const b = parseBrokerUrl(u);
    return `${b.tls ? 'mqtts' : 'mqtt'}://${b.host.includes(':') ? `[${b.host}]` : b.host}:${b.port}`;
  });
}

export class ReportPublisher {
  readonly #o: Required<Pick<ReportPublisherOptions, 'maxQueue' | 'maxInflight' | 'connectTimeoutMs' | 'retryMs' | 'closeWaitMs'>> & ReportPublisherOptions;
  readonly #clientId: string;
  readonly #queue: Message[] = [];
  readonly #inflight = new Set<Message>();
  #client: MqttClient | null = null;
  #gen = 0;
  #node = 0;
  #failsInRow = 0;
  #connected = false;
  #closing = false;
  #closed = false;
  #retry: ReturnType<typeof setTimeout> | null = null;
  #idle: Array<() => void> = [];
  #stats: ReportStats = { published: 0, acked: 0, dropped: 0, failovers: 0, node: null };

  constructor(opts: ReportPublisherOptions) {
    if (opts.urls.length === 0) throw new CatError('ERR_INVALID_OPTION', '--report-to needs at least one URL');
    this.#o = { maxQueue: 10_000, maxInflight: 64, connectTimeoutMs: 5000, retryMs: 1000, closeWaitMs: 10_000, ...opts };
    this.#clientId = opts.clientId ?? `cat1-station-${opts.station}-${Math.random().toString(16).slice(2, 8)}`.slice(0, 64);
    this.#connect();
  }

  get stats(): ReportStats {
    return { ...this.#stats };
  }

  /** Queue one module message (JSON). Verdicts are retained. */
  publish(module: string, kind: ModuleTopicKind, body: Record<string, unknown>): void {
    if (this.#closed) return;
    const msg: Message = { topic: moduleTopic(this.#o.station, module, kind), payload: JSON.stringify({ station: this.#o.station, module, time: new Date().toISOString(), ...body }), retain: kind === 'verdict', verdict: kind === 'verdict' };
    this.#stats.published++;
    this.#queue.push(msg);
    if (this.#queue.length > this.#o.maxQueue) {
      const i = this.#queue.findIndex((m) => !m.verdict);
      this.#queue.splice(i < 0 ? 0 : i, 1);
      this.#stats.dropped++;
    }
    this.#pump();
  }

  /**
   * Wait until every message is acknowledged (or `timeoutMs` passes, default the `closeWaitMs`
   * option: what is left is counted as dropped), mark the station offline (retained) and disconnect.
   */
  async close(timeoutMs = this.#o.closeWaitMs): Promise<ReportStats> {
    if (this.#closed) return this.stats;
    this.#closing = true;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      if (this.#queue.length === 0 && this.#inflight.size === 0) done();
      else this.#idle.push(done);
    });
    const left = this.#queue.length + this.#inflight.size;
    this.#stats.dropped += left;
    this.#queue.length = 0;
    this.#inflight.clear();
    const c = this.#client;
    if (c && this.#connected) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 2000);
        c.publish(stationTopic(this.#o.station), this.#stationBody(false, 'finished'), { qos: 1, retain: true }, () => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    this.#closed = true;
    this.#gen++;
    if (this.#retry) clearTimeout(this.#retry);
    if (c) await new Promise<void>((resolve) => c.end(false, {}, () => resolve()));
    this.#client = null;
    return this.stats;
  }

  #stationBody(online: boolean, reason?: string): string {
    return JSON.stringify({ station: this.#o.station, online, ...(reason ? { reason } : {}), time: new Date().toISOString() });
  }

  #connect(): void {
    if (this.#closed) return;
    const gen = ++this.#gen;
    const url = this.#o.urls[this.#node]!;
    const opts: IClientOptions = {
      clientId: this.#clientId,
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: this.#o.connectTimeoutMs,
      keepalive: 10,
      will: { topic: stationTopic(this.#o.station), payload: Buffer.from(this.#stationBody(false, 'lost')), qos: 1, retain: true },
      ...(this.#o.username !== undefined ? { username: this.#o.username } : {}),
      ...(this.#o.password !== undefined ? { password: this.#o.password } : {}),
    };
    void import('mqtt').then(({ connect }) => {
      if (gen !== this.#gen) return;
      const client = connect(url, opts);
      this.#client = client;
      client.on('error', () => undefined); // a close follows
      client.on('connect', () => {
        if (gen !== this.#gen) return;
        this.#connected = true;
        this.#failsInRow = 0;
        this.#stats.node = url;
        this.#o.onState?.({ type: 'connected', url, node: this.#node });
        client.publish(stationTopic(this.#o.station), this.#stationBody(true), { qos: 1, retain: true });
        this.#pump();
      });
      client.on('close', () => {
        if (gen !== this.#gen) return;
        this.#lost(client, url, this.#connected ? 'connection lost' : 'could not connect');
      });
    });
  }

  #lost(client: MqttClient, url: string, reason: string): void {
    this.#gen++;
    const wasConnected = this.#connected;
    this.#connected = false;
    this.#stats.node = null;
    client.end(true);
    if (this.#client === client) this.#client = null;
    if (this.#closed) return;
    // what was sent but not acknowledged goes again, first, in its order
    this.#queue.unshift(...this.#inflight);
    this.#inflight.clear();
    if (wasConnected) this.#o.onState?.({ type: 'lost', url, reason });
    else this.#failsInRow++;
    const from = url;
    if (this.#o.urls.length > 1) {
      this.#node = (this.#node + 1) % this.#o.urls.length;
      this.#stats.failovers++;
      this.#o.onState?.({ type: 'failover', from, to: this.#o.urls[this.#node]! });
    }
    // straight to the next node; once every node has failed in a row, wait before another round
    const wait = this.#failsInRow >= this.#o.urls.length ? this.#o.retryMs : 0;
    if (this.#failsInRow >= this.#o.urls.length) this.#failsInRow = 0;
    this.#retry = setTimeout(() => {
      this.#retry = null;
      this.#connect();
    }, wait);
  }

  #pump(): void {
    const c = this.#client;
    if (!c || !this.#connected) return;
    const gen = this.#gen;
    while (this.#queue.length > 0 && this.#inflight.size < this.#o.maxInflight) {
      const m = this.#queue.shift()!;
      this.#inflight.add(m);
      c.publish(m.topic, m.payload, { qos: 1, retain: m.retain }, (err) => {
        if (gen !== this.#gen || err) return; // a lost connection requeues it
        if (!this.#inflight.delete(m)) return;
        this.#stats.acked++;
        this.#pump();
        this.#checkIdle();
      });
    }
  }

  #checkIdle(): void {
    if (this.#queue.length > 0 || this.#inflight.size > 0) return;
    const w = this.#idle.splice(0);
    for (const f of w) f();
  }
}
