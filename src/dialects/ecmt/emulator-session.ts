import type { Duplex } from 'node:stream';
import type { IConnectPacket, Packet, PacketCmd, QoS } from 'mqtt-packet';
import type { Clock } from '../../util/clock.js';
import type { FirmwareProfile } from './firmware.js';
import { aliyunCredentials, type AliAuth } from '../../emulator/aliauth.js';
import { MqttLink } from '../../emulator/mqtt-link.js';
import { tlsHandshake, tlsOptions, type SslConfig } from '../../emulator/network.js';
import type { ConnectHook, IncomingMessage } from '../../emulator/options.js';
import type { SessionEvent } from '../../emulator/types.js';
import { within } from '../../util/waiter.js';

/**
 * The ECMT MQTT client of the module (connect ID 0, the only one these builds have): the
 * per-session context that AT+ECMTCFG fills, the state machine behind AT+ECMTOPEN/CONN/SUB/
 * UNS/PUB/DISC/CLOSE, and the module's own link handling (keep-alive, auto-reconnect).
 *
 * Reference: ../shared/protocol/ecmt.md §1–§4. Timing rules reproduced:
 *   - every action answers at once (OK / +CME ERROR: 3) and reports later by URC; the work
 *     starts only after the final result was written (`after`);
 *   - already opening/open → OK and no URC; already connecting/connected → OK and no URC;
 *   - the state is "connected" as soon as CONNECT is written, before CONNACK;
 *   - no URC is printed for an ack that never comes;
 *   - link loss (socket error/close, or more than 3 unanswered PINGREQs) → `+ECMTSTAT: 0,1`,
 *     then the module reconnects TCP and resends CONNECT by itself (fresh `+ECMTCONN: 0,0,<rc>`,
 *     no new +ECMTOPEN, no resubscription); after 3 failed retries it gives up, prints the
 *     unsolicited `+ECMTDISC: 0,0` and falls back to the opened state (with no live socket);
 *   - AT+ECMTDISC sends DISCONNECT, closes the socket and frees the context; AT+ECMTCLOSE closes
 *     the socket without DISCONNECT (the broker publishes the will) and frees the context.
 */

export type SessionState =
  /** no context */
  | 'none'
  /** a context from AT+ECMTCFG, no connection */
  | 'configured'
  /** AT+ECMTOPEN accepted, TCP (TLS) connection in progress */
  | 'opening'
  /** TCP up (or, after giving up reconnecting, no live socket) */
  | 'opened'
  /** AT+ECMTCONN accepted, CONNECT not written yet */
  | 'connecting'
  /** CONNECT written (the CONNACK may still be missing) */
  | 'connected'
  /** link lost: the module's own reconnect attempts */
  | 'reconnecting';

/** A value the query form prints as 0 until it is set, while a default is in effect. */
export interface Settable {
  value: number;
  set: boolean;
}

/** The per-session context (freed by DISC/CLOSE and by a failed OPEN). */
export interface SessionConfig {
  /** 0–3600 s; effective default 120; 0 disables PINGREQ */
  keepalive: Settable;
  /** clean session flag; effective default 1 */
  session: Settable;
  /** stored only */
  timeout: [pkt: number, retry: number, notice: number];
  will: { flag: number; qos: number; retain: number; topic: string | null; message: string | null };
  /** 3 = MQTT 3.1, 4 = 3.1.1; effective default 4 */
  version: Settable;
  aliauth: AliAuth | null;
  cloud: { type: number; dataType: number };
  /** stored only */
  echomode: number;
  /** stored only */
  dataformat: [send: number, recv: number];
  ssl: SslConfig | null;
}

export function freshConfig(): SessionConfig {
  return {
    keepalive: { value: 0, set: false },
    session: { value: 0, set: false },
    timeout: [0, 0, 0],
    will: { flag: 0, qos: 0, retain: 0, topic: null, message: null },
    version: { value: 0, set: false },
    aliauth: null,
    cloud: { type: 0, dataType: 0 },
    echomode: 0,
    dataformat: [0, 0],
    ssl: null,
  };
}

export const DEFAULT_KEEPALIVE = 120;
/** KEEPALIVE_RETRY_MAX in the SDK: more than this many unanswered PINGREQs is a link error */
export const KEEPALIVE_RETRY_MAX = 3;
/** MQTT_RECONN_MAX in the SDK */
export const RECONNECT_MAX = 3;

