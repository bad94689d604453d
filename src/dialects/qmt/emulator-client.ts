import type { Duplex } from 'node:stream';
import { readFile } from 'node:fs/promises';
import type { ConnectionOptions } from 'node:tls';
import { isIP } from 'node:net';
import type { IConnectPacket, Packet, PacketCmd, QoS } from 'mqtt-packet';
import type { Clock } from '../../util/clock.js';
import { aliyunCredentials, type AliAuth } from '../../emulator/aliauth.js';
import { MqttLink } from '../../emulator/mqtt-link.js';
import { tlsHandshake } from '../../emulator/network.js';
import type { ConnectHook, IncomingMessage } from '../../emulator/options.js';
import type { SessionEvent } from '../../emulator/types.js';
import type { EmulatedModel } from './emulator-models.js';

/**
 * One Quectel MQTT client (`<client_idx>` 0–5) of the emulated module: the settings AT+QMTCFG
 * gives it, the state machine behind AT+QMTOPEN/CONN/SUB/UNS/PUB/DISC/CLOSE, packet timers and
 * retransmissions, keep-alive, the receive buffer of recv/mode 1. Reference:
 * ../shared/protocol/qmt.md §1–§3. Rules reproduced:
 *   - two-phase: the command answers at once, the result comes later as `+QMT…: <idx>,…`;
 *   - no auto-reconnect: a lost link prints `+QMTSTAT: <idx>,<err>` and the client is closed;
 *   - SUB/UNS/PUB wait `<pkt_timeout>` s for the ack, resend up to `<retry_times>` times
 *     (`result 1,<count>` printed when `<timeout_notice>` is 1), then report result 2.
 */

export type QmtState = 'closed' | 'opening' | 'opened' | 'connecting' | 'connected' | 'disconnecting';

export interface QmtConfig {
  /** 3 = MQTT 3.1, 4 = 3.1.1. Default 4. */
  version: 3 | 4;
  pdpcid: number;
  ssl: { enable: 0 | 1; ctx: number };
  /** seconds, 0 = no PINGREQ. Default 120. */
  keepalive: number;
  /** 1 clean session (default), 0 keep */
  session: 0 | 1;
  /** pkt_timeout s, retry_times, timeout_notice. Default 5, 3, 0. */
  timeout: [pkt: number, retry: number, notice: number];
  will: { flag: 0 | 1; qos: number; retain: number; topic: string; message: string };
  /** mode 0: payload in the URC, 1: buffered; len 1: the URC carries <len>. Default 0, 0. */
  recv: { mode: 0 | 1; len: 0 | 1 };
  aliauth: AliAuth | null;
}

export function defaultQmtConfig(): QmtConfig {
  return {
    version: 4,
    pdpcid: 1,
    ssl: { enable: 0, ctx: 0 },
    keepalive: 120,
    session: 1,
    timeout: [5, 3, 0],
    will: { flag: 0, qos: 0, retain: 0, topic: '', message: '' },
    recv: { mode: 0, len: 0 },
    aliauth: null,
  };
}

/** An AT+QSSLCFG context: file names on the emulator's file system and the security level. */
export interface SslContext {
  /** 0 no authentication, 1 server (CA), 2 server and client. Default 0. */
  seclevel: number;
  cacert: string;
  clientcert: string;
  clientkey: string;
  /** `"sni"`: send the host name. Default 0 (the emulator sends it for names anyway: Node's default) */
  sni: number;
}

export function defaultSslContext(): SslContext {
  return { seclevel: 0, cacert: '', clientcert: '', clientkey: '', sni: 0 };
}

/** The slots of recv/mode 1 (`AT+QMTRECV?` prints five). */
export const RECV_SLOTS = 5;

export interface StoredMessage {
  msgId: number;
  topic: string;
  payload: Buffer;
}

