import { lookup } from 'node:dns/promises';
import { connect as tcpConnect, isIP } from 'node:net';
import type { IClientOptions, MqttClient } from 'mqtt';
import { CatError } from '../util/errors.js';
import { Waitress } from '../util/waiter.js';
import { text, type Text } from '../util/i18n.js';
import { connackMeaning } from '../urc/codes.js';
import type { BrokerAddress, BrokerTarget } from './target.js';

/**
 * The host side of the comparison: an mqtt.js client with exactly the module's parameters,
 * running the same steps and timing each.
 */

export interface DirectParams extends BrokerTarget {
  /** MQTT protocol level: 3 = 3.1 (MQIsdp), 4 = 3.1.1. From the module's `version` setting. Default 4. */
  protocolLevel?: 3 | 4;
  /** seconds; from the module's `keepalive` setting. Default 120 (the module's effective default). */
  keepalive?: number;
  /** clean session; from the module's `session` setting. Default true. */
  clean?: boolean;
  clientId: string;
  username?: string;
  password?: string;
  will?: { topic: string; payload: Buffer | string; qos: 0 | 1 | 2; retain: boolean };
  /** ms for each network step. Default 15000. */
  timeoutMs?: number;
}

export interface DirectStep {
  step: 'resolve' | 'tcp' | 'connect' | 'subscribe' | 'unsubscribe' | 'publish' | 'disconnect';
  ok: boolean;
  /** the protocol code: CONNACK return code, SUBACK granted QoS (0x80 refused), errno name… */
  code: number | string | null;
  detail: Text;
  latencyMs: number;
  /** extra facts (resolved address, granted QoS list) */
  data?: Record<string, unknown>;
}

export interface DirectMessage {
  topic: string;
  payload: Buffer;
  qos: 0 | 1 | 2;
  retain: boolean;
  /** ms since the session started */
  at: number;
}

const now = (): number => performance.now();

export class DirectSession {
  readonly params: Required<Pick<DirectParams, 'protocolLevel' | 'keepalive' | 'clean' | 'timeoutMs'>> & DirectParams;
  readonly messages: DirectMessage[] = [];
  #client: MqttClient | null = null;
  #listeners: Array<(m: DirectMessage) => void> = [];
  #closeListeners: Array<(reason: string) => void> = [];
  #ending = false;
  readonly #t0 = now();