/** AT+ECMTCONN parameters (empty strings already turned into null, as the firmware does). */
export interface ConnParams {
  clientId: string | null;
  username: string | null;
  password: string | null;
}

/** What the module sent in CONNECT, and why. */
export interface ConnectChoice {
  clientId: string;
  username?: string;
  password?: string;
  reason: 'given' | 'credential-quirk' | 'cloud-eclipse' | 'aliauth';
}

/** The §2.2 rule: which client ID and credentials go into CONNECT. */
export function chooseCredentials(cfg: SessionConfig, p: ConnParams, profile: FirmwareProfile): ConnectChoice {
  if (cfg.aliauth) {
    const a = aliyunCredentials(cfg.aliauth);
    return { ...a, reason: 'aliauth' };
  }
  // cloud type 3 ("eclipse" in the SDK): client ID, user name and password are never used
  if (cfg.cloud.type === 3) return { clientId: '', reason: 'cloud-eclipse' };
  const all = p.clientId !== null && p.username !== null && p.password !== null;
  if (profile.quirks.credentialQuirk && !all) return { clientId: '', reason: 'credential-quirk' };
  const c: ConnectChoice = { clientId: p.clientId ?? '', reason: 'given' };
  if (p.username !== null) {
    c.username = p.username;
    if (p.password !== null) c.password = p.password;
  }
  return c;
}

/** The CONNECT packet for a context and AT+ECMTCONN parameters. */
export function buildConnect(cfg: SessionConfig, p: ConnParams, profile: FirmwareProfile): { packet: IConnectPacket; choice: ConnectChoice } {
  const choice = chooseCredentials(cfg, p, profile);
  const version = cfg.version.set ? cfg.version.value : 4;
  const packet: IConnectPacket = {
    cmd: 'connect',
    protocolId: version === 3 ? 'MQIsdp' : 'MQTT',
    protocolVersion: version === 3 ? 3 : 4,
    clean: (cfg.session.set ? cfg.session.value : 1) === 1,
    keepalive: cfg.keepalive.set ? cfg.keepalive.value : DEFAULT_KEEPALIVE,
    clientId: choice.clientId,
  };
  if (choice.username !== undefined) packet.username = choice.username;
  if (choice.password !== undefined) packet.password = Buffer.from(choice.password, 'utf8');
  const w = cfg.will;
  if (w.flag === 1 && w.topic) {
    packet.will = { topic: w.topic, payload: Buffer.from(w.message ?? '', 'utf8'), qos: w.qos as QoS, retain: w.retain === 1 };
  }
  return { packet, choice };
}

export type { SessionEvent };

/** What the session needs from the module around it. */
export interface SessionHost {
  readonly profile: FirmwareProfile;
  readonly clock: Clock;
  readonly reconnectDelayMs: number;
  readonly openTimeoutMs: number;
  readonly connect: ConnectHook;
  /** Print a URC. */
  urc(text: string): void;
  /** Print `+ECMTRECV: 0,<msgId>,"<topic>",<payload>` (the module's C-string rules applied by the host). */
  recv(msgId: number, topic: string, payload: Buffer): void;
  pdpActive(): boolean;
  resolve(host: string): Promise<string | null>;
  /** Faults: is this broker packet ignored? */
  brokerSilent(cmd: PacketCmd): boolean;
  /** Faults: is this received message lost? */
  dropIncoming(m: IncomingMessage): boolean;
  event(e: SessionEvent): void;
}

/** The immediate answer of a session action: OK (maybe with work to start after it), or CME 3. */
export type Answer = { ok: true; after?: () => void } | { ok: false };

const OK_SILENT: Answer = { ok: true };
const REFUSED: Answer = { ok: false };

export class EcmtSession {
  readonly #h: SessionHost;
  #state: SessionState = 'none';
  #cfg: SessionConfig | null = null;
  #target: { host: string; port: number } | null = null;
  #conn: ConnParams | null = null;
  #link: MqttLink | null = null;
  /** bumped whenever the context goes away: async work of an older token must not act */
  #token = 0;
  #retries = 0;
  #retryTimer: unknown = null;
  #kaTimer: unknown = null;
  #kaMissed = 0;
  #pendingSub = new Set<number>();
  #pendingUns = new Set<number>();
  #pendingPub = new Map<number, 1 | 2>();
  #received = 0;
  #disposed = false;