/** What a client needs from the module around it. */
export interface QmtClientHost {
  readonly profile: EmulatedModel;
  readonly clock: Clock;
  readonly openTimeoutMs: number;
  readonly connect: ConnectHook;
  urc(text: string, bytes?: Buffer): void;
  /** The PDP context `cid` is active. */
  pdpActive(cid: number): boolean;
  resolve(host: string): Promise<string | null>;
  sslContext(ctx: number): SslContext;
  brokerSilent(cmd: PacketCmd): boolean;
  dropIncoming(m: IncomingMessage): boolean;
  /** counts every PUBLISH received by the module (IncomingMessage.index) */
  nextIncomingIndex(): number;
  event(e: SessionEvent): void;
}

type AckKind = 'sub' | 'uns' | 'pub';

interface Pending {
  kind: AckKind;
  msgId: number;
  packet: Packet;
  /** the publish QoS (0 for SUBSCRIBE/UNSUBSCRIBE) */
  qos: number;
  tries: number;
  timer: unknown;
  /** the URC name the result is printed with (`QMTPUB` or `QMTPUBEX`) */
  urc: string;
  /** QoS 2 publish: PUBREC seen, waiting for PUBCOMP */
  released?: boolean;
}

/** `+QMTRECV: <idx>,<msgid>,"<topic>"[,<len>],"<payload>"` — payload bytes raw between the quotes. */
export function recvBytes(idx: number, m: StoredMessage, withLength: boolean): { text: string; bytes: Buffer } {
  const head = `+QMTRECV: ${idx},${m.msgId},"${m.topic}",${withLength ? `${m.payload.length},` : ''}"`;
  const bytes = Buffer.concat([Buffer.from(`\r\n${head}`, 'utf8'), m.payload, Buffer.from('"\r\n', 'latin1')]);
  return { text: `${head}${m.payload.toString('utf8')}"`, bytes };
}

export class QmtClient {
  readonly idx: number;
  readonly #h: QmtClientHost;
  config: QmtConfig = defaultQmtConfig();
  #state: QmtState = 'closed';
  #target: { host: string; port: number } | null = null;
  #link: MqttLink | null = null;
  /** bumped whenever the client closes: async work of an older token must not act */
  #token = 0;
  readonly #pending = new Map<string, Pending>();
  #connTimer: unknown = null;
  #kaTimer: unknown = null;
  #pingOutstanding = false;
  readonly slots: Array<StoredMessage | null> = Array.from({ length: RECV_SLOTS }, () => null);
  #disposed = false;

  constructor(idx: number, host: QmtClientHost) {
    this.idx = idx;
    this.#h = host;
  }

  get state(): QmtState {
    return this.#state;
  }

  /** Host and port of AT+QMTOPEN while the client is open. */
  get target(): { host: string; port: number } | null {
    return this.#target;
  }

  /** `AT+QMTCONN?` state: 1 initializing (opened), 2 connecting, 3 connected, 4 disconnecting; null when closed or opening. */
  connState(): number | null {
    switch (this.#state) {
      case 'opened':
        return 1;
      case 'connecting':
        return 2;
      case 'connected':
        return 3;
      case 'disconnecting':
        return 4;
      default:
        return null;
    }
  }

  // ---- AT actions: each returns the work to start once OK is written, or null for ERROR ----

  open(host: string, port: number): (() => void) | null {
    const idx = this.idx;
    if (this.#state !== 'closed') {
      // the index is still allocated (§7: "+QMTOPEN: 0,2" when the host retried without QMTCLOSE)
      return () => this.#h.urc(`+QMTOPEN: ${idx},2`);
    }
    this.#target = { host, port };
    this.#state = 'opening';
    const token = this.#token;
    return () => void this.#doOpen(token);
  }