  constructor(p: DirectParams) {
    if (!p.host) throw new CatError('ERR_INVALID_OPTION', 'the broker host is empty');
    if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535) throw new CatError('ERR_INVALID_OPTION', `broker port must be 1–65535 (got ${String(p.port)})`);
    this.params = { protocolLevel: 4, keepalive: 120, clean: true, timeoutMs: 15_000, ...p };
  }

  get connected(): boolean {
    return this.#client?.connected === true;
  }

  /** Called when an established connection drops without end() (the broker or the network cut it). */
  onLinkLost(fn: (reason: string) => void): void {
    this.#closeListeners.push(fn);
  }

  /** Called for every message received (also kept in `messages`). */
  onMessage(fn: (m: DirectMessage) => void): void {
    this.#listeners.push(fn);
  }

  /** DNS: what the host resolves the broker name to. */
  async resolve(): Promise<DirectStep> {
    const t = now();
    if (isIP(this.params.host)) return { step: 'resolve', ok: true, code: null, detail: text('an IP address: nothing to resolve', 'IP 地址：无需解析'), latencyMs: 0, data: { address: this.params.host } };
    try {
      const r = await lookup(this.params.host);
      return { step: 'resolve', ok: true, code: null, detail: text(`resolves to ${r.address}`, `解析为 ${r.address}`), latencyMs: now() - t, data: { address: r.address } };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'EAI_FAIL';
      return { step: 'resolve', ok: false, code, detail: text(`the host cannot resolve ${this.params.host} (${code})`, `主机无法解析 ${this.params.host}（${code}）`), latencyMs: now() - t };
    }
  }

  /** A bare TCP connection to the broker port (then closed). */
  tcp(): Promise<DirectStep> {
    const t = now();
    return new Promise((resolve) => {
      const sock = tcpConnect({ host: this.params.host, port: this.params.port });
      const timer = setTimeout(() => {
        sock.destroy();
        resolve({ step: 'tcp', ok: false, code: 'ETIMEDOUT', detail: text(`no TCP answer from ${this.params.host}:${this.params.port} within ${this.params.timeoutMs} ms`, `${this.params.timeoutMs} ms 内 ${this.params.host}:${this.params.port} 没有 TCP 应答`), latencyMs: now() - t });
      }, this.params.timeoutMs);
      sock.once('connect', () => {
        clearTimeout(timer);
        sock.destroy();
        resolve({ step: 'tcp', ok: true, code: null, detail: text(`TCP connection to ${this.params.host}:${this.params.port} accepted`, `到 ${this.params.host}:${this.params.port} 的 TCP 连接成功`), latencyMs: now() - t });
      });
      sock.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        sock.destroy();
        resolve({ step: 'tcp', ok: false, code: err.code ?? 'ERROR', detail: text(`TCP connection to ${this.params.host}:${this.params.port} failed (${err.code ?? err.message})`, `到 ${this.params.host}:${this.params.port} 的 TCP 连接失败（${err.code ?? err.message}）`), latencyMs: now() - t });
      });
    });
  }

  /** CONNECT / CONNACK with the module's parameters. */
  async connect(): Promise<DirectStep> {
    const p = this.params;
    const { connect } = await import('mqtt');
    const opts: IClientOptions = {
      host: p.host,
      port: p.port,
      protocol: p.tls ? 'mqtts' : 'mqtt',
      protocolVersion: p.protocolLevel,
      protocolId: p.protocolLevel === 3 ? 'MQIsdp' : 'MQTT',
      keepalive: p.keepalive,
      clean: p.clean,
      clientId: p.clientId,
      reconnectPeriod: 0,
      connectTimeout: p.timeoutMs,
      resubscribe: false,
    };
    if (p.username !== undefined) opts.username = p.username;
    if (p.password !== undefined) opts.password = p.password;
    if (p.tls) {
      if (p.ca !== undefined) opts.ca = p.ca;
      opts.rejectUnauthorized = !p.insecure;
    }
    if (p.will) opts.will = { topic: p.will.topic, payload: Buffer.from(p.will.payload), qos: p.will.qos, retain: p.will.retain };
    const t = now();
    const client = connect(opts);
    this.#client = client;
    client.on('message', (topic, payload, packet) => {
      const m: DirectMessage = { topic, payload: Buffer.from(payload), qos: packet.qos, retain: packet.retain, at: now() - this.#t0 };
      this.messages.push(m);
      for (const l of this.#listeners) l(m);
    });
    return new Promise<DirectStep>((resolve) => {
      const done = (s: DirectStep): void => {
        client.removeListener('connect', onConnect);
        client.removeListener('error', onError);
        client.removeListener('close', onClose);
        resolve(s);
      };
      const onConnect = (): void => {
        client.on('close', () => {
          if (this.#ending) return;
          for (const l of this.#closeListeners) l('the connection closed');
        });
        // the source port: the broker's log names each client by it (the host's own lines are told apart)
        const localPort = (client.stream as unknown as { localPort?: number } | undefined)?.localPort;
        done({ step: 'connect', ok: true, code: 0, detail: connackMeaning(0) ?? text('accepted', '已接受'), latencyMs: now() - t, ...(localPort !== undefined ? { data: { localPort } } : {}) });
      };
      const onError = (err: Error & { code?: number | string }): void => {
        const code = typeof err.code === 'number' ? err.code : (err.code ?? 'ERROR');
        const detail = typeof code === 'number' ? (connackMeaning(code) ?? text(err.message, err.message)) : text(`${err.message}`, `${err.message}`);
        client.end(true);
        done({ step: 'connect', ok: false, code, detail, latencyMs: now() - t });
      };
      const onClose = (): void => {
        // closed before any CONNACK (the broker dropped the connection, or a timeout)
        setImmediate(() => done({ step: 'connect', ok: false, code: 'CLOSED', detail: text('the connection closed before any CONNACK', '在收到 CONNACK 之前连接已关闭'), latencyMs: now() - t }));
      };
      client.once('connect', onConnect);
      client.once('error', onError);
      client.once('close', onClose);
    });
  }

  async subscribe(topic: string, qos: 0 | 1 | 2): Promise<DirectStep> {
    const c = this.#need('subscribe');
    const t = now();
    try {
      const granted = await withTimeout(c.subscribeAsync(topic, { qos }), this.params.timeoutMs);
      const g = granted[0]?.qos ?? null;
      const ok = g !== null && g !== 128;
      return {
        step: 'subscribe',
        ok,
        code: g,
        detail: ok ? text(`SUBACK: granted QoS ${String(g)} (asked ${qos})`, `SUBACK：授予 QoS ${String(g)}（请求 ${qos}）`) : text('SUBACK 0x80: the broker refused the subscription (ACL?)', 'SUBACK 0x80：服务器拒绝订阅（ACL？）'),
        latencyMs: now() - t,
        data: { granted: granted.map((x) => x.qos) },
      };
    } catch (err) {
      return { step: 'subscribe', ok: false, code: 'ERROR', detail: text(`subscribe failed: ${(err as Error).message}`, `订阅失败：${(err as Error).message}`), latencyMs: now() - t };
    }
  }

  async unsubscribe(topic: string): Promise<DirectStep> {
    const c = this.#need('unsubscribe');
    const t = now();
    try {
      await withTimeout(c.unsubscribeAsync(topic), this.params.timeoutMs);
      return { step: 'unsubscribe', ok: true, code: 0, detail: text('UNSUBACK received', '收到 UNSUBACK'), latencyMs: now() - t };
    } catch (err) {
      return { step: 'unsubscribe', ok: false, code: 'ERROR', detail: text(`unsubscribe failed: ${(err as Error).message}`, `取消订阅失败：${(err as Error).message}`), latencyMs: now() - t };
    }
  }

  async publish(topic: string, payload: Buffer | string, qos: 0 | 1 | 2, retain = false): Promise<DirectStep> {
    const c = this.#need('publish');
    const t = now();
    try {
      await withTimeout(c.publishAsync(topic, Buffer.from(payload), { qos, retain }), this.params.timeoutMs);
      const what = qos === 0 ? text('written (QoS 0 has no acknowledgement)', '已写出（QoS 0 没有确认）') : qos === 1 ? text('PUBACK received', '收到 PUBACK') : text('PUBCOMP received', '收到 PUBCOMP');
      return { step: 'publish', ok: true, code: 0, detail: what, latencyMs: now() - t };
    } catch (err) {
      return { step: 'publish', ok: false, code: 'ERROR', detail: text(`publish failed: ${(err as Error).message}`, `发布失败：${(err as Error).message}`), latencyMs: now() - t };
    }
  }

  /** Wait until `n` messages matching `pred` were received, or the timeout; returns them. */
  async waitMessages(pred: (m: DirectMessage) => boolean, n: number, timeoutMs: number): Promise<DirectMessage[]> {
    const have = (): DirectMessage[] => this.messages.filter(pred);
    if (have().length >= n) return have();
    const arrivals = new Waitress<DirectMessage>();
    const w = arrivals.wait(() => have().length >= n, { timeoutMs });
    const on = (m: DirectMessage): void => void arrivals.offer(m);
    this.#listeners.push(on);
    try {
      await w.promise;
    } finally {
      this.#listeners = this.#listeners.filter((l) => l !== on);
    }
    return have();
  }

  async end(): Promise<DirectStep> {
    const c = this.#client;
    const t = now();
    this.#client = null;
    this.#ending = true;
    if (!c) return { step: 'disconnect', ok: true, code: null, detail: text('not connected', '未连接'), latencyMs: 0 };
    const was = c.connected;
    // a closed client with a QoS 2 exchange left open (a broker that closed the connection on it) never ends by itself
    await withTimeout(c.endAsync(!was), 5000).catch(() => c.end(true));
    return { step: 'disconnect', ok: true, code: null, detail: was ? text('DISCONNECT sent', '已发送 DISCONNECT') : text('closed', '已关闭'), latencyMs: now() - t };
  }

  #need(what: string): MqttClient {
    const c = this.#client;
    if (!c || !c.connected) throw new CatError('ERR_BROKER', `cannot ${what}: the direct client is not connected`);
    return c;
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/** Parse mqtt://host:port or mqtts://host:port (default ports 1883 / 8883). */
export function parseBrokerUrl(url: string): BrokerAddress {
  let u: URL;
  try {
    u = new URL(url.includes('://') ? url : `mqtt://${url}`);
  } catch {
    throw new CatError('ERR_INVALID_OPTION', `--broker must look like mqtt://host:1883 or mqtts://host:8883 (got "${url}")`);
  }
  const tls = u.protocol === 'mqtts:' || u.protocol === 'ssl:' || u.protocol === 'tls:';
  if (!tls && u.protocol !== 'mqtt:' && u.protocol !== 'tcp:') throw new CatError('ERR_INVALID_OPTION', `--broker: unsupported scheme "${u.protocol}" (use mqtt:// or mqtts://)`);
  if (!u.hostname) throw new CatError('ERR_INVALID_OPTION', `--broker has no host (got "${url}")`);
  if (u.username || u.password) throw new CatError('ERR_INVALID_OPTION', '--broker must not hold credentials: use --username and --password-file (or CAT1_PASSWORD)');
  const port = u.port ? Number(u.port) : tls ? 8883 : 1883;
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port, tls };
}