  constructor(host: SessionHost) {
    this.#h = host;
  }

  get state(): SessionState {
    return this.#state;
  }

  /** The context, or null when there is none. */
  get config(): SessionConfig | null {
    return this.#cfg;
  }

  /** Host and port of AT+ECMTOPEN, while the context lives. */
  get target(): { host: string; port: number } | null {
    return this.#target;
  }

  /** The context for AT+ECMTCFG (created when missing). */
  ensureConfig(): SessionConfig {
    if (!this.#cfg) {
      this.#cfg = freshConfig();
      if (this.#state === 'none') this.#setState('configured');
    }
    return this.#cfg;
  }

  /** The value AT+ECMTCONN? prints: 1 other, 2 connecting, 3 connected, 4 disconnected/closed; null without context. */
  connState(): number | null {
    switch (this.#state) {
      case 'none':
        return null;
      case 'connecting':
        return 2;
      case 'connected':
        return 3;
      default:
        return 1;
    }
  }

  // ---- AT actions ----

  open(host: string, port: number): Answer {
    if (['opening', 'opened', 'connecting', 'connected', 'reconnecting'].includes(this.#state)) return OK_SILENT;
    if (!this.#h.pdpActive()) return REFUSED;
    this.ensureConfig();
    this.#target = { host, port };
    this.#setState('opening');
    const token = this.#token;
    return { ok: true, after: () => void this.#doOpen(token) };
  }

  connect(p: ConnParams): Answer {
    if (this.#state === 'connecting' || this.#state === 'connected' || this.#state === 'reconnecting') return OK_SILENT;
    if (this.#state !== 'opened') return REFUSED;
    this.#conn = p;
    this.#retries = 0;
    this.#setState('connecting');
    const token = this.#token;
    return { ok: true, after: () => void this.#doConnect(token) };
  }

  subscribe(msgId: number, topic: string, qos: QoS): Answer {
    if (this.#state !== 'connected') return REFUSED;
    const link = this.#link;
    return {
      ok: true,
      after: () => {
        this.#pendingSub.add(msgId);
        void this.#send(link, { cmd: 'subscribe', messageId: msgId, subscriptions: [{ topic, qos }] }).then((sent) => {
          if (!sent && this.#link === link) {
            this.#pendingSub.delete(msgId);
            this.#h.urc(`+ECMTSUB: 0,${msgId},2,0`);
          }
        });
      },
    };
  }

  unsubscribe(msgId: number, topic: string): Answer {
    if (this.#state !== 'connected') return REFUSED;
    const link = this.#link;
    return {
      ok: true,
      after: () => {
        this.#pendingUns.add(msgId);
        void this.#send(link, { cmd: 'unsubscribe', messageId: msgId, unsubscriptions: [topic] }).then((sent) => {
          if (!sent && this.#link === link) {
            this.#pendingUns.delete(msgId);
            this.#h.urc(`+ECMTUNS: 0,${msgId},2`);
          }
        });
      },
    };
  }

  publish(msgId: number, qos: QoS, retain: boolean, topic: string, payload: Buffer): Answer {
    if (this.#state !== 'connected') return REFUSED;
    const link = this.#link;
    return {
      ok: true,
      after: () => {
        if (qos > 0) this.#pendingPub.set(msgId, qos as 1 | 2);
        const packet: Packet = { cmd: 'publish', topic, payload, qos, retain, dup: false, ...(qos > 0 ? { messageId: msgId } : {}) };
        void this.#send(link, packet).then((sent) => {
          if (this.#link !== link) return;
          if (!sent) {
            this.#pendingPub.delete(msgId);
            this.#h.urc(`+ECMTPUB: 0,${msgId},2`);
          } else if (qos === 0) this.#h.urc(`+ECMTPUB: 0,${msgId},0`);
        });
      },
    };
  }

  disconnect(): Answer {
    if (this.#state === 'none') return REFUSED;
    const token = this.#token;
    return { ok: true, after: () => void this.#doDisconnect(token) };
  }

  close(): Answer {
    if (!['opened', 'connecting', 'connected', 'reconnecting'].includes(this.#state)) return REFUSED;
    const token = this.#token;
    return {
      ok: true,
      after: () => {
        if (token !== this.#token) return;
        const link = this.#link;
        this.#free();
        link?.end('AT+ECMTCLOSE');
        this.#h.urc('+ECMTCLOSE: 0,0');
      },
    };
  }

  // ---- the world acting on the module ----

  /** Cut the broker connection as a network failure would. False when there was none. */
  dropLink(reason = 'link dropped (network failure)'): boolean {
    const link = this.#link;
    if (!link) return false;
    link.destroy(reason);
    return true;
  }

  /** Forget everything without a word (reboot, emulator closed). */
  destroy(): void {
    const link = this.#link;
    this.#free();
    link?.destroy('module reset');
    this.#disposed = true;
  }

  // ---- internals ----

  #setState(s: SessionState): void {
    if (this.#state === s) return;
    this.#state = s;
    this.#h.event({ type: 'state', state: s });
  }

  /** Drop the context: every pending piece of work of the old token becomes stale. */
  #free(): void {
    this.#token++;
    this.#stopKeepalive();
    if (this.#retryTimer !== null) this.#h.clock.clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    this.#link = null;
    this.#cfg = null;
    this.#target = null;
    this.#conn = null;
    this.#retries = 0;
    this.#pendingSub.clear();
    this.#pendingUns.clear();
    this.#pendingPub.clear();
    this.#setState('none');
  }

  #live(token: number): boolean {
    return !this.#disposed && token === this.#token;
  }

  async #doOpen(token: number): Promise<void> {
    const link = await this.#dial(token);
    if (!this.#live(token)) {
      link?.destroy('stale');
      return;
    }
    if (!link) {
      this.#free();
      this.#h.urc('+ECMTOPEN: 0,-1');
      return;
    }
    this.#link = link;
    this.#setState('opened');
    this.#h.urc('+ECMTOPEN: 0,0');
  }

  /** Resolve, connect (with a timeout) and run TLS when configured. Null when any step fails. */
  async #dial(token: number): Promise<MqttLink | null> {
    const target = this.#target;
    const cfg = this.#cfg;
    if (!target || !cfg) return null;
    const fail = (detail: string): null => {
      this.#h.event({ type: 'link', what: 'failed', detail });
      return null;
    };
    if (!this.#h.pdpActive()) return fail('PDN not active');
    const address = await this.#h.resolve(target.host);
    if (!this.#live(token)) return null;
    if (address === null) return fail(`DNS: cannot resolve ${target.host}`);
    this.#h.event({ type: 'link', what: 'connecting', detail: `${target.host} (${address}) port ${target.port}${cfg.ssl ? ' with TLS' : ''}` });
    let raw: Duplex | null = null;
    const connecting = (async (): Promise<Duplex> => {
      raw = await this.#h.connect({ host: target.host, address, port: target.port });
      if (!cfg.ssl) return raw;
      const tls = await tlsOptions(cfg.ssl, target.host);
      if (tls === null) return raw;
      if ('unsupported' in tls) {
        this.#h.event({ type: 'note', text: `emulator: ${tls.unsupported}; AT+ECMTOPEN fails` });
        throw new Error(tls.unsupported);
      }
      return tlsHandshake(raw, tls);
    })();
    let stream: Duplex;
    try {
      const r = await within(connecting, { timeoutMs: this.#h.openTimeoutMs, clock: this.#h.clock });
      if (r === null) {
        void connecting.then(
          (s) => s.destroy(),
          () => undefined,
        );
        return fail(`no connection after ${this.#h.openTimeoutMs} ms`);
      }
      stream = r;
    } catch (e) {
      (raw as Duplex | null)?.destroy();
      return fail(e instanceof Error ? e.message : String(e));
    }
    if (!this.#live(token)) {
      stream.destroy();
      return null;
    }
    const link: MqttLink = new MqttLink(stream, {
      onPacket: (p, size) => this.#onPacket(link, p, size),
      onSent: (p) => this.#h.event({ type: 'mqtt', dir: 'out', packet: p }),
      onClose: (reason) => this.#onLinkClosed(link, reason),
    });
    this.#h.event({ type: 'link', what: 'up', detail: `${target.host}:${target.port}` });
    return link;
  }

  async #doConnect(token: number): Promise<void> {
    if (!this.#live(token)) return;
    if (this.#h.profile.quirks.doubleConnUrc) {
      // EC626 field logs: the first CONNECT "could not be sent" (+ECMTCONN: 0,2,2), the module
      // reopens TCP by itself and the second attempt succeeds (+ECMTCONN: 0,0,<rc>).
      this.#h.urc('+ECMTCONN: 0,2,2');
      const old = this.#link;
      this.#link = null;
      old?.destroy('EC626: internal TCP reconnect after a failed CONNECT');
      const link = await this.#dial(token);
      if (!this.#live(token)) {
        link?.destroy('stale');
        return;
      }
      if (!link) {
        this.#setState('opened');
        return;
      }
      this.#link = link;
    }
    const link = this.#link;
    if (!link || !link.alive) {
      // no live socket (lost while opened, or after giving up reconnecting)
      this.#h.urc('+ECMTCONN: 0,2,2');
      this.#setState('opened');
      return;
    }
    const sent = await this.#sendConnect(link);
    if (!this.#live(token) || sent) return;
    // CONNECT could not be written: result 2, ret_code hard-coded 2 (not a broker verdict)
    this.#h.urc('+ECMTCONN: 0,2,2');
    if (this.#state === 'connecting') this.#setState('opened');
  }

  /** Write CONNECT on a link; on success the state is "connected" and keep-alive runs. */
  async #sendConnect(link: MqttLink): Promise<boolean> {
    const cfg = this.#cfg;
    if (!cfg) return false;
    const { packet, choice } = buildConnect(cfg, this.#conn ?? { clientId: null, username: null, password: null }, this.#h.profile);
    if (choice.reason === 'credential-quirk') {
      this.#h.event({ type: 'note', text: 'credential quirk: client ID, user name and password are not all non-empty, so CONNECT carries an empty client ID and no credentials' });
    } else if (choice.reason === 'cloud-eclipse') {
      this.#h.event({ type: 'note', text: 'cloud type 3: CONNECT carries no client ID and no credentials' });
    } else if (choice.reason === 'aliauth') {
      this.#h.event({ type: 'note', text: `aliauth: CONNECT with the computed client ID ${choice.clientId}` });
    }
    const sent = await link.send(packet);
    if (!sent || this.#link !== link) return false;
    this.#setState('connected');
    this.#startKeepalive(packet.keepalive ?? 0);
    return true;
  }

  async #doDisconnect(token: number): Promise<void> {
    if (!this.#live(token)) return;
    const link = this.#link;
    let result = 0;
    if (link && link.alive && this.#state === 'connected') {
      const sent = await link.send({ cmd: 'disconnect' });
      if (!sent) result = -1;
      if (!this.#live(token)) return;
    }
    this.#free();
    link?.end('AT+ECMTDISC');
    this.#h.urc(`+ECMTDISC: 0,${result}`);
  }

  #send(link: MqttLink | null, packet: Packet): Promise<boolean> {
    if (!link || this.#link !== link) return Promise.resolve(false);
    return link.send(packet);
  }

  #onPacket(link: MqttLink, p: Packet, size: number): void {
    if (this.#link !== link) return;
    this.#h.event({ type: 'mqtt', dir: 'in', packet: p });
    if (this.#h.brokerSilent(p.cmd)) {
      this.#h.event({ type: 'fault', kind: 'silence', detail: `ignored ${p.cmd.toUpperCase()} from the broker` });
      return;
    }
    switch (p.cmd) {
      case 'connack': {
        const rc = p.returnCode ?? p.reasonCode ?? 0;
        if (rc === 0) this.#retries = 0;
        this.#h.urc(`+ECMTCONN: 0,0,${rc}`);
        return;
      }
      case 'suback': {
        const id = p.messageId ?? 0;
        if (!this.#pendingSub.delete(id)) return;
        const granted = p.granted as number[];
        // EC616S: the value is the COUNT of return codes (always 1 here); a 0x80 failure is not an error
        const value = this.#h.profile.quirks.subValueIsCount ? granted.length : (granted[0] ?? 0);
        this.#h.urc(`+ECMTSUB: 0,${id},0,${value}`);
        return;
      }
      case 'unsuback': {
        const id = p.messageId ?? 0;
        if (this.#pendingUns.delete(id)) this.#h.urc(`+ECMTUNS: 0,${id},0`);
        return;
      }
      case 'puback': {
        const id = p.messageId ?? 0;
        if (this.#pendingPub.get(id) === 1) {
          this.#pendingPub.delete(id);
          this.#h.urc(`+ECMTPUB: 0,${id},0`);
        }
        return;
      }
      case 'pubrec': {
        const id = p.messageId ?? 0;
        if (this.#pendingPub.get(id) === 2) void link.send({ cmd: 'pubrel', messageId: id });
        return;
      }
      case 'pubcomp': {
        const id = p.messageId ?? 0;
        if (this.#pendingPub.get(id) === 2) {
          this.#pendingPub.delete(id);
          this.#h.urc(`+ECMTPUB: 0,${id},0`);
        }
        return;
      }
      case 'pubrel':
        void link.send({ cmd: 'pubcomp', messageId: p.messageId ?? 0 });
        return;
      case 'pingresp':
        this.#kaMissed = 0;
        return;
      case 'publish':
        this.#onPublish(link, p, size);
        return;
      default:
        return;
    }
  }

  #onPublish(link: MqttLink, p: Extract<Packet, { cmd: 'publish' }>, size: number): void {
    const payload = typeof p.payload === 'string' ? Buffer.from(p.payload, 'utf8') : Buffer.from(p.payload);
    const message: IncomingMessage = { topic: p.topic, payload, qos: p.qos, messageId: p.messageId ?? 0, index: 0 };
    if (size > this.#h.profile.limits.rxBuffer) {
      // the RX buffer (4 + 128 + 1024 bytes) cannot hold it: the module drops it silently, no ack
      this.#h.event({ type: 'incoming', message, outcome: 'dropped-rx-buffer' });
      return;
    }
    message.index = ++this.#received;
    const lost = this.#h.dropIncoming(message);
    if (!lost) this.#h.recv(message.messageId, p.topic, payload);
    if (p.qos === 1) void link.send({ cmd: 'puback', messageId: message.messageId });
    else if (p.qos === 2) void link.send({ cmd: 'pubrec', messageId: message.messageId });
    if (lost) this.#h.event({ type: 'fault', kind: 'drop-incoming', detail: `message ${message.index} on "${p.topic}" acknowledged but not printed` });
    this.#h.event({ type: 'incoming', message, outcome: lost ? 'dropped-fault' : 'printed' });
  }

  #onLinkClosed(link: MqttLink, reason: string): void {
    if (this.#link !== link) return;
    this.#link = null;
    this.#stopKeepalive();
    this.#pendingSub.clear();
    this.#pendingUns.clear();
    this.#pendingPub.clear();
    this.#h.event({ type: 'link', what: 'down', detail: reason });
    switch (this.#state) {
      case 'connected':
      case 'reconnecting':
        this.#h.urc('+ECMTSTAT: 0,1');
        this.#scheduleRetry();
        return;
      case 'opened':
        this.#h.urc('+ECMTSTAT: 0,1');
        return;
      default:
        // 'connecting': #doConnect sees the dead link and prints +ECMTCONN: 0,2,2
        return;
    }
  }

  #scheduleRetry(): void {
    if (this.#retries >= RECONNECT_MAX) {
      this.#retries = 0;
      this.#setState('opened');
      this.#h.event({ type: 'note', text: `gave up reconnecting after ${RECONNECT_MAX} retries` });
      this.#h.urc('+ECMTDISC: 0,0');
      return;
    }
    this.#retries++;
    this.#setState('reconnecting');
    const token = this.#token;
    this.#retryTimer = this.#h.clock.setTimeout(() => {
      this.#retryTimer = null;
      void this.#attempt(token);
    }, this.#h.reconnectDelayMs);
  }

  async #attempt(token: number): Promise<void> {
    if (!this.#live(token)) return;
    const link = await this.#dial(token);
    if (!this.#live(token)) {
      link?.destroy('stale');
      return;
    }
    if (!link) {
      this.#scheduleRetry();
      return;
    }
    this.#link = link;
    const sent = await this.#sendConnect(link);
    if (!sent && this.#live(token) && this.#link === link) link.destroy('CONNECT could not be sent');
  }

  #startKeepalive(seconds: number): void {
    this.#stopKeepalive();
    this.#kaMissed = 0;
    if (seconds <= 0) return;
    const tick = (): void => {
      this.#kaTimer = null;
      const link = this.#link;
      if (!link || this.#state !== 'connected') return;
      if (this.#kaMissed > KEEPALIVE_RETRY_MAX) {
        link.destroy(`keep-alive: ${this.#kaMissed} PINGREQs without PINGRESP`);
        return;
      }
      this.#kaMissed++;
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