  connect(clientId: string, username: string | null, password: string | null): (() => void) | null {
    if (this.#state !== 'opened') return null;
    this.#state = 'connecting';
    const token = this.#token;
    return () => void this.#doConnect(token, clientId, username, password);
  }

  subscribe(msgId: number, filters: Array<{ topic: string; qos: QoS }>): (() => void) | null {
    if (this.#state !== 'connected') return null;
    return () => this.#track('sub', msgId, { cmd: 'subscribe', messageId: msgId, subscriptions: filters }, 'QMTSUB');
  }

  unsubscribe(msgId: number, topics: string[]): (() => void) | null {
    if (this.#state !== 'connected') return null;
    return () => this.#track('uns', msgId, { cmd: 'unsubscribe', messageId: msgId, unsubscriptions: topics }, 'QMTUNS');
  }

  /** Can a publish be started now (checked before the `> ` prompt)? */
  get canPublish(): boolean {
    return this.#state === 'connected';
  }

  publish(msgId: number, qos: QoS, retain: boolean, topic: string, payload: Buffer, urc: 'QMTPUB' | 'QMTPUBEX'): (() => void) | null {
    if (this.#state !== 'connected') return null;
    const packet: Packet = { cmd: 'publish', topic, payload, qos, retain, dup: false, ...(qos > 0 ? { messageId: msgId } : {}) };
    if (qos > 0) return () => this.#track('pub', msgId, packet, urc);
    const link = this.#link;
    return () => {
      void this.#send(link, packet).then((sent) => {
        if (this.#link === link) this.#h.urc(`+${urc}: ${this.idx},${msgId},${sent ? 0 : 2}`);
      });
    };
  }

  disconnect(): (() => void) | null {
    if (this.#state !== 'connected' && this.#state !== 'opened') return null;
    const wasConnected = this.#state === 'connected';
    this.#state = 'disconnecting';
    const token = this.#token;
    const link = this.#link;
    return () => {
      void (async () => {
        let result = 0;
        if (wasConnected && link) result = (await this.#send(link, { cmd: 'disconnect' })) ? 0 : -1;
        if (token !== this.#token || this.#disposed) return;
        this.#free();
        link?.end('AT+QMTDISC');
        this.#h.urc(`+QMTDISC: ${this.idx},${result}`);
      })();
    };
  }

  close(): (() => void) | null {
    if (this.#state === 'closed') return null;
    const token = this.#token;
    return () => {
      if (token !== this.#token || this.#disposed) return;
      const link = this.#link;
      this.#free();
      // no DISCONNECT: the broker publishes the will
      link?.end('AT+QMTCLOSE');
      this.#h.urc(`+QMTCLOSE: ${this.idx},0`);
    };
  }

  /** Take a buffered message (recv/mode 1) out of its slot. */
  take(slot: number): StoredMessage | null {
    const m = this.slots[slot] ?? null;
    if (m) this.slots[slot] = null;
    return m;
  }

  // ---- the world acting on the client ----

  /** Cut the broker connection as a network failure would; `+QMTSTAT: <idx>,<code>` follows. */
  dropLink(reason: string, code = 1): boolean {
    const link = this.#link;
    if (!link) return false;
    this.#dropCode = code;
    link.destroy(reason);
    return true;
  }

  #dropCode = 1;

  /** Forget everything without a word (reboot, emulator closed). */
  destroy(): void {
    const link = this.#link;
    this.#free();
    link?.destroy('module reset');
    this.#disposed = true;
  }

  // ---- internals ----

  #free(): void {
    this.#token++;
    this.#stopKeepalive();
    if (this.#connTimer !== null) this.#h.clock.clearTimeout(this.#connTimer);
    this.#connTimer = null;
    for (const p of this.#pending.values()) this.#h.clock.clearTimeout(p.timer);
    this.#pending.clear();
    this.#link = null;
    this.#target = null;
    this.#state = 'closed';
  }

  #live(token: number): boolean {
    return !this.#disposed && token === this.#token;
  }

  async #doOpen(token: number): Promise<void> {
    const idx = this.idx;
    const target = this.#target;
    if (!target) return;
    const fail = (result: number, detail: string): void => {
      if (!this.#live(token)) return;
      this.#h.event({ type: 'link', what: 'failed', detail });
      this.#free();
      this.#h.urc(`+QMTOPEN: ${idx},${result}`);
    };
    if (!this.#h.pdpActive(this.config.pdpcid)) return fail(3, `PDP context ${this.config.pdpcid} is not active`);
    const address = await this.#h.resolve(target.host);
    if (!this.#live(token)) return;
    if (address === null) return fail(4, `DNS: cannot resolve ${target.host}`);
    const ssl = this.config.ssl.enable === 1 ? this.#h.sslContext(this.config.ssl.ctx) : null;
    this.#h.event({ type: 'link', what: 'connecting', detail: `client ${idx}: ${target.host} (${address}) port ${target.port}${ssl ? ' with TLS' : ''}` });
    let raw: Duplex | null = null;
    const connecting = (async (): Promise<Duplex> => {
      raw = await this.#h.connect({ host: target.host, address, port: target.port });
      if (!ssl) return raw;
      return tlsHandshake(raw, await tlsOptionsOf(ssl, target.host));
    })();
    let timer: unknown = null;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = this.#h.clock.setTimeout(() => resolve('timeout'), this.#h.openTimeoutMs);
    });
    let stream: Duplex;
    try {
      const r = await Promise.race([connecting, timeout]);
      if (r === 'timeout') {
        void connecting.then(
          (s) => s.destroy(),
          () => undefined,
        );
        return fail(-1, `no connection after ${this.#h.openTimeoutMs} ms`);
      }
      stream = r;
    } catch (e) {
      (raw as Duplex | null)?.destroy();
      return fail(-1, e instanceof Error ? e.message : String(e));
    } finally {
      this.#h.clock.clearTimeout(timer);
    }
    if (!this.#live(token)) {
      stream.destroy();
      return;
    }
    const link: MqttLink = new MqttLink(stream, {
      onPacket: (p) => this.#onPacket(link, p),
      onSent: (p) => this.#h.event({ type: 'mqtt', dir: 'out', packet: p }),
      onClose: (reason) => this.#onLinkClosed(link, reason),
    });
    this.#link = link;
    this.#state = 'opened';
    this.#h.event({ type: 'link', what: 'up', detail: `client ${idx}: ${target.host}:${target.port}` });
    this.#h.urc(`+QMTOPEN: ${idx},0`);
  }

  async #doConnect(token: number, clientId: string, username: string | null, password: string | null): Promise<void> {
    const link = this.#link;
    const idx = this.idx;
    if (!this.#live(token)) return;
    const c = this.config;
    let id = clientId;
    let user = username;
    let pass = password;
    if (c.aliauth && user === null) {
      const a = aliyunCredentials(c.aliauth);
      user = a.username;
      pass = a.password;
      this.#h.event({ type: 'note', text: `aliauth: client ${idx} connects with the computed user name and password` });
      if (id === '') id = a.clientId;
    }
    const packet: IConnectPacket = {
      cmd: 'connect',
      protocolId: c.version === 3 ? 'MQIsdp' : 'MQTT',
      protocolVersion: c.version,
      clean: c.session === 1,
      keepalive: c.keepalive,
      clientId: id,
    };
    if (user !== null) packet.username = user;
    if (pass !== null) packet.password = Buffer.from(pass, 'utf8');
    if (c.will.flag === 1) packet.will = { topic: c.will.topic, payload: Buffer.from(c.will.message, 'utf8'), qos: c.will.qos as QoS, retain: c.will.retain === 1 };
    const sent = link ? await this.#send(link, packet) : false;
    if (!this.#live(token)) return;
    if (!sent) {
      this.#state = 'opened';
      this.#h.urc(`+QMTCONN: ${idx},2`);
      return;
    }
    // no CONNACK within pkt_timeout × (retry_times + 1): +QMTSTAT <idx>,4 (CONNACK timed out), closed (I)
    const [pkt, retry] = c.timeout;
    this.#connTimer = this.#h.clock.setTimeout(() => {
      this.#connTimer = null;
      if (!this.#live(token) || this.#state !== 'connecting') return;
      this.#dropCode = 4;
      this.#link?.destroy(`no CONNACK within ${pkt * (retry + 1)} s`);
    }, pkt * (retry + 1) * 1000);
  }

  #send(link: MqttLink | null, packet: Packet): Promise<boolean> {
    if (!link || this.#link !== link) return Promise.resolve(false);
    return link.send(packet);
  }

  /** Send a packet that the broker acknowledges; resend on pkt_timeout, report the outcome by URC. */
  #track(kind: AckKind, msgId: number, packet: Packet, urc: string): void {
    const key = `${kind}:${msgId}`;
    const old = this.#pending.get(key);
    if (old) this.#h.clock.clearTimeout(old.timer);
    const p: Pending = { kind, msgId, packet, qos: packet.cmd === 'publish' ? packet.qos : 0, tries: 0, timer: null, urc };
    this.#pending.set(key, p);
    const link = this.#link;
    const [pkt, retry, notice] = this.config.timeout;
    const arm = (): void => {
      p.timer = this.#h.clock.setTimeout(() => {
        if (this.#pending.get(key) !== p) return;
        if (p.tries >= retry) {
          this.#pending.delete(key);
          this.#h.urc(`+${urc}: ${this.idx},${msgId},2`);
          return;
        }
        p.tries++;
        if (notice === 1) this.#h.urc(`+${urc}: ${this.idx},${msgId},1,${p.tries}`);
        const again: Packet = p.packet.cmd === 'publish' ? (p.released ? { cmd: 'pubrel', messageId: msgId } : { ...p.packet, dup: true }) : p.packet;
        void this.#send(link, again);
        arm();
      }, pkt * 1000);
    };
    void this.#send(link, packet).then((sent) => {
      if (this.#pending.get(key) !== p) return;
      if (!sent) {
        this.#pending.delete(key);
        if (this.#link === link) this.#h.urc(`+${urc}: ${this.idx},${msgId},2`);
        return;
      }
      arm();
    });
  }

  #acked(kind: AckKind, msgId: number): Pending | null {
    const key = `${kind}:${msgId}`;
    const p = this.#pending.get(key);
    if (!p) return null;
    this.#h.clock.clearTimeout(p.timer);
    this.#pending.delete(key);
    return p;
  }

  #onPacket(link: MqttLink, p: Packet): void {
    if (this.#link !== link) return;
    this.#h.event({ type: 'mqtt', dir: 'in', packet: p });
    if (this.#h.brokerSilent(p.cmd)) {
      this.#h.event({ type: 'fault', kind: 'silence', detail: `client ${this.idx}: ignored ${p.cmd.toUpperCase()} from the broker` });
      return;
    }
    const idx = this.idx;
    switch (p.cmd) {
      case 'connack': {
        if (this.#state !== 'connecting') return;
        if (this.#connTimer !== null) this.#h.clock.clearTimeout(this.#connTimer);
        this.#connTimer = null;
        const rc = p.returnCode ?? p.reasonCode ?? 0;
        if (rc === 0) {
          this.#state = 'connected';
          this.#startKeepalive(this.config.keepalive);
        } else {
          // refused: the broker closes the connection next (MQTT 3.1.1 §3.2.2.3) → +QMTSTAT <idx>,1
          this.#state = 'opened';
        }
        this.#h.urc(`+QMTCONN: ${idx},0,${rc}`);
        return;
      }
      case 'suback': {
        const pend = this.#acked('sub', p.messageId ?? 0);
        if (pend) this.#h.urc(`+QMTSUB: ${idx},${pend.msgId},0,${(p.granted as number[]).join(',')}`);
        return;
      }
      case 'unsuback': {
        const pend = this.#acked('uns', p.messageId ?? 0);
        if (pend) this.#h.urc(`+QMTUNS: ${idx},${pend.msgId},0`);
        return;
      }
      case 'puback': {
        const key = `pub:${p.messageId ?? 0}`;
        if (this.#pending.get(key)?.qos !== 1) return;
        const pend = this.#acked('pub', p.messageId ?? 0);
        if (pend) this.#h.urc(`+${pend.urc}: ${idx},${pend.msgId},0`);
        return;
      }
      case 'pubrec': {
        const pend = this.#pending.get(`pub:${p.messageId ?? 0}`);
        if (pend?.qos === 2) {
          pend.released = true;
          void link.send({ cmd: 'pubrel', messageId: pend.msgId });
        }
        return;
      }
      case 'pubcomp': {
        const key = `pub:${p.messageId ?? 0}`;
        if (this.#pending.get(key)?.qos !== 2) return;
        const pend = this.#acked('pub', p.messageId ?? 0);
        if (pend) this.#h.urc(`+${pend.urc}: ${idx},${pend.msgId},0`);
        return;
      }
      case 'pubrel':
        void link.send({ cmd: 'pubcomp', messageId: p.messageId ?? 0 });
        return;
      case 'pingresp':
        this.#pingOutstanding = false;
        return;
      case 'publish':
        this.#onPublish(link, p);
        return;
      default:
        return;
    }
  }

  #onPublish(link: MqttLink, p: Extract<Packet, { cmd: 'publish' }>): void {
    const payload = typeof p.payload === 'string' ? Buffer.from(p.payload, 'utf8') : Buffer.from(p.payload);
    const msgId = p.messageId ?? 0;
    const message: IncomingMessage = { topic: p.topic, payload, qos: p.qos, messageId: msgId, index: this.#h.nextIncomingIndex() };
    const lost = this.#h.dropIncoming(message);
    let outcome: 'printed' | 'dropped-rx-buffer' | 'dropped-fault' = lost ? 'dropped-fault' : 'printed';
    if (!lost) {
      const stored: StoredMessage = { msgId, topic: p.topic, payload };
      if (this.config.recv.mode === 0) {
        const { text, bytes } = recvBytes(this.idx, stored, this.config.recv.len === 1);
        this.#h.urc(text, bytes);
      } else {
        const slot = this.slots.indexOf(null);
        if (slot < 0) {
          // every slot full: the message is lost (np; the emulator's choice, I)
          outcome = 'dropped-rx-buffer';
        } else {
          this.slots[slot] = stored;
          this.#h.urc(`+QMTRECV: ${this.idx},${slot}`);
        }
      }
    }
    if (p.qos === 1) void link.send({ cmd: 'puback', messageId: msgId });
    else if (p.qos === 2) void link.send({ cmd: 'pubrec', messageId: msgId });
    if (lost) this.#h.event({ type: 'fault', kind: 'drop-incoming', detail: `client ${this.idx}: message ${message.index} on "${p.topic}" acknowledged but not printed` });
    this.#h.event({ type: 'incoming', message, outcome });
  }

  #onLinkClosed(link: MqttLink, reason: string): void {
    if (this.#link !== link) return;
    const was = this.#state;
    const code = this.#dropCode;
    this.#dropCode = 1;
    this.#h.event({ type: 'link', what: 'down', detail: `client ${this.idx}: ${reason}` });
    if (was === 'disconnecting') return;
    this.#free();
    // no auto-reconnect (§1): the client is closed, the host reopens
    this.#h.urc(`+QMTSTAT: ${this.idx},${code}`);
  }

  #startKeepalive(seconds: number): void {
    this.#stopKeepalive();
    this.#pingOutstanding = false;
    if (seconds <= 0) return;
    const tick = (): void => {
      this.#kaTimer = null;
      const link = this.#link;
      if (!link || this.#state !== 'connected') return;
      if (this.#pingOutstanding) {
        // the last PINGREQ got no PINGRESP within a keep-alive period: +QMTSTAT <idx>,2 (I: the period is the AN's np timer)
        this.#dropCode = 2;
        link.destroy('keep-alive: no PINGRESP');
        return;
      }
      this.#pingOutstanding = true;
      void link.send({ cmd: 'pingreq' });
      this.#kaTimer = this.#h.clock.setTimeout(tick, seconds * 1000);
    };
    this.#kaTimer = this.#h.clock.setTimeout(tick, seconds * 1000);
  }

  #stopKeepalive(): void {
    if (this.#kaTimer !== null) this.#h.clock.clearTimeout(this.#kaTimer);
    this.#kaTimer = null;
  }
}

/** TLS client options of an AT+QSSLCFG context (seclevel 0: no verification; 1: CA; 2: CA + client certificate). */
async function tlsOptionsOf(ssl: SslContext, host: string): Promise<ConnectionOptions> {
  const o: ConnectionOptions = { rejectUnauthorized: ssl.seclevel > 0 };
  if (isIP(host) === 0) o.servername = host;
  if (ssl.seclevel > 0 && ssl.cacert) o.ca = await readFile(ssl.cacert, 'latin1');
  if (ssl.seclevel === 2) {
    if (ssl.clientcert) o.cert = await readFile(ssl.clientcert, 'latin1');
    if (ssl.clientkey) o.key = await readFile(ssl.clientkey, 'latin1');
  }
  return o;
}
